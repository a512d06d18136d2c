//! Brand colours: `#RRGGBB` parsing and WCAG 2.2 contrast, so the portal, emails and letters in a
//! tenant's colours stay readable (AA: 4.5:1 for text).
pub const AA: f64 = 4.5;

pub fn parse_hex(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.trim().trim_start_matches('#');
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

/// WCAG relative luminance of `#RRGGBB`.
pub fn luminance(hex: &str) -> Option<f64> {
    let (r, g, b) = parse_hex(hex)?;
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    Some(0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b))
}

/// The contrast ratio of two colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> Option<f64> {
    let (x, y) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if x > y { (x, y) } else { (y, x) };
    Some((hi + 0.05) / (lo + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        assert_eq!(parse_hex("#1A2b3C"), Some((0x1a, 0x2b, 0x3c)));
        for bad in ["", "#fff", "#12345g", "1234567"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
        let black_white = contrast("#000000", "#ffffff").unwrap();
        assert!((black_white - 21.0).abs() < 0.01);
        assert!(
            contrast("#0b5cad", "#ffffff").unwrap() >= AA,
            "the default brand reads on white"
        );
        assert!(contrast("#ffcc00", "#ffffff").unwrap() < AA, "yellow does not");
    }
}
