//! Streaming reader for SWIFT MT940 statements, including the German (`?20` subfields) and Dutch (`/KEY/`)
//! layouts of the :86: field.
//!
//! Read line by line with a length cap, so neither a huge file nor a file without line breaks can
//! exhaust memory. Lines that are not UTF-8 are taken as Latin-1, which is what German banks still send.

use std::io::BufRead;

use chrono::{Datelike, NaiveDate};

use super::{
    compact_upper, end_to_end, iban_checksum_ok, non_empty, parse_cents, push_words, Format, StatementError,
    Transaction,
};

/// Far above the 65 characters SWIFT allows per line; only there to bound memory.
const MAX_LINE: usize = 16 * 1024;
/// A :86: field has at most 6 lines (German: 14 subfields of 27); beyond this the file is broken.
const MAX_FIELD: usize = 64 * 1024;

/// Dutch :86: keys. Values run until the next `/KEY/` with one of these keys; sub-keys of REMI
/// (USTD, STRD, CUR, ISSR) are deliberately absent so they stay inside the REMI value.
const NL_KEYS: &[&str] = &[
    "TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "CSID", "MARF", "RTRN", "CNTP", "ADDR", "ULTC", "ULTD", "ULTB",
    "PURP", "ORDP", "BENM", "ISDT", "SVCL", "EXCH", "CHGS", "RTYP", "ACCW", "IREF", "PREF", "CREF", "BUSP",
];

/// German purpose-line identifiers (DK format); a value runs until the next identifier.
const DE_IDENTIFIERS: &[&str] = &[
    "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "COAM+", "OAMT+", "IBAN+", "BIC+",
];

/// Parses an MT940 file (one or more statements); see [`super::parse`].
pub fn parse<R: BufRead>(
    reader: R,
    on_tx: impl FnMut(Transaction) -> Result<(), StatementError>,
) -> Result<(Format, usize), StatementError> {
    parse_from_line(reader, 1, on_tx)
}

/// Like [`parse`], for a reader whose first `first_line - 1` lines were already consumed (blank lines
/// skipped while sniffing), so that error messages still name the physical line.
pub(super) fn parse_from_line<R: BufRead>(
    mut reader: R,
    first_line: usize,
    on_tx: impl FnMut(Transaction) -> Result<(), StatementError>,
) -> Result<(Format, usize), StatementError> {
    let mut parser = Parser {
        on_tx,
        account: None,
        account_currency: None,
        currency: None,
        entry_no: 0,
        pending: None,
        pending_has_86: false,
        saw_tag: false,
        field_tag: String::new(),
        field_line: 0,
        field: String::with_capacity(512),
        in_field: false,
    };
    let mut raw = Vec::with_capacity(256);
    let mut line = String::with_capacity(256);
    let mut line_no = first_line.saturating_sub(1);
    loop {
        line_no += 1;
        if !read_line(&mut reader, &mut raw, line_no)? {
            break;
        }
        decode_line(&raw, &mut line);
        let mut s = line.as_str();
        if line_no == first_line {
            s = s.strip_prefix('\u{feff}').unwrap_or(s);
        }
        // SWIFT envelope: "{1:...}{2:...}{4:" opens the text block, "-}" (optionally followed by
        // trailer blocks) closes it.
        if s.starts_with('{') {
            match s.find("{4:") {
                Some(p) => s = &s[p + 3..],
                None => continue,
            }
            if s.trim().is_empty() {
                continue;
            }
        }
        if s.trim_end() == "-" || s.starts_with("-}") {
            parser.finish_field()?;
            parser.flush()?;
            continue;
        }
        if let Some((tag, rest)) = split_tag(s) {
            parser.finish_field()?;
            parser.saw_tag = true;
            parser.in_field = true;
            parser.field_tag.clear();
            parser.field_tag.push_str(tag);
            parser.field_line = line_no;
            parser.field.clear();
            parser.field.push_str(rest);
        } else if parser.in_field {
            if parser.field.len() + s.len() >= MAX_FIELD {
                return Err(StatementError::Line {
                    line: line_no,
                    message: "field too long".into(),
                });
            }
            parser.field.push('\n');
            parser.field.push_str(s);
        }
        // Anything before the first tag is a bank-specific preamble (e.g. ABN AMRO's "ABNANL2A / 940").
    }
    parser.finish_field()?;
    parser.flush()?;
    if !parser.saw_tag {
        return Err(StatementError::UnknownFormat);
    }
    Ok((Format::Mt940, parser.entry_no))
}

/// Reads one line without its terminator into `buf`; false at end of input.
fn read_line<R: BufRead>(reader: &mut R, buf: &mut Vec<u8>, line_no: usize) -> Result<bool, StatementError> {
    buf.clear();
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        };
        if available.is_empty() {
            return Ok(!buf.is_empty());
        }
        let (taken, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (available.len(), false),
        };
        if buf.len() + taken > MAX_LINE {
            return Err(StatementError::Line {
                line: line_no,
                message: format!("line longer than {MAX_LINE} bytes"),
            });
        }
        buf.extend_from_slice(&available[..taken]);
        reader.consume(if done { taken + 1 } else { taken });
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(true);
        }
    }
}

fn decode_line(raw: &[u8], out: &mut String) {
    out.clear();
    match std::str::from_utf8(raw) {
        Ok(s) => out.push_str(s),
        Err(_) => out.extend(raw.iter().map(|&b| char::from(b))),
    }
}

/// `:61:rest` -> ("61", "rest"). Tags are 2 or 3 characters of digits / capitals.
fn split_tag(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let tag = &rest[..end];
    let valid = (2..=3).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    valid.then(|| (tag, &rest[end + 1..]))
}

struct Parser<F> {
    on_tx: F,
    account: Option<String>,
    /// Currency suffix of :25:, used only when the statement has no opening balance.
    account_currency: Option<String>,
    currency: Option<String>,
    entry_no: usize,
    pending: Option<Transaction>,
    pending_has_86: bool,
    saw_tag: bool,
    field_tag: String,
    field_line: usize,
    field: String,
    in_field: bool,
}

impl<F: FnMut(Transaction) -> Result<(), StatementError>> Parser<F> {
    fn flush(&mut self) -> Result<(), StatementError> {
        match self.pending.take() {
            Some(tx) => (self.on_tx)(tx),
            None => Ok(()),
        }
    }

    fn line_error(&self, message: impl Into<String>) -> StatementError {
        StatementError::Line {
            line: self.field_line,
            message: message.into(),
        }
    }

    fn finish_field(&mut self) -> Result<(), StatementError> {
        if !self.in_field {
            return Ok(());
        }
        self.in_field = false;
        let content = std::mem::take(&mut self.field);
        let result = self.apply_field(&content);
        self.field = content;
        result
    }

    fn apply_field(&mut self, content: &str) -> Result<(), StatementError> {
        match self.field_tag.as_str() {
            "20" => {
                self.flush()?;
                self.account = None;
                self.account_currency = None;
                self.currency = None;
            }
            "25" => {
                let (account, currency) = parse_account(content);
                self.account = account;
                self.account_currency = currency;
            }
            "60F" | "60M" => {
                // [C|D] YYMMDD CCY amount
                let currency = content
                    .trim()
                    .get(7..10)
                    .filter(|c| c.bytes().all(|b| b.is_ascii_uppercase()));
                match currency {
                    Some(c) => self.currency = Some(c.to_owned()),
                    None => return Err(self.line_error(format!("invalid opening balance {:?}", content.trim()))),
                }
            }
            "61" => {
                self.flush()?;
                self.entry_no += 1;
                let tx = self.statement_line(content)?;
                self.pending = Some(tx);
                self.pending_has_86 = false;
            }
            // A second :86: for the same line, or one after :62F: (statement information), is not ours.
            "86" if !self.pending_has_86 => {
                if let Some(tx) = self.pending.as_mut() {
                    apply_86(tx, content);
                    self.pending_has_86 = true;
                }
            }
            "62F" | "62M" => self.flush()?,
            _ => {}
        }
        Ok(())
    }

    /// `:61:` YYMMDD [MMDD] (C|D|RC|RD) [funds code] amount type(4) customer-ref [//bank-ref] [\n details]
    fn statement_line(&self, content: &str) -> Result<Transaction, StatementError> {
        let first = content.lines().next().unwrap_or_default().trim_end();
        let b = first.as_bytes();
        let value_date = b
            .get(..6)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .and_then(|d| {
                let n = |i: usize| i32::from(d[i] - b'0') * 10 + i32::from(d[i + 1] - b'0');
                NaiveDate::from_ymd_opt(2000 + n(0), n(2).unsigned_abs(), n(4).unsigned_abs())
            })
            .ok_or_else(|| self.line_error(format!("invalid value date in {first:?}")))?;
        let mut i = 6;
        let mut booking_date = value_date;
        if let Some(md) = b.get(6..10).filter(|d| d.iter().all(u8::is_ascii_digit)) {
            let month = u32::from(md[0] - b'0') * 10 + u32::from(md[1] - b'0');
            let day = u32::from(md[2] - b'0') * 10 + u32::from(md[3] - b'0');
            booking_date = nearest_date(value_date, month, day)
                .ok_or_else(|| self.line_error(format!("invalid entry date in {first:?}")))?;
            i = 10;
        }
        let rest = &b[i.min(b.len())..];
        let (credit, reversal, mark_len) = if rest.starts_with(b"RC") {
            (false, true, 2)
        } else if rest.starts_with(b"RD") {
            (true, true, 2)
        } else if rest.starts_with(b"C") {
            (true, false, 1)
        } else if rest.starts_with(b"D") {
            (false, false, 1)
        } else {
            return Err(self.line_error(format!("expected C, D, RC or RD after the dates in {first:?}")));
        };
        i += mark_len;
        if b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            i += 1; // funds code: last letter of the currency code
        }
        let amount_len = b[i.min(b.len())..]
            .iter()
            .take_while(|&&c| c.is_ascii_digit() || c == b',')
            .count();
        let amount = first.get(i..i + amount_len).unwrap_or_default();
        if amount.is_empty() {
            return Err(self.line_error(format!("missing amount in {first:?}")));
        }
        let amount_cents = parse_cents(amount, b',').map_err(|m| self.line_error(m))?;
        i += amount_len;
        let tx_type = b.get(i..i + 4);
        if !tx_type.is_some_and(|t| matches!(t[0], b'N' | b'F' | b'S') && t[1..].iter().all(u8::is_ascii_alphanumeric))
        {
            return Err(self.line_error(format!("missing transaction type (e.g. NTRF) in {first:?}")));
        }
        i += 4;
        let refs = first.get(i..).unwrap_or_default();
        let bank_ref = refs.split_once("//").and_then(|(_, bank)| non_empty(bank));
        let currency = match self.currency.as_ref().or(self.account_currency.as_ref()) {
            Some(c) => c.clone(),
            None => return Err(self.line_error("currency unknown: no :60F: opening balance before this line")),
        };
        Ok(Transaction {
            entry_no: self.entry_no,
            tx_index: 0,
            account_iban: self.account.clone(),
            amount_cents,
            currency,
            credit,
            reversal,
            booked: true,
            booking_date: Some(booking_date),
            value_date: Some(value_date),
            bank_ref,
            ..Transaction::default()
        })
    }
}

/// The entry date has no year: take the one closest to the value date (bookings around New Year).
fn nearest_date(value_date: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let year = value_date.year();
    [year - 1, year, year + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .min_by_key(|d| (*d - value_date).num_days().abs())
}

/// `:25:` holds an IBAN, an IBAN with currency suffix, or a domestic "BLZ/account" we cannot use as IBAN.
fn parse_account(content: &str) -> (Option<String>, Option<String>) {
    let compact = compact_upper(content);
    if iban_checksum_ok(&compact) {
        return (Some(compact), None);
    }
    // A currency suffix is three ASCII letters, so the split falls on a character boundary.
    if let Some((head, tail)) = compact
        .len()
        .checked_sub(3)
        .filter(|&at| at > 0 && compact.is_char_boundary(at))
        .map(|at| compact.split_at(at))
    {
        if tail.bytes().all(|b| b.is_ascii_uppercase()) {
            let currency = Some(tail.to_owned());
            if iban_checksum_ok(head) || looks_like_iban(head) {
                return (Some(head.to_owned()), currency);
            }
            return (None, currency);
        }
    }
    if looks_like_iban(&compact) {
        return (Some(compact), None);
    }
    (None, None)
}

/// Shape only (country letters, check digits, alphanumerics); for data where a wrong checksum is the
/// bank's problem, not a reason to drop the field.
fn looks_like_iban(s: &str) -> bool {
    let b = s.as_bytes();
    (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric)
}

fn apply_86(tx: &mut Transaction, content: &str) {
    let b = content.as_bytes();
    if b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b'?' {
        // Subfields are wrapped at arbitrary positions, so lines are glued back without separator.
        let joined: String = content.split('\n').collect();
        apply_german(tx, &joined);
    } else if is_dutch(content) {
        let joined: String = content.split('\n').collect();
        apply_dutch(tx, &joined);
    } else {
        push_words(&mut tx.free_text, content);
    }
}

fn apply_german(tx: &mut Transaction, joined: &str) {
    let mut purpose = String::new();
    let mut name = String::new();
    for (code, value) in german_subfields(joined) {
        match code {
            20..=29 | 60..=63 => purpose.push_str(value),
            31 => {
                let iban = compact_upper(value);
                if looks_like_iban(&iban) {
                    tx.debtor_iban = Some(iban);
                }
            }
            32 | 33 => name.push_str(value),
            _ => {}
        }
    }
    tx.debtor_name = non_empty(&name);
    let mut marks: Vec<(usize, &str)> = Vec::new();
    for id in DE_IDENTIFIERS {
        marks.extend(purpose.match_indices(id).map(|(pos, _)| (pos, *id)));
    }
    marks.sort_unstable();
    let leading = &purpose[..marks.first().map_or(purpose.len(), |m| m.0)];
    let mut svwz = None;
    for (n, &(pos, id)) in marks.iter().enumerate() {
        let end = marks.get(n + 1).map_or(purpose.len(), |m| m.0);
        let value = purpose.get(pos + id.len()..end).unwrap_or_default();
        match id {
            "EREF+" => tx.end_to_end_id = end_to_end(value),
            "SVWZ+" => svwz = Some(value),
            _ => {}
        }
    }
    push_words(&mut tx.free_text, svwz.unwrap_or(leading));
}

/// `?NN` subfields of the German layout as (NN, value), the 3-digit GVC before the first `?` skipped.
fn german_subfields(s: &str) -> Vec<(u8, &str)> {
    let b = s.as_bytes();
    let starts: Vec<usize> = (0..b.len())
        .filter(|&i| b[i] == b'?' && b.get(i + 1..i + 3).is_some_and(|d| d.iter().all(u8::is_ascii_digit)))
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let end = starts.get(n + 1).copied().unwrap_or(b.len());
            let code = (b[i + 1] - b'0') * 10 + (b[i + 2] - b'0');
            (code, s.get(i + 3..end).unwrap_or_default())
        })
        .collect()
}

fn nl_key_at(s: &str, slash: usize) -> Option<&'static str> {
    let after = s.get(slash + 1..)?;
    NL_KEYS
        .iter()
        .copied()
        .find(|k| after.starts_with(k) && after[k.len()..].starts_with('/'))
}

fn is_dutch(content: &str) -> bool {
    let t = content.trim_start();
    t.starts_with('/') && nl_key_at(t, 0).is_some()
}

fn apply_dutch(tx: &mut Transaction, joined: &str) {
    let s = joined.trim();
    let marks: Vec<(usize, &str)> = s
        .match_indices('/')
        .filter_map(|(pos, _)| nl_key_at(s, pos).map(|key| (pos, key)))
        .collect();
    for (n, &(pos, key)) in marks.iter().enumerate() {
        let end = marks.get(n + 1).map_or(s.len(), |m| m.0);
        let mut value = s.get(pos + key.len() + 2..end).unwrap_or_default();
        if n + 1 == marks.len() {
            value = value.strip_suffix('/').unwrap_or(value);
        }
        match key {
            "NAME" => tx.debtor_name = non_empty(value),
            "IBAN" => tx.debtor_iban = non_empty(&compact_upper(value)),
            "EREF" => tx.end_to_end_id = end_to_end(value),
            "RTRN" => tx.return_reason = non_empty(value.split('/').next().unwrap_or_default()),
            "REMI" => {
                if let Some(text) = value.strip_prefix("USTD/") {
                    push_words(&mut tx.free_text, text.strip_prefix('/').unwrap_or(text));
                } else if let Some(strd) = value.strip_prefix("STRD/") {
                    let reference = strd.strip_prefix("CUR/").unwrap_or(strd);
                    tx.structured_ref = non_empty(&compact_upper(reference.split('/').next().unwrap_or_default()));
                } else {
                    push_words(&mut tx.free_text, value);
                }
            }
            "CNTP" => {
                // ING: /CNTP/account/BIC/name/city/
                let mut parts = value.split('/');
                let iban = compact_upper(parts.next().unwrap_or_default());
                if tx.debtor_iban.is_none() && !iban.is_empty() {
                    tx.debtor_iban = Some(iban);
                }
                let name = parts.nth(1).unwrap_or_default();
                if tx.debtor_name.is_none() {
                    tx.debtor_name = non_empty(name);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const DE: &str = include_str!("fixtures/mt940_de.sta");
    const NL: &str = include_str!("fixtures/mt940_nl.sta");

    use crate::statements::test_support::{collect_with, date};

    fn collect(input: &str) -> Result<(Format, usize, Vec<Transaction>), StatementError> {
        collect_with(input, |r, f| parse(r, f))
    }

    #[test]
    fn german_layout() {
        let (format, entries, txs) = collect(DE).unwrap();
        assert_eq!((format, entries, txs.len()), (Format::Mt940, 4, 4));
        let t = &txs[0];
        assert_eq!(t.entry_no, 1);
        assert_eq!(t.account_iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!((t.amount_cents, t.currency.as_str()), (12_550, "EUR"));
        assert!(t.credit && !t.reversal && t.booked);
        assert_eq!(t.value_date, date("2026-01-05"));
        assert_eq!(t.booking_date, date("2026-01-05"));
        assert_eq!(t.bank_ref.as_deref(), Some("BANKREF0001"));
        assert_eq!(t.end_to_end_id.as_deref(), Some("E2E123"));
        assert_eq!(t.free_text, "RF18539007547034 Rechnung 2026-0001");
        assert_eq!(
            t.debtor_iban.as_deref(),
            Some("DE89370400440532013000"),
            "IBAN wrapped over two lines"
        );
        assert_eq!(t.debtor_name.as_deref(), Some("Max Mustermann"));
        assert_eq!(t.structured_ref, None);

        let d = &txs[1];
        assert!(!d.credit && !d.reversal);
        assert_eq!(d.amount_cents, 1_999);
        assert_eq!(d.end_to_end_id.as_deref(), Some("ABO-2026-01"));
        assert_eq!(d.free_text, "Abo Januar");

        let r = &txs[2];
        assert!(
            r.reversal && !r.credit,
            "RC is the reversal of a credit, booked as a debit"
        );
        assert_eq!(r.free_text, "Retoure AC04 Konto erloschen");

        // Second statement in the same file: no entry date, no bank reference, plain multi-line :86:.
        let p = &txs[3];
        assert_eq!(p.entry_no, 4);
        assert_eq!(p.booking_date, date("2026-01-08"));
        assert_eq!(p.bank_ref, None);
        assert_eq!(p.free_text, "Einzahlung Bar Filiale Mitte");
        assert_eq!(p.amount_cents, 5_000);
    }

    #[test]
    fn dutch_layout() {
        let (format, entries, txs) = collect(NL).unwrap();
        assert_eq!((format, entries, txs.len()), (Format::Mt940, 4, 4));
        let t = &txs[0];
        assert_eq!(
            t.account_iban.as_deref(),
            Some("NL91ABNA0417164300"),
            "currency suffix removed"
        );
        assert_eq!((t.amount_cents, t.currency.as_str()), (123_456, "EUR"));
        assert_eq!(t.debtor_iban.as_deref(), Some("NL20INGB0001234567"));
        assert_eq!(t.debtor_name.as_deref(), Some("J. Jansen"));
        assert_eq!(t.free_text, "RF18539007547034 factuur 2026-0001");
        assert_eq!(t.end_to_end_id, None);
        assert_eq!(t.bank_ref.as_deref(), Some("00060106123456"));

        let s = &txs[1];
        assert_eq!(s.structured_ref.as_deref(), Some("5000056789012345"));
        assert_eq!(
            s.end_to_end_id.as_deref(),
            Some("INV-2026-0007"),
            "multi-line :86: glued back"
        );
        assert_eq!(s.debtor_name.as_deref(), Some("Max Mustermann"));
        assert_eq!(s.free_text, "");

        let d = &txs[2];
        assert!(!d.credit && !d.reversal);
        assert_eq!(d.amount_cents, 4_200);

        let r = &txs[3];
        assert!(r.reversal && !r.credit);
        assert_eq!(r.return_reason.as_deref(), Some("AC04"));
        assert_eq!(r.end_to_end_id.as_deref(), Some("INV-2026-0007"));
    }

    #[test]
    fn bad_statement_line_names_the_line() {
        let broken = NL.replace(":61:260107D42,00", ":61:260107X42,00");
        let err = collect(&broken).unwrap_err();
        assert!(matches!(err, StatementError::Line { line: 15, .. }), "{err}");
        let broken = NL.replace(":61:260107D42,00", ":61:260107D42,001");
        assert!(matches!(
            collect(&broken).unwrap_err(),
            StatementError::Line { line: 15, .. }
        ));
        let broken = NL.replace(":61:260107D42,00NTRF", ":61:260107D,00NTRF");
        assert!(matches!(
            collect(&broken).unwrap_err(),
            StatementError::Line { line: 15, .. }
        ));
        let broken = NL.replace(":61:260107D42,00", ":61:261307D42,00");
        assert!(matches!(
            collect(&broken).unwrap_err(),
            StatementError::Line { line: 15, .. }
        ));
    }

    #[test]
    fn latin1_and_crlf() {
        let mut bytes = DE.replace('\n', "\r\n").into_bytes();
        let pos = bytes.windows(14).position(|w| w == b"Max Mustermann").unwrap();
        bytes[pos + 1] = 0xE4; // "Mäx" in Latin-1
        let mut txs = Vec::new();
        parse(&bytes[..], |tx| {
            txs.push(tx);
            Ok(())
        })
        .unwrap();
        assert_eq!(txs[0].debtor_name.as_deref(), Some("Mäx Mustermann"));
        assert_eq!(txs[0].free_text, "RF18539007547034 Rechnung 2026-0001");
    }

    #[test]
    fn entry_date_across_new_year() {
        let file = ":20:X\n:25:NL91ABNA0417164300\n:60F:C251231EUR0,00\n:61:2512310102C1,00NTRFNONREF\n-\n";
        let (_, _, txs) = collect(file).unwrap();
        assert_eq!(txs[0].value_date, date("2025-12-31"));
        assert_eq!(txs[0].booking_date, date("2026-01-02"));
        assert_eq!(txs[0].account_iban.as_deref(), Some("NL91ABNA0417164300"));
    }

    #[test]
    fn missing_currency_is_an_error() {
        let file = ":20:X\n:25:12345678/0000000001\n:61:260101C1,00NTRFNONREF\n";
        let err = collect(file).unwrap_err();
        assert!(matches!(err, StatementError::Line { line: 3, .. }), "{err}");
    }

    #[test]
    fn overlapping_statements_share_keys() {
        let (_, _, all) = collect(NL).unwrap();
        // The same day's statement sent again, starting at the third booking.
        let start = NL.find(":61:260107D42").unwrap();
        let header_end = NL.find(":61:").unwrap();
        let again = format!("{}{}", &NL[..header_end], &NL[start..]);
        let (_, _, part) = collect(&again).unwrap();
        assert_eq!(part[0].entry_no, 1);
        assert_eq!(part[0].dedup_key(), all[2].dedup_key());
        assert_eq!(part[1].dedup_key(), all[3].dedup_key());
    }

    #[test]
    fn account_forms() {
        assert_eq!(
            parse_account("NL91ABNA0417164300EUR"),
            (Some("NL91ABNA0417164300".into()), Some("EUR".into()))
        );
        assert_eq!(
            parse_account("DE89 3704 0044 0532 0130 00"),
            (Some("DE89370400440532013000".into()), None)
        );
        assert_eq!(parse_account("37040044/0532013000"), (None, None));
    }

    #[test]
    fn no_tags_is_unknown() {
        assert!(matches!(
            collect("just some text\n"),
            Err(StatementError::UnknownFormat)
        ));
    }

    #[test]
    fn overlong_line_is_refused() {
        let file = format!(":20:X\n:86:{}\n", "a".repeat(MAX_LINE + 10));
        assert!(matches!(collect(&file), Err(StatementError::Line { line: 2, .. })));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "(:61:|:86:|:20:|:60F:|[0-9CDR,N?/ A-Z\n]){0,60}") {
            let _ = collect(&s);
        }

        #[test]
        fn statement_line_fuzz_never_panics(s in "[0-9]{0,10}(C|D|RC|RD|X)?[A-Z]?[0-9,]{0,8}[A-Z]{0,4}.{0,20}") {
            let _ = collect(&format!(":20:X\n:60F:C260101EUR0,00\n:61:{s}\n:86:{s}\n"));
        }
    }
}
