//! Next best action in the dispatcher. Of the choices a plan leaves free, the part of the day a
//! reminder goes out and, for a plain reminder the tenant wrote a second wording of (template
//! variant B), the wording are learned per tenant and plan (a plan is the debtors' segment):
//! each part of the day that the contact window leaves room for within a day, and each
//! variant, is an arm of a Thompson sampling bandit (`bandit`), scored by what its messages
//! were credited with (`credit`: paid, or a plan agreed, within [`WINDOW_DAYS`] after the last
//! message before it).
//!
//! A stable share of debtors (the holdout, a tenant setting) always gets the fixed plan, with
//! no learning and no send-time optimisation, so the dashboard can show the learner's lift
//! against it. The legal structure is never an arm: steps, their order, terms, fees, channels
//! and the contact policy stay as the plan says, and every arm is a time inside the contact
//! window, so learning only picks among equally lawful options and decides nothing with legal
//! effect (GDPR article 22). Each choice is stored with its reminder, evidence included, for
//! the debtor's timeline.
use super::bandit::{self, Record};
use super::credit;
use super::policy::Policy;
use crate::entities::learned_arm;
use crate::error::ServiceResult;
use crate::tenant::TenantCtx;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};
use settle_domain::backoffice::LearnedChoice;
use settle_domain::dunning::outcomes::{self, band_slot, BANDS};
use settle_domain::dunning::steps::Variant;
use std::collections::{BTreeMap, HashMap};

/// The share of debtors (percent) held out on the fixed plan unless the tenant sets another.
pub const HOLDOUT_PERCENT: i32 = 10;
/// Days after a message within which an outcome counts for it.
pub const WINDOW_DAYS: i64 = 7;
/// How far back the learner looks.
pub const LOOKBACK_DAYS: i64 = 90;
/// How old the learned figures may get before a round reads the outcomes again.
pub const REFRESH_MINUTES: i64 = 60;

/// The arm of the marker row that records when the figures were last read.
const REFRESHED: &str = "refreshed";

pub const LEARNER: &str = "learner";
pub const HOLDOUT: &str = "holdout";

/// The debtor's cohort under this policy: none with learning off.
pub fn cohort(policy: &Policy, tenant_id: i64, customer_id: i64) -> Option<&'static str> {
    policy.learning.then(|| {
        if bandit::in_holdout(tenant_id, customer_id, policy.holdout_percent) {
            HOLDOUT
        } else {
            LEARNER
        }
    })
}

/// What each (plan, part of the day) has achieved, as last refreshed.
pub type Learned = HashMap<(i64, String), Record>;

pub async fn learned<C: ConnectionTrait>(db: &C, tenant_id: i64) -> ServiceResult<Learned> {
    Ok(learned_arm::Entity::find()
        .filter(learned_arm::Column::TenantId.eq(tenant_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            let rec = Record {
                won: u64::try_from(r.won).unwrap_or(0),
                lost: u64::try_from(r.lost).unwrap_or(0),
            };
            ((r.plan_id, r.arm), rec)
        })
        .collect())
}

/// Reads the outcomes into `learned_arms` when the figures are older than [`REFRESH_MINUTES`]
/// (or missing); true when it did. Only reminders issued [`LOOKBACK_DAYS`] up to
/// [`WINDOW_DAYS`] ago count: a younger one has not had its full window to be paid, and
/// counting it as lost would hold back whatever part of the day was tried last. Every email
/// and SMS counts for the part of the day it went out in, whichever cohort it was sent for
/// (the holdout's are as good evidence of what an hour achieves; the hour a letter is queued
/// says nothing about when it is read); every message the learner worded counts for its
/// variant; a reminder the learner placed later that its outcome overtook counts as won.
/// Several instances may refresh at once; each writes the same figures. A marker row (plan 0)
/// records the refresh, so a tenant without figures is not read again on every round.
pub async fn refresh_if_stale(db: &DatabaseConnection, tenant: &TenantCtx, now: DateTime<Utc>) -> ServiceResult<bool> {
    let newest: Option<Option<DateTime<Utc>>> = learned_arm::Entity::find()
        .select_only()
        .column_as(learned_arm::Column::UpdatedAt.max(), "newest")
        .filter(learned_arm::Column::TenantId.eq(tenant.id))
        .into_tuple()
        .one(db)
        .await?;
    let fresh = |at: DateTime<Utc>| at <= now && now - at < Duration::minutes(REFRESH_MINUTES);
    if newest.flatten().is_some_and(fresh) {
        return Ok(false);
    }
    let window = Duration::days(WINDOW_DAYS);
    let c = credit::of_range(db, tenant.id, now - Duration::days(LOOKBACK_DAYS), now - window, window).await?;
    // In key order, so instances refreshing at once take the rows' locks in the same order.
    let mut figures: BTreeMap<(i64, String), Record> = BTreeMap::new();
    // The marker of this refresh.
    figures.insert((0, REFRESHED.to_string()), Record::default());
    for m in &c.sent {
        let won = c.credited.contains(&m.id);
        let timed = m.channel == "email" || m.channel == "sms";
        let band = match &m.held_for {
            Some(b) => Some(b.clone()),
            None => timed.then(|| outcomes::send_band(m.at.with_timezone(&tenant.tz).naive_local()).to_string()),
        };
        let variant = m.variant.as_deref().and_then(Variant::parse).map(variant_arm);
        for arm in band.into_iter().chain(variant) {
            let r = figures.entry((m.plan, arm)).or_default();
            if won {
                r.won += 1;
            } else {
                r.lost += 1;
            }
        }
    }
    let tx = db.begin().await?;
    // What no message of the lookback supports any more starts again from nothing.
    learned_arm::Entity::update_many()
        .col_expr(learned_arm::Column::Won, Expr::value(0))
        .col_expr(learned_arm::Column::Lost, Expr::value(0))
        .col_expr(learned_arm::Column::UpdatedAt, Expr::value(now))
        .filter(learned_arm::Column::TenantId.eq(tenant.id))
        .exec(&tx)
        .await?;
    for ((plan, band), r) in figures {
        learned_arm::Entity::insert(learned_arm::ActiveModel {
            tenant_id: Set(tenant.id),
            plan_id: Set(plan),
            arm: Set(band),
            won: Set(i64::try_from(r.won).unwrap_or(i64::MAX)),
            lost: Set(i64::try_from(r.lost).unwrap_or(i64::MAX)),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                learned_arm::Column::TenantId,
                learned_arm::Column::PlanId,
                learned_arm::Column::Arm,
            ])
            .update_columns([
                learned_arm::Column::Won,
                learned_arm::Column::Lost,
                learned_arm::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec(&tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The learned arm of a template variant (`learned_arms.arm`).
pub fn variant_arm(v: Variant) -> String {
    format!("variant:{}", v.as_str())
}

fn draw<R: rand::Rng, T: Copy>(offered: &[(T, Record)], rng: &mut R) -> Option<T> {
    let records: Vec<Record> = offered.iter().map(|(_, r)| *r).collect();
    offered.get(bandit::choose(&records, rng)?).map(|(t, _)| *t)
}

/// What the learner decides for a reminder due at `now` (local), once: with `place`, the part
/// of the day, among those with a slot inside the contact window within a day; with
/// `second_wording` (the tenant wrote a variant B of this step), the wording. Each is drawn by
/// Thompson sampling from what it achieved in this plan. Returns when to send (`now` unless
/// the part of the day drawn is later) and the choice with its evidence; none when there was
/// nothing to choose.
#[allow(clippy::too_many_arguments)]
pub fn decide<R: rand::Rng>(
    now: NaiveDateTime,
    policy: &Policy,
    learned: &Learned,
    plan_id: i64,
    plan_name: &str,
    place: bool,
    second_wording: bool,
    rng: &mut R,
) -> Option<(NaiveDateTime, LearnedChoice)> {
    let record = |arm: &str| learned.get(&(plan_id, arm.to_string())).copied().unwrap_or_default();
    let evidence = |r: Record| (r.won, r.won + r.lost);
    let mut choice = LearnedChoice {
        plan: plan_name.to_string(),
        window_days: WINDOW_DAYS,
        ..Default::default()
    };
    let mut at = now;
    if place {
        let offered: Vec<((&str, NaiveDateTime), Record)> = BANDS
            .iter()
            .filter_map(|b| Some(((*b, band_slot(now, b, &policy.window)?), record(b))))
            .collect();
        if let Some((band, slot)) = draw(&offered, rng) {
            at = slot;
            choice.band = Some(band.to_string());
            choice.arms = offered
                .iter()
                .map(|((b, _), r)| {
                    let (won, sent) = evidence(*r);
                    (b.to_string(), won, sent)
                })
                .collect();
        }
    }
    if second_wording {
        let offered: Vec<(Variant, Record)> = Variant::ALL.iter().map(|v| (*v, record(&variant_arm(*v)))).collect();
        if let Some(v) = draw(&offered, rng) {
            choice.variant = Some(v.as_str().to_string());
            choice.variant_arms = offered
                .iter()
                .map(|(v, r)| {
                    let (won, sent) = evidence(*r);
                    (v.as_str().to_string(), won, sent)
                })
                .collect();
        }
    }
    (choice.band.is_some() || choice.variant.is_some()).then_some((at, choice))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use settle_domain::dunning::calendar::HolidayRegion;

    fn policy() -> Policy {
        Policy {
            learning: true,
            ..Policy::of_region(HolidayRegion::Nl)
        }
    }

    #[test]
    fn the_learner_picks_the_part_of_the_day_that_pays_and_only_lawful_ones() {
        // Monday 10:00: morning (now), afternoon and evening are open; the night never is.
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let learned: Learned = HashMap::from([
            ((7, "morning".to_string()), Record { won: 10, lost: 190 }),
            ((7, "evening".to_string()), Record { won: 80, lost: 120 }),
            ((7, "night".to_string()), Record { won: 900, lost: 1 }),
        ]);
        let mut rng = StdRng::seed_from_u64(3);
        let mut picks: HashMap<String, u32> = HashMap::new();
        for _ in 0..400 {
            let (at, c) = decide(now, &policy(), &learned, 7, "Standaard", true, false, &mut rng).unwrap();
            let band = c.band.clone().unwrap();
            assert_ne!(band, "night", "outside the contact window");
            assert!(policy().window.is_open(at), "{at}");
            match band.as_str() {
                "morning" => assert_eq!(at, now, "the morning is now"),
                "evening" => assert_eq!(at, now.date().and_hms_opt(17, 0, 0).unwrap()),
                _ => {}
            }
            assert_eq!(c.arms.len(), 3, "{:?}", c.arms);
            assert_eq!(c.variant, None, "no second wording to choose");
            *picks.entry(band).or_default() += 1;
        }
        let n = |b: &str| picks.get(b).copied().unwrap_or(0);
        // The evening (40 %) far more often than the morning (5 %); the untried afternoon is
        // explored (its uniform prior beats 40 % more often than not).
        assert!(n("evening") > 10 * n("morning").max(1), "{picks:?}");
        assert!(n("afternoon") > 100, "{picks:?}");
        let (_, c) = decide(now, &policy(), &learned, 7, "Standaard", true, false, &mut rng).unwrap();
        assert_eq!(c.arms[0], ("morning".to_string(), 10, 200));
        assert_eq!(
            decide(now, &policy(), &learned, 7, "Standaard", false, false, &mut rng),
            None
        );
    }

    #[test]
    fn the_wording_that_pays_wins_without_moving_the_hour() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let learned: Learned = HashMap::from([
            ((7, variant_arm(Variant::A)), Record { won: 20, lost: 180 }),
            ((7, variant_arm(Variant::B)), Record { won: 60, lost: 140 }),
        ]);
        let mut rng = StdRng::seed_from_u64(5);
        let mut b = 0;
        for _ in 0..200 {
            let (at, c) = decide(now, &policy(), &learned, 7, "Standaard", false, true, &mut rng).unwrap();
            assert_eq!(
                (at, c.band.as_deref()),
                (now, None),
                "the habit or the plan keeps the hour"
            );
            b += u32::from(c.variant.as_deref() == Some("b"));
            assert_eq!(c.variant_arms, [("a".into(), 20, 200), ("b".into(), 60, 200)]);
        }
        assert!(b > 190, "{b}");
    }

    #[test]
    fn learning_off_has_no_cohort_and_the_holdout_is_stable() {
        let mut p = policy();
        assert!(cohort(&p, 1, 5).is_some());
        assert_eq!(cohort(&p, 1, 5), cohort(&p, 1, 5));
        p.learning = false;
        assert_eq!(cohort(&p, 1, 5), None);
        p.learning = true;
        p.holdout_percent = 100;
        assert_eq!(cohort(&p, 1, 5), Some(HOLDOUT));
        p.holdout_percent = 0;
        assert_eq!(cohort(&p, 1, 5), Some(LEARNER));
    }
}
