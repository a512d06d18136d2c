//! The daily upkeep of running plans: each instalment reminded a few days before its date and
//! once the day after a date that passed short, each with its own payment link; a plan still
//! short after the grace days breaks (normal dunning resumes), a paid one completes.
use super::progress::{grouped, Progress};
use super::{policy, LINK_PURPOSE};
use crate::entities::{customer, invoice, one_time_token, payment_plan, plan_instalment, plan_invoice, tenant};
use crate::error::ServiceResult;
use crate::services::paylinks::PAY_LINK_DAYS;
use crate::tenant::TenantCtx;
use crate::{audit, outgoing, tokens};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;
use settle_domain::money::Money;

/// Days before an instalment's date that its reminder goes out.
pub const REMIND_DAYS_BEFORE: i64 = 3;

async fn active(db: &DatabaseConnection) -> ServiceResult<Vec<payment_plan::Model>> {
    Ok(payment_plan::Entity::find()
        .filter(payment_plan::Column::Status.eq("active"))
        .all(db)
        .await?)
}

async fn tenant_of<C: ConnectionTrait>(db: &C, id: i64) -> ServiceResult<Option<TenantCtx>> {
    Ok(tenant::Entity::find_by_id(id).one(db).await?.map(TenantCtx::from_model))
}

/// Breaks active plans whose instalments are short after the grace days (dunning resumes), and
/// completes those whose invoices are paid. Returns how many broke.
pub async fn check(db: &DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<usize> {
    let mut broke = 0;
    for plan in active(db).await? {
        let tx = db.begin().await?;
        let Some(tenant) = tenant_of(&tx, plan.tenant_id).await? else {
            continue;
        };
        let (_, grace) = policy(&tx, plan.tenant_id).await?;
        // The tenant's day, as for the reminders: near midnight UTC is another date.
        let today = tenant.today(now);
        let p = Progress::read(&tx, plan).await?;
        let (status, event) = if p.settled() {
            ("completed", None)
        } else {
            let due: i64 = p
                .instalments
                .iter()
                .filter(|i| i.due_date + Duration::days(grace) < today)
                .map(|i| i.amount_cents)
                .sum();
            if p.paid >= due {
                continue;
            }
            ("broken", Some("plan.broken"))
        };
        end(&tx, &p, status, today, now).await?;
        if let Some(kind) = event {
            broke += 1;
            audit::record(
                &tx,
                now,
                p.plan.tenant_id,
                Some(p.plan.customer_id),
                "system",
                kind,
                json!({ "plan_id": p.plan.id }),
            )
            .await?;
            outgoing::emit(
                &tx,
                now,
                p.plan.tenant_id,
                kind,
                json!({ "plan_id": p.plan.id, "invoice_numbers": p.open_numbers() }),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(broke)
}

/// Ends a plan: its invoices leave it, and those it held are dunned again from today.
async fn end<C: ConnectionTrait>(
    db: &C,
    p: &Progress,
    status: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    payment_plan::Entity::update_many()
        .col_expr(payment_plan::Column::Status, Expr::value(status))
        .col_expr(payment_plan::Column::EndedAt, Expr::value(Some(now)))
        .filter(payment_plan::Column::Id.eq(p.plan.id))
        .exec(db)
        .await?;
    plan_invoice::Entity::update_many()
        .col_expr(plan_invoice::Column::Live, Expr::value(false))
        .filter(plan_invoice::Column::TenantId.eq(p.plan.tenant_id))
        .filter(plan_invoice::Column::PlanId.eq(p.plan.id))
        .exec(db)
        .await?;
    invoice::Entity::update_many()
        .col_expr(invoice::Column::DunningHold, Expr::value(Option::<String>::None))
        .col_expr(
            invoice::Column::DunningNextDay,
            Expr::value(settle_domain::dunning::steps::day_number(today)),
        )
        .filter(invoice::Column::TenantId.eq(p.plan.tenant_id))
        .filter(invoice::Column::Id.is_in(p.invoices.iter().map(|i| i.id)))
        .filter(invoice::Column::DunningHold.eq("payment_plan"))
        .exec(db)
        .await?;
    Ok(())
}

/// The instalments' own reminders: one a few days before each date, and one the day after a
/// date that passed short (the plan breaks once the grace days run out). Each goes once, by
/// email (or SMS without an email address), with the amount still owed, the instalment's
/// reference and its own payment link. Returns how many went out.
pub async fn remind(db: &DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<usize> {
    let mut sent = 0;
    for plan in active(db).await? {
        let tx = db.begin().await?;
        let Some(tenant) = tenant_of(&tx, plan.tenant_id).await? else {
            continue;
        };
        let today = tenant.today(now);
        let (_, grace) = policy(&tx, plan.tenant_id).await?;
        let p = Progress::read(&tx, plan).await?;
        for (i, &owed) in p.instalments.iter().zip(&p.owed) {
            if owed == 0 {
                continue;
            }
            let before = i.reminded_at.is_none()
                && i.due_date - Duration::days(REMIND_DAYS_BEFORE) <= today
                && today <= i.due_date;
            let late = i.late_notice_at.is_none() && today > i.due_date;
            if !(before || late) {
                continue;
            }
            let col = if late {
                plan_instalment::Column::LateNoticeAt
            } else {
                plan_instalment::Column::RemindedAt
            };
            let claimed = plan_instalment::Entity::update_many()
                .col_expr(col, Expr::value(Some(now)))
                .filter(plan_instalment::Column::Id.eq(i.id))
                .filter(col.is_null())
                .exec(&tx)
                .await?
                .rows_affected;
            if claimed == 1 {
                let last_day = late.then(|| i.due_date + Duration::days(grace));
                tell(&tx, &tenant, &p, i, owed, last_day, now).await?;
                sent += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// A new payment link for one instalment: it pays what the instalment still owes, while the
/// plan runs.
pub async fn instalment_link<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    plan: &payment_plan::Model,
    instalment_id: i64,
) -> ServiceResult<String> {
    let t = tokens::new_link_token();
    one_time_token::ActiveModel {
        tenant_id: Set(plan.tenant_id),
        customer_id: Set(plan.customer_id),
        purpose: Set(LINK_PURPOSE.into()),
        token_hash: Set(t.hash),
        invoice_id: Set(Some(plan.invoice_id)),
        instalment_id: Set(Some(instalment_id)),
        expires_at: Set(now + Duration::days(PAY_LINK_DAYS)),
        used_at: Set(None),
        attempts: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(t.raw)
}

async fn tell<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    p: &Progress,
    i: &plan_instalment::Model,
    owed: i64,
    last_day: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let Some(cust) = customer::Entity::find_by_id(p.plan.customer_id)
        .filter(customer::Column::TenantId.eq(tenant.id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let l = cust
        .language
        .as_deref()
        .and_then(settle_domain::locale::Locale::parse)
        .unwrap_or(tenant.default_locale);
    let raw = instalment_link(db, now, &p.plan, i.id).await?;
    let link = tenant.link(&format!("/pay/{raw}"));
    let iban = settle_domain::iban::Iban::parse(&tenant.row.creditor_iban)
        .map(|i| i.grouped())
        .unwrap_or_else(|_| tenant.row.creditor_iban.clone());
    let text = settle_domain::i18n::mail::instalment(
        l,
        &tenant.name,
        &settle_domain::i18n::mail::InstalmentFacts {
            seq: i.seq,
            of: p.plan.instalments,
            amount: &Money::eur(owed).format(l),
            due: &settle_domain::locale::format_date(i.due_date, l),
            reference: &grouped(&i.rf_reference),
            iban: &iban,
            link: &link,
            last_day: last_day.map(|d| settle_domain::locale::format_date(d, l)).as_deref(),
        },
    );
    match cust.email.as_deref().filter(|_| cust.email_invalid_at.is_none()) {
        Some(to) => {
            crate::outbox::enqueue_email(
                db,
                now,
                crate::outbox::Email {
                    tenant_id: tenant.id,
                    customer_id: Some(cust.id),
                    to,
                    subject: text.subject,
                    body_text: text.body,
                    dedupe_key: Some(format!(
                        "instalment:{}:{}",
                        i.id,
                        if last_day.is_some() { "late" } else { "due" }
                    )),
                },
            )
            .await?;
        }
        None => {
            if let Some(phone) = cust.phone_e164.as_deref() {
                let sms = format!("{} {link}", text.subject);
                crate::outbox::enqueue_sms(db, now, tenant.id, Some(cust.id), phone, sms).await?;
            }
        }
    }
    Ok(())
}
