//! ISO 11649 creditor references ("RF18 5390 0754 7034"): creating them for invoices and
//! checking the ones people type.
use crate::mod97;
use serde::{Deserialize, Serialize};

/// Stored and transmitted compact and upper-case; only `grouped` adds spaces, for print.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RfReference(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
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

pub const MAX_BASE_LEN: usize = 21;

fn compact_upper(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl RfReference {
    /// The reference for an invoice's own base (its number without separators).
    pub fn create(base: &str) -> Result<Self, RfError> {
        let base = compact_upper(base);
        if base.is_empty() || base.len() > MAX_BASE_LEN || !base.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(RfError::BadBase);
        }
        let check = mod97::check_digits(&base, "RF").ok_or(RfError::BadBase)?;
        Ok(Self(format!("RF{check:02}{base}")))
    }

    /// Accepts the printed form too: spaces anywhere, any case.
    pub fn parse(s: &str) -> Result<Self, RfError> {
        let s = compact_upper(s);
        // ASCII first, so the byte ranges below always fall on character boundaries.
        let shape = s.is_ascii()
            && (5..=4 + MAX_BASE_LEN).contains(&s.len())
            && s.starts_with("RF")
            && s.bytes().skip(2).take(2).all(|b| b.is_ascii_digit())
            && s.bytes().skip(4).all(|b| b.is_ascii_alphanumeric());
        if !shape {
            return Err(RfError::BadFormat);
        }
        if !mod97::has_valid_check_digits(&s) {
            return Err(RfError::BadChecksum);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Groups of four, as printed on invoices: "RF18 5390 0754 7034".
    pub fn grouped(&self) -> String {
        group_by_four(&self.0)
    }
}

/// Both RF references and IBANs print in groups of four; the input is ASCII by construction.
pub(crate) fn group_by_four(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

impl std::fmt::Display for RfReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RfReference {
    type Error = RfError;
    fn try_from(s: String) -> Result<Self, RfError> {
        RfReference::parse(&s)
    }
}

impl From<RfReference> for String {
    fn from(r: RfReference) -> String {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numeric_base_from_the_standard() {
        assert_eq!(
            RfReference::create("539007547034").unwrap().as_str(),
            "RF18539007547034"
        );
    }

    #[test]
    fn alphanumeric_base_from_the_standard() {
        assert_eq!(RfReference::create("INV2026A123").unwrap().as_str(), "RF31INV2026A123");
    }

    #[test]
    fn base_is_taken_in_any_case_and_spacing() {
        assert_eq!(
            RfReference::create(" inv 2026a123 ").unwrap().as_str(),
            "RF31INV2026A123"
        );
    }

    #[test]
    fn printed_form_parses_to_the_compact_form() {
        let r = RfReference::parse("rf18 5390 0754 7034").unwrap();
        assert_eq!(r.as_str(), "RF18539007547034");
        assert_eq!(r.to_string(), "RF18539007547034");
    }

    #[test]
    fn grouped_form_has_groups_of_four_with_a_short_last_group() {
        let r = RfReference::parse("RF18539007547034").unwrap();
        assert_eq!(r.grouped(), "RF18 5390 0754 7034");
        let r = RfReference::parse("RF31INV2026A123").unwrap();
        assert_eq!(r.grouped(), "RF31 INV2 026A 123");
    }

    #[test]
    fn wrong_check_digits_are_a_bad_checksum() {
        assert_eq!(RfReference::parse("RF19539007547034"), Err(RfError::BadChecksum));
        assert_eq!(RfReference::parse("RF18539007547035"), Err(RfError::BadChecksum));
    }

    #[test]
    fn check_digits_99_and_below_02_are_never_valid() {
        for cd in ["00", "01", "99"] {
            let alias = format!("RF{cd}539007547034");
            assert_eq!(RfReference::parse(&alias), Err(RfError::BadChecksum), "{alias}");
        }
    }

    #[test]
    fn anything_not_shaped_like_a_reference_is_a_bad_format() {
        for s in [
            "",
            "RF18",
            "XX18539007547034",
            "RFAB539007547034",
            "RF18-5390-0754",
            "RF1853900754703412345678901",
            "RF1é",
            "RF18539007547034\u{0}",
        ] {
            assert_eq!(RfReference::parse(s), Err(RfError::BadFormat), "{s:?}");
        }
    }

    #[test]
    fn longest_base_is_twenty_one_characters() {
        let base = "1".repeat(MAX_BASE_LEN);
        let r = RfReference::create(&base).unwrap();
        assert_eq!(r.as_str().len(), 25);
        assert_eq!(RfReference::parse(r.as_str()), Ok(r));
        assert_eq!(RfReference::create(&"1".repeat(22)), Err(RfError::BadBase));
    }

    #[test]
    fn empty_or_non_alphanumeric_bases_are_refused() {
        for base in ["", "   ", "INV-1", "ÄBC", "12_3"] {
            assert_eq!(RfReference::create(base), Err(RfError::BadBase), "{base:?}");
        }
    }

    #[test]
    fn deserialising_validates_like_parse() {
        use serde::de::{value::Error, IntoDeserializer};
        let from = |s: &str| RfReference::deserialize(IntoDeserializer::<Error>::into_deserializer(s.to_string()));
        assert_eq!(
            from("RF18539007547034").map(String::from),
            Ok("RF18539007547034".to_string())
        );
        assert!(from("RF19539007547034").is_err());
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(RfError::BadBase.code(), "rf_bad_base");
        assert_eq!(RfError::BadFormat.code(), "rf_bad_format");
        assert_eq!(RfError::BadChecksum.code(), "rf_bad_checksum");
    }

    /// Why the transposition property below only swaps two digits or two letters: a letter
    /// counts as two digits, so "1B" and "B1" both read 111 and share their check digits.
    #[test]
    fn mixed_letter_digit_transpositions_can_go_unnoticed() {
        let a = RfReference::create("X1B").unwrap();
        let b = RfReference::create("XB1").unwrap();
        assert_eq!(a.as_str()[..4], b.as_str()[..4]);
    }

    fn same_kind(a: u8, b: u8) -> bool {
        a.is_ascii_digit() == b.is_ascii_digit()
    }

    /// Every other character of the same kind: 9 for a digit, 25 for a letter.
    fn substitutes(c: u8) -> Vec<u8> {
        let pool: Vec<u8> = if c.is_ascii_digit() {
            (b'0'..=b'9').collect()
        } else {
            (b'A'..=b'Z').collect()
        };
        pool.into_iter().filter(|s| *s != c).collect()
    }

    proptest! {
        #[test]
        fn created_references_always_parse_back(base in "[A-Za-z0-9]{1,21}") {
            let r = RfReference::create(&base).unwrap();
            prop_assert_eq!(RfReference::parse(r.as_str()), Ok(r.clone()));
            prop_assert_eq!(RfReference::parse(&r.grouped()), Ok(r.clone()));
            prop_assert_eq!(RfReference::parse(&r.as_str().to_lowercase()), Ok(r));
        }

        /// A digit for a digit or a letter for a letter changes the number by a non-zero
        /// multiple (below 97) of a power of ten, which 97, a prime, never divides.
        #[test]
        fn every_single_substitution_of_the_same_kind_is_caught(base in "[A-Z0-9]{1,21}") {
            let r = RfReference::create(&base).unwrap();
            let bytes = r.as_str().as_bytes();
            for i in 2..bytes.len() {
                for s in substitutes(bytes[i]) {
                    let mut typo = bytes.to_vec();
                    typo[i] = s;
                    let typo = String::from_utf8(typo).unwrap();
                    prop_assert!(RfReference::parse(&typo).is_err(), "{} -> {}", r, typo);
                }
            }
        }

        /// Swapping two different digits changes the number by 9 * d * 10^k, two letters by
        /// 99 * d * 10^k; neither is a multiple of 97.
        #[test]
        fn every_adjacent_transposition_of_the_same_kind_is_caught(base in "[A-Z0-9]{1,21}") {
            let r = RfReference::create(&base).unwrap();
            let bytes = r.as_str().as_bytes();
            for i in 2..bytes.len() - 1 {
                let (a, b) = (bytes[i], bytes[i + 1]);
                if a == b || !same_kind(a, b) {
                    continue;
                }
                let mut typo = bytes.to_vec();
                typo.swap(i, i + 1);
                let typo = String::from_utf8(typo).unwrap();
                prop_assert!(RfReference::parse(&typo).is_err(), "{} -> {}", r, typo);
            }
        }
    }
}
