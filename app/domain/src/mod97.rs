//! ISO 7064 mod 97-10, computed digit by digit so references of any length never overflow.

/// Letters count as 10..35 (A..Z), digits as themselves; None for any other character.
pub(crate) fn remainder(s: &str) -> Option<u32> {
    let mut r: u32 = 0;
    for c in s.chars() {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return None,
        };
        r = if v >= 10 { (r * 100 + v) % 97 } else { (r * 10 + v) % 97 };
    }
    Some(r)
}
