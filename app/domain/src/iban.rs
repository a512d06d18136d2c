//! IBAN (ISO 13616) and BIC validation.
use crate::mod97::remainder;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Iban(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("not an IBAN")]
    BadFormat,
    #[error("unknown country")]
    UnknownCountry,
    #[error("wrong length for the country")]
    BadLength,
    #[error("check digits do not match")]
    BadChecksum,
}

impl IbanError {
    pub fn code(&self) -> &'static str {
        match self {
            IbanError::BadFormat => "iban_bad_format",
            IbanError::UnknownCountry => "iban_unknown_country",
            IbanError::BadLength => "iban_bad_length",
            IbanError::BadChecksum => "iban_bad_checksum",
        }
    }
}

/// IBAN lengths of the SEPA countries (SWIFT IBAN registry).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

impl Iban {
    pub fn parse(s: &str) -> Result<Self, IbanError> {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let shape = s.len() >= 5
            && s.len() <= 34
            && s[..2].chars().all(|c| c.is_ascii_uppercase())
            && s[2..4].chars().all(|c| c.is_ascii_digit())
            && s[4..].chars().all(|c| c.is_ascii_alphanumeric());
        if !shape {
            return Err(IbanError::BadFormat);
        }
        let len = LENGTHS
            .iter()
            .find(|(c, _)| *c == &s[..2])
            .map(|(_, l)| *l)
            .ok_or(IbanError::UnknownCountry)?;
        if s.len() != len {
            return Err(IbanError::BadLength);
        }
        match remainder(&format!("{}{}", &s[4..], &s[..4])) {
            Some(1) => Ok(Self(s)),
            _ => Err(IbanError::BadChecksum),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn country(&self) -> &str {
        &self.0[..2]
    }

    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bic(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a BIC")]
pub struct BicError;

impl BicError {
    pub fn code(&self) -> &'static str {
        "bic_invalid"
    }
}

impl Bic {
    pub fn parse(s: &str) -> Result<Self, BicError> {
        let s = s.trim().to_ascii_uppercase();
        let ok = (s.len() == 8 || s.len() == 11)
            && s[..4].chars().all(|c| c.is_ascii_alphanumeric())
            && s[4..6].chars().all(|c| c.is_ascii_uppercase())
            && s[6..].chars().all(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(Self(s))
        } else {
            Err(BicError)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_reference_examples() {
        for ok in [
            "NL91ABNA0417164300",
            "DE89370400440532013000",
            "BE72000000001616",
            "MT84MALT011000012345MTLCAST001S",
            "nl91 abna 0417 1643 00",
        ] {
            assert!(Iban::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Iban::parse("NL91ABNA0417164300").unwrap().grouped(),
            "NL91 ABNA 0417 1643 00"
        );
    }

    #[test]
    fn rejects_broken_ibans_with_the_reason() {
        assert_eq!(Iban::parse("NL92ABNA0417164300"), Err(IbanError::BadChecksum));
        assert_eq!(Iban::parse("NL91ABNA041716430"), Err(IbanError::BadLength));
        assert_eq!(Iban::parse("XX91ABNA0417164300"), Err(IbanError::UnknownCountry));
        assert_eq!(Iban::parse("NL9!ABNA0417164300"), Err(IbanError::BadFormat));
    }

    #[test]
    fn bic_shapes() {
        assert!(Bic::parse("ABNANL2A").is_ok());
        assert!(Bic::parse("COBADEFFXXX").is_ok());
        assert!(Bic::parse("ABNA1L2A").is_err());
        assert!(Bic::parse("ABNANL2").is_err());
    }
}
