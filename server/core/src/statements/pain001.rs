//! SEPA credit transfer initiation (pain.001.001.09) for paying refunds out of the creditor's account.
//!
//! Banks reject a whole file for one bad character or an over-long field, so every text is reduced to
//! the SEPA Latin character set and cut to its schema length here rather than trusted from the caller.

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use quick_xml::escape::escape;

use super::{compact_upper, format_cents};

const NAMESPACE: &str = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
/// SEPA maximum for a single credit transfer (999 999 999.99 EUR).
const MAX_AMOUNT_CENTS: i64 = 99_999_999_999;

/// The creditor paying the refunds out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Debtor {
    pub name: String,
    pub iban: String,
    pub bic: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    /// Should already be SEPA-safe and at most 35 characters: it is how the refund is recognised when it
    /// comes back on a statement, and anything else gets rewritten here.
    pub end_to_end_id: String,
    pub amount_cents: i64,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub remittance: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Pain001Error {
    #[error("no refunds")]
    Empty,
    /// 1-based position of the refund; also raised above the SEPA maximum of 999 999 999.99.
    #[error("refund {0}: amount must be positive")]
    Amount(usize),
}

/// Full XML document (UTF-8, with XML declaration): GrpHdr (MsgId, CreDtTm, NbOfTxs, CtrlSum with 2 decimals, InitgPty/Nm),
/// one PmtInf (PmtInfId, PmtMtd TRF, NbOfTxs, CtrlSum, PmtTpInf/SvcLvl/Cd SEPA, ReqdExctnDt/Dt, Dbtr/Nm, DbtrAcct/Id/IBAN,
/// DbtrAgt/FinInstnId/BICFI or Othr/Id NOTPROVIDED, ChrgBr SLEV, then one CdtTrfTxInf per refund with PmtId/EndToEndId,
/// Amt/InstdAmt Ccy="EUR", Cdtr/Nm, CdtrAcct/Id/IBAN, RmtInf/Ustrd). All text XML-escaped; names cut to 70 chars, Ustrd to 140,
/// only SEPA-allowed characters (replace others, e.g. with transliteration of common accents or '.').
pub fn document(
    msg_id: &str,
    created: NaiveDateTime,
    execution: NaiveDate,
    debtor: &Debtor,
    refunds: &[Refund],
) -> Result<String, Pain001Error> {
    if refunds.is_empty() {
        return Err(Pain001Error::Empty);
    }
    let mut sum: i64 = 0;
    for (i, refund) in refunds.iter().enumerate() {
        if refund.amount_cents <= 0 || refund.amount_cents > MAX_AMOUNT_CENTS {
            return Err(Pain001Error::Amount(i + 1));
        }
        // Cannot overflow in practice (9e7 refunds at the maximum); saturate rather than panic.
        sum = sum.saturating_add(refund.amount_cents);
    }
    let count = refunds.len();
    let ctrl_sum = format_cents(sum);
    let msg_id = identifier(msg_id);
    let created = created.format("%Y-%m-%dT%H:%M:%S");
    let execution = execution.format("%Y-%m-%d");
    let debtor_name = text(&debtor.name, 70);
    let debtor_iban = escape(compact_upper(&debtor.iban)).into_owned();

    let mut x = String::with_capacity(1024 + refunds.len() * 600);
    // Writing into a String cannot fail, so the fmt::Result values are ignored.
    let _ = write!(
        x,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>{msg_id}</MsgId>
      <CreDtTm>{created}</CreDtTm>
      <NbOfTxs>{count}</NbOfTxs>
      <CtrlSum>{ctrl_sum}</CtrlSum>
      <InitgPty><Nm>{debtor_name}</Nm></InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>{msg_id}</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <NbOfTxs>{count}</NbOfTxs>
      <CtrlSum>{ctrl_sum}</CtrlSum>
      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
      <ReqdExctnDt><Dt>{execution}</Dt></ReqdExctnDt>
      <Dbtr><Nm>{debtor_name}</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>{debtor_iban}</IBAN></Id></DbtrAcct>
"#
    );
    match debtor.bic.as_deref().map(compact_upper).filter(|b| !b.is_empty()) {
        Some(bic) => {
            let _ = writeln!(
                x,
                "      <DbtrAgt><FinInstnId><BICFI>{}</BICFI></FinInstnId></DbtrAgt>",
                escape(bic)
            );
        }
        None => {
            let _ = writeln!(
                x,
                "      <DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></DbtrAgt>"
            );
        }
    }
    let _ = writeln!(x, "      <ChrgBr>SLEV</ChrgBr>");
    for refund in refunds {
        let _ = write!(
            x,
            r#"      <CdtTrfTxInf>
        <PmtId><EndToEndId>{}</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">{}</InstdAmt></Amt>
        <Cdtr><Nm>{}</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>{}</Ustrd></RmtInf>
      </CdtTrfTxInf>
"#,
            identifier(&refund.end_to_end_id),
            format_cents(refund.amount_cents),
            text(&refund.creditor_name, 70),
            escape(compact_upper(&refund.creditor_iban)),
            text(&refund.remittance, 140),
        );
    }
    x.push_str("    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n");
    Ok(x)
}

/// Reduces `s` to the SEPA character set (a-z A-Z 0-9 / - ? : ( ) . , ' + space), collapses whitespace,
/// cuts it to `max` characters and XML-escapes it.
fn text(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            push_sepa(&mut out, c);
        }
    }
    // Everything left is ASCII, so byte length is character count.
    out.truncate(max);
    let trimmed = out.trim_end();
    escape(trimmed).into_owned()
}

/// SEPA identifiers (MsgId, EndToEndId): at most 35 characters, no spaces, must not start or end with
/// '/' nor contain "//".
fn identifier(s: &str) -> String {
    let mut out = String::with_capacity(35);
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        push_sepa(&mut out, c);
    }
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    let mut id: String = out.trim_matches('/').chars().take(35).collect();
    while id.ends_with('/') {
        id.pop();
    }
    if id.is_empty() {
        id.push_str("NOTPROVIDED");
    }
    escape(id).into_owned()
}

fn push_sepa(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(c) {
        out.push(c);
        return;
    }
    let replacement = match c {
        'ä' | 'æ' => "ae",
        'ö' | 'ø' | 'œ' => "oe",
        'ü' => "ue",
        'Ä' | 'Æ' => "Ae",
        'Ö' | 'Ø' | 'Œ' => "Oe",
        'Ü' => "Ue",
        'ß' => "ss",
        'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Å' | 'Ā' | 'Ą' => "A",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'ď' | 'đ' => "d",
        'Ď' | 'Đ' => "D",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "I",
        'ł' => "l",
        'Ł' => "L",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ō' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' => "O",
        'ř' => "r",
        'Ř' => "R",
        'ś' | 'š' | 'ş' => "s",
        'Ś' | 'Š' | 'Ş' => "S",
        'ť' | 'ţ' => "t",
        'Ť' | 'Ţ' => "T",
        'ù' | 'ú' | 'û' | 'ū' | 'ů' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ū' | 'Ů' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        '&' => "+",
        _ => ".",
    };
    out.push_str(replacement);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn debtor(bic: Option<&str>) -> Debtor {
        Debtor {
            name: "Inkasso & Söhne GmbH".into(),
            iban: "de89 3704 0044 0532 0130 00".into(),
            bic: bic.map(Into::into),
        }
    }

    fn refund(e2e: &str, cents: i64) -> Refund {
        Refund {
            end_to_end_id: e2e.into(),
            amount_cents: cents,
            creditor_name: "Jürgen <Müller>".into(),
            creditor_iban: "NL91 ABNA 0417 1643 00".into(),
            remittance: "Erstattung Überzahlung Rechnung 2026-0001".into(),
        }
    }

    fn created() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, 31)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap()
    }

    fn execution() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 2, 2).unwrap()
    }

    #[test]
    fn sums_counts_and_structure() {
        let refunds = [
            refund("REFUND-1", 1250),
            refund("REFUND-2", 5),
            refund("REFUND-3", 100_000),
        ];
        let xml = document(
            "MSG-2026-01-31-1",
            created(),
            execution(),
            &debtor(Some("cobadeffxxx")),
            &refunds,
        )
        .unwrap();
        assert!(xml.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
        assert!(xml.contains(NAMESPACE));
        assert_eq!(xml.matches("<NbOfTxs>3</NbOfTxs>").count(), 2);
        assert_eq!(xml.matches("<CtrlSum>1012.55</CtrlSum>").count(), 2);
        assert_eq!(xml.matches("<CdtTrfTxInf>").count(), 3);
        assert!(xml.contains(r#"<InstdAmt Ccy="EUR">0.05</InstdAmt>"#));
        assert!(xml.contains(r#"<InstdAmt Ccy="EUR">12.50</InstdAmt>"#));
        assert!(xml.contains("<CreDtTm>2026-01-31T09:30:00</CreDtTm>"));
        assert!(xml.contains("<ReqdExctnDt><Dt>2026-02-02</Dt></ReqdExctnDt>"));
        assert!(xml.contains("<BICFI>COBADEFFXXX</BICFI>"));
        assert!(xml.contains("<IBAN>DE89370400440532013000</IBAN>"));
        assert!(xml.contains("<IBAN>NL91ABNA0417164300</IBAN>"));
        assert!(xml.contains("<ChrgBr>SLEV</ChrgBr>"));
        assert!(xml.contains("<EndToEndId>REFUND-2</EndToEndId>"));
        assert!(xml.contains("<PmtMtd>TRF</PmtMtd>"));
        // The document must be well-formed: read it back with quick-xml.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut depth = 0i32;
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::Start(_) => depth += 1,
                quick_xml::events::Event::End(_) => depth -= 1,
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(depth, 0);
    }

    #[test]
    fn text_is_sepa_safe_and_escaped() {
        let xml = document("MSG", created(), execution(), &debtor(None), &[refund("E2E", 100)]).unwrap();
        assert!(xml.contains("<Nm>Inkasso + Soehne GmbH</Nm>"));
        assert!(xml.contains("<Cdtr><Nm>Juergen .Mueller.</Nm></Cdtr>"));
        assert!(xml.contains("<Ustrd>Erstattung Ueberzahlung Rechnung 2026-0001</Ustrd>"));
        assert!(xml.contains("<Othr><Id>NOTPROVIDED</Id></Othr>"));
        assert!(!xml.contains("BICFI"));
        assert_eq!(text("O'Brien", 70), "O&apos;Brien");
        assert_eq!(text("  many \n  spaces\t", 70), "many spaces");
    }

    #[test]
    fn lengths_are_cut() {
        let mut long = refund(&"X".repeat(50), 1);
        long.creditor_name = "N".repeat(100);
        long.remittance = "R".repeat(300);
        let xml = document("M", created(), execution(), &debtor(None), &[long]).unwrap();
        assert!(xml.contains(&format!("<Nm>{}</Nm>", "N".repeat(70))));
        assert!(xml.contains(&format!("<Ustrd>{}</Ustrd>", "R".repeat(140))));
        assert!(xml.contains(&format!("<EndToEndId>{}</EndToEndId>", "X".repeat(35))));
        assert_eq!(identifier("//a//b c/"), "a/bc");
        assert_eq!(identifier("<>"), "..");
        assert_eq!(identifier(""), "NOTPROVIDED");
    }

    #[test]
    fn refuses_empty_and_non_positive() {
        assert!(matches!(
            document("M", created(), execution(), &debtor(None), &[]),
            Err(Pain001Error::Empty)
        ));
        let refunds = [refund("A", 1), refund("B", 0)];
        let err = document("M", created(), execution(), &debtor(None), &refunds).unwrap_err();
        assert!(matches!(err, Pain001Error::Amount(2)));
        assert_eq!(err.to_string(), "refund 2: amount must be positive");
        let refunds = [refund("A", -5)];
        assert!(matches!(
            document("M", created(), execution(), &debtor(None), &refunds),
            Err(Pain001Error::Amount(1))
        ));
        let refunds = [refund("A", MAX_AMOUNT_CENTS + 1)];
        assert!(matches!(
            document("M", created(), execution(), &debtor(None), &refunds),
            Err(Pain001Error::Amount(1))
        ));
    }
}
