//! Streaming reader for ISO 20022 camt.053 statements and camt.054 notifications (all versions .02 to .13).
//!
//! Elements are matched on local names only, so namespace versions and prefixes do not matter. Only one
//! entry is held in memory at a time: a batch has to be complete before its amounts can be checked.

use std::io::BufRead;

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{compact_upper, end_to_end, non_empty, parse_cents, push_words, Format, StatementError, Transaction};

/// Longer texts are cut: no real field comes near, and a hostile file must not grow our buffers without end.
const MAX_TEXT: usize = 64 * 1024;
/// A batch is buffered until its entry ends; beyond this it is more likely an attack than a payroll run.
const MAX_TX_PER_ENTRY: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    None,
    AcctIban,
    Amt,
    CdtDbtInd,
    RvslInd,
    Sts,
    StsCd,
    BookgDt,
    ValDt,
    AcctSvcrRef,
    AddtlNtryInf,
    TxAcctSvcrRef,
    TxEndToEndId,
    TxDbtrNm,
    TxDbtrIban,
    TxStrdRef,
    TxUstrd,
    TxAmt,
    TxAmtDtls,
    TxRtrRsn,
}

#[derive(Default)]
struct EntryState {
    amount: Option<i64>,
    currency: Option<String>,
    credit: Option<bool>,
    reversal: bool,
    status: Option<String>,
    booking_date: Option<NaiveDate>,
    value_date: Option<NaiveDate>,
    bank_ref: Option<String>,
    additional_info: String,
    txs: Vec<TxState>,
}

impl EntryState {
    fn reset(&mut self) {
        // Keeps the batch vector's capacity: most files repeat the same shape entry after entry.
        let mut txs = std::mem::take(&mut self.txs);
        txs.clear();
        *self = EntryState {
            txs,
            ..EntryState::default()
        };
    }
}

#[derive(Default)]
struct TxState {
    /// `TxDtls/Amt` (v08+) with its currency.
    amount: Option<(i64, Option<String>)>,
    /// `TxDtls/AmtDtls/TxAmt/Amt` with its currency.
    amount_details: Option<(i64, Option<String>)>,
    bank_ref: Option<String>,
    end_to_end_id: Option<String>,
    debtor_name: Option<String>,
    debtor_iban: Option<String>,
    structured_ref: Option<String>,
    free_text: String,
    return_reason: Option<String>,
}

struct Parser<F> {
    on_tx: F,
    /// Local names of the open elements joined by '/', e.g. `Document/BkToCstmrStmt/Stmt/Ntry/Amt`.
    path: Vec<u8>,
    /// Length of `path` before each open element was pushed (one per depth level).
    starts: Vec<usize>,
    format: Option<Format>,
    // Depth (1-based, 0 = not inside) of the elements that scope the data, and the offset in `path`
    // where names relative to them begin.
    group_depth: usize,
    stmt_depth: usize,
    stmt_rel: usize,
    ntry_depth: usize,
    ntry_rel: usize,
    tx_depth: usize,
    tx_rel: usize,
    account: Option<String>,
    entry_no: usize,
    entry: EntryState,
    tx: TxState,
    field: Field,
    field_depth: usize,
    field_ccy: Option<String>,
    text: String,
}

/// Parses a camt.053 or camt.054 document; see [`super::parse`].
pub fn parse<R: BufRead>(
    reader: R,
    on_tx: impl FnMut(Transaction) -> Result<(), StatementError>,
) -> Result<(Format, usize), StatementError> {
    let mut reader = Reader::from_reader(reader);
    // Text is not trimmed by the reader: entity references split text events, and trimming each piece
    // would eat the spaces around them ("A &amp; B").
    reader.config_mut().trim_text(false);
    let mut parser = Parser {
        on_tx,
        path: Vec::with_capacity(256),
        starts: Vec::with_capacity(32),
        format: None,
        group_depth: 0,
        stmt_depth: 0,
        stmt_rel: 0,
        ntry_depth: 0,
        ntry_rel: 0,
        tx_depth: 0,
        tx_rel: 0,
        account: None,
        entry_no: 0,
        entry: EntryState::default(),
        tx: TxState::default(),
        field: Field::None,
        field_depth: 0,
        field_ccy: None,
        text: String::with_capacity(256),
    };
    let mut buf = Vec::with_capacity(4096);
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(err) => return Err(xml_error(err, reader.error_position())),
        };
        match event {
            Event::Start(e) => {
                parser.push(&e);
                parser.open(&e)?;
            }
            Event::Empty(e) => {
                parser.push(&e);
                parser.open(&e)?;
                parser.close()?;
                parser.pop();
            }
            Event::End(_) => {
                // quick-xml has already checked that the end tag matches the open element.
                parser.close()?;
                parser.pop();
            }
            Event::Text(e) => {
                if parser.field != Field::None {
                    let text = std::str::from_utf8(&e).map_err(|_| {
                        StatementError::Xml(format!("invalid UTF-8 (at byte {})", reader.buffer_position()))
                    })?;
                    parser.push_text(text);
                }
            }
            Event::CData(e) => {
                if parser.field != Field::None {
                    let text = std::str::from_utf8(&e).map_err(|_| {
                        StatementError::Xml(format!("invalid UTF-8 (at byte {})", reader.buffer_position()))
                    })?;
                    parser.push_text(text);
                }
            }
            Event::GeneralRef(e) => {
                let c = if e.is_char_ref() {
                    e.resolve_char_ref()
                        .map_err(|err| xml_error(err, reader.buffer_position()))?
                } else {
                    match &*e {
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"apos" => Some('\''),
                        b"quot" => Some('"'),
                        _ => None,
                    }
                };
                let Some(c) = c else {
                    return Err(StatementError::Xml(format!(
                        "unknown entity &{}; (at byte {})",
                        String::from_utf8_lossy(&e),
                        reader.buffer_position()
                    )));
                };
                if parser.field != Field::None {
                    parser.push_text(c.encode_utf8(&mut [0u8; 4]));
                }
            }
            // Never resolved by quick-xml anyway, but a DTD in a bank file is a red flag: refuse outright.
            Event::DocType(_) => return Err(StatementError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => {
                if !parser.starts.is_empty() {
                    return Err(StatementError::Xml(format!(
                        "unexpected end of file inside <{}>",
                        String::from_utf8_lossy(&parser.path)
                    )));
                }
                return match parser.format {
                    Some(format) => Ok((format, parser.entry_no)),
                    None => Err(StatementError::UnknownFormat),
                };
            }
        }
        buf.clear();
    }
}

fn xml_error(err: quick_xml::Error, position: u64) -> StatementError {
    match err {
        quick_xml::Error::Io(io) => StatementError::Io(std::io::Error::new(io.kind(), io.to_string())),
        other => StatementError::Xml(format!("{other} (at byte {position})")),
    }
}

fn rel(path: &[u8], from: usize) -> &[u8] {
    path.get(from..).unwrap_or_default()
}

impl<F: FnMut(Transaction) -> Result<(), StatementError>> Parser<F> {
    fn push(&mut self, e: &BytesStart<'_>) {
        self.starts.push(self.path.len());
        if !self.path.is_empty() {
            self.path.push(b'/');
        }
        self.path.extend_from_slice(e.local_name().as_ref());
    }

    fn pop(&mut self) {
        if let Some(start) = self.starts.pop() {
            self.path.truncate(start);
        }
    }

    fn depth(&self) -> usize {
        self.starts.len()
    }

    fn entry_error(&self, message: impl Into<String>) -> StatementError {
        StatementError::Entry {
            entry: self.entry_no,
            message: message.into(),
        }
    }

    fn open(&mut self, e: &BytesStart<'_>) -> Result<(), StatementError> {
        let depth = self.depth();
        let name = e.local_name();
        let name = name.as_ref();
        if self.group_depth == 0 {
            match name {
                b"BkToCstmrStmt" if depth <= 2 => self.format = Some(Format::Camt053),
                b"BkToCstmrDbtCdtNtfctn" if depth <= 2 => self.format = Some(Format::Camt054),
                b"Document" if depth == 1 => return Ok(()),
                _ => return Err(StatementError::UnknownFormat),
            }
            self.group_depth = depth;
            return Ok(());
        }
        if self.stmt_depth == 0 {
            let wanted: &[u8] = if self.format == Some(Format::Camt054) {
                b"Ntfctn"
            } else {
                b"Stmt"
            };
            if depth == self.group_depth + 1 && name == wanted {
                self.stmt_depth = depth;
                self.stmt_rel = self.path.len() + 1;
                self.account = None;
            }
            return Ok(());
        }
        let field = if self.ntry_depth == 0 {
            if depth == self.stmt_depth + 1 && name == b"Ntry" {
                self.ntry_depth = depth;
                self.ntry_rel = self.path.len() + 1;
                self.entry_no += 1;
                self.entry.reset();
                return Ok(());
            }
            match rel(&self.path, self.stmt_rel) {
                b"Acct/Id/IBAN" => Field::AcctIban,
                _ => Field::None,
            }
        } else if self.tx_depth == 0 {
            match rel(&self.path, self.ntry_rel) {
                b"NtryDtls/TxDtls" => {
                    self.tx_depth = depth;
                    self.tx_rel = self.path.len() + 1;
                    self.tx = TxState::default();
                    return Ok(());
                }
                b"Amt" => Field::Amt,
                b"CdtDbtInd" => Field::CdtDbtInd,
                b"RvslInd" => Field::RvslInd,
                b"Sts" => Field::Sts,
                b"Sts/Cd" => Field::StsCd,
                b"BookgDt/Dt" | b"BookgDt/DtTm" => Field::BookgDt,
                b"ValDt/Dt" | b"ValDt/DtTm" => Field::ValDt,
                b"AcctSvcrRef" => Field::AcctSvcrRef,
                b"AddtlNtryInf" => Field::AddtlNtryInf,
                _ => Field::None,
            }
        } else {
            match rel(&self.path, self.tx_rel) {
                b"Refs/AcctSvcrRef" => Field::TxAcctSvcrRef,
                b"Refs/EndToEndId" => Field::TxEndToEndId,
                b"RltdPties/Dbtr/Nm" | b"RltdPties/Dbtr/Pty/Nm" => Field::TxDbtrNm,
                b"RltdPties/DbtrAcct/Id/IBAN" => Field::TxDbtrIban,
                b"RmtInf/Strd/CdtrRefInf/Ref" => Field::TxStrdRef,
                b"RmtInf/Ustrd" => Field::TxUstrd,
                b"Amt" => Field::TxAmt,
                b"AmtDtls/TxAmt/Amt" => Field::TxAmtDtls,
                b"RtrInf/Rsn/Cd" => Field::TxRtrRsn,
                _ => Field::None,
            }
        };
        // A nested element inside a captured one (Sts -> Sts/Cd) takes over the capture.
        self.field = field;
        if field != Field::None {
            self.field_depth = depth;
            self.text.clear();
            self.field_ccy = None;
            if matches!(field, Field::Amt | Field::TxAmt | Field::TxAmtDtls) {
                self.field_ccy = currency_attribute(e).map_err(|m| self.entry_error(m))?;
            }
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        let room = MAX_TEXT.saturating_sub(self.text.len());
        if text.len() <= room {
            self.text.push_str(text);
        } else {
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            self.text.push_str(&text[..cut]);
        }
    }

    fn close(&mut self) -> Result<(), StatementError> {
        let depth = self.depth();
        if self.field != Field::None && depth == self.field_depth {
            self.commit()?;
            self.field = Field::None;
        }
        if depth == self.tx_depth {
            self.tx_depth = 0;
            if self.entry.txs.len() >= MAX_TX_PER_ENTRY {
                return Err(self.entry_error(format!("more than {MAX_TX_PER_ENTRY} transactions in one entry")));
            }
            let tx = std::mem::take(&mut self.tx);
            self.entry.txs.push(tx);
        } else if depth == self.ntry_depth {
            self.ntry_depth = 0;
            self.finish_entry()?;
        } else if depth == self.stmt_depth {
            self.stmt_depth = 0;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StatementError> {
        let text = self.text.trim();
        match self.field {
            Field::None => {}
            Field::AcctIban => self.account = non_empty(&compact_upper(text)),
            Field::Amt => {
                let cents = parse_cents(text, b'.').map_err(|m| self.entry_error(m))?;
                let Some(ccy) = self.field_ccy.take() else {
                    return Err(self.entry_error("Amt has no Ccy attribute"));
                };
                self.entry.amount = Some(cents);
                self.entry.currency = Some(ccy);
            }
            Field::CdtDbtInd => {
                self.entry.credit = Some(match text {
                    "CRDT" => true,
                    "DBIT" => false,
                    other => return Err(self.entry_error(format!("invalid CdtDbtInd {other:?}"))),
                });
            }
            Field::RvslInd => self.entry.reversal = text == "true" || text == "1",
            Field::Sts | Field::StsCd => {
                // In v08+ the Sts element itself only holds whitespace around <Cd>.
                if !text.is_empty() {
                    self.entry.status = Some(text.to_owned());
                }
            }
            Field::BookgDt => self.entry.booking_date = Some(parse_date(text).map_err(|m| self.entry_error(m))?),
            Field::ValDt => self.entry.value_date = Some(parse_date(text).map_err(|m| self.entry_error(m))?),
            Field::AcctSvcrRef => self.entry.bank_ref = non_empty(text),
            Field::AddtlNtryInf => {
                if self.entry.additional_info.len() < MAX_TEXT {
                    push_words(&mut self.entry.additional_info, text);
                }
            }
            Field::TxAcctSvcrRef => self.tx.bank_ref = non_empty(text),
            Field::TxEndToEndId => self.tx.end_to_end_id = end_to_end(text),
            Field::TxDbtrNm => self.tx.debtor_name = non_empty(text),
            Field::TxDbtrIban => self.tx.debtor_iban = non_empty(&compact_upper(text)),
            Field::TxStrdRef => {
                // Several Strd blocks are allowed; the first creditor reference is the one that was paid.
                if self.tx.structured_ref.is_none() {
                    self.tx.structured_ref = non_empty(&compact_upper(text));
                }
            }
            Field::TxUstrd => {
                if self.tx.free_text.len() < MAX_TEXT {
                    push_words(&mut self.tx.free_text, text);
                }
            }
            Field::TxAmt | Field::TxAmtDtls => {
                let cents = parse_cents(text, b'.').map_err(|m| self.entry_error(m))?;
                let value = Some((cents, self.field_ccy.take()));
                if self.field == Field::TxAmt {
                    self.tx.amount = value;
                } else {
                    self.tx.amount_details = value;
                }
            }
            Field::TxRtrRsn => self.tx.return_reason = non_empty(text),
        }
        Ok(())
    }

    fn finish_entry(&mut self) -> Result<(), StatementError> {
        let Some(amount) = self.entry.amount else {
            return Err(self.entry_error("missing Amt"));
        };
        let Some(credit) = self.entry.credit else {
            return Err(self.entry_error("missing CdtDbtInd"));
        };
        let currency = self.entry.currency.take().unwrap_or_default();
        let base = Transaction {
            entry_no: self.entry_no,
            tx_index: 0,
            account_iban: self.account.clone(),
            amount_cents: amount,
            currency,
            credit,
            reversal: self.entry.reversal,
            booked: self.entry.status.as_deref() == Some("BOOK"),
            booking_date: self.entry.booking_date,
            value_date: self.entry.value_date,
            bank_ref: self.entry.bank_ref.clone(),
            ..Transaction::default()
        };
        match self.entry.txs.len() {
            0 => {
                let free_text = std::mem::take(&mut self.entry.additional_info);
                (self.on_tx)(Transaction { free_text, ..base })
            }
            1 => {
                // With one transaction the entry amount is what moved on the account; a TxAmt can only
                // restate it (or differ by bank charges, which are not the debtor's payment).
                let tx = self.entry.txs.pop().unwrap_or_default();
                (self.on_tx)(merge(&base, tx, 0, amount))
            }
            n => {
                let mut sum: i128 = 0;
                for (i, tx) in self.entry.txs.iter().enumerate() {
                    let Some((cents, ccy)) = tx.amount.as_ref().or(tx.amount_details.as_ref()) else {
                        return Err(
                            self.entry_error(format!("transaction {} of {n} in the batch has no amount", i + 1))
                        );
                    };
                    if let Some(ccy) = ccy {
                        if *ccy != base.currency {
                            return Err(self.entry_error(format!(
                                "transaction {} is in {ccy}, the entry in {}",
                                i + 1,
                                base.currency
                            )));
                        }
                    }
                    sum += i128::from(*cents);
                }
                if sum != i128::from(amount) {
                    return Err(self.entry_error(format!(
                        "the batch transactions sum to {sum} cents but the entry amount is {amount} cents"
                    )));
                }
                let txs = std::mem::take(&mut self.entry.txs);
                for (i, tx) in txs.into_iter().enumerate() {
                    let cents = tx.amount.as_ref().or(tx.amount_details.as_ref()).map_or(0, |(c, _)| *c);
                    (self.on_tx)(merge(&base, tx, i, cents))?;
                }
                Ok(())
            }
        }
    }
}

fn merge(base: &Transaction, tx: TxState, tx_index: usize, amount_cents: i64) -> Transaction {
    Transaction {
        entry_no: base.entry_no,
        tx_index,
        account_iban: base.account_iban.clone(),
        amount_cents,
        currency: base.currency.clone(),
        credit: base.credit,
        reversal: base.reversal,
        booked: base.booked,
        booking_date: base.booking_date,
        value_date: base.value_date,
        bank_ref: tx.bank_ref.or_else(|| base.bank_ref.clone()),
        end_to_end_id: tx.end_to_end_id,
        debtor_name: tx.debtor_name,
        debtor_iban: tx.debtor_iban,
        structured_ref: tx.structured_ref,
        free_text: tx.free_text,
        return_reason: tx.return_reason,
    }
}

fn currency_attribute(e: &BytesStart<'_>) -> Result<Option<String>, String> {
    for attr in e.attributes() {
        let attr = attr.map_err(|err| format!("bad attribute: {err}"))?;
        if attr.key.local_name().as_ref() == b"Ccy" {
            let value = std::str::from_utf8(&attr.value).map_err(|_| "Ccy is not UTF-8".to_owned())?;
            return Ok(non_empty(value));
        }
    }
    Ok(None)
}

/// ISODate or ISODateTime; only the calendar date in the bank's own time zone matters.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    text.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| format!("invalid date {text:?}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    use crate::statements::test_support::{collect_with, date};

    fn collect(input: &str) -> Result<(Format, usize, Vec<Transaction>), StatementError> {
        collect_with(input, |r, f| parse(r, f))
    }

    const V02: &str = include_str!("fixtures/camt053_v02.xml");
    const V08: &str = include_str!("fixtures/camt053_v08.xml");

    #[test]
    fn camt053_v02_with_status_text() {
        let (format, entries, txs) = collect(V02).unwrap();
        assert_eq!((format, entries, txs.len()), (Format::Camt053, 3, 3));
        let t = &txs[0];
        assert_eq!(t.entry_no, 1);
        assert_eq!(t.tx_index, 0);
        assert_eq!(t.account_iban.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(t.amount_cents, 1_250);
        assert_eq!(t.currency, "EUR");
        assert!(t.credit && t.booked && !t.reversal);
        assert_eq!(t.booking_date, date("2026-01-05"));
        assert_eq!(t.value_date, date("2026-01-05"));
        assert_eq!(t.bank_ref.as_deref(), Some("TX-0001"));
        assert_eq!(t.end_to_end_id.as_deref(), Some("E2E-INV-2026-0001"));
        assert_eq!(t.debtor_name.as_deref(), Some("Max Mustermann & Söhne"));
        assert_eq!(t.debtor_iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!(t.structured_ref.as_deref(), Some("RF18539007547034"));
        assert_eq!(t.free_text, "Rechnung 2026-0001 Kunde 4711");
        assert_eq!(t.return_reason, None);

        // PDNG entry: not final.
        assert!(!txs[1].booked);
        assert_eq!(txs[1].end_to_end_id, None, "NOTPROVIDED is no id");
        assert_eq!(
            txs[1].bank_ref.as_deref(),
            Some("ENTRY-0002"),
            "entry-level ref as fallback"
        );
        // DBIT entry without TxDtls: one transaction from entry-level data; booking DtTm cut to the date.
        let d = &txs[2];
        assert!(!d.credit && d.booked);
        assert_eq!(d.amount_cents, 990);
        assert_eq!(d.booking_date, date("2026-01-06"));
        assert_eq!(d.free_text, "Kontofuehrung Januar");
        assert_eq!(d.debtor_name, None);
    }

    #[test]
    fn camt053_v08_with_status_code_and_party() {
        let (format, entries, txs) = collect(V08).unwrap();
        assert_eq!((format, entries), (Format::Camt053, 4));
        let t = &txs[0];
        assert_eq!(t.debtor_name.as_deref(), Some("Max Mustermann & Söhne"));
        assert!(t.booked && t.credit);

        // Batch of 3 TxDtls with TxDtls/Amt (v08 form) summing to the entry amount.
        let batch: Vec<_> = txs.iter().filter(|t| t.entry_no == 2).collect();
        assert_eq!(batch.len(), 3);
        assert_eq!(batch.iter().map(|t| t.tx_index).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(
            batch.iter().map(|t| t.amount_cents).collect::<Vec<_>>(),
            [1_000, 2_050, 500]
        );
        assert_eq!(batch[1].debtor_name.as_deref(), Some("Erika Musterfrau"));
        assert_eq!(
            batch[2].bank_ref.as_deref(),
            Some("BATCH-0002"),
            "falls back to the entry ref"
        );
        assert_ne!(batch[0].dedup_key(), batch[1].dedup_key());

        // Reversal (return of a direct debit): DBIT with RvslInd and a return reason.
        let r = txs.iter().find(|t| t.entry_no == 3).unwrap();
        assert!(r.reversal && !r.credit && r.booked);
        assert_eq!(r.return_reason.as_deref(), Some("MD06"));

        let p = txs.iter().find(|t| t.entry_no == 4).unwrap();
        assert!(!p.booked, "PDNG");
    }

    #[test]
    fn same_transaction_in_v02_and_v08_has_the_same_key() {
        let (_, _, a) = collect(V02).unwrap();
        let (_, _, b) = collect(V08).unwrap();
        assert_eq!(a[0].dedup_key(), b[0].dedup_key());
        let mut a0 = a[0].clone();
        let mut b0 = b[0].clone();
        a0.entry_no = 0;
        b0.entry_no = 0;
        assert_eq!(a0, b0, "same data whatever the version");
    }

    #[test]
    fn overlapping_files_give_the_same_key() {
        // The same booking reported first as the 1st entry of one file, then as the 2nd entry of another.
        let entry = |r: &str| {
            format!(
                r#"<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
                <BookgDt><Dt>2026-02-0{r}</Dt></BookgDt><AcctSvcrRef>REF-{r}</AcctSvcrRef></Ntry>"#
            )
        };
        let doc = |entries: String| {
            format!(
                r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
                <Acct><Id><IBAN>NL91 ABNA 0417 1643 00</IBAN></Id></Acct>{entries}</Stmt></BkToCstmrStmt></Document>"#
            )
        };
        let (_, _, first) = collect(&doc(entry("1") + &entry("2"))).unwrap();
        let (_, _, second) = collect(&doc(entry("2") + &entry("3"))).unwrap();
        assert_eq!(first[1].entry_no, 2);
        assert_eq!(second[0].entry_no, 1);
        assert_eq!(first[1].account_iban.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(first[1].dedup_key(), second[0].dedup_key());
        assert_ne!(first[0].dedup_key(), second[0].dedup_key());
    }

    #[test]
    fn camt053_v13_namespace() {
        let doc = V08.replace("camt.053.001.08", "camt.053.001.13");
        let (format, entries, txs) = collect(&doc).unwrap();
        assert_eq!((format, entries, txs.len()), (Format::Camt053, 4, 6));
    }

    #[test]
    fn camt054_notification() {
        let (format, entries, txs) = collect(include_str!("fixtures/camt054_v08.xml")).unwrap();
        assert_eq!((format, entries, txs.len()), (Format::Camt054, 1, 1));
        let t = &txs[0];
        assert_eq!(t.account_iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!(t.amount_cents, 4_200);
        assert_eq!(t.structured_ref.as_deref(), Some("RF18539007547034"));
        assert_eq!(t.end_to_end_id.as_deref(), Some("E2E-42"));
        assert_eq!(t.booking_date, date("2026-03-02"));
    }

    #[test]
    fn prefixed_namespace() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <ns2:BkToCstmrStmt><ns2:Stmt>
  <ns2:Acct><ns2:Id><ns2:IBAN>NL91ABNA0417164300</ns2:IBAN></ns2:Id></ns2:Acct>
  <ns2:Ntry><ns2:Amt Ccy="EUR">1.5</ns2:Amt><ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd><ns2:Sts>BOOK</ns2:Sts>
   <ns2:NtryDtls><ns2:TxDtls><ns2:RmtInf><ns2:Ustrd>one</ns2:Ustrd><ns2:Ustrd>  two
   three </ns2:Ustrd></ns2:RmtInf></ns2:TxDtls></ns2:NtryDtls>
  </ns2:Ntry>
 </ns2:Stmt></ns2:BkToCstmrStmt>
</ns2:Document>"#;
        let (_, _, txs) = collect(doc).unwrap();
        assert_eq!(txs[0].amount_cents, 150);
        assert_eq!(txs[0].free_text, "one two three");
        assert_eq!(txs[0].account_iban.as_deref(), Some("NL91ABNA0417164300"));
    }

    #[test]
    fn cdata_and_character_references() {
        let doc = V02.replacen(
            "<Ustrd>Rechnung 2026-0001</Ustrd>",
            "<Ustrd><![CDATA[Rechnung <1>]]>&#32;&lt;2&gt;</Ustrd>",
            1,
        );
        let (_, _, txs) = collect(&doc).unwrap();
        assert_eq!(txs[0].free_text, "Rechnung <1> <2> Kunde 4711");
    }

    #[test]
    fn malformed_xml_is_an_xml_error() {
        let truncated = &V02[..V02.len() / 2];
        let err = collect(truncated).unwrap_err();
        assert!(matches!(err, StatementError::Xml(_)), "{err}");
        let mismatched = V02.replace("</Ustrd>", "</Ustr>");
        let err = collect(&mismatched).unwrap_err();
        assert!(
            matches!(err, StatementError::Xml(ref m) if m.contains("at byte")),
            "{err}"
        );
        let err = collect("<Document><BkToCstmrStmt><Stmt>&bogus;</Stmt></BkToCstmrStmt></Document>").unwrap_err();
        assert!(matches!(err, StatementError::Xml(_)), "{err}");
    }

    #[test]
    fn doctype_is_refused() {
        let doc = r#"<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<NtryDtls><TxDtls><RmtInf><Ustrd>&xxe;</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"#;
        assert!(matches!(collect(doc), Err(StatementError::Doctype)));
        assert!(matches!(
            super::super::parse(doc.as_bytes(), |_| Ok(())),
            Err(StatementError::Doctype)
        ));
    }

    #[test]
    fn missing_amount_names_the_entry() {
        let doc = V02.replacen(r#"<Amt Ccy="EUR">9.90</Amt>"#, "", 1);
        let err = collect(&doc).unwrap_err();
        assert!(matches!(err, StatementError::Entry { entry: 3, .. }), "{err}");
        assert_eq!(err.to_string(), "entry 3: missing Amt");
    }

    #[test]
    fn bad_values_name_the_entry() {
        let err = collect(&V02.replacen("12.5<", "12.555<", 1)).unwrap_err();
        assert!(matches!(err, StatementError::Entry { entry: 1, .. }), "{err}");
        let err = collect(&V02.replacen("<CdtDbtInd>DBIT", "<CdtDbtInd>DEBIT", 1)).unwrap_err();
        assert!(matches!(err, StatementError::Entry { entry: 3, .. }), "{err}");
        let err = collect(&V02.replacen(r#"<Amt Ccy="EUR">9.90"#, r#"<Amt>9.90"#, 1)).unwrap_err();
        assert!(matches!(err, StatementError::Entry { entry: 3, .. }), "{err}");
    }

    #[test]
    fn batch_amount_problems_name_the_entry() {
        let missing = V08.replacen(r#"<Amt Ccy="EUR">20.50</Amt>"#, "", 1);
        let err = collect(&missing).unwrap_err();
        assert!(matches!(err, StatementError::Entry { entry: 2, .. }), "{err}");
        let wrong_sum = V08.replacen(r#"<Amt Ccy="EUR">20.50</Amt>"#, r#"<Amt Ccy="EUR">20.51</Amt>"#, 1);
        let err = collect(&wrong_sum).unwrap_err();
        assert!(matches!(err, StatementError::Entry { entry: 2, .. }), "{err}");
    }

    #[test]
    fn unknown_xml_root() {
        assert!(matches!(collect("<Foo/>"), Err(StatementError::UnknownFormat)));
        assert!(matches!(
            collect("<Document><Other/></Document>"),
            Err(StatementError::UnknownFormat)
        ));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = parse(&bytes[..], |_| Ok(()));
        }

        #[test]
        fn truncations_never_panic(cut in 0usize..4000) {
            let cut = cut.min(V08.len());
            let _ = parse(&V08.as_bytes()[..cut], |_| Ok(()));
        }
    }
}
