//! The languages Settle speaks, how they are picked from headers, and dates in each.
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

    /// Accepts "nl", "NL", "nl-NL", "de_DE", "en-GB", ...
    pub fn parse(s: &str) -> Option<Locale> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Some(Locale::Nl),
            "de" => Some(Locale::De),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The best supported language of an Accept-Language header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(u32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Compare in thousandths to keep the ordering exact and total.
            let weight = (q.clamp(0.0, 1.0) * 1000.0) as u32;
            if weight == 0 {
                continue;
            }
            if let Some(l) = Locale::parse(tag) {
                if best.is_none_or(|(w, _)| weight > w) {
                    best = Some((weight, l));
                }
            }
        }
        best.map(|(_, l)| l)
    }

    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Nl => "Nederlands",
            Locale::De => "Deutsch",
            Locale::En => "English",
        }
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

/// Long form: "22 november 2026", "22. November 2026", "22 November 2026".
pub fn format_date(date: NaiveDate, locale: Locale) -> String {
    let m = date.month0() as usize;
    match locale {
        Locale::Nl => format!("{} {} {}", date.day(), MONTHS_NL[m], date.year()),
        Locale::De => format!("{}. {} {}", date.day(), MONTHS_DE[m], date.year()),
        Locale::En => format!("{} {} {}", date.day(), MONTHS_EN[m], date.year()),
    }
}

/// Short form: "22-11-2026", "22.11.2026", "22/11/2026".
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

    #[test]
    fn parses_tags_in_any_spelling() {
        assert_eq!(Locale::parse("nl-NL"), Some(Locale::Nl));
        assert_eq!(Locale::parse("de_DE"), Some(Locale::De));
        assert_eq!(Locale::parse("EN"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn accept_language_honours_q_values() {
        assert_eq!(
            Locale::from_accept_language("fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7"),
            Some(Locale::De)
        );
        assert_eq!(Locale::from_accept_language("en;q=0.5, nl;q=0.9"), Some(Locale::Nl));
        assert_eq!(Locale::from_accept_language("fr, it"), None);
        assert_eq!(Locale::from_accept_language("nl;q=0"), None);
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(format_date(d, Locale::Nl), "5 maart 2026");
        assert_eq!(format_date(d, Locale::De), "5. März 2026");
        assert_eq!(format_date(d, Locale::En), "5 March 2026");
        assert_eq!(format_date_short(d, Locale::Nl), "05-03-2026");
        assert_eq!(format_date_short(d, Locale::De), "05.03.2026");
        assert_eq!(format_date_short(d, Locale::En), "05/03/2026");
    }
}
