//! The contact calendar: nationwide public holidays, sending windows, working days, legal term
//! ends and assumed delivery dates. Works on local dates and times; the caller resolves time zones.
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};
use serde::{Deserialize, Serialize};

/// How far `next_opening` and `place_in_window` look ahead. A year plus slack covers any
/// realistic set of closed days; a window closed on every weekday must not loop forever.
const MAX_SEARCH_DAYS: u64 = 400;

/// Whose nationwide public holidays apply. Regional holidays (Bavarian Epiphany, carnival in
/// Limburg) are left out on purpose: a tenant who closes on them lists them as extra dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HolidayRegion {
    #[serde(rename = "NL")]
    Nl,
    #[serde(rename = "DE")]
    De,
    #[serde(rename = "none")]
    None,
}

impl HolidayRegion {
    /// "NL", "DE" or "none", any case.
    pub fn parse(s: &str) -> Option<HolidayRegion> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nl" => Some(HolidayRegion::Nl),
            "de" => Some(HolidayRegion::De),
            "none" => Some(HolidayRegion::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HolidayRegion::Nl => "NL",
            HolidayRegion::De => "DE",
            HolidayRegion::None => "none",
        }
    }
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). None before 1583,
/// where the Gregorian computus does not apply, and for years chrono cannot represent.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if year < 1583 {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    NaiveDate::from_ymd_opt(year, u32::try_from(n / 31).ok()?, u32::try_from(n % 31 + 1).ok()?)
}

fn days_after_easter(date: NaiveDate) -> Option<i64> {
    easter_sunday(date.year()).map(|easter| (date - easter).num_days())
}

/// Koningsdag moves to the Saturday before when 27 April is a Sunday (rule since 2014; earlier
/// years, with Koninginnedag on 30 April, are irrelevant for dunning).
fn is_kings_day(date: NaiveDate) -> bool {
    let day = match NaiveDate::from_ymd_opt(date.year(), 4, 27) {
        Some(d) if d.weekday() == Weekday::Sun => 26,
        _ => 27,
    };
    date.month() == 4 && date.day() == day
}

/// New Year, Liberation Day, Christmas: the same in the contact calendar and the ATW list.
const NL_FIXED: &[(u32, u32)] = &[(1, 1), (5, 5), (12, 25), (12, 26)];

fn is_in(date: NaiveDate, fixed: &[(u32, u32)], easter_offsets: &[i64]) -> bool {
    fixed.contains(&(date.month(), date.day()))
        || days_after_easter(date).is_some_and(|off| easter_offsets.contains(&off))
}

/// Nationwide public holidays. NL includes Good Friday, because many businesses close and a
/// dunning message that day reads as careless, and Liberation Day (5 May) every year, not only
/// in lustrum years, for the same reason: we would rather send a day later than on a day off.
pub fn is_public_holiday(region: HolidayRegion, date: NaiveDate) -> bool {
    match region {
        HolidayRegion::Nl => is_in(date, NL_FIXED, &[-2, 0, 1, 39, 49, 50]) || is_kings_day(date),
        HolidayRegion::De => is_in(date, &[(1, 1), (5, 1), (10, 3), (12, 25), (12, 26)], &[-2, 1, 39, 50]),
        HolidayRegion::None => false,
    }
}

/// Holidays that extend a legal term. For NL this is the list of the Algemene termijnenwet
/// (art. 3), which unlike our contact calendar does not include Good Friday. For DE, § 193 BGB
/// refers to state-recognised holidays, of which we only know the nationwide ones.
fn is_term_holiday(region: HolidayRegion, date: NaiveDate) -> bool {
    match region {
        HolidayRegion::Nl => is_in(date, NL_FIXED, &[0, 1, 39, 49, 50]) || is_kings_day(date),
        HolidayRegion::De | HolidayRegion::None => is_public_holiday(region, date),
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// When dunning messages may be sent, per tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactWindow {
    pub opens: NaiveTime,
    /// Exclusive. A window with `closes <= opens` is never open; overnight windows are not a
    /// thing for dunning.
    pub closes: NaiveTime,
    pub closed_weekdays: Vec<Weekday>,
    pub region: HolidayRegion,
    pub extra_closed: Vec<NaiveDate>,
}

impl ContactWindow {
    /// 08:00-20:00, closed on Sundays and the region's public holidays.
    pub fn standard(region: HolidayRegion) -> ContactWindow {
        ContactWindow {
            opens: NaiveTime::MIN + TimeDelta::hours(8),
            closes: NaiveTime::MIN + TimeDelta::hours(20),
            closed_weekdays: vec![Weekday::Sun],
            region,
            extra_closed: Vec::new(),
        }
    }

    pub fn is_open_day(&self, d: NaiveDate) -> bool {
        !self.closed_weekdays.contains(&d.weekday())
            && !is_public_holiday(self.region, d)
            && !self.extra_closed.contains(&d)
    }

    pub fn is_open(&self, t: NaiveDateTime) -> bool {
        self.is_open_day(t.date()) && self.opens <= t.time() && t.time() < self.closes
    }

    fn first_open_day_from(&self, day: NaiveDate) -> Option<NaiveDate> {
        if self.opens >= self.closes {
            return None;
        }
        day.iter_days()
            .take(MAX_SEARCH_DAYS as usize)
            .find(|d| self.is_open_day(*d))
    }

    /// `t` itself when open, else the earliest open instant after it.
    pub fn next_opening(&self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        if self.is_open(t) {
            return Some(t);
        }
        let from = if t.time() < self.opens {
            t.date()
        } else {
            t.date().checked_add_days(Days::new(1))?
        };
        self.first_open_day_from(from).map(|d| d.and_time(self.opens))
    }

    /// The first open day on or after `day`, at `preferred` clamped into the window (default:
    /// opening time). A preferred hour at or after closing becomes the last minute before it.
    pub fn place_in_window(&self, day: NaiveDate, preferred: Option<NaiveTime>) -> Option<NaiveDateTime> {
        let open_day = self.first_open_day_from(day)?;
        let wanted = preferred.unwrap_or(self.opens);
        let time = if wanted < self.opens {
            self.opens
        } else if wanted >= self.closes {
            match self.closes.overflowing_sub_signed(TimeDelta::minutes(1)) {
                (last, 0) => last.max(self.opens),
                _ => self.opens,
            }
        } else {
            wanted
        };
        Some(open_day.and_time(time))
    }
}

const WEEKDAY_NAMES: [(Weekday, &str); 7] = [
    (Weekday::Mon, "mon"),
    (Weekday::Tue, "tue"),
    (Weekday::Wed, "wed"),
    (Weekday::Thu, "thu"),
    (Weekday::Fri, "fri"),
    (Weekday::Sat, "sat"),
    (Weekday::Sun, "sun"),
];

/// "sat,sun" → [Sat, Sun]; the empty string means no closed weekdays.
pub fn parse_weekdays(s: &str) -> Option<Vec<Weekday>> {
    if s.trim().is_empty() {
        return Some(Vec::new());
    }
    let mut days = s
        .split(',')
        .map(|part| {
            let part = part.trim().to_ascii_lowercase();
            WEEKDAY_NAMES.iter().find(|(_, name)| *name == part).map(|(w, _)| *w)
        })
        .collect::<Option<Vec<_>>>()?;
    days.sort_by_key(|w| w.num_days_from_monday());
    days.dedup();
    Some(days)
}

/// Monday-first and without duplicates, so equal sets store as equal text.
pub fn format_weekdays(days: &[Weekday]) -> String {
    WEEKDAY_NAMES
        .iter()
        .filter(|(w, _)| days.contains(w))
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

/// "2026-12-24,2026-12-31" → dates; the empty string means none.
pub fn parse_dates(s: &str) -> Option<Vec<NaiveDate>> {
    if s.trim().is_empty() {
        return Some(Vec::new());
    }
    let mut dates = s
        .split(',')
        .map(|part| NaiveDate::parse_from_str(part.trim(), "%Y-%m-%d").ok())
        .collect::<Option<Vec<_>>>()?;
    dates.sort();
    dates.dedup();
    Some(dates)
}

/// Sorted and without duplicates, so equal sets store as equal text.
pub fn format_dates(dates: &[NaiveDate]) -> String {
    let mut sorted = dates.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Mon-Fri and not a public holiday of the region.
pub fn is_working_day(region: HolidayRegion, d: NaiveDate) -> bool {
    !is_weekend(d) && !is_public_holiday(region, d)
}

/// `n` working days after `from`; `from` itself when `n` is 0. Saturates at the end of chrono's
/// range rather than panicking.
pub fn add_working_days(region: HolidayRegion, from: NaiveDate, n: u32) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        match day.succ_opt() {
            Some(next) => day = next,
            None => return day,
        }
        if is_working_day(region, day) {
            left -= 1;
        }
    }
    day
}

/// The last day of a term of `days` days that starts running the day after `delivered`,
/// extended to the next working day when it ends on a Saturday, Sunday or term holiday
/// (Algemene termijnenwet art. 1 for NL, § 193 BGB for DE). For NL a term of three days or more
/// is also stretched until it holds two working days (ATW art. 2), which only bites for short
/// terms over Christmas or Easter.
pub fn term_end(region: HolidayRegion, delivered: NaiveDate, days: u32) -> NaiveDate {
    let is_free = |d: NaiveDate| is_weekend(d) || is_term_holiday(region, d);
    let needed = if region == HolidayRegion::Nl && days >= 3 { 2 } else { 0 };
    let mut end = delivered
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX);
    let mut working = delivered
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= end)
        .filter(|d| !is_free(*d))
        .take(needed)
        .count();
    while is_free(end) || working < needed {
        match end.succ_opt() {
            Some(next) => end = next,
            None => break,
        }
        if !is_free(end) {
            working += 1;
        }
    }
    end
}

/// The deadline of the Dutch 14-day letter (art. 6:96 lid 6 BW): day 1 is the day after
/// delivery, day 14 is `delivered + 14`, extended per the Algemene termijnenwet.
pub fn fourteen_day_deadline(delivered: NaiveDate) -> NaiveDate {
    term_end(HolidayRegion::Nl, delivered, 14)
}

/// How long each channel is assumed to take to reach the debtor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAssumption {
    pub letter_working_days: u32,
    pub email_days: u32,
    pub sms_days: u32,
}

impl Default for DeliveryAssumption {
    fn default() -> Self {
        DeliveryAssumption {
            letter_working_days: 2,
            email_days: 1,
            sms_days: 1,
        }
    }
}

impl DeliveryAssumption {
    /// `channel` is "letter", "email" or "sms". Anything else is treated as a letter: the
    /// slowest assumption never lets a deadline fall before the debtor could have read it.
    pub fn assumed_delivery(&self, region: HolidayRegion, channel: &str, sent: NaiveDate) -> NaiveDate {
        let calendar_days = match channel.trim().to_ascii_lowercase().as_str() {
            "email" => self.email_days,
            "sms" => self.sms_days,
            _ => return add_working_days(region, sent, self.letter_working_days),
        };
        sent.checked_add_days(Days::new(u64::from(calendar_days)))
            .unwrap_or(NaiveDate::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dt(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn easter_sundays() {
        #[rustfmt::skip]
        let cases = [(2024, d(2024, 3, 31)), (2025, d(2025, 4, 20)), (2026, d(2026, 4, 5)), (2027, d(2027, 3, 28))];
        for (year, want) in cases {
            assert_eq!(easter_sunday(year), Some(want), "Easter {year}");
        }
        assert_eq!(easter_sunday(1500), None);
    }

    #[test]
    fn public_holidays() {
        use HolidayRegion::{De, Nl};
        #[rustfmt::skip]
        let cases = [
            ("Koningsdag 2025 on Saturday 26 April", Nl, d(2025, 4, 26), true),
            ("27 April 2025 is a Sunday, not Koningsdag", Nl, d(2025, 4, 27), false),
            ("Koningsdag 2026 on 27 April", Nl, d(2026, 4, 27), true),
            ("Goede Vrijdag 2026", Nl, d(2026, 4, 3), true),
            ("Tweede Paasdag 2026", Nl, d(2026, 4, 6), true),
            ("Bevrijdingsdag 2026", Nl, d(2026, 5, 5), true),
            ("Hemelvaartsdag 2026", Nl, d(2026, 5, 14), true),
            ("Tweede Pinksterdag 2026", Nl, d(2026, 5, 25), true),
            ("Christi Himmelfahrt 2026", De, d(2026, 5, 14), true),
            ("Pfingstmontag 2026", De, d(2026, 5, 25), true),
            ("Karfreitag 2026", De, d(2026, 4, 3), true),
            ("Tag der Deutschen Einheit", De, d(2026, 10, 3), true),
            ("3 October in NL", Nl, d(2026, 10, 3), false),
            ("Tag der Arbeit", De, d(2026, 5, 1), true),
            ("5 May in DE", De, d(2026, 5, 5), false),
            ("a normal Tuesday in NL", Nl, d(2026, 3, 10), false),
            ("a normal Tuesday in DE", De, d(2026, 3, 10), false),
            ("Christmas without a region", HolidayRegion::None, d(2026, 12, 25), false),
        ];
        for (name, region, date, want) in cases {
            assert_eq!(is_public_holiday(region, date), want, "{name}");
        }
    }

    #[test]
    fn region_text_round_trips() {
        for r in [HolidayRegion::Nl, HolidayRegion::De, HolidayRegion::None] {
            assert_eq!(HolidayRegion::parse(r.as_str()), Some(r), "{r:?}");
        }
        assert_eq!(HolidayRegion::parse(" nl "), Some(HolidayRegion::Nl));
        assert_eq!(HolidayRegion::parse("BE"), None);
    }

    #[test]
    fn next_opening() {
        let nl = ContactWindow::standard(HolidayRegion::Nl);
        let with_extra = ContactWindow {
            extra_closed: vec![d(2026, 3, 10)],
            ..nl.clone()
        };
        let all_week = WEEKDAY_NAMES.iter().map(|(w, _)| *w).collect();
        let never = ContactWindow {
            closed_weekdays: all_week,
            ..nl.clone()
        };
        #[rustfmt::skip]
        let cases = [
            ("Saturday before opening", &nl, dt(2026, 3, 7, 7, 30), Some(dt(2026, 3, 7, 8, 0))),
            ("Saturday at closing skips Sunday", &nl, dt(2026, 3, 7, 20, 0), Some(dt(2026, 3, 9, 8, 0))),
            ("Friday 19:59 is open", &nl, dt(2026, 3, 6, 19, 59), Some(dt(2026, 3, 6, 19, 59))),
            ("Easter Monday is closed", &nl, dt(2026, 4, 6, 10, 0), Some(dt(2026, 4, 7, 8, 0))),
            ("extra closed date is skipped", &with_extra, dt(2026, 3, 9, 21, 0), Some(dt(2026, 3, 11, 8, 0))),
            ("Christmas and a Sunday", &nl, dt(2026, 12, 24, 20, 30), Some(dt(2026, 12, 28, 8, 0))),
            ("closed every day", &never, dt(2026, 3, 9, 9, 0), None),
        ];
        for (name, window, t, want) in cases {
            assert_eq!(window.next_opening(t), want, "{name}");
        }
    }

    #[test]
    fn place_in_window() {
        let nl = ContactWindow::standard(HolidayRegion::Nl);
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        #[rustfmt::skip]
        let cases = [
            ("default is opening time", d(2026, 3, 9), None, dt(2026, 3, 9, 8, 0)),
            ("preferred hour inside", d(2026, 3, 9), at(18, 30), dt(2026, 3, 9, 18, 30)),
            ("too early is clamped to opening", d(2026, 3, 9), at(6, 0), dt(2026, 3, 9, 8, 0)),
            ("too late is clamped before closing", d(2026, 3, 9), at(21, 0), dt(2026, 3, 9, 19, 59)),
            ("Sunday moves to Monday", d(2026, 3, 8), at(9, 0), dt(2026, 3, 9, 9, 0)),
        ];
        for (name, day, preferred, want) in cases {
            assert_eq!(nl.place_in_window(day, preferred), Some(want), "{name}");
        }
    }

    #[test]
    fn text_helpers() {
        assert_eq!(parse_weekdays("sun"), Some(vec![Weekday::Sun]));
        assert_eq!(parse_weekdays("sun, SAT"), Some(vec![Weekday::Sat, Weekday::Sun]));
        assert_eq!(parse_weekdays(""), Some(vec![]));
        assert_eq!(parse_weekdays("sun,funday"), None);
        assert_eq!(format_weekdays(&[Weekday::Sun, Weekday::Sat]), "sat,sun");
        let dates = Some(vec![d(2026, 12, 24), d(2026, 12, 31)]);
        assert_eq!(parse_dates("2026-12-31,2026-12-24"), dates);
        assert_eq!(parse_dates("2026-12-24,tomorrow"), None);
        assert_eq!(parse_dates("2026-02-30"), None);
        assert_eq!(
            format_dates(&[d(2026, 12, 31), d(2026, 12, 24)]),
            "2026-12-24,2026-12-31"
        );
        assert_eq!(format_dates(&[]), "");
    }

    #[test]
    fn working_days_and_terms() {
        use HolidayRegion::{De, Nl};
        #[rustfmt::skip]
        let cases = [
            ("n=0 is the same day", add_working_days(Nl, d(2026, 3, 7), 0), d(2026, 3, 7)),
            ("letter posted Friday", add_working_days(Nl, d(2026, 11, 27), 2), d(2026, 12, 1)),
            ("over Easter", add_working_days(Nl, d(2026, 4, 2), 1), d(2026, 4, 7)),
            ("14-day deadline on a Tuesday", fourteen_day_deadline(d(2026, 12, 1)), d(2026, 12, 15)),
            ("ends on Saturday", term_end(Nl, d(2026, 3, 7), 14), d(2026, 3, 23)),
            ("Good Friday does not extend (ATW)", term_end(Nl, d(2026, 3, 20), 14), d(2026, 4, 3)),
            ("Easter Monday extends", term_end(Nl, d(2026, 3, 23), 14), d(2026, 4, 7)),
            ("Koningsdag extends", term_end(Nl, d(2026, 4, 13), 14), d(2026, 4, 28)),
            ("short term over Christmas holds two working days", term_end(Nl, d(2026, 12, 24), 3), d(2026, 12, 29)),
            ("Karfreitag extends in DE", term_end(De, d(2026, 3, 20), 14), d(2026, 4, 7)),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn assumed_delivery() {
        let a = DeliveryAssumption::default();
        let nl = HolidayRegion::Nl;
        #[rustfmt::skip]
        let cases = [
            ("letter: two working days", "letter", d(2026, 11, 27), d(2026, 12, 1)),
            ("email: next calendar day", "email", d(2026, 11, 27), d(2026, 11, 28)),
            ("sms over New Year", "sms", d(2026, 12, 31), d(2027, 1, 1)),
            ("unknown channel as a letter", "fax", d(2026, 11, 27), d(2026, 12, 1)),
        ];
        for (name, channel, sent, want) in cases {
            assert_eq!(a.assumed_delivery(nl, channel, sent), want, "{name}");
        }
    }

    proptest! {
        #[test]
        fn next_opening_is_open_and_soon(days in 0u64..3650, minutes in 0i64..1440) {
            let day = d(2020, 1, 1).checked_add_days(Days::new(days)).unwrap();
            let t = day.and_time(NaiveTime::MIN) + TimeDelta::minutes(minutes);
            for region in [HolidayRegion::Nl, HolidayRegion::De] {
                let window = ContactWindow::standard(region);
                let next = window.next_opening(t).unwrap();
                prop_assert!(next >= t && window.is_open(next), "{region:?} {t} -> {next}");
                prop_assert!(next - t < TimeDelta::days(5), "{region:?} {t} -> {next}");
            }
        }
    }
}
