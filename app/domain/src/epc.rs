//! EPC069-12 ("GiroCode") payloads for SEPA credit transfer QR codes.
use crate::iban::{Bic, Iban};
use crate::money::{Currency, Money};
use crate::rf::RfReference;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remittance {
    /// Line 10: a creditor reference such as ISO 11649 RF.
    Structured(RfReference),
    /// Line 11: free text, at most 140 characters.
    Unstructured(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpcTransfer {
    pub bic: Option<Bic>,
    pub beneficiary: String,
    pub iban: Iban,
    pub amount: Option<Money>,
    pub purpose: Option<String>,
    pub remittance: Remittance,
    pub info: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpcError {
    #[error("beneficiary name must be 1 to 70 characters")]
    BeneficiaryLength,
    #[error("amount must be EUR 0.01 to 999999999.99")]
    AmountRange,
    #[error("only EUR can be requested")]
    Currency,
    #[error("purpose must be up to 4 letters or digits")]
    Purpose,
    #[error("free-text remittance must be at most 140 characters")]
    RemittanceLength,
    #[error("beneficiary-to-originator information must be at most 70 characters")]
    InfoLength,
    #[error("payload exceeds 331 bytes")]
    TooLong,
}

impl EpcError {
    pub fn code(&self) -> &'static str {
        match self {
            EpcError::BeneficiaryLength => "epc_beneficiary_length",
            EpcError::AmountRange => "epc_amount_range",
            EpcError::Currency => "epc_currency",
            EpcError::Purpose => "epc_purpose",
            EpcError::RemittanceLength => "epc_remittance_length",
            EpcError::InfoLength => "epc_info_length",
            EpcError::TooLong => "epc_too_long",
        }
    }
}

pub const MAX_PAYLOAD_BYTES: usize = 331;

impl EpcTransfer {
    /// Version 002, UTF-8; LF between lines, no trailing LF; empty trailing lines dropped.
    pub fn payload(&self) -> Result<String, EpcError> {
        let name = self.beneficiary.trim();
        if name.is_empty() || name.chars().count() > 70 {
            return Err(EpcError::BeneficiaryLength);
        }
        let amount = match self.amount {
            None => String::new(),
            Some(m) if m.currency != Currency::Eur => return Err(EpcError::Currency),
            Some(m) if m.cents < 1 || m.cents > 99_999_999_999 => return Err(EpcError::AmountRange),
            Some(m) => format!("EUR{}", m.to_epc_amount()),
        };
        let purpose = self.purpose.clone().unwrap_or_default();
        if purpose.len() > 4 || !purpose.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(EpcError::Purpose);
        }
        let (structured, unstructured) = match &self.remittance {
            Remittance::Structured(r) => (r.as_str().to_string(), String::new()),
            Remittance::Unstructured(t) if t.chars().count() > 140 => return Err(EpcError::RemittanceLength),
            Remittance::Unstructured(t) => (String::new(), t.clone()),
        };
        let info = self.info.clone().unwrap_or_default();
        if info.chars().count() > 70 {
            return Err(EpcError::InfoLength);
        }
        let mut lines = vec![
            "BCD".to_string(),
            "002".to_string(),
            "1".to_string(),
            "SCT".to_string(),
            self.bic.as_ref().map(|b| b.as_str().to_string()).unwrap_or_default(),
            name.to_string(),
            self.iban.as_str().to_string(),
            amount,
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

    #[test]
    fn reproduces_the_reference_example_byte_for_byte() {
        let expected =
            "BCD\n002\n1\nSCT\n\nVoorbeeld Zorgverzekeraar N.V.\nNL91ABNA0417164300\nEUR123.45\n\nRF18539007547034";
        assert_eq!(transfer().payload().unwrap(), expected);
    }

    #[test]
    fn structured_reference_goes_on_line_ten_and_nothing_trails() {
        let p = transfer().payload().unwrap();
        let lines: Vec<&str> = p.split('\n').collect();
        assert_eq!(lines.len(), 10);
        assert_eq!(lines[9], "RF18539007547034");
        assert!(!p.ends_with('\n'));
    }

    #[test]
    fn free_text_goes_on_line_eleven_with_line_ten_empty() {
        let mut t = transfer();
        t.remittance = Remittance::Unstructured("Polis 123".into());
        let p = t.payload().unwrap();
        let lines: Vec<&str> = p.split('\n').collect();
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[9], "");
        assert_eq!(lines[10], "Polis 123");
    }

    #[test]
    fn bic_fills_line_five_and_info_line_twelve() {
        let mut t = transfer();
        t.bic = Some(Bic::parse("ABNANL2A").unwrap());
        t.info = Some("Dank u".into());
        let p = t.payload().unwrap();
        let lines: Vec<&str> = p.split('\n').collect();
        assert_eq!(lines[4], "ABNANL2A");
        assert_eq!(lines.len(), 12);
        assert_eq!(lines[11], "Dank u");
    }

    #[test]
    fn no_amount_leaves_line_eight_empty() {
        let mut t = transfer();
        t.amount = None;
        assert_eq!(t.payload().unwrap().split('\n').nth(7), Some(""));
    }

    #[test]
    fn each_rule_is_enforced() {
        let mut t = transfer();
        t.beneficiary = "x".repeat(71);
        assert_eq!(t.payload(), Err(EpcError::BeneficiaryLength));
        let mut t = transfer();
        t.beneficiary = "  ".into();
        assert_eq!(t.payload(), Err(EpcError::BeneficiaryLength));
        let mut t = transfer();
        t.amount = Some(Money::eur(0));
        assert_eq!(t.payload(), Err(EpcError::AmountRange));
        t.amount = Some(Money::eur(100_000_000_000));
        assert_eq!(t.payload(), Err(EpcError::AmountRange));
        t.amount = Some(Money::eur(99_999_999_999));
        assert!(t.payload().is_ok());
        let mut t = transfer();
        t.purpose = Some("TOOLONG".into());
        assert_eq!(t.payload(), Err(EpcError::Purpose));
        let mut t = transfer();
        t.remittance = Remittance::Unstructured("x".repeat(141));
        assert_eq!(t.payload(), Err(EpcError::RemittanceLength));
        let mut t = transfer();
        t.info = Some("x".repeat(71));
        assert_eq!(t.payload(), Err(EpcError::InfoLength));
    }

    #[test]
    fn payload_over_331_bytes_is_refused_counting_utf8_bytes() {
        let mut t = transfer();
        t.bic = Some(Bic::parse("ABNANL2AXXX").unwrap());
        t.beneficiary = "é".repeat(70);
        t.remittance = Remittance::Unstructured("ü".repeat(140));
        t.info = Some("ö".repeat(20));
        assert_eq!(t.payload(), Err(EpcError::TooLong));
    }
}
