//! Reminder fees and interest: the Dutch BIK collection-cost staffel, the fee rule a dunning
//! step stores, statutory interest from dated rate tables (NL, DE), and the German reminder-fee rule.
//!
//! All amounts are integer cents; products are taken in `i128` and every division rounds half up
//! to the cent, so no float ever touches money.
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// `n / d` rounded half up, for `n >= 0`, `d > 0`; saturates because a clamp beats a panic in a
/// debtor's statement.
fn div_round_half_up(n: i128, d: i128) -> i64 {
    i64::try_from((2 * n.max(0) + d) / (2 * d)).unwrap_or(i64::MAX)
}

/// BIK tiers as (width in cents, basis points); whatever exceeds them carries 50 bp (0.5%).
const BIK_TIERS: [(i64, i64); 4] = [(250_000, 1_500), (250_000, 1_000), (500_000, 500), (19_000_000, 100)];
const BIK_REST_BP: i64 = 50;
pub const BIK_MIN_CENTS: i64 = 4_000;
pub const BIK_MAX_CENTS: i64 = 677_500;
/// Dutch standard VAT rate, in percent.
pub const NL_VAT_PERCENT: i64 = 21;

/// Dutch extrajudicial collection costs per the Besluit vergoeding voor buitengerechtelijke
/// incassokosten, art. 2: 15% / 10% / 5% / 1% / 0.5% over the tiers, at least EUR 40, at most
/// EUR 6,775. `add_vat` adds 21% VAT on top, only for a creditor who cannot deduct it (otherwise
/// the VAT would be recovered twice). Rounded half up once, and again after VAT.
///
/// Only chargeable to a consumer after a compliant "veertiendagenbrief" (art. 6:96 lid 6 BW);
/// deciding that is the plan's job, not this function's.
pub fn bik_cents(principal_cents: i64, add_vat: bool) -> i64 {
    if principal_cents <= 0 {
        return 0;
    }
    let mut left = i128::from(principal_cents);
    let mut numerator: i128 = 0;
    for (width, bp) in BIK_TIERS {
        let part = left.min(i128::from(width));
        numerator += part * i128::from(bp);
        left -= part;
    }
    numerator += left * i128::from(BIK_REST_BP);
    let costs = div_round_half_up(numerator, 10_000).clamp(BIK_MIN_CENTS, BIK_MAX_CENTS);
    if add_vat {
        div_round_half_up(i128::from(costs) * i128::from(100 + NL_VAT_PERCENT), 100)
    } else {
        costs
    }
}

/// The fee a dunning step adds. Stored as JSON (`{"kind":"bik","add_vat":true}`) or in the
/// compact text form of [`FeeRule::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeeRule {
    None,
    Fixed { cents: i64 },
    Bik { add_vat: bool },
}

impl FeeRule {
    /// Nothing is charged on a principal `<= 0`: without a debt there is nothing to collect.
    pub fn amount_cents(&self, principal_cents: i64) -> i64 {
        if principal_cents <= 0 {
            return 0;
        }
        match *self {
            FeeRule::None => 0,
            FeeRule::Fixed { cents } => cents.max(0),
            FeeRule::Bik { add_vat } => bik_cents(principal_cents, add_vat),
        }
    }

    /// Reads `none`, `fixed:<cents>`, `bik`, `bik+vat`. Strict (no signs, no spaces, lower case)
    /// because this reads our own DB column, where anything else is corruption.
    pub fn parse(s: &str) -> Option<FeeRule> {
        match s {
            "none" => Some(FeeRule::None),
            "bik" => Some(FeeRule::Bik { add_vat: false }),
            "bik+vat" => Some(FeeRule::Bik { add_vat: true }),
            _ => {
                let digits = s.strip_prefix("fixed:")?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                digits.parse().ok().map(|cents| FeeRule::Fixed { cents })
            }
        }
    }

    pub fn as_str(&self) -> String {
        match self {
            FeeRule::None => "none".to_string(),
            FeeRule::Fixed { cents } => format!("fixed:{cents}"),
            FeeRule::Bik { add_vat: false } => "bik".to_string(),
            FeeRule::Bik { add_vat: true } => "bik+vat".to_string(),
        }
    }
}

/// A rate that applies from `from` (inclusive) until the next period's `from`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatePeriod {
    pub from: NaiveDate,
    pub basis_points: i64,
}

/// Rate periods sorted ascending by `from`; the last one runs open-ended.
#[derive(Clone, Copy, Debug)]
pub struct RateTable(pub &'static [RatePeriod]);

const fn period(y: i32, m: u32, d: u32, basis_points: i64) -> RatePeriod {
    // Only evaluated in const items, so a bad literal fails the build, never a request.
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(from) => RatePeriod { from, basis_points },
        None => panic!("invalid date in rate table"),
    }
}

/// Dutch statutory interest for non-commercial transactions (art. 6:119 BW, rate set under
/// art. 6:120). The government may change it on 1 January and 1 July: extend this table every
/// half year, or the last rate silently runs on.
pub const NL_STATUTORY_INTEREST: RateTable = RateTable(&[
    period(2015, 7, 1, 200),
    period(2023, 1, 1, 400),
    period(2023, 7, 1, 600),
    period(2024, 1, 1, 700),
]);

/// German Basiszinssatz (§ 247 BGB), published by the Bundesbank for 1 January and 1 July:
/// extend this table every half year. The default-interest surcharge is added by
/// [`de_default_interest_cents`], not stored here, because the base rate is a published fact
/// and the surcharge depends on who the debtor is.
pub const DE_BASISZINSSATZ: RateTable = RateTable(&[
    period(2023, 1, 1, 162),
    period(2023, 7, 1, 312),
    period(2024, 1, 1, 362),
    period(2024, 7, 1, 337),
    period(2025, 1, 1, 227),
    period(2025, 7, 1, 127),
]);

/// § 288 (1) BGB: five percentage points over the base rate when a consumer is involved
/// (businesses pay nine, § 288 (2), which this crate does not handle).
pub const DE_CONSUMER_SURCHARGE_BP: i64 = 500;

/// Basis points on `date`; `None` before the table's first entry.
pub fn rate_on(table: &RateTable, date: NaiveDate) -> Option<i64> {
    table.0.iter().rev().find(|p| p.from <= date).map(|p| p.basis_points)
}

/// Sum over rate segments of principal * bp * days, for the days in (`from`, `to`]. Days before
/// the table's first entry accrue nothing: we do not invent a rate we never recorded.
fn accrual_numerator(principal_cents: i64, from: NaiveDate, to: NaiveDate, table: &RateTable, add_bp: i64) -> i128 {
    if principal_cents <= 0 || to <= from {
        return 0;
    }
    // Day numbers turn the split into plain integer interval overlap, with no date overflow cases.
    let first = i64::from(from.num_days_from_ce()) + 1;
    let end = i64::from(to.num_days_from_ce()) + 1;
    let mut sum: i128 = 0;
    for (i, p) in table.0.iter().enumerate() {
        let lo = first.max(i64::from(p.from.num_days_from_ce()));
        let hi = table
            .0
            .get(i + 1)
            .map_or(end, |n| end.min(i64::from(n.from.num_days_from_ce())));
        if hi > lo {
            sum += i128::from(principal_cents) * i128::from(p.basis_points + add_bp) * i128::from(hi - lo);
        }
    }
    sum
}

const DAY_COUNT_DENOMINATOR: i128 = 10_000 * 365;

/// Simple (non-compounding) interest on a constant principal for the days after `from` (default
/// starts the day after) up to and including `to`, actual/365, split where the rate changes, and
/// rounded half up once at the end. `to <= from` or principal `<= 0` gives 0.
///
/// Dutch statutory interest compounds yearly (art. 6:119 lid 2 BW); this computes only the
/// first year correctly for NL. Use [`compound_yearly_interest_cents`] there.
pub fn simple_interest_cents(principal_cents: i64, from: NaiveDate, to: NaiveDate, table: &RateTable) -> i64 {
    let n = accrual_numerator(principal_cents, from, to, table, 0);
    div_round_half_up(n, DAY_COUNT_DENOMINATOR)
}

/// Interest that is added to the principal at the end of each full year counted from `from`
/// (art. 6:119 lid 2 BW). Each year's interest is rounded to the cent before it is added, because
/// what is capitalised is a claim in cents.
pub fn compound_yearly_interest_cents(principal_cents: i64, from: NaiveDate, to: NaiveDate, table: &RateTable) -> i64 {
    let mut base = principal_cents;
    let mut total: i64 = 0;
    let mut start = from;
    let mut years: u32 = 1;
    loop {
        // Anniversaries count from `from`, so a 29 February start does not drift to the 28th for good.
        let anniversary = years
            .checked_mul(12)
            .and_then(|m| from.checked_add_months(Months::new(m)));
        match anniversary {
            Some(end) if end < to => {
                let interest = simple_interest_cents(base, start, end, table);
                total = total.saturating_add(interest);
                base = base.saturating_add(interest);
                start = end;
                years += 1;
            }
            _ => return total.saturating_add(simple_interest_cents(base, start, to, table)),
        }
    }
}

/// Dutch consumer statutory interest: [`NL_STATUTORY_INTEREST`], compounded yearly.
pub fn nl_statutory_interest_cents(principal_cents: i64, from: NaiveDate, to: NaiveDate) -> i64 {
    compound_yearly_interest_cents(principal_cents, from, to, &NL_STATUTORY_INTEREST)
}

/// German consumer default interest: [`DE_BASISZINSSATZ`] + [`DE_CONSUMER_SURCHARGE_BP`], simple,
/// because § 289 BGB forbids interest on interest.
pub fn de_default_interest_cents(principal_cents: i64, from: NaiveDate, to: NaiveDate) -> i64 {
    let n = accrual_numerator(principal_cents, from, to, &DE_BASISZINSSATZ, DE_CONSUMER_SURCHARGE_BP);
    div_round_half_up(n, DAY_COUNT_DENOMINATOR)
}

/// The statutory interest a dunning step charges on the principal, stored as `none`, `nl` or
/// `de` in the step's `interest` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestRule {
    None,
    /// Art. 6:119 BW, from the day after the due date, compounded yearly.
    Nl,
    /// § 288 (1) BGB, from the day after the Mahnung that caused default, simple.
    De,
}

impl InterestRule {
    pub fn parse(s: &str) -> Option<InterestRule> {
        match s {
            "none" => Some(InterestRule::None),
            "nl" => Some(InterestRule::Nl),
            "de" => Some(InterestRule::De),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            InterestRule::None => "none",
            InterestRule::Nl => "nl",
            InterestRule::De => "de",
        }
    }

    /// Interest accrued on `principal_cents` from `default_day` (exclusive) to `today`
    /// (inclusive), less what earlier steps already charged: what this step may add.
    pub fn due_cents(&self, principal_cents: i64, default_day: NaiveDate, today: NaiveDate, charged_cents: i64) -> i64 {
        let accrued = match self {
            InterestRule::None => 0,
            InterestRule::Nl => nl_statutory_interest_cents(principal_cents, default_day, today),
            InterestRule::De => de_default_interest_cents(principal_cents, default_day, today),
        };
        (accrued - charged_cents.max(0)).max(0)
    }
}

/// Upper bound we allow for a German reminder fee. Only the actual cost of a reminder (postage,
/// material) is recoverable as damage from default; courts accept about EUR 1.00-2.50 and
/// strike down flat fees above that.
pub const DE_ACTUAL_COST_MAX_CENTS: i64 = 250;

/// The Mahnung that puts the debtor in default (§ 286 (1) BGB) is not itself damage caused by
/// default, so it carries no fee; later reminders may carry actual costs up to the cap.
pub fn de_reminder_fee_allowed(fee_cents: i64, causes_default: bool) -> bool {
    if causes_default {
        fee_cents == 0
    } else {
        (0..=DE_ACTUAL_COST_MAX_CENTS).contains(&fee_cents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAT_7: RateTable = RateTable(&[period(2000, 1, 1, 700)]);

    #[test]
    fn bik_staffel() {
        let cases: &[(&str, i64, bool, i64)] = &[
            ("minimum applies", 10_000, false, 4_000),
            ("minimum with vat", 10_000, true, 4_840),
            ("minimum boundary 266.67", 26_667, false, 4_000),
            ("end of 15% tier", 250_000, false, 37_500),
            ("end of 15% tier with vat", 250_000, true, 45_375),
            ("inside 10% tier", 300_000, false, 42_500),
            ("end of 10% tier", 500_000, false, 62_500),
            ("end of 5% tier", 1_000_000, false, 87_500),
            ("end of 1% tier", 20_000_000, false, 277_500),
            ("cap reached exactly at 1,000,000", 100_000_000, false, 677_500),
            ("huge principal caps", 1_000_000_000_000, false, 677_500),
            ("i64::MAX caps", i64::MAX, false, 677_500),
            ("zero principal", 0, true, 0),
            ("negative principal", -500, false, 0),
        ];
        for &(name, principal, vat, want) in cases {
            assert_eq!(bik_cents(principal, vat), want, "{name}");
        }
    }

    #[test]
    fn fee_rule_amounts_and_text() {
        let cases: &[(&str, FeeRule, &str, i64, i64)] = &[
            ("none", FeeRule::None, "none", 100_000, 0),
            ("fixed", FeeRule::Fixed { cents: 150 }, "fixed:150", 100_000, 150),
            ("fixed, nothing owed", FeeRule::Fixed { cents: 150 }, "fixed:150", 0, 0),
            ("bik", FeeRule::Bik { add_vat: false }, "bik", 250_000, 37_500),
            ("bik+vat", FeeRule::Bik { add_vat: true }, "bik+vat", 250_000, 45_375),
        ];
        for &(name, rule, text, principal, want) in cases {
            assert_eq!(rule.amount_cents(principal), want, "{name}: amount");
            assert_eq!(rule.as_str(), text, "{name}: as_str");
            assert_eq!(FeeRule::parse(text), Some(rule), "{name}: round trip");
        }
        for bad in ["", "None", "fixed:", "fixed:-1", "fixed:+1", "fixed:1.5", "bik+"] {
            assert_eq!(FeeRule::parse(bad), None, "rejects {bad:?}");
        }
    }

    #[test]
    fn rate_lookup() {
        let cases: &[(&str, RateTable, &str, Option<i64>)] = &[
            ("nl before table", NL_STATUTORY_INTEREST, "2015-06-30", None),
            ("nl first day", NL_STATUTORY_INTEREST, "2015-07-01", Some(200)),
            ("nl last 2% day", NL_STATUTORY_INTEREST, "2022-12-31", Some(200)),
            ("nl 2023 h1", NL_STATUTORY_INTEREST, "2023-01-01", Some(400)),
            ("nl 2023 h2", NL_STATUTORY_INTEREST, "2023-07-01", Some(600)),
            ("nl 2024", NL_STATUTORY_INTEREST, "2024-06-01", Some(700)),
            ("de before table", DE_BASISZINSSATZ, "2022-12-31", None),
            ("de 2024 h2", DE_BASISZINSSATZ, "2024-07-01", Some(337)),
            ("de latest", DE_BASISZINSSATZ, "2025-12-31", Some(127)),
        ];
        for &(name, table, date, want) in cases {
            assert_eq!(rate_on(&table, date.parse().unwrap()), want, "{name}");
        }
        for (name, table) in [("nl", NL_STATUTORY_INTEREST), ("de", DE_BASISZINSSATZ)] {
            assert!(table.0.windows(2).all(|w| w[0].from < w[1].from), "{name} table sorted");
        }
    }

    type InterestFn = fn(i64, NaiveDate, NaiveDate) -> i64;
    type InterestCase = (&'static str, i64, &'static str, &'static str, i64);

    const NL_SIMPLE: &[InterestCase] = &[
        // 100000 * 700 * 365 / 3_650_000 = 7000 (Jan 2..Dec 31 2024; actual/365 even in a leap year).
        ("7% one year", 100_000, "2024-01-01", "2024-12-31", 7_000),
        // Dec 2..31 at 6% (30 d), Jan 1..31 at 7% (31 d): 100000 * 39700 / 3_650_000 = 1087.67 -> 1088.
        ("6%/7% split", 100_000, "2023-12-01", "2024-01-31", 1_088),
        // 100000 * 700 / 3_650_000 = 19.18 -> 19.
        ("one day", 100_000, "2024-03-01", "2024-03-02", 19),
        // 9125 * 200 / 3_650_000 = 0.5 exactly -> up; 9124 gives 0.49986 -> down.
        ("half rounds up", 9_125, "2020-06-01", "2020-06-02", 1),
        ("below half rounds down", 9_124, "2020-06-01", "2020-06-02", 0),
        // Only Jul 1 and 2 fall in the table: 1825000 * 200 * 2 / 3_650_000 = 200.
        ("days before table", 1_825_000, "2015-06-29", "2015-07-02", 200),
        ("to == from", 100_000, "2024-01-01", "2024-01-01", 0),
        ("to before from", 100_000, "2024-02-01", "2024-01-01", 0),
        ("zero principal", 0, "2024-01-01", "2024-12-31", 0),
    ];

    const DE_DEFAULT: &[InterestCase] = &[
        // Jan 2..Jun 30 at 7.27% (180 d), Jul 1 at 6.27% (1 d): 100000 * 131487 / 3_650_000 = 3602.38.
        ("181 days over a change", 100_000, "2025-01-01", "2025-07-01", 3_602),
        // 2024: 182 d at 8.62%, 184 d at 8.37%: 100000 * 310892 / 3_650_000 = 8517.59 -> 8518.
        ("whole 2024", 100_000, "2023-12-31", "2024-12-31", 8_518),
    ];

    const NL_COMPOUND: &[InterestCase] = &[
        // Year 1 (to 2024-01-01): 180 d at 4%, 184 d at 6%, 1 d at 7%: 100000 * 183100 / 3_650_000
        // = 5016.44 -> 5016. Year 2 on 105016: 365 d at 7% = 7351.12 -> 7351. Total 12367.
        ("compounds after a year", 100_000, "2023-01-01", "2024-12-31", 12_367),
        ("under a year is simple", 100_000, "2023-12-01", "2024-01-31", 1_088),
    ];

    const FLAT_COMPOUND: &[InterestCase] = &[
        ("one full year", 100_000, "2025-03-01", "2026-03-01", 7_000),
        // 7000, then 107000 * 7% = 7490.
        ("two full years", 100_000, "2025-03-01", "2027-03-01", 14_490),
        // Anniversaries 2025-02-28 and 2026-02-28, 365 days each: same as above.
        ("leap-day start", 100_000, "2024-02-29", "2026-02-28", 14_490),
    ];

    #[test]
    fn interest() {
        let nl_simple: InterestFn = |p, f, t| simple_interest_cents(p, f, t, &NL_STATUTORY_INTEREST);
        let flat_compound: InterestFn = |p, f, t| compound_yearly_interest_cents(p, f, t, &FLAT_7);
        let groups: [(&str, InterestFn, &[InterestCase]); 4] = [
            ("nl simple", nl_simple, NL_SIMPLE),
            ("de default", de_default_interest_cents, DE_DEFAULT),
            ("nl compound", nl_statutory_interest_cents, NL_COMPOUND),
            ("flat 7% compound", flat_compound, FLAT_COMPOUND),
        ];
        for (group, f, cases) in groups {
            for &(name, principal, from, to, want) in cases {
                let (from, to) = (from.parse().unwrap(), to.parse().unwrap());
                assert_eq!(f(principal, from, to), want, "{group}: {name}");
            }
        }
    }

    #[test]
    fn de_reminder_fee() {
        let cases: &[(&str, i64, bool, bool)] = &[
            ("default-causing, free", 0, true, true),
            ("default-causing, with fee", 100, true, false),
            ("later, free", 0, false, true),
            ("later, at cap", DE_ACTUAL_COST_MAX_CENTS, false, true),
            ("later, over cap", DE_ACTUAL_COST_MAX_CENTS + 1, false, false),
            ("later, negative", -1, false, false),
        ];
        for &(name, fee, causes_default, want) in cases {
            assert_eq!(de_reminder_fee_allowed(fee, causes_default), want, "{name}");
        }
    }

    #[test]
    fn a_step_charges_the_interest_accrued_less_what_was_charged_before() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // EUR 1,000 at 7% for 365 days is EUR 70.00; 73 days are EUR 14.00.
        let nl = InterestRule::Nl;
        assert_eq!(nl.due_cents(100_000, d("2025-01-01"), d("2025-03-15"), 0), 1_400);
        assert_eq!(nl.due_cents(100_000, d("2025-01-01"), d("2025-03-15"), 1_000), 400);
        assert_eq!(
            nl.due_cents(100_000, d("2025-01-01"), d("2025-03-15"), 5_000),
            0,
            "never negative"
        );
        assert_eq!(
            InterestRule::None.due_cents(100_000, d("2025-01-01"), d("2025-03-15"), 0),
            0
        );
        // 2026: base rate 1.27% + 5 points = 6.27%; 73 days on EUR 1,000 = EUR 12.54.
        assert_eq!(
            InterestRule::De.due_cents(100_000, d("2026-01-01"), d("2026-03-15"), 0),
            1_254
        );
        for r in [InterestRule::None, InterestRule::Nl, InterestRule::De] {
            assert_eq!(InterestRule::parse(r.as_str()), Some(r));
        }
        assert_eq!(InterestRule::parse("NL"), None);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn day() -> impl Strategy<Value = NaiveDate> {
            (2015i32..2030, 1u32..=12, 1u32..=28)
                .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default())
        }

        proptest! {
            /// BIK stays between its legal minimum and maximum and never falls as the debt grows.
            #[test]
            fn bik_is_bounded_and_grows_with_the_debt(a in 1i64..2_000_000_000, b in 1i64..2_000_000_000, vat in any::<bool>()) {
                let (lo, hi) = (a.min(b), a.max(b));
                let (min, max) = if vat { (4_840, 819_775) } else { (BIK_MIN_CENTS, BIK_MAX_CENTS) };
                prop_assert!((min..=max).contains(&bik_cents(lo, vat)));
                prop_assert!(bik_cents(lo, vat) <= bik_cents(hi, vat));
                prop_assert!(bik_cents(lo, false) <= bik_cents(lo, true));
            }

            /// A fee rule reads back from its own text, and never charges on no debt.
            #[test]
            fn fee_rules_round_trip_and_charge_nothing_on_no_debt(cents in 0i64..1_000_000, principal in -1_000i64..=0) {
                for rule in [FeeRule::None, FeeRule::Fixed { cents }, FeeRule::Bik { add_vat: true }, FeeRule::Bik { add_vat: false }] {
                    prop_assert_eq!(FeeRule::parse(&rule.as_str()), Some(rule));
                    prop_assert_eq!(rule.amount_cents(principal), 0);
                }
            }

            /// Interest is never negative, grows with time and with the principal, and what was
            /// already charged is never charged again.
            #[test]
            fn interest_grows_with_time_and_principal_and_is_charged_once(
                principal in 0i64..100_000_000,
                more in 0i64..1_000_000,
                from in day(),
                days in 0i64..2_000,
                later in 0i64..400,
                charged in 0i64..1_000_000,
            ) {
                let to = from + chrono::Duration::days(days);
                let after = to + chrono::Duration::days(later);
                for rule in [InterestRule::Nl, InterestRule::De] {
                    let now = rule.due_cents(principal, from, to, 0);
                    prop_assert!(now >= 0);
                    prop_assert!(now <= rule.due_cents(principal, from, after, 0));
                    prop_assert!(now <= rule.due_cents(principal + more, from, to, 0));
                    let owed = rule.due_cents(principal, from, to, charged);
                    prop_assert_eq!(owed, (now - charged).max(0));
                }
                prop_assert_eq!(InterestRule::None.due_cents(principal, from, to, 0), 0);
            }
        }
    }
}
