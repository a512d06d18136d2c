//! A postal address as a debtor types it on the profile page: country-aware postcode checks
//! (NL, DE and BE by their formats; elsewhere only sane length and characters) and the printed
//! form of the postcode, so letters go to an address the post can deliver.
use crate::locale::Locale;
use std::collections::BTreeMap;

pub const MAX_LINE: usize = 100;

/// Countries the form offers, ISO 3166-1 alpha-2.
pub const COUNTRIES: [&str; 8] = ["NL", "DE", "BE", "LU", "FR", "AT", "GB", "ES"];

/// A country of [`COUNTRIES`] by name, in the reader's language.
pub fn country_name(code: &str, l: Locale) -> &'static str {
    let names: [&'static str; 3] = match code {
        "NL" => ["Nederland", "Niederlande", "Netherlands"],
        "DE" => ["Duitsland", "Deutschland", "Germany"],
        "BE" => ["België", "Belgien", "Belgium"],
        "LU" => ["Luxemburg", "Luxemburg", "Luxembourg"],
        "FR" => ["Frankrijk", "Frankreich", "France"],
        "AT" => ["Oostenrijk", "Österreich", "Austria"],
        "GB" => ["Verenigd Koninkrijk", "Vereinigtes Königreich", "United Kingdom"],
        "ES" => ["Spanje", "Spanien", "Spain"],
        _ => ["", "", ""],
    };
    match l {
        Locale::Nl => names[0],
        Locale::De => names[1],
        Locale::En => names[2],
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The postcode as the post prints it, or the reason it cannot be one: `1234 AB` (NL: no
/// leading zero; SA, SD and SS are never issued), five digits (DE), four digits from 1000 (BE).
pub fn postcode(country: &str, typed: &str) -> Result<String, &'static str> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if !compact.is_ascii() {
        return Err("postcode_invalid");
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok = match country {
        "NL" => {
            let (num, letters) = compact.split_at(compact.len().min(4));
            let valid = compact.len() == 6
                && digits(num)
                && !num.starts_with('0')
                && letters.bytes().all(|b| b.is_ascii_uppercase())
                && !matches!(letters, "SA" | "SD" | "SS");
            return if valid {
                Ok(format!("{num} {letters}"))
            } else {
                Err("postcode_invalid")
            };
        }
        "DE" => compact.len() == 5 && digits(&compact),
        "BE" | "LU" | "AT" => compact.len() == 4 && digits(&compact) && !compact.starts_with('0'),
        _ => {
            let t = clean(typed).to_uppercase();
            let valid =
                (2..=10).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
            return if valid { Ok(t) } else { Err("postcode_invalid") };
        }
    };
    if ok {
        Ok(compact)
    } else {
        Err("postcode_invalid")
    }
}

/// Checks a typed address; field name -> error code for every field that is wrong.
pub fn parse(
    street: &str,
    postcode_typed: &str,
    city: &str,
    country: &str,
) -> Result<Address, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let country = country.trim().to_ascii_uppercase();
    if !COUNTRIES.contains(&country.as_str()) {
        errors.insert("country".into(), "country_invalid".into());
    }
    let mut line = |field: &str, v: &str| {
        let v = clean(v);
        if let Err(code) = crate::text::line(&v, MAX_LINE) {
            errors.insert(field.into(), code.into());
        }
        v
    };
    let street = line("street", street);
    let city = line("city", city);
    let postcode = match postcode(&country, postcode_typed) {
        Ok(p) => p,
        Err(code) => {
            errors.insert("postcode".into(), code.into());
            String::new()
        }
    };
    if errors.is_empty() {
        Ok(Address {
            street,
            postcode,
            city,
            country,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_country_has_a_name_in_every_language() {
        for c in COUNTRIES {
            for l in Locale::ALL {
                assert!(!country_name(c, l).is_empty(), "{c} {l:?}");
            }
        }
    }

    #[test]
    fn postcodes_by_country() {
        let cases: &[(&str, &str, Result<&str, &str>)] = &[
            ("NL", "1234ab", Ok("1234 AB")),
            ("NL", " 1234  AB ", Ok("1234 AB")),
            ("NL", "0123 AB", Err("postcode_invalid")),
            ("NL", "1234 SS", Err("postcode_invalid")),
            ("NL", "1234 A", Err("postcode_invalid")),
            ("NL", "12345", Err("postcode_invalid")),
            ("DE", "10115", Ok("10115")),
            ("DE", "1011", Err("postcode_invalid")),
            ("DE", "1011A", Err("postcode_invalid")),
            ("BE", "1000", Ok("1000")),
            ("BE", "0999", Err("postcode_invalid")),
            ("GB", "sw1a 1aa", Ok("SW1A 1AA")),
            ("GB", "<script>", Err("postcode_invalid")),
            ("NL", "12é4AB", Err("postcode_invalid")),
        ];
        for (country, typed, want) in cases {
            assert_eq!(
                postcode(country, typed).as_deref().map_err(|e| *e),
                *want,
                "{country} {typed:?}"
            );
        }
    }

    #[test]
    fn an_address_names_every_wrong_field() {
        let errs = parse("", "12", "  ", "NL").unwrap_err();
        assert_eq!(errs.get("street").map(String::as_str), Some("required"));
        assert_eq!(errs.get("city").map(String::as_str), Some("required"));
        assert_eq!(errs.get("postcode").map(String::as_str), Some("postcode_invalid"));
        let errs = parse("Damrak 1", "1011 AB", "Amsterdam", "XX").unwrap_err();
        assert_eq!(errs.get("country").map(String::as_str), Some("country_invalid"));
        let a = parse("  Damrak   1 ", "1011ab", "Amsterdam", "nl").unwrap();
        assert_eq!(
            (
                a.street.as_str(),
                a.postcode.as_str(),
                a.city.as_str(),
                a.country.as_str()
            ),
            ("Damrak 1", "1011 AB", "Amsterdam", "NL")
        );
        assert!(parse(&"x".repeat(101), "1011AB", "A", "NL").is_err());
    }
}
