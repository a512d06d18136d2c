//! Disputes: a debtor says an invoice is wrong, already paid or not earned. Raising one holds
//! the invoice's dunning at once (the planner, the issuer and the dispatcher all check the hold);
//! staff accept it (the invoice is then corrected, credited or cancelled and stays held until
//! then) or reject it with an explanation the debtor sees (dunning resumes). The debtor is told
//! of the outcome by email; a dispute past the tenant's SLA is flagged to staff once.
use crate::entities::{customer, dispute, invoice, self_service_setting, staff_task};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::DebtorScope;
use crate::services::auth::Caller;
use crate::services::mails::{self, Kind};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::{audit, outgoing};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;
use settle_domain::disputes::{display_name, sniff, MAX_ATTACHMENT_BYTES, MAX_TEXT, REASONS};
use settle_domain::locale::Locale;
use settle_domain::views::DisputeView;
use std::collections::BTreeMap;

pub const DEFAULT_SLA_DAYS: i32 = 10;

/// A file the debtor chose; the bytes as uploaded (the caller stops reading past the limit).
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub struct NewDispute<'a> {
    pub number: &'a str,
    pub reason: &'a str,
    pub text: &'a str,
    pub attachment: Option<Upload>,
}

async fn sla_days<C: ConnectionTrait>(db: &C, tenant_id: i64) -> ServiceResult<i32> {
    Ok(self_service_setting::Entity::find_by_id(tenant_id)
        .one(db)
        .await?
        .map_or(DEFAULT_SLA_DAYS, |s| s.dispute_sla_days))
}

/// A dispute may be raised while the invoice is open and none is open for it.
pub async fn may_open<C: ConnectionTrait>(db: &C, inv: &invoice::Model) -> ServiceResult<bool> {
    if inv.status != "open" || inv.open_cents <= 0 {
        return Ok(false);
    }
    Ok(dispute::Entity::find()
        .filter(dispute::Column::InvoiceId.eq(inv.id))
        .filter(dispute::Column::Status.eq("open"))
        .one(db)
        .await?
        .is_none())
}

pub async fn of_invoice<C: ConnectionTrait>(
    db: &C,
    scope: &DebtorScope,
    invoice_id: i64,
    tenant: &TenantCtx,
) -> ServiceResult<Vec<DisputeView>> {
    let rows = dispute::Entity::find()
        .filter(dispute::Column::TenantId.eq(scope.tenant_id()))
        .filter(dispute::Column::CustomerId.eq(scope.customer_id()))
        .filter(dispute::Column::InvoiceId.eq(invoice_id))
        .order_by_desc(dispute::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|d| DisputeView {
            reason: d.reason,
            text: d.text,
            status: d.status,
            explanation: d.explanation,
            raised_on: tenant.today(d.created_at),
            attachment: d.attachment_name,
        })
        .collect())
}

/// The trimmed text, and the attachment with its media type, once every field is right.
type Checked<'n> = (String, Option<(&'static str, &'n Upload)>);

fn check<'n>(new: &'n NewDispute<'_>) -> Result<Checked<'n>, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    if !REASONS.contains(&new.reason) {
        errors.insert("reason".into(), "reason_required".into());
    }
    let text = settle_domain::text::or_note(
        settle_domain::text::required_block(new.text, MAX_TEXT),
        &mut errors,
        "text",
    );
    let attachment = match &new.attachment {
        Some(u) if u.bytes.len() > MAX_ATTACHMENT_BYTES => {
            errors.insert("attachment".into(), "attachment_too_large".into());
            None
        }
        Some(u) => match sniff(&u.bytes) {
            Some(kind) => Some((kind, u)),
            None => {
                errors.insert("attachment".into(), "attachment_type".into());
                None
            }
        },
        None => None,
    };
    if errors.is_empty() {
        Ok((text, attachment))
    } else {
        Err(errors)
    }
}

/// Raises a dispute about one of the debtor's invoices and holds its dunning.
pub async fn open(state: &AppState, c: &Caller<'_>, scope: &DebtorScope, new: NewDispute<'_>) -> ServiceResult<()> {
    let (text, attachment) = check(&new).map_err(ServiceError::Invalid)?;
    let inv = crate::services::invoices::find_scoped(&state.db, scope, new.number).await?;
    if inv.status != "open" || inv.open_cents <= 0 {
        return Err(ServiceError::invalid("form", "dispute_not_open_invoice"));
    }
    let now = state.clock.now();
    // The file first, under a random name: a failed insert removes it again.
    let stored = match attachment {
        Some((kind, upload)) => Some((store(state, c.tenant, &upload.bytes).await?, kind, upload)),
        None => None,
    };
    let result = record(
        state,
        scope,
        &inv,
        &new,
        &text,
        stored.as_ref().map(|(p, k, u)| (p.as_str(), *k, *u)),
        now,
    )
    .await;
    if let (Err(_), Some((path, _, _))) = (&result, &stored) {
        let _ = tokio::fs::remove_file(state.upload_dir.join(path)).await;
    }
    result
}

async fn store(state: &AppState, tenant: &TenantCtx, bytes: &[u8]) -> ServiceResult<String> {
    let internal = |e: std::io::Error| ServiceError::Internal(anyhow::anyhow!("attachment: {e}"));
    let folder = state.upload_dir.join(&tenant.slug);
    tokio::fs::create_dir_all(&folder).await.map_err(internal)?;
    let name = format!("dispute-{}.bin", crate::tokens::random_b64(18));
    tokio::fs::write(folder.join(&name), bytes).await.map_err(internal)?;
    Ok(format!("{}/{name}", tenant.slug))
}

async fn record(
    state: &AppState,
    scope: &DebtorScope,
    inv: &invoice::Model,
    new: &NewDispute<'_>,
    text: &str,
    attachment: Option<(&str, &'static str, &Upload)>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let tx = state.db.begin().await?;
    let sla = sla_days(&tx, scope.tenant_id()).await?;
    let row = dispute::ActiveModel {
        tenant_id: Set(scope.tenant_id()),
        customer_id: Set(scope.customer_id()),
        invoice_id: Set(inv.id),
        reason: Set(new.reason.to_string()),
        text: Set(text.to_string()),
        attachment_path: Set(attachment.map(|(p, _, _)| p.to_string())),
        attachment_name: Set(attachment.map(|(_, _, u)| display_name(&u.name))),
        attachment_type: Set(attachment.map(|(_, k, _)| k.to_string())),
        attachment_size: Set(attachment.map(|(_, _, u)| i64::try_from(u.bytes.len()).unwrap_or(i64::MAX))),
        status: Set("open".into()),
        explanation: Set(None),
        sla_due_at: Set(now + Duration::days(i64::from(sla))),
        flagged_at: Set(None),
        created_at: Set(now),
        resolved_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await
    // The partial unique index: a dispute for this invoice is already open (a double submit).
    .map_err(|e| crate::error::unique_or(e, "dispute_already_open"))?;
    crate::services::holds::refresh(&tx, scope, &[inv.number.as_str()], now).await?;
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        Some(scope.customer_id()),
        "debtor",
        "dispute_opened",
        json!({ "dispute_id": row.id, "invoice_id": inv.id, "reason": new.reason }),
    )
    .await?;
    outgoing::emit(
        &tx,
        now,
        scope.tenant_id(),
        "dispute.opened",
        json!({ "dispute_id": row.id, "invoice_number": inv.number, "reason": new.reason, "text": text }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Staff's decision (the back office calls this): accepted, or rejected with an explanation the
/// debtor reads. A rejection lifts the hold the dispute set; the debtor is told either way.
/// What staff decide on a dispute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Not agreed: the debtor is told why, and dunning resumes.
    Reject,
    /// Agreed; the invoice is corrected later (dunning holds until then).
    Accept,
    /// Agreed, and the invoice is cancelled: dunning stops.
    AcceptCancel,
    /// Agreed, and this much is credited: dunning goes on for what remains (or stops at zero).
    AcceptCredit(i64),
}

pub async fn resolve(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    actor: &str,
    dispute_id: i64,
    decision: Decision,
    explanation: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let explanation =
        settle_domain::text::block(explanation, 2_000).map_err(|code| ServiceError::invalid("explanation", code))?;
    let explanation = explanation.as_str();
    let accepted = decision != Decision::Reject;
    if !accepted && explanation.is_empty() {
        return Err(ServiceError::invalid("explanation", "required"));
    }
    let tx = db.begin().await?;
    let d = dispute::Entity::find_by_id(dispute_id)
        .filter(dispute::Column::TenantId.eq(tenant.id))
        .filter(dispute::Column::Status.eq("open"))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let inv = invoice::Entity::find_by_id(d.invoice_id)
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = if accepted { "accepted" } else { "rejected" };
    let cust = customer::Entity::find_by_id(d.customer_id)
        .filter(customer::Column::TenantId.eq(tenant.id))
        .one(&tx)
        .await?;
    let mut row: dispute::ActiveModel = d.clone().into();
    row.status = Set(status.into());
    row.explanation = Set((!explanation.is_empty()).then(|| explanation.to_string()));
    row.resolved_at = Set(Some(now));
    row.update(&tx).await?;
    // A rejection lifts the dispute's hold (a pending callback may still hold the invoice); so
    // does a credit (dunning goes on for the rest, from today) or a cancellation (nothing is
    // dunned). A plain acceptance keeps the hold until the invoice is corrected.
    let correction = match decision {
        Decision::AcceptCancel => Some((0, "cancelled")),
        Decision::AcceptCredit(c) if c <= 0 || c > inv.open_cents => {
            return Err(ServiceError::invalid("credit", "amount_out_of_range"))
        }
        Decision::AcceptCredit(c) if c == inv.open_cents => Some((0, "cancelled")),
        Decision::AcceptCredit(c) => Some((inv.open_cents - c, "open")),
        Decision::Reject | Decision::Accept => None,
    };
    if let Some((open, status)) = correction {
        invoice::Entity::update_many()
            .col_expr(invoice::Column::OpenCents, Expr::value(open))
            .col_expr(invoice::Column::Status, Expr::value(status))
            .col_expr(invoice::Column::DunningHold, Expr::value(Option::<String>::None))
            .col_expr(
                invoice::Column::DunningNextDay,
                Expr::value(settle_domain::dunning::steps::day_number(tenant.today(now))),
            )
            .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
            .filter(invoice::Column::Id.eq(inv.id))
            .filter(invoice::Column::DunningHold.eq("disputed"))
            .exec(&tx)
            .await?;
    }
    if !accepted || correction.is_some_and(|(_, status)| status == "open") {
        let owner = DebtorScope::new(tenant.id, d.customer_id, crate::scope::AuthLevel::Full);
        crate::services::holds::refresh(&tx, &owner, &[inv.number.as_str()], now).await?;
    }
    if let Some(to) = cust.as_ref().and_then(|c| c.email.clone()) {
        let locale = cust
            .as_ref()
            .and_then(|c| c.language.as_deref())
            .and_then(Locale::parse)
            .unwrap_or(tenant.default_locale);
        let link = tenant.link(&format!("/invoices/{}", inv.number));
        mails::queue(
            &tx,
            now,
            tenant,
            &to,
            Some(d.customer_id),
            locale,
            Kind::DisputeDecided {
                invoice: &inv.number,
                accepted,
                explanation,
                link: &link,
            },
        )
        .await?;
    }
    audit::record(
        &tx,
        now,
        tenant.id,
        Some(d.customer_id),
        actor,
        "dispute_resolved",
        json!({ "dispute_id": d.id, "status": status, "decision": format!("{decision:?}") }),
    )
    .await?;
    outgoing::emit(
        &tx,
        now,
        tenant.id,
        "dispute.resolved",
        json!({ "dispute_id": d.id, "invoice_number": inv.number, "status": status }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Open disputes past their SLA become a staff task, once each. Returns how many were flagged.
pub async fn flag_overdue(db: &DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<usize> {
    let late = dispute::Entity::find()
        .filter(dispute::Column::Status.eq("open"))
        .filter(dispute::Column::SlaDueAt.lt(now))
        .filter(dispute::Column::FlaggedAt.is_null())
        .all(db)
        .await?;
    for d in &late {
        let tx = db.begin().await?;
        let claimed = dispute::Entity::update_many()
            .col_expr(dispute::Column::FlaggedAt, Expr::value(Some(now)))
            .filter(dispute::Column::Id.eq(d.id))
            .filter(dispute::Column::FlaggedAt.is_null())
            .exec(&tx)
            .await?
            .rows_affected;
        if claimed == 1 {
            staff_task::ActiveModel {
                tenant_id: Set(d.tenant_id),
                customer_id: Set(d.customer_id),
                invoice_id: Set(Some(d.invoice_id)),
                kind: Set("dispute_overdue".into()),
                status: Set("open".into()),
                detail: Set(json!({ "dispute_id": d.id, "sla_due_at": d.sla_due_at }).to_string()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
        tx.commit().await?;
    }
    Ok(late.len())
}
