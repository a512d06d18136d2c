//! Callback slots from a tenant's support hours: fixed-length slots inside the hours, on open
//! days (no closed weekdays, no public holidays, no extra closed dates), from a lead time after
//! now up to a horizon, each with a capacity. Local times; the caller resolves time zones.
use crate::dunning::calendar::ContactWindow;
use chrono::{Days, NaiveDateTime, TimeDelta};
use std::collections::HashMap;

pub const TOPICS: [&str; 4] = ["payment", "plan", "dispute", "other"];

#[derive(Clone, Debug)]
pub struct SlotRules {
    pub hours: ContactWindow,
    pub slot_minutes: u32,
    pub capacity: u32,
    /// How many days ahead slots are offered (today counts as day 0).
    pub horizon_days: u32,
    /// A slot must start at least this long after now, so staff can prepare.
    pub lead_minutes: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub start: NaiveDateTime,
    pub free: u32,
}

/// Every slot start on the day of `day`'s date inside the hours, ignoring lead time and load.
fn starts_on(rules: &SlotRules, day: chrono::NaiveDate) -> Vec<NaiveDateTime> {
    let mut out = Vec::new();
    if rules.slot_minutes == 0 || !rules.hours.is_open_day(day) {
        return out;
    }
    let step = TimeDelta::minutes(i64::from(rules.slot_minutes));
    let mut t = day.and_time(rules.hours.opens);
    let close = day.and_time(rules.hours.closes);
    while t + step <= close {
        out.push(t);
        t += step;
    }
    out
}

/// The slots a debtor may book now: not full, not too soon, not past the horizon.
pub fn free_slots(rules: &SlotRules, now: NaiveDateTime, taken: &HashMap<NaiveDateTime, u32>) -> Vec<Slot> {
    let earliest = now + TimeDelta::minutes(i64::from(rules.lead_minutes));
    let mut out = Vec::new();
    for d in 0..=u64::from(rules.horizon_days) {
        let Some(day) = now.date().checked_add_days(Days::new(d)) else {
            break;
        };
        for start in starts_on(rules, day) {
            let used = taken.get(&start).copied().unwrap_or(0);
            if start >= earliest && used < rules.capacity {
                out.push(Slot {
                    start,
                    free: rules.capacity - used,
                });
            }
        }
    }
    out
}

/// Whether `start` is a slot the rules offer at `now` (load aside: capacity is checked when
/// the slot is claimed).
pub fn is_offered(rules: &SlotRules, now: NaiveDateTime, start: NaiveDateTime) -> bool {
    let earliest = now + TimeDelta::minutes(i64::from(rules.lead_minutes));
    let last_day = now.date().checked_add_days(Days::new(u64::from(rules.horizon_days)));
    start >= earliest && last_day.is_some_and(|l| start.date() <= l) && starts_on(rules, start.date()).contains(&start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dunning::calendar::HolidayRegion;
    use chrono::{NaiveDate, NaiveTime, Weekday};

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn rules() -> SlotRules {
        SlotRules {
            hours: ContactWindow {
                opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                closes: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
                closed_weekdays: vec![Weekday::Sat, Weekday::Sun],
                region: HolidayRegion::Nl,
                extra_closed: vec![NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()],
            },
            slot_minutes: 60,
            capacity: 2,
            horizon_days: 7,
            lead_minutes: 60,
        }
    }

    #[test]
    fn slots_skip_the_past_the_lead_time_weekends_holidays_and_full_ones() {
        // Monday 30 November 2026, 09:30: 10:00 is too soon (lead 60 min), 11:00 is the first.
        let now = at("2026-11-30 09:30");
        let mut taken = HashMap::new();
        taken.insert(at("2026-12-02 09:00"), 2);
        taken.insert(at("2026-12-02 10:00"), 1);
        let slots = free_slots(&rules(), now, &taken);
        let starts: Vec<String> = slots
            .iter()
            .map(|s| s.start.format("%a %d %H:%M").to_string())
            .collect();
        assert_eq!(starts[0], "Mon 30 11:00");
        assert!(!starts.iter().any(|s| s.starts_with("Tue 01")), "an extra closed date");
        assert!(!starts.contains(&"Wed 02 09:00".to_string()), "full");
        assert_eq!(
            slots.iter().find(|s| s.start == at("2026-12-02 10:00")).unwrap().free,
            1
        );
        assert!(!starts.iter().any(|s| s.starts_with("Sat") || s.starts_with("Sun")));
        assert!(
            !starts.iter().any(|s| s.starts_with("Fri 25")),
            "Christmas is a holiday"
        );
        assert_eq!(starts.last().unwrap(), "Mon 07 11:00", "up to the horizon");
        // 25 and 26 December are holidays in the Netherlands.
        let xmas = free_slots(&rules(), at("2026-12-24 12:00"), &HashMap::new());
        assert_eq!(xmas[0].start, at("2026-12-28 09:00"));
    }

    #[test]
    fn only_offered_slots_can_be_booked() {
        let now = at("2026-11-30 09:30");
        assert!(is_offered(&rules(), now, at("2026-11-30 11:00")));
        for bad in [
            "2026-11-30 10:00",
            "2026-11-30 11:30",
            "2026-11-30 12:00",
            "2026-12-05 09:00",
            "2026-12-01 09:00",
            "2026-12-08 09:00",
            "2026-11-27 09:00",
        ] {
            assert!(!is_offered(&rules(), now, at(bad)), "{bad}");
        }
    }
}
