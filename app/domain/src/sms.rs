//! SMS text encoding (GSM 03.38 7-bit or UCS-2) and segment counting, so a reminder's cost
//! is known before it is sent and the editor can warn when one accent doubles the bill.

/// GSM-7 packs 160 characters into one message; anything outside its alphabet makes the
/// whole message UCS-2, which fits only 70.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

/// How a text will travel. `units` are septets for GSM-7 (an extension character such as
/// `€` takes two) and UTF-16 code units for UCS-2 (an emoji takes two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Segments {
    pub encoding: Encoding,
    pub units: usize,
    pub count: usize,
}

const GSM7_SINGLE: usize = 160;
/// Concatenated messages lose 7 septets of each segment to the user data header.
const GSM7_PART: usize = 153;
const UCS2_SINGLE: usize = 70;
const UCS2_PART: usize = 67;

/// The GSM 03.38 default alphabet, excluding the escape code 0x1B. Letters with accents
/// that look equally common (ê, ë, ï, á, ó, ú, í, ç) are deliberately absent: the standard
/// does not have them.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The basic extension table: each is sent as ESC plus one septet.
const EXTENSION: &str = "\u{0C}^{}\\[~]|€";

/// Septets for one character in GSM-7, or `None` if it cannot be sent in GSM-7 at all.
fn gsm7_septets(c: char) -> Option<usize> {
    // ASCII letters, digits and spaces are nearly every character of a reminder; they
    // short-circuit the scan of the table.
    if c.is_ascii_alphanumeric() || c == ' ' || BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

pub fn encoding(text: &str) -> Encoding {
    if text.chars().all(|c| gsm7_septets(c).is_some()) {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// Segments counted the way handsets reassemble them: an escaped GSM-7 character and a
/// UTF-16 surrogate pair are never split across two segments, so when one does not fit in
/// what is left of a segment it starts the next one.
///
/// The empty text counts as one segment of zero units: a provider bills a message per send
/// however short, and the caller refusing empty bodies is a separate rule.
pub fn segments(text: &str) -> Segments {
    let encoding = encoding(text);
    let (single, part) = match encoding {
        Encoding::Gsm7 => (GSM7_SINGLE, GSM7_PART),
        Encoding::Ucs2 => (UCS2_SINGLE, UCS2_PART),
    };
    let width = |c: char| match encoding {
        Encoding::Gsm7 => gsm7_septets(c).unwrap_or(1),
        Encoding::Ucs2 => c.len_utf16(),
    };
    let units: usize = text.chars().map(width).sum();
    if units <= single {
        return Segments {
            encoding,
            units,
            count: 1,
        };
    }
    let (mut count, mut used) = (1, 0);
    for w in text.chars().map(width) {
        if used + w > part {
            count += 1;
            used = 0;
        }
        used += w;
    }
    Segments { encoding, units, count }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(s: &str, n: usize) -> String {
        s.repeat(n)
    }

    #[test]
    fn counts_segments() {
        let emoji = "\u{1F600}";
        let cases: Vec<(String, Encoding, usize, usize)> = vec![
            (String::new(), Encoding::Gsm7, 0, 1),
            ("Hello".into(), Encoding::Gsm7, 5, 1),
            (rep("a", 160), Encoding::Gsm7, 160, 1),
            (rep("a", 161), Encoding::Gsm7, 161, 2),
            (rep("a", 306), Encoding::Gsm7, 306, 2),
            (rep("a", 307), Encoding::Gsm7, 307, 3),
            ("€".into(), Encoding::Gsm7, 2, 1),
            (rep("€", 80), Encoding::Gsm7, 160, 1),
            (rep("€", 81), Encoding::Gsm7, 162, 2),
            (rep("ő", 70), Encoding::Ucs2, 70, 1),
            (rep("ő", 71), Encoding::Ucs2, 71, 2),
            (rep("ő", 134), Encoding::Ucs2, 134, 2),
            (rep("ő", 135), Encoding::Ucs2, 135, 3),
            (emoji.into(), Encoding::Ucs2, 2, 1),
            (format!("Hi {emoji}"), Encoding::Ucs2, 5, 1),
            (rep(emoji, 35), Encoding::Ucs2, 70, 1),
            // 152 + 2 would cross the 153 boundary, so the € opens segment two; 2 + 152 then
            // overflows it, where a plain septet count would say 2.
            (format!("{}€{}", rep("a", 152), rep("a", 152)), Encoding::Gsm7, 306, 3),
            (format!("{}€{}", rep("a", 151), rep("a", 151)), Encoding::Gsm7, 304, 2),
            (
                format!("{}{emoji}{}", rep("ő", 66), rep("ő", 66)),
                Encoding::Ucs2,
                134,
                3,
            ),
            (
                format!("{}{emoji}{}", rep("ő", 65), rep("ő", 65)),
                Encoding::Ucs2,
                132,
                2,
            ),
        ];
        for (text, enc, units, count) in cases {
            let got = segments(&text);
            assert_eq!(
                got,
                Segments {
                    encoding: enc,
                    units,
                    count
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn classifies_the_alphabet() {
        let gsm7 = [
            "Sehr geehrte Frau Müller, bitte überweisen Sie 12,50 € bis zum 3. Mai. Grüße",
            "ÄÖÜäöüß",
            "Beste meneer, uw factuur van € 40,00 staat nog open. Café één.",
            "àèéùìòÇØøÅåÆæßÉÄÖÑÜ§¿¡£¥ñ",
            "[]{}\\~^|€",
            "@$#%&*()!?\"'<>=+-_/:;.,\n\r",
        ];
        for t in gsm7 {
            assert_eq!(encoding(t), Encoding::Gsm7, "{t:?}");
        }
        let ucs2 = [
            "Het bedrag is geïnd",
            "ê",
            "ë",
            "ï",
            "ó",
            "á",
            "ú",
            "í",
            "ç",
            "ő",
            "`",
            "Здравствуйте",
            "Bedankt \u{1F44D}",
        ];
        for t in ucs2 {
            assert_eq!(encoding(t), Encoding::Ucs2, "{t:?}");
        }
    }

    #[test]
    fn extension_characters_take_two_septets() {
        assert_eq!(segments("[x]").units, 5);
        assert_eq!(segments("a€b").units, 4);
    }
}
