//! Bank statement import (camt.053 / camt.054 / MT940) into one flat `Transaction` shape, and the refund export.
//!
//! Parsers stream: memory stays bounded by the size of one entry, never by the size of the file, so a
//! year of statements can be uploaded without the server holding it in memory.

pub mod camt;
pub mod mt940;
pub mod pain001;

use std::io::{BufRead, Write};

use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Camt053,
    Camt054,
    Mt940,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    /// 1-based number of the entry (Ntry, or :61: line) in the file, for messages and counting.
    pub entry_no: usize,
    /// 0-based index of the transaction within its entry (batches have several).
    pub tx_index: usize,
    /// Account the statement is about (ours), uppercase, no spaces.
    pub account_iban: Option<String>,
    /// Always positive (zero is tolerated); the direction is in `credit`.
    pub amount_cents: i64,
    pub currency: String,
    /// Direction of the money on our account: true when it came in. A reversal of a credit is reported by
    /// the bank as a debit (camt `DBIT` + `RvslInd`, MT940 `RC`), so it has `credit == false` and `reversal == true`.
    pub credit: bool,
    /// camt `RvslInd=true`, MT940 `RC` / `RD`.
    pub reversal: bool,
    /// camt: status BOOK; MT940: always true. Anything else (PDNG, INFO, ...) may still change.
    pub booked: bool,
    pub booking_date: Option<chrono::NaiveDate>,
    pub value_date: Option<chrono::NaiveDate>,
    /// Bank's own reference: camt AcctSvcrRef (transaction level preferred), MT940 the part after `//` in :61:.
    pub bank_ref: Option<String>,
    /// None for `NOTPROVIDED` / empty.
    pub end_to_end_id: Option<String>,
    /// camt: `RltdPties/Dbtr`; MT940: the counterparty of the :86: field (the payer for credits).
    pub debtor_name: Option<String>,
    /// Uppercase, no spaces.
    pub debtor_iban: Option<String>,
    /// Uppercase, no spaces.
    pub structured_ref: Option<String>,
    /// Unstructured remittance text, whitespace collapsed to single spaces.
    pub free_text: String,
    pub return_reason: Option<String>,
}

impl Transaction {
    /// Stable idempotency key for this transaction, identical when the same bank transaction appears
    /// again in another (overlapping) file or in another format version: hex SHA-256 over
    /// account_iban, bank_ref (or, when absent: booking_date, end_to_end_id, debtor_iban, free_text, structured_ref),
    /// amount_cents, credit, reversal, and tx_index. Must NOT include entry_no (position in file differs between files).
    pub fn dedup_key(&self) -> String {
        let mut h = Sha256::new();
        // Versioned and length-prefixed so that no two different field tuples can hash the same bytes.
        h.update(b"settle-statement-tx-v1");
        hash_opt(&mut h, self.account_iban.as_deref());
        match self.bank_ref.as_deref() {
            Some(bank_ref) => {
                h.update([1u8]);
                hash_str(&mut h, bank_ref);
            }
            None => {
                h.update([0u8]);
                let date = self.booking_date.map(|d| d.format("%Y-%m-%d").to_string());
                hash_opt(&mut h, date.as_deref());
                hash_opt(&mut h, self.end_to_end_id.as_deref());
                hash_opt(&mut h, self.debtor_iban.as_deref());
                hash_str(&mut h, &self.free_text);
                hash_opt(&mut h, self.structured_ref.as_deref());
            }
        }
        h.update(self.amount_cents.to_le_bytes());
        h.update([u8::from(self.credit), u8::from(self.reversal)]);
        h.update((self.tx_index as u64).to_le_bytes());
        hex::encode(h.finalize())
    }
}

fn hash_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

fn hash_opt(h: &mut Sha256, s: Option<&str>) {
    match s {
        Some(s) => {
            h.update([1u8]);
            hash_str(h, s);
        }
        None => h.update([0u8]),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StatementError {
    #[error("not a camt.053, camt.054 or MT940 file")]
    UnknownFormat,
    #[error("entry {entry}: {message}")]
    Entry { entry: usize, message: String },
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("the file is not well-formed XML: {0}")]
    Xml(String),
    #[error("document type declarations are refused")]
    Doctype,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Sniffs the format from the first bytes (XML root local name BkToCstmrStmt / BkToCstmrDbtCdtNtfctn, or MT940 tags like ":20:" / "{1:" header blocks),
/// then streams: calls `on_tx` once per transaction, in file order. Memory must stay bounded whatever the file size
/// (never read the whole file into memory; a 100 MB file must parse in well under 1 s in release mode: aim for >=100 MB/s;
/// avoid per-element String allocation for names; reuse buffers).
/// Returns the format and the number of entries seen. If `on_tx` returns Err, stop and return that error.
pub fn parse<R: BufRead>(
    mut reader: R,
    on_tx: impl FnMut(Transaction) -> Result<(), StatementError>,
) -> Result<(Format, usize), StatementError> {
    // Leading blank lines are consumed only when a whole buffer of them precedes the content; MT940 then
    // needs to know how many lines went by so that its error messages keep pointing at the right line.
    let mut skipped_lines = 0usize;
    let mut at_start = true;
    loop {
        let head = reader.fill_buf()?;
        if head.is_empty() {
            return Err(StatementError::UnknownFormat);
        }
        let mut start = 0;
        if at_start && head.starts_with(b"\xEF\xBB\xBF") {
            start = 3;
        }
        at_start = false;
        match head[start..].iter().position(|b| !b.is_ascii_whitespace()) {
            Some(pos) => {
                let body = &head[start + pos..];
                if body.starts_with(b"<") {
                    return camt::parse(reader, on_tx);
                }
                if looks_like_mt940(body) {
                    return mt940::parse_from_line(reader, skipped_lines + 1, on_tx);
                }
                return Err(StatementError::UnknownFormat);
            }
            None => {
                let len = head.len();
                skipped_lines += head.iter().filter(|&&b| b == b'\n').count();
                reader.consume(len);
            }
        }
    }
}

fn looks_like_mt940(body: &[u8]) -> bool {
    // A tag or a SWIFT block at the very start is enough: the reader may hand out only a few bytes.
    if body.starts_with(b"{") || body.starts_with(b":") {
        return true;
    }
    // Some banks (ABN AMRO) put a few header lines before the first tag.
    body.windows(5).any(|w| w == b"\n:20:")
}

/// Parses a positive decimal amount exactly into cents. `sep` is '.' for XML and ',' for MT940.
/// Digits after the second decimal must be zeros: "1.500" is exact, "1.234" would lose money.
fn parse_cents(s: &str, sep: u8) -> Result<i64, String> {
    let bytes = s.trim().as_bytes();
    let (int_part, frac_part) = match bytes.iter().position(|&b| b == sep) {
        Some(p) => (&bytes[..p], &bytes[p + 1..]),
        None => (bytes, &b""[..]),
    };
    let bad = || format!("invalid amount {:?}", s.trim());
    if int_part.is_empty() || !int_part.iter().all(u8::is_ascii_digit) || !frac_part.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    if frac_part.len() > 2 && frac_part[2..].iter().any(|&b| b != b'0') {
        return Err(format!("amount {:?} has more than 2 decimals", s.trim()));
    }
    let mut cents: i64 = 0;
    for &d in int_part {
        cents = cents
            .checked_mul(10)
            .and_then(|c| c.checked_add(i64::from(d - b'0')))
            .ok_or_else(bad)?;
    }
    let frac = [frac_part.first().copied(), frac_part.get(1).copied()];
    for d in frac {
        let d = d.map_or(0, |d| i64::from(d - b'0'));
        cents = cents.checked_mul(10).and_then(|c| c.checked_add(d)).ok_or_else(bad)?;
    }
    Ok(cents)
}

fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Uppercase, without any whitespace; what IBANs and creditor references are compared as.
fn compact_upper(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Appends `text` to `dst`, collapsing all whitespace runs into single spaces.
fn push_words(dst: &mut String, text: &str) {
    for word in text.split_whitespace() {
        if !dst.is_empty() {
            dst.push(' ');
        }
        dst.push_str(word);
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn end_to_end(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && !s.eq_ignore_ascii_case("NOTPROVIDED")).then(|| s.to_owned())
}

/// ISO 13616 check digits; used to tell an IBAN from a domestic account number or a currency suffix.
fn iban_checksum_ok(iban: &str) -> bool {
    let b = iban.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        if c.is_ascii_digit() {
            rem = (rem * 10 + u32::from(c - b'0')) % 97;
        } else {
            rem = (rem * 100 + u32::from(c - b'A' + 10)) % 97;
        }
    }
    rem == 1
}

/// Writes a camt.053.001.08 statement with `n` booked credit entries to `w`; entry i pays reference `reference(i)` with amount `amount(i)` cents.
pub fn write_camt053_fixture<W: Write>(
    w: &mut W,
    iban: &str,
    n: usize,
    reference: impl Fn(usize) -> String,
    amount: impl Fn(usize) -> i64,
) -> std::io::Result<()> {
    use quick_xml::escape::escape;
    let iban = escape(iban);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">"#
    )?;
    writeln!(w, "  <BkToCstmrStmt>")?;
    writeln!(
        w,
        "    <GrpHdr><MsgId>FIXTURE-{n}</MsgId><CreDtTm>2026-01-31T18:00:00+01:00</CreDtTm></GrpHdr>"
    )?;
    writeln!(w, "    <Stmt>")?;
    writeln!(w, "      <Id>STMT-FIXTURE</Id>")?;
    writeln!(w, "      <ElctrncSeqNb>1</ElctrncSeqNb>")?;
    writeln!(w, "      <CreDtTm>2026-01-31T18:00:00+01:00</CreDtTm>")?;
    writeln!(w, "      <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>")?;
    for i in 0..n {
        let cents = format_cents(amount(i));
        let reference = reference(i);
        let reference = escape(reference.as_str());
        let day = 1 + (i % 28);
        writeln!(
            w,
            r#"      <Ntry>
        <NtryRef>{i}</NtryRef>
        <Amt Ccy="EUR">{cents}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-01-{day:02}</Dt></BookgDt>
        <ValDt><Dt>2026-01-{day:02}</Dt></ValDt>
        <AcctSvcrRef>BANKREF{i:010}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>TXREF{i:010}</AcctSvcrRef><EndToEndId>E2E-{i:010}</EndToEndId></Refs>
            <Amt Ccy="EUR">{cents}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <AmtDtls><TxAmt><Amt Ccy="EUR">{cents}</Amt></TxAmt></AmtDtls>
            <RltdPties>
              <Dbtr><Pty><Nm>Debtor Number {i}</Nm></Pty></Dbtr>
              <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
            </RltdPties>
            <RmtInf>
              <Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{reference}</Ref></CdtrRefInf></Strd>
            </RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>"#
        )?;
    }
    writeln!(w, "    </Stmt>")?;
    writeln!(w, "  </BkToCstmrStmt>")?;
    writeln!(w, "</Document>")?;
    Ok(())
}

/// Shared by the parser tests: every transaction of a file, and a date from ISO text.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::type_complexity)]
pub(crate) mod test_support {
    use super::{Format, StatementError, Transaction};
    use chrono::NaiveDate;

    pub fn collect_with(
        input: &str,
        parse: impl FnOnce(
            &[u8],
            &mut dyn FnMut(Transaction) -> Result<(), StatementError>,
        ) -> Result<(Format, usize), StatementError>,
    ) -> Result<(Format, usize, Vec<Transaction>), StatementError> {
        let mut txs = Vec::new();
        let mut push = |tx| {
            txs.push(tx);
            Ok(())
        };
        let (format, entries) = parse(input.as_bytes(), &mut push)?;
        Ok((format, entries, txs))
    }

    pub fn date(s: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn collect(input: &[u8]) -> Result<(Format, usize, Vec<Transaction>), StatementError> {
        let mut txs = Vec::new();
        let (format, entries) = parse(input, |tx| {
            txs.push(tx);
            Ok(())
        })?;
        Ok((format, entries, txs))
    }

    #[test]
    fn cents_are_exact() {
        assert_eq!(parse_cents("12.5", b'.').unwrap(), 1250);
        assert_eq!(parse_cents("12", b'.').unwrap(), 1200);
        assert_eq!(parse_cents("0.01", b'.').unwrap(), 1);
        assert_eq!(parse_cents("1.500", b'.').unwrap(), 150);
        assert_eq!(parse_cents("123,45", b',').unwrap(), 12345);
        assert_eq!(parse_cents("123,", b',').unwrap(), 12300);
        assert!(parse_cents("1.234", b'.').is_err());
        assert!(parse_cents("-1.00", b'.').is_err());
        assert!(parse_cents("", b'.').is_err());
        assert!(parse_cents(".5", b'.').is_err());
        assert!(parse_cents("1e3", b'.').is_err());
        assert!(parse_cents("99999999999999999999", b'.').is_err());
    }

    proptest::proptest! {
        #[test]
        fn cents_round_trip(cents in 0i64..1_000_000_000_000) {
            proptest::prop_assert_eq!(parse_cents(&format_cents(cents), b'.').unwrap(), cents);
            proptest::prop_assert_eq!(parse_cents(&format_cents(cents).replace('.', ","), b',').unwrap(), cents);
        }
    }

    #[test]
    fn iban_check_digits() {
        assert!(iban_checksum_ok("DE89370400440532013000"));
        assert!(iban_checksum_ok("NL91ABNA0417164300"));
        assert!(!iban_checksum_ok("NL91ABNA0417164301"));
        assert!(!iban_checksum_ok("NL91ABNA0417164300EUR"));
    }

    #[test]
    fn sniffs_formats() {
        let camt = include_str!("fixtures/camt053_v02.xml");
        assert_eq!(collect(camt.as_bytes()).unwrap().0, Format::Camt053);
        let camt054 = include_str!("fixtures/camt054_v08.xml");
        assert_eq!(collect(camt054.as_bytes()).unwrap().0, Format::Camt054);
        let mt = include_str!("fixtures/mt940_de.sta");
        assert_eq!(collect(mt.as_bytes()).unwrap().0, Format::Mt940);
        let with_blank_lines = format!("\u{feff}\r\n\r\n{mt}");
        assert_eq!(collect(with_blank_lines.as_bytes()).unwrap().0, Format::Mt940);
        let indented = format!("\n  \n{camt}");
        assert_eq!(collect(indented.as_bytes()).unwrap().2.len(), 3);
        let with_bom = format!("\u{feff}{camt}");
        assert_eq!(collect(with_bom.as_bytes()).unwrap().2.len(), 3);
        let abn = "ABNANL2A\r\n940\r\nABNANL2A\r\n:20:X\r\n:25:NL91ABNA0417164300EUR\r\n:60F:C260101EUR0,00\r\n\
                   :61:260102C1,00NTRFNONREF\r\n-\r\n";
        assert_eq!(collect(abn.as_bytes()).unwrap().1, 1);
        assert!(matches!(collect(b"hello world"), Err(StatementError::UnknownFormat)));
        assert!(matches!(collect(b""), Err(StatementError::UnknownFormat)));
        assert!(matches!(collect(b"   \n  "), Err(StatementError::UnknownFormat)));
        let pain = "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">\
                    <CstmrCdtTrfInitn/></Document>";
        assert!(matches!(collect(pain.as_bytes()), Err(StatementError::UnknownFormat)));
    }

    #[test]
    fn mt940_errors_count_skipped_blank_lines() {
        // A reader that hands out one byte at a time forces the "whole buffer is blank" path.
        struct OneByte<'a>(&'a [u8]);
        impl std::io::Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let input = b"\n\n:20:X\n:25:DE89370400440532013000\n:60F:C260101EUR0,00\n:61:26XX\n";
        let reader = std::io::BufReader::with_capacity(1, OneByte(input));
        let err = parse(reader, |_| Ok(())).unwrap_err();
        assert!(matches!(err, StatementError::Line { line: 6, .. }), "{err}");
    }

    #[test]
    fn callback_error_stops_parsing() {
        let camt = include_str!("fixtures/camt053_v08.xml");
        let mut seen = 0;
        let err = parse(camt.as_bytes(), |_| {
            seen += 1;
            Err(StatementError::Entry {
                entry: 99,
                message: "stop".into(),
            })
        })
        .unwrap_err();
        assert_eq!(seen, 1);
        assert!(matches!(err, StatementError::Entry { entry: 99, .. }));
    }

    #[test]
    fn dedup_key_ignores_entry_no_only() {
        let tx = Transaction {
            entry_no: 1,
            account_iban: Some("DE89370400440532013000".into()),
            amount_cents: 100,
            currency: "EUR".into(),
            credit: true,
            bank_ref: Some("R1".into()),
            ..Transaction::default()
        };
        let moved = Transaction {
            entry_no: 7,
            ..tx.clone()
        };
        assert_eq!(tx.dedup_key(), moved.dedup_key());
        assert_eq!(tx.dedup_key().len(), 64);
        let other_index = Transaction {
            tx_index: 1,
            ..tx.clone()
        };
        assert_ne!(tx.dedup_key(), other_index.dedup_key());
        let reversed = Transaction {
            reversal: true,
            ..tx.clone()
        };
        assert_ne!(tx.dedup_key(), reversed.dedup_key());
        let no_ref_a = Transaction {
            bank_ref: None,
            free_text: "ab".into(),
            ..tx.clone()
        };
        let no_ref_b = Transaction {
            bank_ref: None,
            free_text: "a".into(),
            structured_ref: Some("B".into()),
            ..tx
        };
        assert_ne!(no_ref_a.dedup_key(), no_ref_b.dedup_key());
    }

    #[test]
    fn fixture_generator_round_trips() {
        let mut out = Vec::new();
        write_camt053_fixture(
            &mut out,
            "NL91ABNA0417164300",
            3,
            |i| format!("RF18 5390 0754 70{i}"),
            |i| 1000 + i as i64,
        )
        .unwrap();
        let (format, entries, txs) = collect(&out).unwrap();
        assert_eq!((format, entries, txs.len()), (Format::Camt053, 3, 3));
        assert_eq!(txs[2].amount_cents, 1002);
        assert_eq!(txs[2].structured_ref.as_deref(), Some("RF1853900754702"));
        assert_eq!(txs[1].debtor_name.as_deref(), Some("Debtor Number 1"));
        assert!(txs.iter().all(|t| t.booked && t.credit));
    }

    #[test]
    fn five_megabytes_of_camt_parse() {
        let mut out = Vec::new();
        write_camt053_fixture(
            &mut out,
            "NL91ABNA0417164300",
            5_000,
            |i| format!("REF{i}"),
            |i| 1 + i as i64,
        )
        .unwrap();
        assert!(out.len() > 5_000_000, "{}", out.len());
        let mut count = 0usize;
        let mut sum = 0i64;
        let (_, entries) = parse(&out[..], |tx| {
            count += 1;
            sum += tx.amount_cents;
            Ok(())
        })
        .unwrap();
        assert_eq!((entries, count), (5_000, 5_000));
        assert_eq!(sum, (1..=5_000).sum::<i64>());
    }
}
