//! The languages Settle speaks, how one is picked from a tag or header, and dates in each.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    Nl,
    De,
    En,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::Nl, Locale::De, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Nl => "nl",
            Locale::De => "de",
            Locale::En => "en",
        }
    }

    /// Only the primary subtag counts, so "nl-BE", "de_AT" and "en-GB" all find a language.
    pub fn parse(s: &str) -> Option<Locale> {
        let primary = s.trim().split(['-', '_']).next()?;
        Locale::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    /// The supported language the browser prefers most; on equal weight the earlier one wins,
    /// as the header lists favourites first. None when nothing supported is acceptable.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(u16, Locale)> = None;
        for entry in header.split(',') {
            let mut params = entry.split(';');
            let Some(locale) = params.next().and_then(Locale::parse) else {
                continue;
            };
            let weight = params
                .filter_map(|p| p.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
                .map_or(Some(1000), |(_, value)| qvalue(value.trim()));
            match weight {
                Some(w) if w > 0 && best.is_none_or(|(b, _)| w > b) => best = Some((w, locale)),
                _ => {}
            }
        }
        best.map(|(_, locale)| locale)
    }

    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Nl => "Nederlands",
            Locale::De => "Deutsch",
            Locale::En => "English",
        }
    }
}

/// An RFC 9110 qvalue ("1", "0.8", "0.125") in thousandths. Integers keep the comparison
/// exact; a malformed value makes its entry count as not acceptable rather than preferred.
fn qvalue(s: &str) -> Option<u16> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Long form as written in letters: "22 november 2026", "22. November 2026", "22 November 2026".
/// Percentage points or a percentage with one decimal in the locale's way: `6,0` (nl, de),
/// `6.0` (en); with `signed`, a plus before a positive figure.
pub fn format_decimal(value: f64, locale: Locale, signed: bool) -> String {
    let s = if signed {
        format!("{value:+.1}")
    } else {
        format!("{value:.1}")
    };
    match locale {
        Locale::En => s,
        _ => s.replace('.', ","),
    }
}

pub fn format_date(date: NaiveDate, locale: Locale) -> String {
    let (day, month, year) = (date.day(), date.month0() as usize, date.year());
    match locale {
        Locale::Nl => format!("{day} {} {year}", MONTHS_NL[month]),
        Locale::De => format!("{day}. {} {year}", MONTHS_DE[month]),
        Locale::En => format!("{day} {} {year}", MONTHS_EN[month]),
    }
}

/// Numeric form for tables: "22-11-2026", "22.11.2026", "22/11/2026".
pub fn format_date_short(date: NaiveDate, locale: Locale) -> String {
    let sep = match locale {
        Locale::Nl => '-',
        Locale::De => '.',
        Locale::En => '/',
    };
    format!("{:02}{sep}{:02}{sep}{}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn codes_and_native_names() {
        let codes: Vec<_> = Locale::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, ["nl", "de", "en"]);
        assert_eq!(Locale::Nl.native_name(), "Nederlands");
        assert_eq!(Locale::De.native_name(), "Deutsch");
        assert_eq!(Locale::En.native_name(), "English");
    }

    #[test]
    fn every_code_parses_back_to_its_locale() {
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.code()), Some(l));
        }
    }

    #[test]
    fn tags_parse_in_any_case_and_with_a_region() {
        assert_eq!(Locale::parse("nl-NL"), Some(Locale::Nl));
        assert_eq!(Locale::parse("NL"), Some(Locale::Nl));
        assert_eq!(Locale::parse("de_DE"), Some(Locale::De));
        assert_eq!(Locale::parse("de-AT"), Some(Locale::De));
        assert_eq!(Locale::parse(" en-GB "), Some(Locale::En));
    }

    #[test]
    fn unsupported_or_lookalike_tags_do_not_parse() {
        for tag in ["", "fr", "fr-NL", "nld", "english", "*", "n"] {
            assert_eq!(Locale::parse(tag), None, "{tag}");
        }
    }

    #[test]
    fn travels_as_the_code() {
        use serde::de::{value::Error, IntoDeserializer};
        let from = |s: &'static str| Locale::deserialize(IntoDeserializer::<Error>::into_deserializer(s));
        assert_eq!(from("de"), Ok(Locale::De));
        assert!(from("De").is_err());
    }

    #[test]
    fn accept_language_picks_the_highest_weighted_supported_language() {
        assert_eq!(
            Locale::from_accept_language("fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7"),
            Some(Locale::De)
        );
        assert_eq!(Locale::from_accept_language("en;q=0.5, nl-BE;q=0.9"), Some(Locale::Nl));
        assert_eq!(Locale::from_accept_language("en;q=0.501,de;q=0.5"), Some(Locale::En));
    }

    #[test]
    fn accept_language_without_q_means_full_weight_and_order_breaks_ties() {
        assert_eq!(Locale::from_accept_language("de, nl"), Some(Locale::De));
        assert_eq!(Locale::from_accept_language("en;q=0.8, nl;q=0.8"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("nl;q=0.9, en"), Some(Locale::En));
    }

    #[test]
    fn accept_language_ignores_refused_malformed_and_unsupported_entries() {
        assert_eq!(Locale::from_accept_language("fr, it"), None);
        assert_eq!(Locale::from_accept_language("nl;q=0"), None);
        assert_eq!(Locale::from_accept_language("nl;q=0.000, en;q=0.1"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("nl;q=2, de;q=0.1"), Some(Locale::De));
        assert_eq!(Locale::from_accept_language("nl;q=NaN, de;q=0.1"), Some(Locale::De));
        assert_eq!(Locale::from_accept_language("nl;Q=0.2, de;q=0.1"), Some(Locale::Nl));
        assert_eq!(Locale::from_accept_language("*"), None);
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn qvalues_follow_the_rfc_grammar() {
        assert_eq!(qvalue("1"), Some(1000));
        assert_eq!(qvalue("1.000"), Some(1000));
        assert_eq!(qvalue("0.8"), Some(800));
        assert_eq!(qvalue("0.125"), Some(125));
        assert_eq!(qvalue("0"), Some(0));
        for bad in ["1.5", "0.1234", "-0.5", "0.-1", "", ".5", "inf"] {
            assert_eq!(qvalue(bad), None, "{bad}");
        }
    }

    #[test]
    fn long_dates_read_as_in_a_letter() {
        let d = date(2026, 11, 22);
        assert_eq!(format_date(d, Locale::Nl), "22 november 2026");
        assert_eq!(format_date(d, Locale::De), "22. November 2026");
        assert_eq!(format_date(d, Locale::En), "22 November 2026");
        let d = date(2026, 3, 5);
        assert_eq!(format_date(d, Locale::Nl), "5 maart 2026");
        assert_eq!(format_date(d, Locale::De), "5. März 2026");
        assert_eq!(format_date(d, Locale::En), "5 March 2026");
    }

    #[test]
    fn every_month_has_its_own_name_in_every_language() {
        for months in [MONTHS_NL, MONTHS_DE, MONTHS_EN] {
            let mut sorted = months.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 12);
        }
        assert_eq!(format_date(date(2026, 1, 1), Locale::Nl), "1 januari 2026");
        assert_eq!(format_date(date(2026, 12, 31), Locale::De), "31. Dezember 2026");
    }

    #[test]
    fn short_dates_pad_day_and_month() {
        let d = date(2026, 11, 22);
        assert_eq!(format_date_short(d, Locale::Nl), "22-11-2026");
        assert_eq!(format_date_short(d, Locale::De), "22.11.2026");
        assert_eq!(format_date_short(d, Locale::En), "22/11/2026");
        let d = date(2026, 3, 5);
        assert_eq!(format_date_short(d, Locale::Nl), "05-03-2026");
        assert_eq!(format_date_short(d, Locale::De), "05.03.2026");
        assert_eq!(format_date_short(d, Locale::En), "05/03/2026");
    }
}
