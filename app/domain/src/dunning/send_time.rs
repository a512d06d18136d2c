//! Send-time: when a debtor's past payments cluster on a weekday or an hour, a reminder is
//! placed then (within the contact window and a few days), because that is when they act.
use super::calendar::ContactWindow;
use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime, Timelike, Weekday};

/// Payments needed before a habit counts, and the share the most common value must have.
const MIN_PAYMENTS: usize = 3;
const MIN_SHARE_PERCENT: usize = 50;
/// How far a message may wait for the debtor's weekday.
pub const MAX_WAIT_DAYS: i64 = 3;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Habit {
    pub weekday: Option<Weekday>,
    pub hour: Option<u32>,
}

fn dominant<T: PartialEq + Copy>(values: &[T]) -> Option<T> {
    let mut best: Option<(T, usize)> = None;
    for v in values {
        let n = values.iter().filter(|w| *w == v).count();
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((*v, n));
        }
    }
    best.filter(|(_, n)| n * 100 >= values.len() * MIN_SHARE_PERCENT)
        .map(|(v, _)| v)
}

/// The weekday and hour a debtor usually pays at (local times of their online payments).
pub fn habit(paid_at: &[NaiveDateTime]) -> Habit {
    if paid_at.len() < MIN_PAYMENTS {
        return Habit::default();
    }
    let days: Vec<Weekday> = paid_at.iter().map(|t| t.weekday()).collect();
    let hours: Vec<u32> = paid_at.iter().map(|t| t.hour()).collect();
    Habit {
        weekday: dominant(&days),
        hour: dominant(&hours),
    }
}

/// When to send a message that is due at `now` (local): at the habit's weekday (within
/// [`MAX_WAIT_DAYS`]) and hour, if that is later and inside the window; None means now.
pub fn place(now: NaiveDateTime, habit: Habit, window: &ContactWindow) -> Option<NaiveDateTime> {
    if habit == Habit::default() {
        return None;
    }
    let hour = habit.hour.and_then(|h| NaiveTime::from_hms_opt(h, 0, 0));
    (0..=MAX_WAIT_DAYS)
        .map(|d| now.date() + Duration::days(d))
        .filter(|day| habit.weekday.is_none_or(|w| day.weekday() == w))
        .filter_map(|day| {
            let at = day.and_time(hour.unwrap_or(now.time()));
            let at = if day == now.date() { at.max(now) } else { at };
            window.is_open(at).then_some(at)
        })
        .next()
        .filter(|at| *at > now)
}

#[cfg(test)]
mod tests {
    use super::super::calendar::{ContactWindow, HolidayRegion};
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_habit_needs_three_payments_and_a_clear_majority() {
        let evenings = [t("2026-10-02 19:10"), t("2026-09-03 19:40"), t("2026-08-05 19:05")];
        assert_eq!(habit(&evenings).hour, Some(19));
        assert_eq!(habit(&evenings[..2]), Habit::default(), "two payments are no habit");
        let scattered = [t("2026-10-02 09:10"), t("2026-09-03 13:40"), t("2026-08-05 19:05")];
        assert_eq!(habit(&scattered).hour, None);
        let saturdays = [t("2026-10-03 10:00"), t("2026-10-10 15:00"), t("2026-10-17 11:00")];
        assert_eq!(habit(&saturdays).weekday, Some(Weekday::Sat));
    }

    #[test]
    fn messages_wait_for_the_habit_within_the_window() {
        let w = ContactWindow::standard(HolidayRegion::Nl);
        let evening = Habit {
            weekday: None,
            hour: Some(19),
        };
        let monday_9 = t("2026-11-23 09:00");
        #[rustfmt::skip]
        let cases: &[(&str, NaiveDateTime, Habit, Option<NaiveDateTime>)] = &[
            ("later today at the habit's hour", monday_9, evening, Some(t("2026-11-23 19:00"))),
            ("the hour has passed today: now", t("2026-11-23 19:30"), evening, None),
            ("no habit: now", monday_9, Habit::default(), None),
            ("an hour outside the window: now", monday_9, Habit { weekday: None, hour: Some(22) }, None),
            ("the habit's weekday, at the same time", monday_9, Habit { weekday: Some(Weekday::Wed), hour: None }, Some(t("2026-11-25 09:00"))),
            ("weekday and hour", monday_9, Habit { weekday: Some(Weekday::Tue), hour: Some(18) }, Some(t("2026-11-24 18:00"))),
            ("a weekday too far: now", t("2026-11-24 09:00"), Habit { weekday: Some(Weekday::Mon), hour: None }, None),
        ];
        for (name, now, habit, want) in cases {
            assert_eq!(place(*now, *habit, &w), *want, "{name}");
        }
    }
}
