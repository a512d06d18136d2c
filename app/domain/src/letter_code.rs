//! The code a letter prints so the debtor can reach their payment page by typing: ten symbols of
//! Crockford's base32 (50 bits), shown as two groups of five. Typing is forgiving: case, spaces,
//! dashes, and the look-alikes O, I and L are read as 0, 1 and 1.

/// Crockford's alphabet: digits and letters without I, L, O and U.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const LEN: usize = 10;

/// The stored form of a typed code, or `None` when it cannot be one.
pub fn normalize(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(LEN);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\u{a0}' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        if out.len() == LEN {
            return None;
        }
        out.push(c);
    }
    (out.len() == LEN).then_some(out)
}

/// The printed form: `K7M2Q-9XD3F`.
pub fn display(code: &str) -> String {
    match (code.get(..LEN / 2), code.get(LEN / 2..)) {
        (Some(a), Some(b)) if code.len() == LEN => format!("{a}-{b}"),
        _ => code.to_string(),
    }
}

/// Builds a code from ten random alphabet indices (the caller supplies the randomness).
pub fn from_indices(indices: [u8; LEN]) -> String {
    indices.iter().map(|i| ALPHABET[usize::from(i % 32)] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_is_forgiving_but_strict_about_length_and_symbols() {
        let cases: &[(&str, Option<&str>)] = &[
            ("K7M2Q-9XD3F", Some("K7M2Q9XD3F")),
            ("k7m2q 9xd3f", Some("K7M2Q9XD3F")),
            (" K7M2Q9XD3F ", Some("K7M2Q9XD3F")),
            ("O1IL0-ABCDE", Some("01110ABCDE")),
            ("K7M2Q-9XD3", None),
            ("K7M2Q-9XD3FF", None),
            ("K7M2Q-9XD3U", None),
            ("K7M2Q/9XD3F", None),
            ("K7M2Q-9XD3É", None),
            ("", None),
        ];
        for (typed, want) in cases {
            assert_eq!(normalize(typed).as_deref(), *want, "{typed:?}");
        }
    }

    #[test]
    fn a_code_prints_in_two_groups_and_reads_back() {
        let code = from_indices([20, 7, 19, 2, 23, 9, 30, 13, 3, 15]);
        assert_eq!(code, "M7K2Q9YD3F");
        assert_eq!(display(&code), "M7K2Q-9YD3F");
        assert_eq!(normalize(&display(&code)).as_deref(), Some(code.as_str()));
    }
}
