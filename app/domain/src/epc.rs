//! EPC069-12 ("GiroCode") payloads: the text inside the SEPA credit transfer QR code on
//! invoices and pay pages.
use crate::iban::{Bic, Iban};
use crate::money::{Currency, Money};
use crate::rf::RfReference;

/// Lines 10 and 11 are mutually exclusive in the standard; one enum makes both-at-once
/// unrepresentable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remittance {
    /// Line 10: a creditor reference, here always ISO 11649.
    Structured(RfReference),
    /// Line 11: free text, 1 to 140 characters.
    Unstructured(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpcTransfer {
    pub bic: Option<Bic>,
    /// The exact account-holder name: Verification of Payee compares it with the bank's.
    pub beneficiary: String,
    pub iban: Iban,
    /// None leaves the amount for the payer to type.
    pub amount: Option<Money>,
    /// ISO 20022 purpose code such as "GDDS".
    pub purpose: Option<String>,
    pub remittance: Remittance,
    /// Beneficiary-to-originator information, shown to the payer.
    pub info: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EpcError {
    #[error("beneficiary name must be 1 to 70 characters")]
    BeneficiaryLength,
    #[error("amount must be EUR 0.01 to 999999999.99")]
    AmountRange,
    #[error("purpose must be up to 4 letters or digits")]
    Purpose,
    #[error("free-text remittance must be 1 to 140 characters")]
    RemittanceLength,
    #[error("beneficiary-to-originator information must be at most 70 characters")]
    InfoLength,
    #[error("a text field contains a line break or another control character")]
    ControlCharacter,
    #[error("payload exceeds 331 bytes")]
    TooLong,
}

impl EpcError {
    pub fn code(&self) -> &'static str {
        match self {
            EpcError::BeneficiaryLength => "epc_beneficiary_length",
            EpcError::AmountRange => "epc_amount_range",
            EpcError::Purpose => "epc_purpose",
            EpcError::RemittanceLength => "epc_remittance_length",
            EpcError::InfoLength => "epc_info_length",
            EpcError::ControlCharacter => "epc_control_character",
            EpcError::TooLong => "epc_too_long",
        }
    }
}

/// What fits in a version-13 QR code at error correction level M.
pub const MAX_PAYLOAD_BYTES: usize = 331;
pub const MAX_BENEFICIARY_CHARS: usize = 70;
pub const MAX_UNSTRUCTURED_CHARS: usize = 140;
pub const MAX_INFO_CHARS: usize = 70;
/// EUR 999,999,999.99: the twelve characters the amount element allows.
pub const MAX_AMOUNT_CENTS: i64 = 99_999_999_999;

/// Trimmed text of at most `max` characters; a line break would shift every later line.
fn text(s: &str, max: usize, too_long: EpcError) -> Result<&str, EpcError> {
    let s = s.trim();
    if s.chars().any(char::is_control) {
        return Err(EpcError::ControlCharacter);
    }
    if s.chars().count() > max {
        return Err(too_long);
    }
    Ok(s)
}

impl EpcTransfer {
    /// Version 002 (BIC optional), character set 1 (UTF-8), SCT. Lines are joined by LF
    /// without a trailing one; empty trailing lines are dropped, empty middle lines kept.
    pub fn payload(&self) -> Result<String, EpcError> {
        let beneficiary = text(&self.beneficiary, MAX_BENEFICIARY_CHARS, EpcError::BeneficiaryLength)?;
        if beneficiary.is_empty() {
            return Err(EpcError::BeneficiaryLength);
        }
        let amount = match self.amount {
            None => String::new(),
            Some(m) => {
                // Exhaustive on purpose: a new currency must decide here, not slip into a
                // payload that only carries EUR.
                let prefix = match m.currency {
                    Currency::Eur => "EUR",
                };
                if !(1..=MAX_AMOUNT_CENTS).contains(&m.cents) {
                    return Err(EpcError::AmountRange);
                }
                format!("{prefix}{}", m.to_epc_amount())
            }
        };
        let purpose = self.purpose.as_deref().unwrap_or_default();
        if purpose.len() > 4 || !purpose.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(EpcError::Purpose);
        }
        let (structured, unstructured) = match &self.remittance {
            Remittance::Structured(r) => (r.as_str(), ""),
            Remittance::Unstructured(t) => {
                let t = text(t, MAX_UNSTRUCTURED_CHARS, EpcError::RemittanceLength)?;
                // Without it the payload would stop before line 10, which some decoders
                // refuse.
                if t.is_empty() {
                    return Err(EpcError::RemittanceLength);
                }
                ("", t)
            }
        };
        let info = text(
            self.info.as_deref().unwrap_or_default(),
            MAX_INFO_CHARS,
            EpcError::InfoLength,
        )?;
        let mut lines = vec![
            "BCD",
            "002",
            "1",
            "SCT",
            self.bic.as_ref().map_or("", Bic::as_str),
            beneficiary,
            self.iban.as_str(),
            &amount,
            purpose,
            structured,
            unstructured,
            info,
        ];
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let payload = lines.join("\n");
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(EpcError::TooLong);
        }
        Ok(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's example transfer.
    fn transfer() -> EpcTransfer {
        EpcTransfer {
            bic: None,
            beneficiary: "Voorbeeld Zorgverzekeraar N.V.".into(),
            iban: Iban::parse("NL91ABNA0417164300").unwrap(),
            amount: Some(Money::eur(12_345)),
            purpose: None,
            remittance: Remittance::Structured(RfReference::parse("RF18539007547034").unwrap()),
            info: None,
        }
    }

    fn lines(t: &EpcTransfer) -> Vec<String> {
        t.payload().unwrap().split('\n').map(String::from).collect()
    }

    #[test]
    fn reference_example_is_reproduced_byte_for_byte() {
        let expected = "BCD\n002\n1\nSCT\n\nVoorbeeld Zorgverzekeraar N.V.\n\
                        NL91ABNA0417164300\nEUR123.45\n\nRF18539007547034";
        assert_eq!(transfer().payload().unwrap().as_bytes(), expected.as_bytes());
    }

    #[test]
    fn structured_reference_goes_on_line_ten_and_ends_the_payload() {
        let p = transfer().payload().unwrap();
        let lines: Vec<&str> = p.split('\n').collect();
        assert_eq!(lines.len(), 10);
        assert_eq!(lines[9], "RF18539007547034");
        assert!(!p.ends_with('\n'));
    }

    #[test]
    fn free_text_goes_on_line_eleven_with_line_ten_left_empty() {
        let mut t = transfer();
        t.remittance = Remittance::Unstructured("Polis 123".into());
        let l = lines(&t);
        assert_eq!(l.len(), 11);
        assert_eq!(l[9], "");
        assert_eq!(l[10], "Polis 123");
    }

    #[test]
    fn bic_fills_line_five_when_given() {
        let mut t = transfer();
        t.bic = Some(Bic::parse("ABNANL2A").unwrap());
        assert_eq!(lines(&t)[4], "ABNANL2A");
    }

    #[test]
    fn info_goes_on_line_twelve_keeping_the_empty_lines_before_it() {
        let mut t = transfer();
        t.info = Some("Dank u wel".into());
        let l = lines(&t);
        assert_eq!(l.len(), 12);
        assert_eq!(l[9], "RF18539007547034");
        assert_eq!(l[10], "");
        assert_eq!(l[11], "Dank u wel");
    }

    #[test]
    fn purpose_goes_on_line_nine() {
        let mut t = transfer();
        t.purpose = Some("GDDS".into());
        assert_eq!(lines(&t)[8], "GDDS");
    }

    #[test]
    fn missing_amount_leaves_line_eight_empty_for_the_payer() {
        let mut t = transfer();
        t.amount = None;
        let l = lines(&t);
        assert_eq!(l.len(), 10);
        assert_eq!(l[7], "");
    }

    #[test]
    fn surrounding_spaces_are_trimmed() {
        let mut t = transfer();
        t.beneficiary = "  Voorbeeld Zorgverzekeraar N.V. ".into();
        assert_eq!(t.payload(), transfer().payload());
    }

    #[test]
    fn beneficiary_name_of_more_than_70_characters_is_refused() {
        let mut t = transfer();
        t.beneficiary = "é".repeat(70);
        assert!(t.payload().is_ok(), "70 characters (140 bytes) fit");
        t.beneficiary = "x".repeat(71);
        assert_eq!(t.payload(), Err(EpcError::BeneficiaryLength));
    }

    #[test]
    fn empty_beneficiary_name_is_refused() {
        let mut t = transfer();
        t.beneficiary = "  ".into();
        assert_eq!(t.payload(), Err(EpcError::BeneficiaryLength));
    }

    #[test]
    fn zero_or_negative_amount_is_refused() {
        let mut t = transfer();
        t.amount = Some(Money::eur(0));
        assert_eq!(t.payload(), Err(EpcError::AmountRange));
        t.amount = Some(Money::eur(-500));
        assert_eq!(t.payload(), Err(EpcError::AmountRange));
        t.amount = Some(Money::eur(1));
        assert_eq!(lines(&t)[7], "EUR0.01");
    }

    #[test]
    fn amount_above_999999999_99_is_refused() {
        let mut t = transfer();
        t.amount = Some(Money::eur(MAX_AMOUNT_CENTS));
        assert_eq!(lines(&t)[7], "EUR999999999.99");
        t.amount = Some(Money::eur(MAX_AMOUNT_CENTS + 1));
        assert_eq!(t.payload(), Err(EpcError::AmountRange));
    }

    #[test]
    fn purpose_longer_than_four_or_not_alphanumeric_is_refused() {
        let mut t = transfer();
        t.purpose = Some("GDDSX".into());
        assert_eq!(t.payload(), Err(EpcError::Purpose));
        t.purpose = Some("GD S".into());
        assert_eq!(t.payload(), Err(EpcError::Purpose));
    }

    #[test]
    fn free_text_of_more_than_140_characters_is_refused() {
        let mut t = transfer();
        t.remittance = Remittance::Unstructured("x".repeat(140));
        assert!(t.payload().is_ok());
        t.remittance = Remittance::Unstructured("x".repeat(141));
        assert_eq!(t.payload(), Err(EpcError::RemittanceLength));
    }

    #[test]
    fn empty_free_text_is_refused_so_line_ten_or_eleven_is_always_filled() {
        let mut t = transfer();
        t.remittance = Remittance::Unstructured(" ".into());
        assert_eq!(t.payload(), Err(EpcError::RemittanceLength));
    }

    #[test]
    fn info_of_more_than_70_characters_is_refused() {
        let mut t = transfer();
        t.info = Some("x".repeat(71));
        assert_eq!(t.payload(), Err(EpcError::InfoLength));
    }

    #[test]
    fn line_breaks_in_text_cannot_shift_the_lines() {
        let injected = [
            ("name", "Boef\nNL02ABNA0123456789"),
            ("text", "Polis\r\n123"),
            ("info", "Dank\tu"),
        ];
        for (field, value) in injected {
            let mut t = transfer();
            match field {
                "name" => t.beneficiary = value.into(),
                "text" => t.remittance = Remittance::Unstructured(value.into()),
                _ => t.info = Some(value.into()),
            }
            assert_eq!(t.payload(), Err(EpcError::ControlCharacter), "{field}");
        }
    }

    /// The largest ASCII transfer: BIC 11, name 70, a Maltese IBAN of 31, the top amount,
    /// a purpose and 140 characters of text come to 291 bytes before line 12.
    fn largest_without_info() -> EpcTransfer {
        EpcTransfer {
            bic: Some(Bic::parse("ABNANL2AXXX").unwrap()),
            beneficiary: "x".repeat(70),
            iban: Iban::parse("MT84MALT011000012345MTLCAST001S").unwrap(),
            amount: Some(Money::eur(MAX_AMOUNT_CENTS)),
            purpose: Some("GDDS".into()),
            remittance: Remittance::Unstructured("x".repeat(140)),
            info: None,
        }
    }

    #[test]
    fn payload_of_exactly_331_bytes_is_accepted_and_332_refused() {
        let mut t = largest_without_info();
        let base = t.payload().unwrap().len();
        assert_eq!(base, 291);
        let room = MAX_PAYLOAD_BYTES - base - 1;
        t.info = Some("x".repeat(room));
        assert_eq!(t.payload().map(|p| p.len()), Ok(MAX_PAYLOAD_BYTES));
        t.info = Some("x".repeat(room + 1));
        assert_eq!(t.payload(), Err(EpcError::TooLong));
    }

    #[test]
    fn payload_limit_counts_utf8_bytes_not_characters() {
        let mut t = transfer();
        t.beneficiary = "e".repeat(70);
        t.remittance = Remittance::Unstructured("u".repeat(140));
        assert_eq!(t.payload().map(|p| p.len()), Ok(257));
        t.beneficiary = "é".repeat(70);
        t.remittance = Remittance::Unstructured("ü".repeat(140));
        assert_eq!(t.payload(), Err(EpcError::TooLong), "257 characters, 467 bytes");
    }

    #[test]
    fn error_codes_are_stable() {
        let all = [
            (EpcError::BeneficiaryLength, "epc_beneficiary_length"),
            (EpcError::AmountRange, "epc_amount_range"),
            (EpcError::Purpose, "epc_purpose"),
            (EpcError::RemittanceLength, "epc_remittance_length"),
            (EpcError::InfoLength, "epc_info_length"),
            (EpcError::ControlCharacter, "epc_control_character"),
            (EpcError::TooLong, "epc_too_long"),
        ];
        for (e, code) in all {
            assert_eq!(e.code(), code);
        }
    }
}
