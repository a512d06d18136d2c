//! What a message achieved, honestly counted: an invoice's outcome (paid in full, or a payment
//! plan agreed, whichever came first) is credited to the last message sent for it before the
//! outcome, if that message went out at most `window` before it. One outcome, one reminder:
//! earlier reminders of the same invoice get no credit, so a step's rate is not inflated by
//! the reminders that came after it; the messages of the credited reminder (its email and its
//! SMS, sent together) share the credit.
use chrono::{DateTime, Duration, Timelike, Utc};
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub invoice: i64,
    /// The reminder it belongs to (one per step, possibly over several channels).
    pub reminder: i64,
    /// When it went out (queued, if not yet sent).
    pub at: DateTime<Utc>,
}

/// The ids of the messages credited with their invoice's outcome (`outcomes`: invoice id →
/// when it was paid or a plan was agreed).
pub fn credited(messages: &[Message], outcomes: &HashMap<i64, DateTime<Utc>>, window: Duration) -> BTreeSet<i64> {
    let eligible = |m: &&Message| {
        outcomes
            .get(&m.invoice)
            .is_some_and(|done| m.at <= *done && *done - m.at <= window)
    };
    // Per invoice, the reminder of its latest eligible message (ties: the later reminder).
    let mut last: HashMap<i64, (DateTime<Utc>, i64)> = HashMap::new();
    for m in messages.iter().filter(eligible) {
        let e = last.entry(m.invoice).or_insert((m.at, m.reminder));
        if (m.at, m.reminder) > *e {
            *e = (m.at, m.reminder);
        }
    }
    messages
        .iter()
        .filter(eligible)
        .filter(|m| last.get(&m.invoice).is_some_and(|(_, r)| *r == m.reminder))
        .map(|m| m.id)
        .collect()
}

/// The part of the day a message went out in (local hour): `morning` 6-12, `afternoon` 12-17,
/// `evening` 17-22, `night` else.
pub fn send_band(local: chrono::NaiveDateTime) -> &'static str {
    match local.hour() {
        6..=11 => "morning",
        12..=16 => "afternoon",
        17..=21 => "evening",
        _ => "night",
    }
}

pub const BANDS: [&str; 4] = ["morning", "afternoon", "evening", "night"];

/// A band's local hours as half-open spans (the night wraps past midnight).
fn band_spans(band: &str) -> &'static [(u32, u32)] {
    match band {
        "morning" => &[(6, 12)],
        "afternoon" => &[(12, 17)],
        "evening" => &[(17, 22)],
        "night" => &[(0, 6), (22, 24)],
        _ => &[],
    }
}

/// How far ahead a band may place a message: it is chosen among the parts of the day still to
/// come within a day, so learning never holds a reminder back longer than that.
pub const BAND_HORIZON_HOURS: i64 = 24;

/// The earliest instant at or after `now` (local) that lies in `band` and inside the contact
/// window, within [`BAND_HORIZON_HOURS`]; None when the window leaves the band no room.
pub fn band_slot(
    now: chrono::NaiveDateTime,
    band: &str,
    window: &super::calendar::ContactWindow,
) -> Option<chrono::NaiveDateTime> {
    let horizon = now + Duration::hours(BAND_HORIZON_HOURS);
    (0..=1)
        .map(|d| now.date() + Duration::days(d))
        .filter(|day| window.is_open_day(*day))
        .flat_map(|day| {
            band_spans(band).iter().filter_map(move |&(from, to)| {
                let at = |h: u32| day.and_hms_opt(0, 0, 0).map(|m| m + Duration::hours(i64::from(h)));
                let (from, to) = (at(from)?, at(to)?);
                let open = day.and_time(window.opens).max(from).max(now);
                let close = day.and_time(window.closes).min(to);
                (open < close).then_some(open)
            })
        })
        .filter(|at| *at < horizon)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn only_the_last_message_before_the_outcome_within_the_window_is_credited() {
        let m = |id, invoice, reminder, at| Message {
            id,
            invoice,
            reminder,
            at,
        };
        let msgs = [
            m(1, 10, 100, at(1, 9)),
            m(2, 10, 101, at(8, 9)),
            // The same reminder's SMS shares the credit.
            m(8, 10, 101, at(8, 9)),
            // After the payment.
            m(3, 10, 102, at(20, 9)),
            // Paid too late for the window.
            m(4, 11, 110, at(1, 9)),
            // Never paid.
            m(5, 12, 120, at(2, 9)),
            // Two reminders at the same moment: the later one.
            m(6, 13, 130, at(3, 9)),
            m(7, 13, 131, at(3, 9)),
        ];
        let outcomes = HashMap::from([(10, at(9, 12)), (11, at(20, 9)), (13, at(4, 9))]);
        let got = credited(&msgs, &outcomes, Duration::days(7));
        assert_eq!(got, BTreeSet::from([2, 7, 8]));
    }

    #[test]
    fn a_band_places_inside_the_window_and_within_a_day() {
        use crate::dunning::calendar::{ContactWindow, HolidayRegion};
        let w = ContactWindow::standard(HolidayRegion::Nl);
        let t = |d, h, m| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, d)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap()
        };
        // Monday 10:30.
        let now = t(2, 10, 30);
        assert_eq!(band_slot(now, "morning", &w), Some(now), "in the band: now");
        assert_eq!(band_slot(now, "afternoon", &w), Some(t(2, 12, 0)));
        assert_eq!(band_slot(now, "evening", &w), Some(t(2, 17, 0)));
        // 08:00-20:00 leaves the night no room.
        assert_eq!(band_slot(now, "night", &w), None);
        // Monday 19:00: tomorrow's morning and afternoon; the evening is now.
        assert_eq!(band_slot(t(2, 19, 0), "morning", &w), Some(t(3, 8, 0)));
        assert_eq!(band_slot(t(2, 19, 0), "afternoon", &w), Some(t(3, 12, 0)));
        assert_eq!(band_slot(t(2, 19, 0), "evening", &w), Some(t(2, 19, 0)));
        // Tuesday 12:30: the morning is tomorrow's; at 07:00 it is today's, once the window opens.
        assert_eq!(band_slot(t(3, 12, 30), "morning", &w), Some(t(4, 8, 0)));
        assert_eq!(band_slot(t(3, 7, 0), "morning", &w), Some(t(3, 8, 0)));
        // Saturday evening: Sunday is closed, so no morning within a day.
        assert_eq!(band_slot(t(7, 18, 0), "morning", &w), None);
        assert_eq!(band_slot(now, "tea time", &w), None);
    }

    #[test]
    fn bands_split_the_day() {
        let t = |h| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        assert_eq!(
            [t(5), t(6), t(12), t(17), t(21), t(22)].map(send_band),
            ["night", "morning", "afternoon", "evening", "evening", "night"]
        );
    }
}
