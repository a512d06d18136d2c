//! Money as integer cents plus currency: arithmetic, locale formatting (`€ 1.234,56` in
//! Dutch), the EPC amount form, and reading amounts people type.
use crate::locale::Locale;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    /// ISO 4217 code, any case.
    pub fn parse(s: &str) -> Option<Currency> {
        s.trim().eq_ignore_ascii_case("EUR").then_some(Currency::Eur)
    }

    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Eur => "€",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub cents: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
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

/// No-break space (U+00A0) between symbol and number, so a line never breaks inside
/// "€ 12,50".
const NBSP: char = '\u{a0}';

fn group_thousands(mut n: u64, sep: char) -> String {
    let mut groups = Vec::new();
    while n >= 1000 {
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.push(n.to_string());
    groups.reverse();
    groups.join(sep.encode_utf8(&mut [0; 4]))
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

    /// None on overflow or when the currencies differ.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Some(Money {
            cents: self.cents.checked_add(other.cents)?,
            currency: self.currency,
        })
    }

    /// None on overflow or when the currencies differ.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        Some(Money {
            cents: self.cents.checked_sub(other.cents)?,
            currency: self.currency,
        })
    }

    /// nl `€ 1.234,56` / `-€ 1.234,56`, de `1.234,56 €` / `-1.234,56 €`,
    /// en `€1,234.56` / `-€1,234.56`; the space is U+00A0.
    pub fn format(&self, locale: Locale) -> String {
        let abs = self.cents.unsigned_abs();
        let (units, cents) = (abs / 100, abs % 100);
        let sign = if self.cents < 0 { "-" } else { "" };
        let sym = self.currency.symbol();
        match locale {
            Locale::Nl => format!("{sign}{sym}{NBSP}{},{cents:02}", group_thousands(units, '.')),
            Locale::De => format!("{sign}{},{cents:02}{NBSP}{sym}", group_thousands(units, '.')),
            Locale::En => format!("{sign}{sym}{}.{cents:02}", group_thousands(units, ',')),
        }
    }

    /// "123.45": dot decimal, always two decimals, no grouping, as EPC QR codes want it.
    pub fn to_epc_amount(&self) -> String {
        let abs = self.cents.unsigned_abs();
        let sign = if self.cents < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// Reads what people type into an amount field: "123.45", "123,45", "1.234,56",
    /// "1,234.56", "1234", "€ 12,50", "12,-". Either mark may be the decimal one; a mark
    /// followed by exactly three digits groups thousands ("1.234" is 1234), because nobody
    /// pays in tenths of a cent and Dutch and German readers write thousands that way.
    pub fn parse_decimal(s: &str, currency: Currency) -> Result<Money, MoneyError> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let mut rest = compact.as_str();
        for affix in [currency.symbol(), currency.code()] {
            rest = rest.strip_prefix(affix).unwrap_or(rest);
            rest = rest.strip_suffix(affix).unwrap_or(rest);
        }
        if rest.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        // "12,-" is how Dutch and German price tags write whole euros.
        let rest = [",-", ",--", ".-", ".--"]
            .iter()
            .find_map(|dash| rest.strip_suffix(dash))
            .unwrap_or(rest);
        if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            return Err(MoneyError::NotAnAmount);
        }
        let (int_part, frac, group_mark) = split_decimal(rest)?;
        let digits = ungroup(int_part, group_mark)?;
        if digits.is_empty() && frac.is_empty() {
            return Err(MoneyError::NotAnAmount);
        }
        let units = digits
            .bytes()
            .try_fold(0i64, |acc, b| acc.checked_mul(10)?.checked_add(i64::from(b - b'0')));
        let cents = frac
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(2)
            .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        let total = units
            .and_then(|u| u.checked_mul(100))
            .and_then(|u| u.checked_add(cents))
            .ok_or(MoneyError::TooLarge)?;
        Ok(Money { cents: total, currency })
    }
}

/// Splits digits-and-marks into (integer part, decimals, thousands mark).
fn split_decimal(s: &str) -> Result<(&str, &str, Option<char>), MoneyError> {
    let Some(i) = s.rfind(['.', ',']) else {
        return Ok((s, "", None));
    };
    let (before, after) = (&s[..i], &s[i + 1..]);
    let mark = if s.as_bytes()[i] == b'.' { '.' } else { ',' };
    let other = if mark == '.' { ',' } else { '.' };
    match after.len() {
        0 => Err(MoneyError::NotAnAmount),
        1 | 2 => Ok((before, after, Some(other))),
        3 if !before.contains(other) && !before.starts_with('0') && !before.is_empty() => Ok((s, "", Some(mark))),
        _ => Err(MoneyError::TooManyDecimals),
    }
}

/// The integer digits, checking that thousands marks sit every three digits
/// ("1.234.567", never "1.23.4567").
fn ungroup(int_part: &str, group_mark: Option<char>) -> Result<String, MoneyError> {
    let Some(mark) = group_mark.filter(|m| int_part.contains(*m)) else {
        return if int_part.bytes().all(|b| b.is_ascii_digit()) {
            Ok(int_part.to_string())
        } else {
            Err(MoneyError::NotAnAmount)
        };
    };
    let mut groups = int_part.split(mark);
    let first = groups.next().unwrap_or_default();
    let first_ok = (1..=3).contains(&first.len()) && !first.starts_with('0');
    let mut digits = first.to_string();
    for g in groups {
        if g.len() != 3 {
            return Err(MoneyError::NotAnAmount);
        }
        digits.push_str(g);
    }
    if first_ok && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(MoneyError::NotAnAmount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<i64, MoneyError> {
        Money::parse_decimal(s, Currency::Eur).map(|m| m.cents)
    }

    #[test]
    fn dutch_puts_the_symbol_first_with_a_no_break_space() {
        assert_eq!(Money::eur(123_456).format(Locale::Nl), "€\u{a0}1.234,56");
        assert_eq!(Money::eur(5).format(Locale::Nl), "€\u{a0}0,05");
        assert_eq!(Money::eur(-123_456).format(Locale::Nl), "-€\u{a0}1.234,56");
    }

    #[test]
    fn german_puts_the_symbol_last() {
        assert_eq!(Money::eur(123_456).format(Locale::De), "1.234,56\u{a0}€");
        assert_eq!(Money::eur(-123_456).format(Locale::De), "-1.234,56\u{a0}€");
    }

    #[test]
    fn english_uses_comma_thousands_and_a_dot() {
        assert_eq!(Money::eur(123_456).format(Locale::En), "€1,234.56");
        assert_eq!(Money::eur(-100_000_000).format(Locale::En), "-€1,000,000.00");
        assert_eq!(Money::eur(0).format(Locale::En), "€0.00");
    }

    #[test]
    fn grouping_pads_inner_groups_and_survives_the_extremes() {
        assert_eq!(Money::eur(10_000_500).format(Locale::Nl), "€\u{a0}100.005,00");
        assert_eq!(Money::eur(99_900).format(Locale::Nl), "€\u{a0}999,00");
        assert_eq!(Money::eur(i64::MIN).format(Locale::En), "-€92,233,720,368,547,758.08");
    }

    #[test]
    fn epc_amount_uses_a_dot_and_two_decimals() {
        assert_eq!(Money::eur(12_345).to_epc_amount(), "123.45");
        assert_eq!(Money::eur(100).to_epc_amount(), "1.00");
        assert_eq!(Money::eur(1).to_epc_amount(), "0.01");
        assert_eq!(Money::eur(123_456_789).to_epc_amount(), "1234567.89");
    }

    #[test]
    fn currency_travels_as_its_iso_code() {
        use serde::de::{value::Error, IntoDeserializer};
        let de = IntoDeserializer::<Error>::into_deserializer("EUR");
        assert_eq!(Currency::deserialize(de), Ok(Currency::Eur));
        assert_eq!(Currency::parse("EUR"), Some(Currency::Eur));
        assert_eq!(Currency::parse(" eur "), Some(Currency::Eur));
        assert_eq!(Currency::parse("USD"), None);
        assert_eq!(Currency::Eur.code(), "EUR");
    }

    #[test]
    fn typed_amounts_accept_either_decimal_mark() {
        assert_eq!(parse("123.45"), Ok(12_345));
        assert_eq!(parse("123,45"), Ok(12_345));
        assert_eq!(parse("12,5"), Ok(1_250));
        assert_eq!(parse("0,05"), Ok(5));
        assert_eq!(parse(",50"), Ok(50));
        assert_eq!(parse("1234"), Ok(123_400));
        assert_eq!(parse("0"), Ok(0));
    }

    #[test]
    fn typed_amounts_accept_thousands_marks_every_three_digits() {
        assert_eq!(parse("1.234,56"), Ok(123_456));
        assert_eq!(parse("1,234.56"), Ok(123_456));
        assert_eq!(parse("1.234.567,89"), Ok(123_456_789));
        assert_eq!(parse("1.234"), Ok(123_400));
        assert_eq!(parse("1,234"), Ok(123_400));
        assert_eq!(parse("1.234.567"), Ok(123_456_700));
    }

    #[test]
    fn typed_amounts_may_carry_the_symbol_spaces_and_a_whole_euro_dash() {
        assert_eq!(parse("€ 1.234,56"), Ok(123_456));
        assert_eq!(parse("1.234,56\u{a0}€"), Ok(123_456));
        assert_eq!(parse(" 12 EUR "), Ok(1_200));
        assert_eq!(parse("12,-"), Ok(1_200));
    }

    #[test]
    fn more_than_two_decimals_are_refused() {
        for s in ["1.2345", "0.125", "1,234.567", "1.234,567", "12,3456"] {
            assert_eq!(parse(s), Err(MoneyError::TooManyDecimals), "{s}");
        }
    }

    #[test]
    fn negative_amounts_are_refused() {
        assert_eq!(parse("-5"), Err(MoneyError::Negative));
        assert_eq!(parse("€ -5,00"), Err(MoneyError::Negative));
        assert_eq!(parse("-€5"), Err(MoneyError::Negative));
    }

    #[test]
    fn malformed_amounts_are_refused() {
        for s in [
            "",
            " ",
            "€",
            "abc",
            "12a",
            "+5",
            "1.23.45",
            "1,234,56",
            "12.",
            "1..2",
            "1.2.3,45",
            "12,34.56.78",
            "1 234x",
            ".",
            "5e3",
            "١٢",
        ] {
            assert_eq!(parse(s), Err(MoneyError::NotAnAmount), "{s:?}");
        }
    }

    #[test]
    fn amounts_beyond_i64_cents_are_too_large() {
        assert_eq!(parse("92233720368547758.07"), Ok(i64::MAX));
        assert_eq!(parse("92233720368547758.08"), Err(MoneyError::TooLarge));
        assert_eq!(parse(&"9".repeat(40)), Err(MoneyError::TooLarge));
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(MoneyError::NotAnAmount.code(), "amount_invalid");
        assert_eq!(MoneyError::TooManyDecimals.code(), "amount_too_many_decimals");
        assert_eq!(MoneyError::Negative.code(), "amount_negative");
        assert_eq!(MoneyError::TooLarge.code(), "amount_too_large");
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Money::eur(1).checked_add(Money::eur(2)), Some(Money::eur(3)));
        assert_eq!(Money::eur(i64::MAX).checked_add(Money::eur(1)), None);
        assert_eq!(Money::eur(5).checked_sub(Money::eur(7)), Some(Money::eur(-2)));
        assert_eq!(Money::eur(i64::MIN).checked_sub(Money::eur(1)), None);
        assert!(Money::eur(0).is_zero());
        assert!(!Money::eur(-1).is_zero());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn locale() -> impl Strategy<Value = Locale> {
            prop_oneof![Just(Locale::Nl), Just(Locale::De), Just(Locale::En)]
        }

        proptest! {
            /// What Settle shows, a debtor can type back: every formatted amount parses to itself.
            #[test]
            fn every_shown_amount_reads_back_as_the_same_cents(cents in 0i64..=i64::MAX / 1000, l in locale()) {
                let shown = Money::eur(cents).format(l);
                prop_assert_eq!(parse(&shown), Ok(cents), "{}", shown);
                prop_assert_eq!(parse(&Money::eur(cents).to_epc_amount()), Ok(cents));
            }

            /// Any text at all gives an amount or an error, never a panic and never a negative.
            #[test]
            fn any_text_is_an_amount_or_a_clear_error(s in "\\PC{0,24}") {
                if let Ok(m) = Money::parse_decimal(&s, Currency::Eur) {
                    prop_assert!(m.cents >= 0, "{} gave {}", s, m.cents);
                }
            }

            #[test]
            fn adding_then_subtracting_gives_back_the_amount(a in any::<i64>(), b in any::<i64>()) {
                match Money::eur(a).checked_add(Money::eur(b)) {
                    Some(sum) => prop_assert_eq!(sum.checked_sub(Money::eur(b)), Some(Money::eur(a))),
                    None => prop_assert!(a.checked_add(b).is_none()),
                }
            }

            /// The sign and the digits survive formatting: only the cents' absolute value is shown.
            #[test]
            fn formatting_keeps_the_sign_and_every_digit(cents in any::<i64>(), l in locale()) {
                let shown = Money::eur(cents).format(l);
                prop_assert_eq!(shown.starts_with('-'), cents < 0);
                let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
                let abs = cents.unsigned_abs().to_string();
                prop_assert_eq!(digits.trim_start_matches('0'), abs.trim_start_matches('0'));
            }
        }
    }
}
