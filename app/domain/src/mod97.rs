//! ISO 7064 mod 97-10 as used by IBAN and ISO 11649 RF references, computed digit by digit.

/// Remainder of the number the string spells, letters counting as 10..35 (A..Z).
/// Streaming keeps the intermediate below 97 * 100, so no input length can overflow.
/// None for any character other than 0-9 and A-Z.
pub(crate) fn remainder(s: &str) -> Option<u32> {
    let mut r: u32 = 0;
    for c in s.chars() {
        r = match c {
            '0'..='9' => (r * 10 + (c as u32 - '0' as u32)) % 97,
            'A'..='Z' => (r * 100 + (c as u32 - 'A' as u32 + 10)) % 97,
            _ => return None,
        };
    }
    Some(r)
}

/// Check digits for `body` under `prefix` (e.g. "NL" or "RF"): 98 minus the remainder of
/// body + prefix + "00", so always 02..=98.
pub(crate) fn check_digits(body: &str, prefix: &str) -> Option<u32> {
    remainder(&format!("{body}{prefix}00")).map(|r| 98 - r)
}

/// Whether `code` ("NL91ABNA...", "RF18...") carries the check digits its body demands.
/// Comparing with the recomputed digits, rather than testing for remainder 1, also refuses
/// "00", "01" and "99": those pass the bare remainder test for some bodies, but no issuer
/// ever produces them, so they can only come from a typo.
pub(crate) fn has_valid_check_digits(code: &str) -> bool {
    let (Some(prefix), Some(digits), Some(body)) = (code.get(..2), code.get(2..4), code.get(4..)) else {
        return false;
    };
    match (digits.parse::<u32>(), check_digits(body, prefix)) {
        (Ok(given), Some(expected)) => digits.bytes().all(|b| b.is_ascii_digit()) && given == expected,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remainder_matches_arithmetic_on_numbers_that_fit() {
        for n in [0u64, 1, 96, 97, 98, 123_456_789, 9_999_999_999_999_999] {
            assert_eq!(remainder(&n.to_string()), Some((n % 97) as u32), "{n}");
        }
    }

    #[test]
    fn letters_count_as_two_digits() {
        assert_eq!(remainder("A"), Some(10));
        assert_eq!(remainder("Z"), Some(35));
        assert_eq!(remainder("1B"), remainder("111"));
    }

    #[test]
    fn very_long_inputs_do_not_overflow() {
        assert!(remainder(&"Z".repeat(10_000)).is_some());
    }

    #[test]
    fn anything_but_digits_and_capitals_has_no_remainder() {
        assert_eq!(remainder("12a"), None);
        assert_eq!(remainder("1 2"), None);
        assert_eq!(remainder("É"), None);
    }

    #[test]
    fn check_digits_are_always_between_02_and_98() {
        for n in 0..2_000u32 {
            let cd = check_digits(&n.to_string(), "RF");
            assert!(cd.is_some_and(|d| (2..=98).contains(&d)), "{n}: {cd:?}");
        }
    }

    #[test]
    fn non_canonical_check_digits_are_refused_even_when_the_remainder_is_one() {
        // A body whose true check digits are 97 or 98 also has remainder 1 with 00 or 01.
        let (body, cd) = (0..10_000u32)
            .map(|n| n.to_string())
            .find_map(|b| check_digits(&b, "RF").filter(|d| *d >= 97).map(|d| (b, d)))
            .unwrap();
        let alias = format!("RF{:02}{body}", cd - 97);
        assert_eq!(remainder(&format!("{body}{}", &alias[..4])), Some(1));
        assert!(!has_valid_check_digits(&alias));
        assert!(has_valid_check_digits(&format!("RF{cd}{body}")));
    }
}
