//! The contact policy editor (admins): when dunning messages may go out (the window, closed
//! weekdays, public holidays of a region, extra closed dates), how long delivery takes, at most
//! how many messages a debtor gets per channel and day, send-time optimisation, learning (and
//! its holdout share), tracking, and
//! how long tracking and closed debtors' contact data are kept (see `retention`).
//! Checked with the same parsers the planner reads it with.
use crate::audit;
use crate::entities::dunning_setting;
use crate::error::{ServiceError, ServiceResult};
use crate::staff::{Role, StaffScope};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use chrono::NaiveTime;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set, TransactionTrait};
use serde_json::json;
use settle_domain::backoffice::PolicyForm;
use settle_domain::dunning::calendar::{parse_dates, parse_weekdays, HolidayRegion};
use std::collections::BTreeMap;

pub async fn view<C: ConnectionTrait>(db: &C, tenant: &TenantCtx, scope: &StaffScope) -> ServiceResult<PolicyForm> {
    scope.require(Role::Admin)?;
    Ok(
        match dunning_setting::Entity::find_by_id(scope.tenant_id()).one(db).await? {
            Some(r) => PolicyForm {
                window_opens: r.window_opens,
                window_closes: r.window_closes,
                closed_weekdays: r.closed_weekdays,
                holiday_region: r.holiday_region,
                extra_closed_dates: r.extra_closed_dates,
                letter_delivery_days: r.letter_delivery_days.to_string(),
                email_delivery_days: r.email_delivery_days.to_string(),
                email_per_day: r.email_per_day.to_string(),
                sms_per_day: r.sms_per_day.to_string(),
                letters_per_day: r.letters_per_day.to_string(),
                send_time_optimisation: r.send_time_optimisation,
                click_tracking: r.click_tracking,
                open_tracking: r.open_tracking,
                tracking_retention_days: r.tracking_retention_days.to_string(),
                closed_debtor_retention_days: r.closed_debtor_retention_days.to_string(),
                learning: r.learning,
                holdout_percent: r.holdout_percent.to_string(),
            },
            None => {
                let p = crate::dunning::policy::Policy::standard(tenant);
                PolicyForm {
                    window_opens: p.window.opens.format("%H:%M").to_string(),
                    window_closes: p.window.closes.format("%H:%M").to_string(),
                    closed_weekdays: "sun".into(),
                    holiday_region: tenant.country().to_string(),
                    letter_delivery_days: "2".into(),
                    email_delivery_days: "1".into(),
                    email_per_day: "1".into(),
                    sms_per_day: "1".into(),
                    letters_per_day: "1".into(),
                    send_time_optimisation: true,
                    tracking_retention_days: crate::retention::TRACKING_DAYS.to_string(),
                    closed_debtor_retention_days: crate::retention::CLOSED_DEBTOR_DAYS.to_string(),
                    learning: p.learning,
                    holdout_percent: p.holdout_percent.to_string(),
                    ..Default::default()
                }
            }
        },
    )
}

pub async fn save(state: &AppState, scope: &StaffScope, f: &PolicyForm) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let mut errors = BTreeMap::new();
    let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
    let (opens, closes) = (time(&f.window_opens), time(&f.window_closes));
    match (opens, closes) {
        (None, _) => {
            errors.insert("window_opens".to_string(), "time_invalid".to_string());
        }
        (_, None) => {
            errors.insert("window_closes".to_string(), "time_invalid".to_string());
        }
        (Some(o), Some(c)) if o >= c => {
            errors.insert("window_closes".to_string(), "window_invalid".to_string());
        }
        _ => {}
    }
    if parse_weekdays(&f.closed_weekdays).is_none_or(|d| d.len() >= 7) {
        errors.insert("closed_weekdays".into(), "weekdays_invalid".into());
    }
    if HolidayRegion::parse(&f.holiday_region).is_none() {
        errors.insert("holiday_region".into(), "region_invalid".into());
    }
    if parse_dates(&f.extra_closed_dates).is_none() {
        errors.insert("extra_closed_dates".into(), "dates_invalid".into());
    }
    let mut number = |field: &str, v: &str, max: i32| -> i32 {
        match v.trim().parse::<i32>().ok().filter(|n| (0..=max).contains(n)) {
            Some(n) => n,
            None => {
                errors.insert(field.to_string(), "number_invalid".to_string());
                0
            }
        }
    };
    let letter_days = number("letter_delivery_days", &f.letter_delivery_days, 10);
    let email_days = number("email_delivery_days", &f.email_delivery_days, 5);
    let email_cap = number("email_per_day", &f.email_per_day, 5);
    let sms_cap = number("sms_per_day", &f.sms_per_day, 5);
    let letter_cap = number("letters_per_day", &f.letters_per_day, 5);
    let mut days = |field: &str, v: &str, range: std::ops::RangeInclusive<i32>| -> i32 {
        match v.trim().parse::<i32>().ok().filter(|n| range.contains(n)) {
            Some(n) => n,
            None => {
                errors.insert(field.to_string(), "number_invalid".to_string());
                0
            }
        }
    };
    let tracking_days = days("tracking_retention_days", &f.tracking_retention_days, 30..=730);
    let closed_days = days(
        "closed_debtor_retention_days",
        &f.closed_debtor_retention_days,
        30..=3650,
    );
    let holdout = days("holdout_percent", &f.holdout_percent, 0..=50);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let before = dunning_setting::Entity::find_by_id(scope.tenant_id()).one(&tx).await?;
    let row = dunning_setting::ActiveModel {
        tenant_id: Set(scope.tenant_id()),
        window_opens: Set(f.window_opens.trim().to_string()),
        window_closes: Set(f.window_closes.trim().to_string()),
        closed_weekdays: Set(f.closed_weekdays.trim().to_ascii_lowercase()),
        holiday_region: Set(f.holiday_region.trim().to_ascii_uppercase()),
        extra_closed_dates: Set(f.extra_closed_dates.trim().to_string()),
        letter_delivery_days: Set(letter_days),
        email_delivery_days: Set(email_days),
        email_per_day: Set(email_cap),
        sms_per_day: Set(sms_cap),
        letters_per_day: Set(letter_cap),
        send_time_optimisation: Set(f.send_time_optimisation),
        click_tracking: Set(f.click_tracking),
        open_tracking: Set(f.open_tracking),
        updated_at: Set(now),
        tracking_retention_days: Set(tracking_days),
        closed_debtor_retention_days: Set(closed_days),
        learning: Set(f.learning),
        holdout_percent: Set(holdout),
    };
    dunning_setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(dunning_setting::Column::TenantId)
                .update_columns([
                    dunning_setting::Column::WindowOpens,
                    dunning_setting::Column::WindowCloses,
                    dunning_setting::Column::ClosedWeekdays,
                    dunning_setting::Column::HolidayRegion,
                    dunning_setting::Column::ExtraClosedDates,
                    dunning_setting::Column::LetterDeliveryDays,
                    dunning_setting::Column::EmailDeliveryDays,
                    dunning_setting::Column::EmailPerDay,
                    dunning_setting::Column::SmsPerDay,
                    dunning_setting::Column::LettersPerDay,
                    dunning_setting::Column::SendTimeOptimisation,
                    dunning_setting::Column::ClickTracking,
                    dunning_setting::Column::OpenTracking,
                    dunning_setting::Column::UpdatedAt,
                    dunning_setting::Column::TrackingRetentionDays,
                    dunning_setting::Column::ClosedDebtorRetentionDays,
                    dunning_setting::Column::Learning,
                    dunning_setting::Column::HoldoutPercent,
                ])
                .to_owned(),
        )
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        "contact_policy_saved",
        json!({ "before": before.map(|b| json!({
            "window": [b.window_opens, b.window_closes], "closed": b.closed_weekdays, "region": b.holiday_region,
            "caps": [b.email_per_day, b.sms_per_day, b.letters_per_day],
            "retention_days": [b.tracking_retention_days, b.closed_debtor_retention_days],
            "learning": b.learning, "holdout_percent": b.holdout_percent,
        })), "after": {
            "window": [f.window_opens, f.window_closes], "closed": f.closed_weekdays, "region": f.holiday_region,
            "caps": [email_cap, sms_cap, letter_cap],
            "retention_days": [tracking_days, closed_days],
            "learning": f.learning, "holdout_percent": holdout,
        }}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
