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
    callback, consent, customer, customer_change, dispute, dunning_setting, invoice, message_event, one_time_token,
    outbox, payment, payment_plan, portal_account, refund_task, representative, session, staff_note, tenant,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use std::path::Path;

/// Defaults of a tenant without its own contact policy.
pub const TRACKING_DAYS: i32 = 180;
pub const CLOSED_DEBTOR_DAYS: i32 = 365;
/// Debtors erased per transaction, and at most per run and tenant (the rest the next day).
const BATCH: u64 = 500;
const PER_RUN: u64 = 50_000;
/// What an erased name reads.
pub const ERASED_NAME: &str = "—";

/// Years invoices (with the debtor's name and address) are kept for the tax authorities.
pub fn legal_years(country: &str) -> i32 {
    match country {
        "DE" => 8,
        _ => 7,
    }
}

/// The tenant's country for the books: German if its language or its account is German (the
/// longer period when in doubt).
fn books_country(t: &crate::tenant::TenantCtx) -> &'static str {
    if t.country() == "DE" || t.row.creditor_iban.trim().to_ascii_uppercase().starts_with("DE") {
        "DE"
    } else {
        "NL"
    }
}

/// The last year whose records may go now: kept for `legal_years` after the end of the year.
pub fn last_erasable_year(this_year: i32, country: &str) -> i32 {
    this_year - legal_years(country) - 1
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub tracking_events: u64,
    pub contacts_erased: u64,
    pub people_erased: u64,
}

/// `uploads`: the upload directory (`SETTLE_UPLOAD_DIR`), where dispute attachments are kept.
pub async fn run(db: &DatabaseConnection, uploads: &Path, now: DateTime<Utc>) -> Result<Report, DbErr> {
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
        let cutoff = now - Duration::days(i64::from(closed));
        while report.contacts_erased < PER_RUN {
            let n = erase_contact(db, ctx.id, cutoff, now).await?;
            report.contacts_erased += n;
            if n < BATCH {
                break;
            }
        }
        let last_year = last_erasable_year(ctx.today(now).year(), books_country(&ctx));
        while report.people_erased < PER_RUN {
            let n = erase_person(db, uploads, ctx.id, last_year, now).await?;
            report.people_erased += n;
            if n < BATCH {
                break;
            }
        }
    }
    Ok(report)
}

/// `customer_id IN (SELECT customer_id FROM table WHERE tenant and condition)`.
fn any_of<E: EntityTrait>(
    tenant_col: E::Column,
    customer_col: E::Column,
    tenant_id: i64,
    cond: Condition,
) -> SelectStatement
where
    E::Column: ColumnTrait,
{
    Query::select()
        .column(customer_col)
        .from(E::default())
        .and_where(tenant_col.eq(tenant_id))
        .cond_where(cond)
        .to_owned()
}

/// Debtors with contact data, no activity since `cutoff` and nothing left open: no open or
/// pending invoice (nor one touched since), no active or requested plan, no open dispute (nor
/// one resolved since), no booked callback (nor one changed since), no refund owed to them, no
/// message since and none waiting to be sent. The condition is part of the query, so the batch holds only such debtors.
fn closed_since(tenant_id: i64, cutoff: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(customer::Column::TenantId.eq(tenant_id))
        .add(customer::Column::ContactErasedAt.is_null())
        .add(customer::Column::UpdatedAt.lt(cutoff))
        .add(
            customer::Column::Id.not_in_subquery(any_of::<invoice::Entity>(
                invoice::Column::TenantId,
                invoice::Column::CustomerId,
                tenant_id,
                Condition::any()
                    .add(invoice::Column::Status.is_in(["open", "pending"]))
                    .add(invoice::Column::OpenCents.gt(0))
                    .add(invoice::Column::UpdatedAt.gte(cutoff)),
            )),
        )
        .add(
            customer::Column::Id.not_in_subquery(any_of::<payment_plan::Entity>(
                payment_plan::Column::TenantId,
                payment_plan::Column::CustomerId,
                tenant_id,
                Condition::any()
                    .add(payment_plan::Column::Status.is_in(["active", "requested"]))
                    .add(payment_plan::Column::CreatedAt.gte(cutoff)),
            )),
        )
        .add(
            customer::Column::Id.not_in_subquery(any_of::<dispute::Entity>(
                dispute::Column::TenantId,
                dispute::Column::CustomerId,
                tenant_id,
                Condition::any()
                    .add(dispute::Column::Status.eq("open"))
                    .add(dispute::Column::CreatedAt.gte(cutoff))
                    .add(dispute::Column::ResolvedAt.gte(cutoff)),
            )),
        )
        .add(
            customer::Column::Id.not_in_subquery(any_of::<callback::Entity>(
                callback::Column::TenantId,
                callback::Column::CustomerId,
                tenant_id,
                Condition::any()
                    .add(callback::Column::Status.eq("booked"))
                    .add(callback::Column::UpdatedAt.gte(cutoff)),
            )),
        )
        .add(customer::Column::Id.not_in_subquery(any_of::<refund_task::Entity>(
            refund_task::Column::TenantId,
            refund_task::Column::CustomerId,
            tenant_id,
            Condition::all().add(refund_task::Column::Status.eq("open")),
        )))
        .add(
            customer::Column::Id.not_in_subquery(
                Query::select()
                    .column(outbox::Column::CustomerId)
                    .from(outbox::Entity)
                    .and_where(outbox::Column::TenantId.eq(tenant_id))
                    .and_where(outbox::Column::CustomerId.is_not_null())
                    // Reminders only: a login link or code anyone can have sent is no activity
                    // of the debtor's, and one still retrying must not hold up an erasure.
                    .and_where(outbox::Column::ReminderId.is_not_null())
                    .cond_where(
                        Condition::any()
                            .add(outbox::Column::CreatedAt.gte(cutoff))
                            .add(outbox::Column::Status.is_in(["pending", "sending"])),
                    )
                    .to_owned(),
            ),
        )
}

/// Up to `BATCH` debtors matching `cond`, chosen inside `tx`.
async fn pick<C: ConnectionTrait>(tx: &C, cond: Condition) -> Result<Vec<i64>, DbErr> {
    customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .filter(cond)
        .order_by_asc(customer::Column::Id)
        .limit(BATCH)
        .into_tuple()
        .all(tx)
        .await
}

/// Erases the contact data of up to `BATCH` closed debtors, chosen and erased in one
/// transaction (a debtor who becomes active meanwhile is not chosen); how many.
async fn erase_contact(
    db: &DatabaseConnection,
    tenant_id: i64,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let tx = crate::db::begin_write(db).await?;
    let ids = pick(&tx, closed_since(tenant_id, cutoff)).await?;
    if ids.is_empty() {
        return Ok(0);
    }
    erase_contact_of(&tx, tenant_id, &ids, now).await?;
    finish_batch(tx, now, tenant_id, "retention_contact_erased", ids.len()).await
}

/// Audits a retention batch (how many debtors, never who) and commits it; how many.
async fn finish_batch(
    tx: sea_orm::DatabaseTransaction,
    now: DateTime<Utc>,
    tenant_id: i64,
    action: &str,
    debtors: usize,
) -> Result<u64, DbErr> {
    audit::record(
        &tx,
        now,
        tenant_id,
        None,
        "system",
        action,
        json!({ "debtors": debtors }),
    )
    .await?;
    tx.commit().await?;
    Ok(debtors as u64)
}

/// A debtor's request to be erased (GDPR article 17), carried out by staff: their contact data
/// goes now, as retention would take it after the tenant's period; name, address, invoices and
/// payments stay until the bookkeeping's legal retention ends (retention erases them then).
/// Refused (`false`, nothing changed) while anything is open: an open invoice, a plan, an open
/// dispute, a booked callback, a refund owed, a message waiting to be sent.
pub async fn erase_contact_now(
    db: &DatabaseConnection,
    tenant_id: i64,
    customer_id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let tx = crate::db::begin_write(db).await?;
    // No activity can lie a century ahead, so only what is still open counts. (Not
    // `DateTime::MAX_UTC`: SQLite compares the dates as text, and that one starts with "+".)
    let cond = closed_since(tenant_id, now + Duration::days(36_525)).add(customer::Column::Id.eq(customer_id));
    if pick(&tx, cond).await?.is_empty() {
        return Ok(false);
    }
    erase_contact_of(&tx, tenant_id, &[customer_id], now).await?;
    audit::record(
        &tx,
        now,
        tenant_id,
        Some(customer_id),
        actor,
        "contact_erased_on_request",
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Erases the contact data of `ids`: email, phone, consents, portal account, sessions, links,
/// change history, representatives, message recipients and texts, callback numbers and notes.
async fn erase_contact_of<C: ConnectionTrait>(
    tx: &C,
    tenant_id: i64,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let ids = ids.to_vec();
    let none: Option<String> = None;
    let never: Option<DateTime<Utc>> = None;
    customer::Entity::update_many()
        .col_expr(customer::Column::Email, Expr::value(none.clone()))
        .col_expr(customer::Column::PhoneE164, Expr::value(none.clone()))
        .col_expr(customer::Column::PendingEmail, Expr::value(none.clone()))
        .col_expr(customer::Column::PendingPhone, Expr::value(none))
        .col_expr(customer::Column::SmsConsentAt, Expr::value(never))
        .col_expr(customer::Column::VoiceConsentAt, Expr::value(never))
        .col_expr(customer::Column::EmailInvalidAt, Expr::value(never))
        .col_expr(customer::Column::PrefEmail, Expr::value(false))
        .col_expr(customer::Column::PrefSms, Expr::value(false))
        .col_expr(customer::Column::ContactErasedAt, Expr::value(Some(now)))
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::Id.is_in(ids.clone()))
        .exec(tx)
        .await?;
    portal_account::Entity::delete_many()
        .filter(portal_account::Column::TenantId.eq(tenant_id))
        .filter(portal_account::Column::CustomerId.is_in(ids.clone()))
        .exec(tx)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::TenantId.eq(tenant_id))
        .filter(session::Column::CustomerId.is_in(ids.clone()))
        .exec(tx)
        .await?;
    one_time_token::Entity::delete_many()
        .filter(one_time_token::Column::TenantId.eq(tenant_id))
        .filter(one_time_token::Column::CustomerId.is_in(ids.clone()))
        .exec(tx)
        .await?;
    customer_change::Entity::delete_many()
        .filter(customer_change::Column::TenantId.eq(tenant_id))
        .filter(customer_change::Column::CustomerId.is_in(ids.clone()))
        .exec(tx)
        .await?;
    consent::Entity::delete_many()
        .filter(consent::Column::TenantId.eq(tenant_id))
        .filter(consent::Column::CustomerId.is_in(ids.clone()))
        .exec(tx)
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
        .exec(tx)
        .await?;
    // Their messages still waiting (a login link, a receipt) go nowhere now.
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("cancelled"))
        .filter(outbox::Column::TenantId.eq(tenant_id))
        .filter(outbox::Column::CustomerId.is_in(ids.clone()))
        .filter(outbox::Column::Status.is_in(["pending", "sending"]))
        .exec(tx)
        .await?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Recipient, Expr::value(""))
        .col_expr(outbox::Column::BodyText, Expr::value(""))
        .col_expr(outbox::Column::BodyHtml, Expr::value(Option::<String>::None))
        .col_expr(outbox::Column::ListUnsubscribe, Expr::value(Option::<String>::None))
        .filter(outbox::Column::TenantId.eq(tenant_id))
        .filter(outbox::Column::CustomerId.is_in(ids.clone()))
        .exec(tx)
        .await?;
    callback::Entity::update_many()
        .col_expr(callback::Column::Phone, Expr::value(""))
        .col_expr(callback::Column::OutcomeNote, Expr::value(Option::<String>::None))
        .filter(callback::Column::TenantId.eq(tenant_id))
        .filter(callback::Column::CustomerId.is_in(ids.clone()))
        .exec(tx)
        .await?;
    representative::Entity::delete_many()
        .filter(representative::Column::TenantId.eq(tenant_id))
        .filter(representative::Column::CustomerId.is_in(ids.clone()))
        .exec(tx)
        .await?;
    Ok(())
}

/// Debtors whose contact data is gone and whose last invoice activity lies in `last_year` or
/// before: the legal retention of their bookkeeping has ended.
fn past_legal_retention(tenant_id: i64, last_year: i32) -> Option<Condition> {
    let end = NaiveDate::from_ymd_opt(last_year + 1, 1, 1)?
        .and_hms_opt(0, 0, 0)?
        .and_utc();
    Some(
        Condition::all()
            .add(customer::Column::TenantId.eq(tenant_id))
            .add(customer::Column::ContactErasedAt.is_not_null())
            .add(customer::Column::PersonalErasedAt.is_null())
            .add(customer::Column::UpdatedAt.lt(end))
            .add(
                customer::Column::Id.not_in_subquery(any_of::<invoice::Entity>(
                    invoice::Column::TenantId,
                    invoice::Column::CustomerId,
                    tenant_id,
                    Condition::any()
                        .add(invoice::Column::UpdatedAt.gte(end))
                        .add(invoice::Column::Status.is_in(["open", "pending"])),
                )),
            ),
    )
}

/// Erases name, address and documents (dispute attachments too) of up to `BATCH` debtors past
/// the legal retention.
async fn erase_person(
    db: &DatabaseConnection,
    uploads: &Path,
    tenant_id: i64,
    last_year: i32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let Some(cond) = past_legal_retention(tenant_id, last_year) else {
        return Ok(0);
    };
    let tx = crate::db::begin_write(db).await?;
    let ids = pick(&tx, cond).await?;
    if ids.is_empty() {
        return Ok(0);
    }
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
    // The debtor's bank details on their payments and refunds, notes and dispute texts.
    let none: Option<String> = None;
    payment::Entity::update_many()
        .col_expr(payment::Column::DebtorName, Expr::value(none.clone()))
        .col_expr(payment::Column::DebtorIban, Expr::value(none.clone()))
        .filter(payment::Column::TenantId.eq(tenant_id))
        .filter(payment::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    refund_task::Entity::update_many()
        .col_expr(refund_task::Column::PayeeName, Expr::value(none.clone()))
        .col_expr(refund_task::Column::PayeeIban, Expr::value(none))
        .filter(refund_task::Column::TenantId.eq(tenant_id))
        .filter(refund_task::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    staff_note::Entity::delete_many()
        .filter(staff_note::Column::TenantId.eq(tenant_id))
        .filter(staff_note::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    remove_attachments(&tx, uploads, tenant_id, &ids).await?;
    dispute::Entity::update_many()
        .col_expr(dispute::Column::Text, Expr::value(""))
        .col_expr(dispute::Column::Explanation, Expr::value(Option::<String>::None))
        .col_expr(dispute::Column::AttachmentPath, Expr::value(Option::<String>::None))
        .col_expr(dispute::Column::AttachmentName, Expr::value(Option::<String>::None))
        .col_expr(dispute::Column::AttachmentType, Expr::value(Option::<String>::None))
        .col_expr(dispute::Column::AttachmentSize, Expr::value(Option::<i64>::None))
        .filter(dispute::Column::TenantId.eq(tenant_id))
        .filter(dispute::Column::CustomerId.is_in(ids.clone()))
        .exec(&tx)
        .await?;
    finish_batch(tx, now, tenant_id, "retention_person_erased", ids.len()).await
}

/// Deletes the files attached to the disputes of `ids`, before the rows forget them: a file
/// that cannot be deleted fails the batch (retried on the next run) rather than outlive its
/// erasure unnoticed; one already gone (an earlier try) is fine.
async fn remove_attachments(
    tx: &sea_orm::DatabaseTransaction,
    uploads: &Path,
    tenant_id: i64,
    ids: &[i64],
) -> Result<(), DbErr> {
    let paths: Vec<Option<String>> = dispute::Entity::find()
        .select_only()
        .column(dispute::Column::AttachmentPath)
        .filter(dispute::Column::TenantId.eq(tenant_id))
        .filter(dispute::Column::CustomerId.is_in(ids.iter().copied()))
        .filter(dispute::Column::AttachmentPath.is_not_null())
        .into_tuple()
        .all(tx)
        .await?;
    for path in paths.into_iter().flatten() {
        match tokio::fs::remove_file(uploads.join(&path)).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(DbErr::Custom(format!("removing a dispute attachment: {e}"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn bookkeeping_is_kept_seven_years_in_the_netherlands_and_eight_in_germany() {
        assert_eq!(super::legal_years("NL"), 7);
        assert_eq!(super::legal_years("DE"), 8);
        // Records of 2019 are kept to the end of 2026 in the Netherlands: erasable in 2027.
        assert_eq!(super::last_erasable_year(2026, "NL"), 2018);
        assert_eq!(super::last_erasable_year(2027, "NL"), 2019);
        assert_eq!(super::last_erasable_year(2027, "DE"), 2018);
    }
}
