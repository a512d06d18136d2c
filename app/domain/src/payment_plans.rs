//! Payment plans: the tenant's policy, the instalment schedule and what is still owed on it. The
//! schedule splits the total into equal monthly instalments in whole cents, the rounding going to
//! the last one, so the instalments always add up to the total exactly.
use chrono::{Months, NaiveDate};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanPolicy {
    pub min_total_cents: i64,
    pub max_instalments: u32,
    pub min_instalment_cents: i64,
    /// The first instalment falls due within this many days from today.
    pub first_due_within_days: i64,
}

impl Default for PlanPolicy {
    fn default() -> Self {
        Self {
            min_total_cents: 5_000,
            max_instalments: 6,
            min_instalment_cents: 2_500,
            first_due_within_days: 30,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instalment {
    pub due: NaiveDate,
    pub cents: i64,
}

/// `n` monthly instalments from `first_due` (end-of-month dates clamp, 31 January then 28 or 29
/// February), equal in whole cents with the remainder on the last. Empty for `n == 0`, a
/// non-positive total, or dates past the calendar's end.
pub fn schedule(total_cents: i64, n: u32, first_due: NaiveDate) -> Vec<Instalment> {
    if n == 0 || total_cents <= 0 {
        return Vec::new();
    }
    let part = total_cents / i64::from(n);
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let Some(due) = first_due.checked_add_months(Months::new(i)) else {
            return Vec::new();
        };
        let cents = if i + 1 == n {
            total_cents - part * i64::from(n - 1)
        } else {
            part
        };
        out.push(Instalment { due, cents });
    }
    out
}

/// What is still owed on each instalment when `paid` has come in since the plan started: the
/// money settles the instalments in order.
pub fn still_owed(amounts: &[i64], paid: i64) -> Vec<i64> {
    let mut left = paid.max(0);
    amounts
        .iter()
        .map(|&a| {
            let covered = left.min(a);
            left -= covered;
            a - covered
        })
        .collect()
}

/// Why a proposal is outside the policy (each a code the page explains); empty when within.
pub fn outside_policy(
    p: &PlanPolicy,
    total_cents: i64,
    n: u32,
    first_due: NaiveDate,
    today: NaiveDate,
) -> Vec<&'static str> {
    let mut why = Vec::new();
    if total_cents < p.min_total_cents {
        why.push("plan_total_too_small");
    }
    if n < 2 || n > p.max_instalments {
        why.push("plan_instalments_out_of_range");
    }
    if n > 0 && total_cents / i64::from(n) < p.min_instalment_cents {
        why.push("plan_instalment_too_small");
    }
    if first_due < today || (first_due - today).num_days() > p.first_due_within_days {
        why.push("plan_first_due_out_of_window");
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn three_instalments_of_a_hundred_euros() {
        let s = schedule(10_000, 3, d("2027-01-31"));
        let got: Vec<(String, i64)> = s.iter().map(|i| (i.due.to_string(), i.cents)).collect();
        assert_eq!(
            got,
            [
                ("2027-01-31".to_string(), 3_333),
                ("2027-02-28".to_string(), 3_333),
                ("2027-03-31".to_string(), 3_334)
            ]
        );
        assert!(schedule(10_000, 0, d("2027-01-31")).is_empty());
        assert!(schedule(0, 3, d("2027-01-31")).is_empty());
    }

    #[test]
    fn the_policy_names_every_reason() {
        let p = PlanPolicy::default();
        let today = d("2026-11-30");
        assert!(outside_policy(&p, 30_000, 6, d("2026-12-15"), today).is_empty());
        assert_eq!(
            outside_policy(&p, 4_000, 2, d("2026-12-15"), today),
            ["plan_total_too_small", "plan_instalment_too_small"]
        );
        assert_eq!(
            outside_policy(&p, 30_000, 7, d("2026-12-15"), today),
            ["plan_instalments_out_of_range"]
        );
        assert_eq!(
            outside_policy(&p, 30_000, 3, d("2027-02-01"), today),
            ["plan_first_due_out_of_window"]
        );
        assert_eq!(
            outside_policy(&p, 30_000, 3, d("2026-11-29"), today),
            ["plan_first_due_out_of_window"]
        );
    }

    #[test]
    fn money_settles_instalments_in_order() {
        assert_eq!(still_owed(&[3_333, 3_333, 3_334], 0), [3_333, 3_333, 3_334]);
        assert_eq!(still_owed(&[3_333, 3_333, 3_334], 4_000), [0, 2_666, 3_334]);
        assert_eq!(still_owed(&[3_333, 3_333, 3_334], 20_000), [0, 0, 0]);
        assert_eq!(still_owed(&[3_333, 3_333], -5), [3_333, 3_333]);
    }

    proptest! {
        #[test]
        fn instalments_add_up_to_the_total_and_only_the_last_differs(
            total in 1i64..100_000_000, n in 1u32..=60, offset in 0u32..3650
        ) {
            let first = d("2026-01-01") + chrono::Duration::days(i64::from(offset));
            let s = schedule(total, n, first);
            prop_assert_eq!(s.len(), n as usize);
            prop_assert_eq!(s.iter().map(|i| i.cents).sum::<i64>(), total);
            let first_cents = s[0].cents;
            prop_assert!(s[..s.len() - 1].iter().all(|i| i.cents == first_cents));
            prop_assert!(s[s.len() - 1].cents >= first_cents && s[s.len() - 1].cents - first_cents < i64::from(n));
            prop_assert!(s.windows(2).all(|w| w[0].due < w[1].due));
        }
    }
}
