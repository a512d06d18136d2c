//! ISO 11649 creditor references ("RF18 5390 0754 7034").
use crate::mod97::remainder;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RfReference(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RfError {
    #[error("the base must be 1 to 21 letters or digits")]
    BadBase,
    #[error("a reference is RF, two check digits and 1 to 21 letters or digits")]
    BadFormat,
    #[error("the check digits do not match")]
    BadChecksum,
}

impl RfError {
    pub fn code(&self) -> &'static str {
        match self {
            RfError::BadBase => "rf_bad_base",
            RfError::BadFormat => "rf_bad_format",
            RfError::BadChecksum => "rf_bad_checksum",
        }
    }
}

fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

impl RfReference {
    pub fn create(base: &str) -> Result<Self, RfError> {
        let base = clean(base);
        if base.is_empty() || base.len() > 21 || !base.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(RfError::BadBase);
        }
        let r = remainder(&format!("{base}RF00")).ok_or(RfError::BadBase)?;
        Ok(Self(format!("RF{:02}{base}", 98 - r)))
    }

    pub fn parse(s: &str) -> Result<Self, RfError> {
        let s = clean(s);
        let ok_shape = (5..=25).contains(&s.len())
            && s.starts_with("RF")
            && s[2..4].chars().all(|c| c.is_ascii_digit())
            && s[4..].chars().all(|c| c.is_ascii_alphanumeric());
        if !ok_shape {
            return Err(RfError::BadFormat);
        }
        let rotated = format!("{}{}", &s[4..], &s[..4]);
        match remainder(&rotated) {
            Some(1) => Ok(Self(s)),
            _ => Err(RfError::BadChecksum),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Printed in groups of four, as on invoices.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl std::fmt::Display for RfReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_examples_from_the_standard() {
        assert_eq!(
            RfReference::create("539007547034").unwrap().as_str(),
            "RF18539007547034"
        );
        assert_eq!(RfReference::create("INV2026A123").unwrap().as_str(), "RF31INV2026A123");
    }

    #[test]
    fn parses_printed_form_and_groups_by_four() {
        let r = RfReference::parse("rf18 5390 0754 7034").unwrap();
        assert_eq!(r.as_str(), "RF18539007547034");
        assert_eq!(r.grouped(), "RF18 5390 0754 7034");
    }

    #[test]
    fn rejects_wrong_check_digits_and_shapes() {
        assert_eq!(RfReference::parse("RF19539007547034"), Err(RfError::BadChecksum));
        assert_eq!(RfReference::parse("XX18539007547034"), Err(RfError::BadFormat));
        assert_eq!(RfReference::parse("RF18"), Err(RfError::BadFormat));
        assert_eq!(RfReference::create(""), Err(RfError::BadBase));
        assert_eq!(RfReference::create("1234567890123456789012"), Err(RfError::BadBase));
        assert_eq!(RfReference::create("ÄBC"), Err(RfError::BadBase));
    }

    proptest! {
        #[test]
        fn created_references_always_validate(base in "[A-Z0-9]{1,21}") {
            let r = RfReference::create(&base).unwrap();
            prop_assert_eq!(RfReference::parse(&r.grouped()).unwrap(), r);
        }

        #[test]
        fn any_single_digit_change_is_detected(base in "[0-9]{4,21}", pos in 0usize..21, delta in 1u8..10) {
            let r = RfReference::create(&base).unwrap();
            let mut bytes = r.as_str().as_bytes().to_vec();
            let i = 4 + pos % base.len();
            bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(RfReference::parse(&changed).is_err());
        }
    }
}
