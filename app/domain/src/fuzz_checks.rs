//! What the fuzz targets (`fuzz/`) check on arbitrary bytes, for the parsers of this crate: no
//! panic, and whatever is accepted reads back from its own printed form. Kept here, not in the
//! fuzz crate, so `settle-core`'s corpus test runs every kept input through the same checks.
use crate::iban::{Bic, Iban};
use crate::locale::Locale;
use crate::money::{Currency, Money};
use crate::rf::RfReference;

pub fn rf(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(r) = RfReference::parse(&text) {
        assert_eq!(
            RfReference::parse(&r.grouped()).ok(),
            Some(r.clone()),
            "grouped form reads back"
        );
        assert_eq!(RfReference::parse(&r.as_str().to_ascii_lowercase()).ok(), Some(r));
    }
    if let Ok(created) = RfReference::create(&text) {
        assert!(
            RfReference::parse(created.as_str()).is_ok(),
            "a created reference parses"
        );
    }
}

pub fn iban(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(i) = Iban::parse(&text) {
        assert_eq!(
            Iban::parse(&i.grouped()).ok(),
            Some(i.clone()),
            "grouped form reads back"
        );
        assert_eq!(i.country().len(), 2);
    }
    let _ = Bic::parse(&text);
}

pub fn money(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = Money::parse_decimal(&text, Currency::Eur) {
        assert!(m.cents >= 0, "a typed amount is never negative");
        for l in [Locale::Nl, Locale::De, Locale::En] {
            assert_eq!(
                Money::parse_decimal(&m.format(l), Currency::Eur).ok(),
                Some(m),
                "the shown amount reads back"
            );
        }
    }
}
