//! IBAN (ISO 13616) and BIC (ISO 9362) validation for the accounts in payment instructions.
use crate::mod97;
use crate::rf::group_by_four;
use serde::{Deserialize, Serialize};

/// Stored compact and upper-case; `grouped` is the printed form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("not an IBAN")]
    BadFormat,
    #[error("no IBAN country we accept")]
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

/// IBAN lengths of the SEPA scheme countries, from the SWIFT IBAN registry. Only SEPA:
/// a transfer to any other IBAN cannot be a SEPA credit transfer anyway.
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AL", 28),
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
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("RS", 22),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

/// BBAN layouts for the countries Settle's creditors and debtors mostly bank in, so a typo
/// that happens to keep the checksum (a letter for two digits) still fails there.
/// 'a' = capital letter, 'n' = digit.
const BBAN_LAYOUTS: &[(&str, &str)] = &[
    ("NL", "aaaannnnnnnnnn"),
    ("DE", "nnnnnnnnnnnnnnnnnn"),
    ("BE", "nnnnnnnnnnnn"),
    ("AT", "nnnnnnnnnnnnnnnn"),
];

fn fits_layout(bban: &str, layout: &str) -> bool {
    bban.len() == layout.len()
        && bban.bytes().zip(layout.bytes()).all(|(b, l)| match l {
            b'a' => b.is_ascii_uppercase(),
            _ => b.is_ascii_digit(),
        })
}

impl Iban {
    /// Accepts the printed form too: spaces anywhere, any case.
    pub fn parse(s: &str) -> Result<Self, IbanError> {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        // ASCII first, so the byte ranges below always fall on character boundaries.
        let shape = s.is_ascii()
            && (5..=34).contains(&s.len())
            && s.bytes().take(2).all(|b| b.is_ascii_uppercase())
            && s.bytes().skip(2).take(2).all(|b| b.is_ascii_digit())
            && s.bytes().skip(4).all(|b| b.is_ascii_alphanumeric());
        if !shape {
            return Err(IbanError::BadFormat);
        }
        let (country, bban) = (&s[..2], &s[4..]);
        let (_, len) = LENGTHS
            .iter()
            .find(|(c, _)| *c == country)
            .ok_or(IbanError::UnknownCountry)?;
        if s.len() != *len {
            return Err(IbanError::BadLength);
        }
        if let Some((_, layout)) = BBAN_LAYOUTS.iter().find(|(c, _)| *c == country) {
            if !fits_layout(bban, layout) {
                return Err(IbanError::BadFormat);
            }
        }
        if !mod97::has_valid_check_digits(&s) {
            return Err(IbanError::BadChecksum);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// ISO 3166 country code: "NL".
    pub fn country(&self) -> &str {
        &self.0[..2]
    }

    /// Groups of four, as printed: "NL91 ABNA 0417 1643 00".
    pub fn grouped(&self) -> String {
        group_by_four(&self.0)
    }
}

impl std::fmt::Display for Iban {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Iban {
    type Error = IbanError;
    fn try_from(s: String) -> Result<Self, IbanError> {
        Iban::parse(&s)
    }
}

impl From<Iban> for String {
    fn from(i: Iban) -> String {
        i.0
    }
}

/// 8 or 11 characters: bank (4), country (2), location (2), optional branch (3).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bic(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a BIC")]
pub struct BicError;

impl BicError {
    pub fn code(&self) -> &'static str {
        "bic_invalid"
    }
}

impl Bic {
    pub fn parse(s: &str) -> Result<Self, BicError> {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let alnum = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
        let ok = (s.len() == 8 || s.len() == 11)
            && s.bytes().all(alnum)
            && s.bytes().skip(4).take(2).all(|b| b.is_ascii_uppercase());
        if ok {
            Ok(Self(s))
        } else {
            Err(BicError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// ISO 3166 country code: "NL" for ABNANL2A.
    pub fn country(&self) -> &str {
        &self.0[4..6]
    }
}

impl std::fmt::Display for Bic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Bic {
    type Error = BicError;
    fn try_from(s: String) -> Result<Self, BicError> {
        Bic::parse(&s)
    }
}

impl From<Bic> for String {
    fn from(b: Bic) -> String {
        b.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SWIFT registry's example IBAN for each country in the length table.
    const REGISTRY_EXAMPLES: &[&str] = &[
        "AD1200012030200359100100",
        "AL47212110090000000235698741",
        "AT611904300234573201",
        "BE68539007547034",
        "BG80BNBG96611020345678",
        "CH9300762011623852957",
        "CY17002001280000001200527600",
        "CZ6508000000192000145399",
        "DE89370400440532013000",
        "DK5000400440116243",
        "EE382200221020145685",
        "ES9121000418450200051332",
        "FI2112345600000785",
        "FR1420041010050500013M02606",
        "GB29NWBK60161331926819",
        "GI75NWBK000000007099453",
        "GR1601101250000000012300695",
        "HR1210010051863000160",
        "HU42117730161111101800000000",
        "IE29AIBK93115212345678",
        "IS140159260076545510730339",
        "IT60X0542811101000000123456",
        "LI21088100002324013AA",
        "LT121000011101001000",
        "LU280019400644750000",
        "LV80BANK0000435195001",
        "MC5811222000010123456789030",
        "MD24AG000225100013104168",
        "ME25505000012345678951",
        "MK07250120000058984",
        "MT84MALT011000012345MTLCAST001S",
        "NL91ABNA0417164300",
        "NO9386011117947",
        "PL61109010140000071219812874",
        "PT50000201231234567890154",
        "RO49AAAA1B31007593840000",
        "RS35260005601001611379",
        "SE4550000000058398257466",
        "SI56263300012039086",
        "SK3112000000198742637541",
        "SM86U0322509800000000270100",
        "VA59001123000012345678",
    ];

    fn iban(s: &str) -> Iban {
        Iban::parse(s).unwrap()
    }

    #[test]
    fn accepts_the_reference_examples() {
        for ok in [
            "NL91ABNA0417164300",
            "DE89370400440532013000",
            "BE72000000001616",
            "MT84MALT011000012345MTLCAST001S",
        ] {
            assert_eq!(Iban::parse(ok).map(String::from), Ok(ok.to_string()));
        }
    }

    #[test]
    fn every_country_in_the_table_accepts_its_registry_example() {
        for example in REGISTRY_EXAMPLES {
            assert_eq!(
                Iban::parse(example).map(|i| i.country().to_string()),
                Ok(example[..2].to_string()),
                "{example}"
            );
        }
        let covered: Vec<&str> = REGISTRY_EXAMPLES.iter().map(|e| &e[..2]).collect();
        let table: Vec<&str> = LENGTHS.iter().map(|(c, _)| *c).collect();
        assert_eq!(covered, table);
    }

    #[test]
    fn printed_form_with_spaces_and_lower_case_is_accepted() {
        assert_eq!(iban("nl91 abna 0417 1643 00"), iban("NL91ABNA0417164300"));
        assert_eq!(iban("NL91\u{a0}ABNA\t0417164300").as_str(), "NL91ABNA0417164300");
    }

    #[test]
    fn grouped_form_prints_in_fours() {
        assert_eq!(iban("NL91ABNA0417164300").grouped(), "NL91 ABNA 0417 1643 00");
        assert_eq!(iban("DE89370400440532013000").grouped(), "DE89 3704 0044 0532 0130 00");
    }

    #[test]
    fn country_is_the_first_two_letters() {
        assert_eq!(iban("DE89370400440532013000").country(), "DE");
    }

    #[test]
    fn a_single_wrong_digit_is_a_bad_checksum() {
        assert_eq!(Iban::parse("NL92ABNA0417164300"), Err(IbanError::BadChecksum));
        assert_eq!(Iban::parse("NL91ABNA0417164301"), Err(IbanError::BadChecksum));
        assert_eq!(Iban::parse("DE89370400440532013001"), Err(IbanError::BadChecksum));
    }

    #[test]
    fn swapped_neighbours_are_a_bad_checksum() {
        assert_eq!(Iban::parse("NL91ABNA0471164300"), Err(IbanError::BadChecksum));
    }

    #[test]
    fn check_digits_00_01_and_99_are_never_valid() {
        for cd in ["00", "01", "99"] {
            let s = format!("NL{cd}ABNA0417164300");
            assert_eq!(Iban::parse(&s), Err(IbanError::BadChecksum), "{s}");
        }
    }

    #[test]
    fn a_missing_or_extra_character_is_a_bad_length() {
        assert_eq!(Iban::parse("NL91ABNA041716430"), Err(IbanError::BadLength));
        assert_eq!(Iban::parse("NL91ABNA04171643000"), Err(IbanError::BadLength));
        assert_eq!(Iban::parse("BE7200000000161"), Err(IbanError::BadLength));
    }

    #[test]
    fn countries_outside_sepa_are_unknown() {
        assert_eq!(Iban::parse("XX91ABNA0417164300"), Err(IbanError::UnknownCountry));
        assert_eq!(
            Iban::parse("BR1800360305000010009795493C1"),
            Err(IbanError::UnknownCountry)
        );
    }

    #[test]
    fn malformed_input_is_a_bad_format_and_never_panics() {
        for s in [
            "",
            "NL91",
            "9L91ABNA0417164300",
            "NLX1ABNA0417164300",
            "NL9!ABNA0417164300",
            "NL91-ABNA-0417-1643-00",
            "é91ABNA0417164300",
            "NLé1ABNA0417164300",
            "NL91ABNAé417164300",
            "NL91ABNA041716430012345678901234567",
        ] {
            assert_eq!(Iban::parse(s), Err(IbanError::BadFormat), "{s:?}");
        }
    }

    #[test]
    fn dutch_and_german_bbans_must_follow_their_layout() {
        // Valid mod 97, but NL needs four bank letters and DE only digits.
        let nl = format!("NL{:02}0BNA0417164300", expected_check("NL", "0BNA0417164300"));
        assert_eq!(Iban::parse(&nl), Err(IbanError::BadFormat));
        let de = format!("DE{:02}A70400440532013000", expected_check("DE", "A70400440532013000"));
        assert_eq!(Iban::parse(&de), Err(IbanError::BadFormat));
    }

    fn expected_check(country: &str, bban: &str) -> u32 {
        mod97::check_digits(bban, country).unwrap()
    }

    #[test]
    fn deserialising_validates_like_parse() {
        use serde::de::{value::Error, IntoDeserializer};
        let from = |s: &str| Iban::deserialize(IntoDeserializer::<Error>::into_deserializer(s.to_string()));
        assert_eq!(from("NL91ABNA0417164300"), Ok(iban("NL91ABNA0417164300")));
        assert!(from("NL92ABNA0417164300").is_err());
    }

    #[test]
    fn iban_error_codes_are_stable() {
        assert_eq!(IbanError::BadFormat.code(), "iban_bad_format");
        assert_eq!(IbanError::UnknownCountry.code(), "iban_unknown_country");
        assert_eq!(IbanError::BadLength.code(), "iban_bad_length");
        assert_eq!(IbanError::BadChecksum.code(), "iban_bad_checksum");
    }

    #[test]
    fn bic_has_eight_or_eleven_characters() {
        assert_eq!(Bic::parse("ABNANL2A").map(String::from), Ok("ABNANL2A".into()));
        assert_eq!(Bic::parse("cobadeffxxx").map(String::from), Ok("COBADEFFXXX".into()));
        assert_eq!(Bic::parse(" INGB NL 2A ").map(String::from), Ok("INGBNL2A".into()));
        assert_eq!(
            Bic::parse("DEUTDEFF500").map(|b| b.country().to_string()),
            Ok("DE".into())
        );
        assert_eq!(Bic::parse("ABNANL2"), Err(BicError));
        assert_eq!(Bic::parse("ABNANL2AX"), Err(BicError));
        assert_eq!(Bic::parse("ABNANL2AXXXX"), Err(BicError));
    }

    #[test]
    fn bic_country_must_be_letters_and_nothing_but_letters_and_digits() {
        assert_eq!(Bic::parse("ABNA1L2A"), Err(BicError));
        assert_eq!(Bic::parse("ABNANL2-"), Err(BicError));
        assert_eq!(Bic::parse("ÄBNANL2A"), Err(BicError));
        assert_eq!(Bic::parse("ABNAÑL2A"), Err(BicError));
        assert_eq!(BicError.code(), "bic_invalid");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any text gives an IBAN or an error, never a panic; an accepted one reads back from
            /// its own printed, grouped form.
            #[test]
            fn any_text_is_an_iban_or_an_error(s in "\\PC{0,40}") {
                if let Ok(iban) = Iban::parse(&s) {
                    prop_assert_eq!(Iban::parse(&iban.grouped()), Ok(iban.clone()));
                    prop_assert_eq!(Iban::parse(&iban.as_str().to_ascii_lowercase()), Ok(iban));
                }
            }

            /// One mistyped digit is always caught (mod 97 catches every single substitution).
            #[test]
            fn a_single_changed_digit_is_always_caught(at in 4usize..22, to in 0u8..10) {
                let good = "DE89370400440532013000";
                let mut bytes = good.as_bytes().to_vec();
                prop_assume!(bytes[at] != b'0' + to);
                bytes[at] = b'0' + to;
                let typo = String::from_utf8(bytes).unwrap_or_default();
                prop_assert!(Iban::parse(&typo).is_err(), "{}", typo);
            }
        }
    }
}
