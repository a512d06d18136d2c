//! Money as integer cents plus currency; formatted per locale (`€ 1.234,56` in Dutch).
use crate::locale::Locale;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    pub fn parse(s: &str) -> Option<Currency> {
        s.trim().eq_ignore_ascii_case("EUR").then_some(Currency::Eur)
    }
    pub fn code(self) -> &'static str {
        "EUR"
    }
    pub fn symbol(self) -> &'static str {
        "€"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub cents: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not an amount")]
    NotAnAmount,
    #[error("more than two decimals")]
    TooManyDecimals,
    #[error("negative amount")]
    Negative,
    #[error("amount too large")]
    TooLarge,
}

impl MoneyError {
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::NotAnAmount => "amount_invalid",
            MoneyError::TooManyDecimals => "amount_too_many_decimals",
            MoneyError::Negative => "amount_negative",
            MoneyError::TooLarge => "amount_too_large",
        }
    }
}

/// No-break space: keeps "€" and the number on one line.
const NBSP: char = '\u{a0}';

fn group(mut n: u64, sep: char) -> String {
    let mut parts = Vec::new();
    loop {
        if n < 1000 {
            parts.push(n.to_string());
            break;
        }
        parts.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    parts.reverse();
    parts.join(&sep.to_string())
}

impl Money {
    pub fn eur(cents: i64) -> Money {
        Money {
            cents,
            currency: Currency::Eur,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.cents == 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency).then_some(())?;
        Some(Money {
            cents: self.cents.checked_add(other.cents)?,
            currency: self.currency,
        })
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        (self.currency == other.currency).then_some(())?;
        Some(Money {
            cents: self.cents.checked_sub(other.cents)?,
            currency: self.currency,
        })
    }

    /// nl `€ 1.234,56`, de `1.234,56 €`, en `€1,234.56`; negatives lead with a minus.
    pub fn format(&self, locale: Locale) -> String {
        let abs = self.cents.unsigned_abs();
        let (units, cents) = (abs / 100, abs % 100);
        let sign = if self.cents < 0 { "-" } else { "" };
        let sym = self.currency.symbol();
        match locale {
            Locale::Nl => format!("{sign}{sym}{NBSP}{},{cents:02}", group(units, '.')),
            Locale::De => format!("{sign}{},{cents:02}{NBSP}{sym}", group(units, '.')),
            Locale::En => format!("{sign}{sym}{}.{cents:02}", group(units, ',')),
        }
    }

    /// "123.45" for payment payloads: dot decimal, always two decimals.
    pub fn to_epc_amount(&self) -> String {
        let abs = self.cents.unsigned_abs();
        format!(
            "{}{}.{:02}",
            if self.cents < 0 { "-" } else { "" },
            abs / 100,
            abs % 100
        )
    }

    /// Reads what people type: "123.45", "123,45", "1.234,56", "1,234.56", "1234".
    /// The last '.' or ',' followed by one or two digits is the decimal mark.
    pub fn parse_decimal(s: &str, currency: Currency) -> Result<Money, MoneyError> {
        let s: String = s.trim().chars().filter(|c| !c.is_whitespace() && *c != '€').collect();
        if s.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            return Err(MoneyError::NotAnAmount);
        }
        let (int_part, frac) = match s.rfind(['.', ',']) {
            Some(i) if s.len() - i - 1 <= 2 => (&s[..i], &s[i + 1..]),
            Some(i)
                if s.len() - i - 1 == 3
                    && !s[..i].contains(['.', ','])
                    && s.chars().filter(|c| *c == s.as_bytes()[i] as char).count() == 1 =>
            {
                // "1.234" or "1,234": a thousands separator, no decimals.
                (s.as_str(), "")
            }
            Some(_) => return Err(MoneyError::TooManyDecimals),
            None => (s.as_str(), ""),
        };
        let digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() && frac.is_empty() {
            return Err(MoneyError::NotAnAmount);
        }
        let units: i64 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| MoneyError::TooLarge)?
        };
        let cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| MoneyError::NotAnAmount)? * 10,
            _ => frac.parse().map_err(|_| MoneyError::NotAnAmount)?,
        };
        let total = units
            .checked_mul(100)
            .and_then(|u| u.checked_add(cents))
            .ok_or(MoneyError::TooLarge)?;
        Ok(Money { cents: total, currency })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_per_locale() {
        let m = Money::eur(123_456);
        assert_eq!(m.format(Locale::Nl), "€\u{a0}1.234,56");
        assert_eq!(m.format(Locale::De), "1.234,56\u{a0}€");
        assert_eq!(m.format(Locale::En), "€1,234.56");
        assert_eq!(Money::eur(5).format(Locale::Nl), "€\u{a0}0,05");
        assert_eq!(Money::eur(-100_000_000).format(Locale::En), "-€1,000,000.00");
    }

    #[test]
    fn epc_amount_uses_a_dot_and_two_decimals() {
        assert_eq!(Money::eur(12_345).to_epc_amount(), "123.45");
        assert_eq!(Money::eur(100).to_epc_amount(), "1.00");
    }

    #[test]
    fn parses_typed_amounts() {
        let p = |s| Money::parse_decimal(s, Currency::Eur).map(|m| m.cents);
        assert_eq!(p("123.45"), Ok(12_345));
        assert_eq!(p("123,45"), Ok(12_345));
        assert_eq!(p("1.234,56"), Ok(123_456));
        assert_eq!(p("1,234.56"), Ok(123_456));
        assert_eq!(p("1234"), Ok(123_400));
        assert_eq!(p("1.234"), Ok(123_400));
        assert_eq!(p("12,5"), Ok(1_250));
        assert_eq!(p("1.2345"), Err(MoneyError::TooManyDecimals));
        assert_eq!(p("-5"), Err(MoneyError::Negative));
        assert_eq!(p("abc"), Err(MoneyError::NotAnAmount));
        assert_eq!(p(""), Err(MoneyError::NotAnAmount));
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Money::eur(1).checked_add(Money::eur(2)), Some(Money::eur(3)));
        assert_eq!(Money::eur(i64::MAX).checked_add(Money::eur(1)), None);
        assert_eq!(Money::eur(5).checked_sub(Money::eur(7)), Some(Money::eur(-2)));
    }
}
