//! Contact data typed by people: email addresses, postcodes, customer numbers, and masking
//! for pages that must not reveal who someone is.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an email address")]
pub struct EmailError;

impl EmailError {
    pub fn code(&self) -> &'static str {
        "email_invalid"
    }
}

impl EmailAddress {
    /// Trims and lower-cases; one '@', a non-empty local part, a dotted domain, no spaces.
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim().to_lowercase();
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(EmailError);
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// "jan.jansen@example.nl" -> "j*********@example.nl".
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let mut chars = local.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            format!("{first}{}@{domain}", "*".repeat(chars.count()))
        }
        None => "*".repeat(email.chars().count()),
    }
}

/// "Jan de Vries" -> "J** d* V****".
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            format!("{first}{}", "*".repeat(chars.count()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Upper-case without spaces, so "1234 ab" and "1234AB" compare equal.
pub fn normalize_postcode(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CustomerNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a customer number")]
pub struct CustomerNumberError;

impl CustomerNumberError {
    pub fn code(&self) -> &'static str {
        "customer_number_invalid"
    }
}

impl CustomerNumber {
    pub fn parse(s: &str) -> Result<Self, CustomerNumberError> {
        let s = s.trim();
        if s.is_empty() || s.len() > 32 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(CustomerNumberError);
        }
        Ok(Self(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Demo@Settle.TEST ").unwrap().as_str(),
            "demo@settle.test"
        );
        for bad in [
            "",
            "demo",
            "demo@",
            "@settle.test",
            "de mo@settle.test",
            "a@b@c.nl",
            "a@nodot",
            "a@.nl",
            "a@x..nl",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn masks_keep_only_first_letters() {
        assert_eq!(mask_email("jan.jansen@example.nl"), "j*********@example.nl");
        assert_eq!(mask_name("Jan de Vries"), "J** d* V****");
        assert_eq!(mask_name("Klaus Müller"), "K**** M*****");
    }

    #[test]
    fn postcodes_compare_without_spacing_or_case() {
        assert_eq!(normalize_postcode("1234 ab"), normalize_postcode("1234AB"));
        assert_eq!(normalize_postcode(" 10115 "), "10115");
    }

    #[test]
    fn customer_numbers() {
        assert!(CustomerNumber::parse(" 100003 ").is_ok());
        assert!(CustomerNumber::parse("").is_err());
        assert!(CustomerNumber::parse("10 0003").is_err());
        assert!(CustomerNumber::parse("'; drop").is_err());
    }
}
