//! Free text a person or a creditor's system types that Settle shows back (names, address
//! lines, descriptions, notes): one rule. Trimmed; required or not; at most `max` characters;
//! no control characters (newlines and tabs only where a block allows them) and no bidirectional
//! overrides or isolates (U+202A-U+202E, U+2066-U+2069), which make a name read differently
//! from what it is ("Trojan source" spoofing in the back office, on letters, in CSV files).
//! Every script, combining marks and emoji are welcome.

/// Why a text was refused: a stable code the UI translates.
pub const REQUIRED: &str = "required";
pub const TOO_LONG: &str = "too_long";
pub const CHARACTERS: &str = "characters_invalid";

/// Characters that reorder what is shown around them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn check(v: &str, max: usize, required: bool, newlines: bool) -> Result<String, &'static str> {
    let v = v.trim();
    if v.is_empty() {
        return if required { Err(REQUIRED) } else { Ok(String::new()) };
    }
    if v.chars().count() > max {
        return Err(TOO_LONG);
    }
    // Tabs come with text pasted from a spreadsheet or an email: fine where lines are.
    let bad = |c: char| (c.is_control() && !(newlines && matches!(c, '\n' | '\r' | '\t'))) || is_bidi_control(c);
    if v.chars().any(bad) {
        return Err(CHARACTERS);
    }
    Ok(v.to_string())
}

/// One line (a name, a description): trimmed, not empty, at most `max` characters.
pub fn line(v: &str, max: usize) -> Result<String, &'static str> {
    check(v, max, true, false)
}

/// One line that may be left empty.
pub fn optional_line(v: &str, max: usize) -> Result<String, &'static str> {
    check(v, max, false, false)
}

/// Several lines that must not be left empty (a dispute's text, a note).
pub fn required_block(v: &str, max: usize) -> Result<String, &'static str> {
    check(v, max, true, true)
}

/// Several lines (a note, a footer) that may be left empty.
pub fn block(v: &str, max: usize) -> Result<String, &'static str> {
    check(v, max, false, true)
}

/// A checked text, or (when refused) its code noted at `field` in a form's errors and an empty
/// text in its place: the forms and the API collect every field's error before answering.
pub fn or_note(
    checked: Result<String, &'static str>,
    errors: &mut std::collections::BTreeMap<String, String>,
    field: impl Into<String>,
) -> String {
    checked.unwrap_or_else(|code| {
        errors.insert(field.into(), code.to_string());
        String::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_combining_marks_and_emoji_pass_as_typed() {
        for name in [
            "Zoë de Vries-Ünal",
            "محمد العلي",
            "שרה כהן",
            "Ñ\u{0303}\u{0301}oño",
            "👩‍👩‍👧 Jansen",
            "<script>alert(1)</script>",
        ] {
            assert_eq!(line(&format!("  {name} "), 200).as_deref(), Ok(name));
        }
    }

    #[test]
    fn empty_over_long_controls_and_reordering_are_refused_with_their_code() {
        assert_eq!(line("   ", 10), Err(REQUIRED));
        assert_eq!(optional_line("   ", 10).as_deref(), Ok(""));
        assert_eq!(line(&"é".repeat(11), 10), Err(TOO_LONG));
        assert_eq!(line(&"é".repeat(10), 10).map(|s| s.chars().count()), Ok(10));
        assert_eq!(line("a\u{0}b", 10), Err(CHARACTERS));
        assert_eq!(line("a\nb", 10), Err(CHARACTERS));
        assert_eq!(block("a\nb", 10).as_deref(), Ok("a\nb"));
        assert_eq!(block("a\tb", 10).as_deref(), Ok("a\tb"));
        assert_eq!(line("a\tb", 10), Err(CHARACTERS));
        assert_eq!(block("a\u{7}b", 10), Err(CHARACTERS));
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert_eq!(line(&format!("Jan{c}gnp.exe"), 50), Err(CHARACTERS), "{c:?}");
            assert_eq!(block(&format!("Jan{c}"), 50), Err(CHARACTERS), "{c:?}");
        }
    }
}
