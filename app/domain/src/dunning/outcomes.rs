//! What a message achieved, honestly counted: an invoice's outcome (paid in full, or a payment
//! plan agreed, whichever came first) is credited to the last message sent for it before the
//! outcome, if that message went out at most `window` before it. One outcome, one message:
//! earlier reminders of the same invoice get no credit, so a step's or a channel's rate is not
//! inflated by the reminders that came after it.
use chrono::{DateTime, Duration, Timelike, Utc};
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub invoice: i64,
    /// When it went out (queued, if not yet sent).
    pub at: DateTime<Utc>,
}

/// The ids of the messages credited with their invoice's outcome (`outcomes`: invoice id →
/// when it was paid or a plan was agreed).
pub fn credited(messages: &[Message], outcomes: &HashMap<i64, DateTime<Utc>>, window: Duration) -> BTreeSet<i64> {
    let mut last: HashMap<i64, Message> = HashMap::new();
    for m in messages {
        let Some(done) = outcomes.get(&m.invoice) else {
            continue;
        };
        if m.at > *done || *done - m.at > window {
            continue;
        }
        let later = |b: &Message| (m.at, m.id) > (b.at, b.id);
        if last.get(&m.invoice).is_none_or(later) {
            last.insert(m.invoice, *m);
        }
    }
    last.values().map(|m| m.id).collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn only_the_last_message_before_the_outcome_within_the_window_is_credited() {
        let msgs = [
            Message {
                id: 1,
                invoice: 10,
                at: at(1, 9),
            },
            Message {
                id: 2,
                invoice: 10,
                at: at(8, 9),
            },
            Message {
                id: 3,
                invoice: 10,
                at: at(20, 9),
            }, // after the payment
            Message {
                id: 4,
                invoice: 11,
                at: at(1, 9),
            }, // paid too late for the window
            Message {
                id: 5,
                invoice: 12,
                at: at(2, 9),
            }, // never paid
            Message {
                id: 6,
                invoice: 13,
                at: at(3, 9),
            }, // two at the same moment: the later id
            Message {
                id: 7,
                invoice: 13,
                at: at(3, 9),
            },
        ];
        let outcomes = HashMap::from([(10, at(9, 12)), (11, at(20, 9)), (13, at(4, 9))]);
        let got = credited(&msgs, &outcomes, Duration::days(7));
        assert_eq!(got, BTreeSet::from([2, 7]));
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
