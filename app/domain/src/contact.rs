//! Contact data typed by people (email addresses, postcodes, customer numbers) and the
//! masking that lets a page confirm who someone is without revealing it.
use serde::{Deserialize, Serialize};

/// Lower-cased as a whole: mail providers treat local parts case-insensitively in practice,
/// and one spelling per person keeps lookups and uniqueness simple.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an email address")]
pub struct EmailError;

impl EmailError {
    pub fn code(&self) -> &'static str {
        "email_invalid"
    }
}

pub const MAX_EMAIL_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;

/// The unquoted local-part characters of RFC 5322; quoted forms and comments are refused,
/// since no one types them and they are how header injection is attempted.
fn local_char_ok(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c)
}

fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.chars().count() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.chars().count() >= 2 && !t.chars().all(|c| c.is_ascii_digit()));
    labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

impl EmailAddress {
    /// Trimmed and lower-cased; one '@', a plain local part, a dotted domain, at most 254
    /// bytes. International letters are allowed on both sides.
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim().to_lowercase();
        if s.len() > MAX_EMAIL_LEN {
            return Err(EmailError);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError)?;
        let local_ok = !local.is_empty()
            && local.len() <= MAX_LOCAL_LEN
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(local_char_ok);
        if local_ok && domain_ok(domain) {
            Ok(Self(s))
        } else {
            Err(EmailError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For logs and pages that must not show the address.
    pub fn masked(&self) -> String {
        mask_email(&self.0)
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, EmailError> {
        EmailAddress::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

/// First character, then one asterisk per hidden character: "Vries" -> "V****". At least
/// one asterisk, so a one-letter word is never shown whole.
fn mask_word(word: &str) -> String {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    format!("{first}{}", "*".repeat(chars.count().max(1)))
}

/// "jan.jansen@example.nl" -> "j*********@example.nl": enough for the owner to recognise,
/// too little for anyone else. Input without '@' is masked entirely.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() => format!("{}@{domain}", mask_word(local)),
        _ => "*".repeat(email.chars().count().max(1)),
    }
}

/// "Jan de Vries" -> "J** d* V****".
pub fn mask_name(name: &str) -> String {
    name.split_whitespace().map(mask_word).collect::<Vec<_>>().join(" ")
}

/// Upper-case without any whitespace, so "1234 ab", "1234AB" and "1234\u{a0}ab" compare
/// equal. No per-country format check: debtors live abroad too.
pub fn normalize_postcode(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A postcode in its normalised form; two postcodes are equal when people would say so.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    pub fn new(s: &str) -> Postcode {
        Postcode(normalize_postcode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Postcode {
    fn from(s: String) -> Postcode {
        Postcode::new(&s)
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

/// As printed on invoices and policies; kept as typed apart from surrounding spaces.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a customer number")]
pub struct CustomerNumberError;

impl CustomerNumberError {
    pub fn code(&self) -> &'static str {
        "customer_number_invalid"
    }
}

pub const MAX_CUSTOMER_NUMBER_LEN: usize = 32;

impl CustomerNumber {
    /// 1 to 32 of A-Z, a-z, 0-9 and '-'.
    pub fn parse(s: &str) -> Result<Self, CustomerNumberError> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= MAX_CUSTOMER_NUMBER_LEN
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(CustomerNumberError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CustomerNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CustomerNumber {
    type Error = CustomerNumberError;
    fn try_from(s: String) -> Result<Self, CustomerNumberError> {
        CustomerNumber::parse(&s)
    }
}

impl From<CustomerNumber> for String {
    fn from(n: CustomerNumber) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(s: &str) -> Result<String, EmailError> {
        EmailAddress::parse(s).map(String::from)
    }

    #[test]
    fn email_is_trimmed_and_lower_cased_whole() {
        assert_eq!(email("  Demo@Settle.TEST "), Ok("demo@settle.test".into()));
        assert_eq!(email("Jan.Jansen@Example.NL"), Ok("jan.jansen@example.nl".into()));
    }

    #[test]
    fn everyday_addresses_are_accepted() {
        for ok in [
            "demo@settle.test",
            "jan.de.vries+facturen@example.nl",
            "o'brien@example.ie",
            "k_muller@sub.example.de",
            "jürgen@müller.de",
            "a@b.co",
            "1@example.nl",
            "info@xn--mller-kva.de",
        ] {
            assert_eq!(email(ok), Ok(ok.to_string()), "{ok}");
        }
    }

    #[test]
    fn addresses_without_one_at_a_local_part_and_a_dotted_domain_are_refused() {
        for bad in [
            "",
            "demo",
            "demo@",
            "@settle.test",
            "a@b@c.nl",
            "a@nodot",
            "a@.nl",
            "a@x..nl",
            "a@x.nl.",
            "a@-x.nl",
            "a@x-.nl",
            "a@x.n",
            "a@1.2.3.4",
        ] {
            assert_eq!(email(bad), Err(EmailError), "{bad}");
        }
    }

    #[test]
    fn spaces_quotes_and_header_tricks_are_refused() {
        for bad in [
            "de mo@settle.test",
            "demo@settle.test\nbcc:x@y.nl",
            "demo\r@settle.test",
            "\"demo\"@settle.test",
            "demo<x@y.nl>@settle.test",
            "demo,x@settle.test",
            "demo@settle.test;x",
            ".demo@settle.test",
            "demo.@settle.test",
            "de..mo@settle.test",
        ] {
            assert_eq!(email(bad), Err(EmailError), "{bad:?}");
        }
    }

    #[test]
    fn email_length_limits_are_254_overall_and_64_before_the_at() {
        let domain = format!("{}.{}.{}.nl", "d".repeat(63), "d".repeat(63), "d".repeat(63));
        let fits = format!("{}@{domain}", "l".repeat(254 - domain.len() - 1));
        assert_eq!(fits.len(), 254);
        assert!(EmailAddress::parse(&fits).is_ok());
        assert_eq!(email(&format!("l{fits}")), Err(EmailError));
        assert!(EmailAddress::parse(&format!("{}@example.nl", "l".repeat(64))).is_ok());
        assert_eq!(email(&format!("{}@example.nl", "l".repeat(65))), Err(EmailError));
    }

    #[test]
    fn email_deserialising_validates_like_parse() {
        use serde::de::{value::Error, IntoDeserializer};
        let from = |s: &str| EmailAddress::deserialize(IntoDeserializer::<Error>::into_deserializer(s.to_string()));
        assert_eq!(
            from("Demo@Settle.test").map(String::from),
            Ok("demo@settle.test".into())
        );
        assert!(from("nope").is_err());
    }

    #[test]
    fn masked_email_keeps_the_first_letter_and_the_domain() {
        assert_eq!(mask_email("jan.jansen@example.nl"), "j*********@example.nl");
        assert_eq!(
            EmailAddress::parse("Kees@Settle.test").unwrap().masked(),
            "k***@settle.test"
        );
    }

    #[test]
    fn masked_email_never_shows_a_whole_local_part_or_a_malformed_address() {
        assert_eq!(mask_email("a@example.nl"), "a*@example.nl");
        assert_eq!(mask_email("@example.nl"), "***********");
        assert_eq!(mask_email("geheim"), "******");
        assert_eq!(mask_email(""), "*");
    }

    #[test]
    fn masked_name_keeps_the_first_letter_of_each_word() {
        assert_eq!(mask_name("Jan de Vries"), "J** d* V****");
        assert_eq!(mask_name("Klaus Müller"), "K**** M*****");
        assert_eq!(mask_name("  Özlem   Yılmaz "), "Ö**** Y*****");
        assert_eq!(mask_name("J. Smit"), "J* S***");
        assert_eq!(mask_name("A B"), "A* B*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn postcodes_compare_without_spacing_or_case() {
        assert_eq!(normalize_postcode("1234 ab"), "1234AB");
        assert_eq!(normalize_postcode(" 10115 "), "10115");
        assert_eq!(normalize_postcode("1234\u{a0}aB\t"), "1234AB");
        assert_eq!(Postcode::new("1234 ab"), Postcode::new("1234AB"));
        assert_ne!(Postcode::new("1234 AB"), Postcode::new("1234 AC"));
        assert_eq!(Postcode::new("sw1a 1aa").as_str(), "SW1A1AA");
        assert!(Postcode::new("  ").is_empty());
    }

    #[test]
    fn customer_number_is_trimmed_and_kept_as_typed() {
        let n = CustomerNumber::parse(" 100003 ").unwrap();
        assert_eq!(n.as_str(), "100003");
        assert_eq!(CustomerNumber::parse("Ab-12").map(String::from), Ok("Ab-12".into()));
        let longest = "9".repeat(MAX_CUSTOMER_NUMBER_LEN);
        assert!(CustomerNumber::parse(&longest).is_ok());
    }

    #[test]
    fn customer_number_refuses_empty_long_and_foreign_characters() {
        for bad in [
            "",
            "   ",
            "10 0003",
            "'; drop",
            "100003/1",
            "１２３",
            "é123",
            &"9".repeat(MAX_CUSTOMER_NUMBER_LEN + 1),
        ] {
            assert_eq!(CustomerNumber::parse(bad), Err(CustomerNumberError), "{bad:?}");
        }
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(EmailError.code(), "email_invalid");
        assert_eq!(CustomerNumberError.code(), "customer_number_invalid");
    }
}
