//! The demo tenants' dunning plans and contact policies (idempotent: a tenant that has plans
//! keeps them). `demo` is a Dutch health insurer, `energie` a German energy supplier.
use crate::entities::{dunning_plan, dunning_setting, dunning_step};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// (name, offset in days from the due date, kind, channels, fee, statutory interest)
type StepSeed = (
    &'static str,
    i32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const DEMO_STEPS: [StepSeed; 6] = [
    ("Vooraankondiging", -3, "reminder", "email", "none", "none"),
    ("Herinnering", 7, "reminder", "email+sms", "none", "none"),
    ("Tweede herinnering", 14, "reminder", "email+sms", "none", "none"),
    (
        "Veertiendagenbrief",
        21,
        "fourteen_day_letter",
        "letter+email",
        "bik",
        "none",
    ),
    ("Aanmaning", 40, "final_notice", "email>letter", "none", "none"),
    ("Overdracht incasso", 60, "hand_over", "email>letter", "none", "none"),
];

const ENERGIE_STEPS: [StepSeed; 3] = [
    ("Zahlungserinnerung", 7, "reminder", "email>letter", "none", "none"),
    ("2. Mahnung", 14, "reminder", "email>letter", "fixed:150", "none"),
    (
        "Letzte Mahnung",
        28,
        "final_notice",
        "email+letter",
        "fixed:150",
        "none",
    ),
];

pub async fn seed<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, tenant_id: i64, slug: &str) -> Result<(), DbErr> {
    match slug {
        "demo" => starter(db, now, tenant_id, "NL", true).await,
        "energie" => starter(db, now, tenant_id, "DE", false).await,
        _ => Ok(()),
    }
}

/// A tenant's first dunning plan and contact policy, as the law of its country has them (NL:
/// the 14-day letter before costs; DE: Mahnungen with fixed fees); the demo tenants start so,
/// and so does a tenant an operator creates. Nothing happens for a tenant that has plans.
pub async fn starter<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    country: &str,
    tracking: bool,
) -> Result<(), DbErr> {
    let (name, steps, region): (&str, &[StepSeed], &str) = match country {
        "DE" => ("Grundversorgung Haushalt", &ENERGIE_STEPS, "DE"),
        _ => ("Standaard particulieren", &DEMO_STEPS, "NL"),
    };
    let existing = dunning_plan::Entity::find()
        .filter(dunning_plan::Column::TenantId.eq(tenant_id))
        .count(db)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let plan = dunning_plan::ActiveModel {
        tenant_id: Set(tenant_id),
        name: Set(name.into()),
        priority: Set(100),
        is_default: Set(true),
        segment: Set(String::new()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (i, (step, offset, kind, channels, fee, interest)) in steps.iter().enumerate() {
        dunning_step::ActiveModel {
            tenant_id: Set(tenant_id),
            plan_id: Set(plan.id),
            position: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            name: Set((*step).into()),
            offset_days: Set(*offset),
            kind: Set((*kind).into()),
            channels: Set((*channels).into()),
            fee: Set((*fee).into()),
            interest: Set((*interest).into()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    if dunning_setting::Entity::find_by_id(tenant_id).one(db).await?.is_none() {
        dunning_setting::ActiveModel {
            tenant_id: Set(tenant_id),
            window_opens: Set("08:00".into()),
            window_closes: Set("20:00".into()),
            closed_weekdays: Set("sun".into()),
            holiday_region: Set(region.into()),
            extra_closed_dates: Set(String::new()),
            letter_delivery_days: Set(2),
            email_delivery_days: Set(1),
            email_per_day: Set(1),
            sms_per_day: Set(1),
            letters_per_day: Set(1),
            send_time_optimisation: Set(true),
            click_tracking: Set(tracking),
            open_tracking: Set(tracking),
            updated_at: Set(now),
            tracking_retention_days: Set(crate::retention::TRACKING_DAYS),
            closed_debtor_retention_days: Set(crate::retention::CLOSED_DEBTOR_DAYS),
            // Off, like every tenant's until an admin switches it on (/backoffice/plans).
            learning: Set(false),
            holdout_percent: Set(crate::dunning::learning::HOLDOUT_PERCENT),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
