//! Retention, run daily by every instance (idempotent) and by `settle retention`:
//! - opens and clicks are deleted after the tenant's tracking period (delivery events stay:
//!   they show a reminder reached the debtor);
//! - a debtor with nothing open (no open or pending invoice, active or requested plan, open
//!   dispute or booked callback) and no activity for the tenant's period loses contact data:
//!   email, phone, portal account, sessions, links, change history, message recipients and
//!   texts, callback numbers and notes;
//! - the name, address and invoice and letter PDFs stay until the bookkeeping's legal retention
//!   ends (NL: 7 years, DE: 8 years after the end of the year of the last invoice activity),
//!   then they are erased too. Amounts, numbers and dates stay, without a person.
use crate::audit;
use crate::entities::{
    callback, customer, customer_change, dispute, dunning_setting, invoice, message_event, one_time_token, outbox,
    payment_plan, portal_account, session, tenant,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::json;
use std::collections::HashSet;

/// Defaults of a tenant without its own contact policy.
pub const TRACKING_DAYS: i32 = 180;
pub const CLOSED_DEBTOR_DAYS: i32 = 365;
/// Debtors looked at per run and tenant, and erased per transaction.
const SCAN: u64 = 20_000;
const BATCH: usize = 500;
/// What an erased name reads.
pub const ERASED_NAME: &str = "—";

/// Years invoices (with the debtor's name and address) are kept for the tax authorities.
pub fn legal_years(country: &str) -> i32 {
    match country {
        "DE" => 8,
        _ => 7,
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub tracking_events: u64,
    pub contacts_erased: u64,
    pub people_erased: u64,
}

pub async fn run(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Report, DbErr> {
    let mut report = Report::default();
    for t in tenant::Entity::find().all(db).await? {
        let ctx = crate::tenant::TenantCtx::from_model(t);
        let settings = dunning_setting::Entity::find_by_id(ctx.id).one(db).await?;
        let (tracking, closed) = settings.map_or((TRACKING_DAYS, CLOSED_DEBTOR_DAYS), |s| {
            (s.tracking_retention_days, s.closed_debtor_retention_days)
        });
        report.tracking_events += message_event::Entity::delete_many()
            .filter(message_event::Column::TenantId.eq(ctx.id))
            .filter(message_event::Column::Kind.is_in(["opened", "clicked"]))
            .filter(message_event::Column::CreatedAt.lt(now - Duration::days(i64::from(tracking))))
            .exec(db)
            .await?
            .rows_affected;
        let closed_ids = closed_debtors(db, ctx.id, now - Duration::days(i64::from(closed))).await?;
        for chunk in closed_ids.chunks(BATCH) {
            erase_contact(db, ctx.id, chunk, now).await?;
            report.contacts_erased += chunk.len() as u64;
        }
        let legal_end = ctx.today(now).year() - legal_years(ctx.country());
        let past = past_legal_retention(db, ctx.id, legal_end).await?;
        for chunk in past.chunks(BATCH) {
            erase_person(db, ctx.id, chunk, now).await?;
            report.people_erased += chunk.len() as u64;
        }
    }
    Ok(report)
}

/// Debtors with contact data, no activity since `cutoff` and nothing left open.
async fn closed_debtors(db: &DatabaseConnection, tenant_id: i64, cutoff: DateTime<Utc>) -> Result<Vec<i64>, DbErr> {
    let quiet: Vec<i64> = customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::ContactErasedAt.is_null())
        .filter(customer::Column::UpdatedAt.lt(cutoff))
        .order_by_asc(customer::Column::Id)
        .limit(SCAN)
        .into_tuple()
        .all(db)
        .await?;
    let mut busy: HashSet<i64> = HashSet::new();
    for part in quiet.chunks(BATCH) {
        let ids = part.to_vec();
        let of = |rows: Vec<i64>, busy: &mut HashSet<i64>| busy.extend(rows);
        of(
            invoice::Entity::find()
                .select_only()
                .column(invoice::Column::CustomerId)
                .filter(invoice::Column::TenantId.eq(tenant_id))
                .filter(invoice::Column::CustomerId.is_in(ids.clone()))
                .filter(
                    invoice::Column::Status
                        .is_in(["open", "pending"])
                        .or(invoice::Column::OpenCents.gt(0))
                        .or(invoice::Column::UpdatedAt.gte(cutoff)),
                )
                .into_tuple()
                .all(db)
                .await?,
            &mut busy,
        );
        of(
            payment_plan::Entity::find()
                .select_only()
                .column(payment_plan::Column::CustomerId)
                .filter(payment_plan::Column::TenantId.eq(tenant_id))
                .filter(payment_plan::Column::CustomerId.is_in(ids.clone()))
                .filter(payment_plan::Column::Status.is_in(["active", "requested"]))
                .into_tuple()
                .all(db)
                .await?,
            &mut busy,
        );
        of(
            dispute::Entity::find()
                .select_only()
                .column(dispute::Column::CustomerId)
                .filter(dispute::Column::TenantId.eq(tenant_id))
                .filter(dispute::Column::CustomerId.is_in(ids.clone()))
                .filter(dispute::Column::Status.eq("open"))
                .into_tuple()
                .all(db)
                .await?,
            &mut busy,
        );
        of(
            callback::Entity::find()
                .select_only()
                .column(callback::Column::CustomerId)
                .filter(callback::Column::TenantId.eq(tenant_id))
                .filter(callback::Column::CustomerId.is_in(ids.clone()))
                .filter(callback::Column::Status.eq("booked"))
                .into_tuple()
                .all(db)
                .await?,
            &mut busy,
        );
        let messaged: Vec<Option<i64>> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::CustomerId)
            .filter(outbox::Column::TenantId.eq(tenant_id))
            .filter(outbox::Column::CustomerId.is_in(ids))
            .filter(outbox::Column::CreatedAt.gte(cutoff))
            .into_tuple()
            .all(db)
            .await?;
        busy.extend(messaged.into_iter().flatten());
    }
    Ok(quiet.into_iter().filter(|id| !busy.contains(id)).collect())
}

async fn erase_contact(db: &DatabaseConnection, tenant_id: i64, ids: &[i64], now: DateTime<Utc>) -> Result<(), DbErr> {
    let ids = ids.to_vec();
    let tx = db.begin().await?;
    let none: Option<String> = None;
    let never: Option<DateTime<Utc>> = None;
    customer::Entity::update_many()
        .col_expr(customer::Column::Email, Expr::value(none.clone()))
        .col_expr(customer::Column::PhoneE164, Expr::value(none.clone()))
        .col_expr(customer::Column::PendingEmail, Expr::value(none.clone()))
        .col_expr(customer::Column::PendingPhone, Expr::value(none))
        .col_expr(customer::Column::SmsConsentAt, Expr::value(never))
        .col_expr(customer::Column::EmailInvalidAt, Expr::value(never))
        .col_expr(customer::Column::PrefEmail, Expr::value(false))
        .col_expr(customer::Column::PrefSms, Expr::value(false))
        .col_expr(customer::Column::ContactErasedAt, Expr::value(Some(now)))
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::Id.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    portal_account::Entity::delete_many()
        .filter(portal_account::Column::TenantId.eq(tenant_id))
        .filter(portal_account::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::TenantId.eq(tenant_id))
        .filter(session::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    one_time_token::Entity::delete_many()
        .filter(one_time_token::Column::TenantId.eq(tenant_id))
        .filter(one_time_token::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    customer_change::Entity::delete_many()
        .filter(customer_change::Column::TenantId.eq(tenant_id))
        .filter(customer_change::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    message_event::Entity::update_many()
        .col_expr(message_event::Column::Detail, Expr::value(""))
        .filter(message_event::Column::TenantId.eq(tenant_id))
        .filter(
            message_event::Column::OutboxId.in_subquery(
                Query::select()
                    .column(outbox::Column::Id)
                    .from(outbox::Entity)
                    .and_where(outbox::Column::TenantId.eq(tenant_id))
                    .and_where(outbox::Column::CustomerId.is_in(ids.clone()))
                    .to_owned(),
            ),
        )
        .exec(&tx)
        .await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Recipient, Expr::value(""))
        .col_expr(outbox::Column::BodyText, Expr::value(""))
        .col_expr(outbox::Column::BodyHtml, Expr::value(Option::<String>::None))
        .col_expr(outbox::Column::ListUnsubscribe, Expr::value(Option::<String>::None))
        .filter(outbox::Column::TenantId.eq(tenant_id))
        .filter(outbox::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    callback::Entity::update_many()
        .col_expr(callback::Column::Phone, Expr::value(""))
        .col_expr(callback::Column::OutcomeNote, Expr::value(Option::<String>::None))
        .filter(callback::Column::TenantId.eq(tenant_id))
        .filter(callback::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        now,
        tenant_id,
        None,
        "system",
        "retention_contact_erased",
        json!({ "debtors": ids.len() }),
    )
    .await?;
    tx.commit().await
}

/// Debtors whose contact data is gone and whose last invoice activity lies in `last_year` or
/// before: the legal retention of their bookkeeping has ended.
async fn past_legal_retention(db: &DatabaseConnection, tenant_id: i64, last_year: i32) -> Result<Vec<i64>, DbErr> {
    let Some(first_day_after) = NaiveDate::from_ymd_opt(last_year + 1, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
    else {
        return Ok(Vec::new());
    };
    let end = first_day_after.and_utc();
    let erased: Vec<i64> = customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::ContactErasedAt.is_not_null())
        .filter(customer::Column::PersonalErasedAt.is_null())
        .filter(customer::Column::UpdatedAt.lt(end))
        .order_by_asc(customer::Column::Id)
        .limit(SCAN)
        .into_tuple()
        .all(db)
        .await?;
    let mut recent: HashSet<i64> = HashSet::new();
    for part in erased.chunks(BATCH) {
        let rows: Vec<i64> = invoice::Entity::find()
            .select_only()
            .column(invoice::Column::CustomerId)
            .filter(invoice::Column::TenantId.eq(tenant_id))
            .filter(invoice::Column::CustomerId.is_in(part.to_vec()))
            .filter(invoice::Column::UpdatedAt.gte(end))
            .into_tuple()
            .all(db)
            .await?;
        recent.extend(rows);
    }
    Ok(erased.into_iter().filter(|id| !recent.contains(id)).collect())
}

async fn erase_person(db: &DatabaseConnection, tenant_id: i64, ids: &[i64], now: DateTime<Utc>) -> Result<(), DbErr> {
    let ids = ids.to_vec();
    let tx = db.begin().await?;
    customer::Entity::update_many()
        .col_expr(customer::Column::Name, Expr::value(ERASED_NAME))
        .col_expr(customer::Column::Street, Expr::value(""))
        .col_expr(customer::Column::Postcode, Expr::value(""))
        .col_expr(customer::Column::City, Expr::value(""))
        .col_expr(customer::Column::PersonalErasedAt, Expr::value(Some(now)))
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::Id.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    invoice::Entity::update_many()
        .col_expr(invoice::Column::Pdf, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(invoice::Column::PdfFilename, Expr::value(Option::<String>::None))
        .filter(invoice::Column::TenantId.eq(tenant_id))
        .filter(invoice::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Document, Expr::value(Option::<Vec<u8>>::None))
        .filter(outbox::Column::TenantId.eq(tenant_id))
        .filter(outbox::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        now,
        tenant_id,
        None,
        "system",
        "retention_person_erased",
        json!({ "debtors": ids.len() }),
    )
    .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    #[test]
    fn bookkeeping_is_kept_seven_years_in_the_netherlands_and_eight_in_germany() {
        assert_eq!(super::legal_years("NL"), 7);
        assert_eq!(super::legal_years("DE"), 8);
    }
}
