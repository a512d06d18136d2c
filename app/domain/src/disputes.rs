//! Disputes as a debtor raises them: the reasons on offer, the limits of the text, and what an
//! attachment may be, recognised by its content (never by its name or the browser's word).

pub const REASONS: [&str; 4] = ["amount_wrong", "already_paid", "not_received", "other"];
pub const MAX_TEXT: usize = 2000;
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// The media type of an allowed attachment (PDF, JPEG, PNG) by its first bytes; None otherwise.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// A file name fit to show back: the last path segment, printable characters only, at most 100.
pub fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(100).collect();
    if clean.trim().is_empty() {
        "attachment".to_string()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_known_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"<html><script>"), None, "an HTML file named .pdf stays out");
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_shown_back_are_plain() {
        assert_eq!(display_name("C:\\Users\\jan\\factuur.pdf"), "factuur.pdf");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(display_name(""), "attachment");
    }
}
