//! The requests queue: payment plans and later payment dates asked for outside the policy,
//! decided by staff (approve, counter-propose, reject), and the delivery problems list.
use super::local;
use crate::entities::{customer, invoice, outbox, payment_plan, staff_task};
use crate::error::{ServiceError, ServiceResult};
use crate::services::{deferrals, plans};
use crate::staff::StaffScope;
use crate::state::AppState;
use crate::tenant::TenantCtx;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use settle_domain::backoffice::{DeliveryRow, RequestRow};
use settle_domain::money::Money;
use std::collections::HashMap;

pub async fn open<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
) -> ServiceResult<Vec<RequestRow>> {
    let tasks = staff_task::Entity::find()
        .filter(staff_task::Column::TenantId.eq(scope.tenant_id()))
        .filter(staff_task::Column::Status.eq("open"))
        .filter(staff_task::Column::Kind.is_in(["plan_request", "deferral_request"]))
        .order_by_asc(staff_task::Column::CreatedAt)
        .all(db)
        .await?;
    let names: HashMap<i64, String> = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(scope.tenant_id()))
        .filter(customer::Column::Id.is_in(tasks.iter().map(|t| t.customer_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let invoices: HashMap<i64, invoice::Model> = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::Id.is_in(tasks.iter().filter_map(|t| t.invoice_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let plan_ids: Vec<i64> = tasks
        .iter()
        .filter_map(|t| serde_json::from_str::<serde_json::Value>(&t.detail).ok()?["plan_id"].as_i64())
        .collect();
    let plan_totals: HashMap<i64, i64> = payment_plan::Entity::find()
        .filter(payment_plan::Column::TenantId.eq(scope.tenant_id()))
        .filter(payment_plan::Column::Id.is_in(plan_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.total_cents))
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        let d: serde_json::Value = serde_json::from_str(&t.detail).unwrap_or_default();
        let date = |k: &str| {
            d[k].as_str()
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        };
        let inv = t.invoice_id.and_then(|i| invoices.get(&i));
        let listed: Vec<String> = d["invoices"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let total = match d["plan_id"].as_i64() {
            Some(plan) => plan_totals.get(&plan).copied().unwrap_or(0),
            None => inv.map_or(0, |i| i.open_cents),
        };
        out.push(RequestRow {
            task_id: t.id,
            kind: t.kind.clone(),
            debtor_id: t.customer_id,
            debtor: names.get(&t.customer_id).cloned().unwrap_or_default(),
            invoices: if listed.is_empty() {
                inv.map(|i| vec![i.number.clone()]).unwrap_or_default()
            } else {
                listed
            },
            total: Money::eur(total),
            instalments: d["instalments"].as_u64().and_then(|n| u32::try_from(n).ok()),
            first: date("first"),
            until: date("until"),
            reasons: d["reasons"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            created: local(tenant, t.created_at),
        });
    }
    Ok(out)
}

/// `decision`: approve, counter (with `n` and `first` for a plan, `until` for a date) or reject.
pub struct Decide<'a> {
    pub decision: &'a str,
    pub n: &'a str,
    pub first: &'a str,
    pub until: &'a str,
    pub explanation: &'a str,
}

fn date(field: &str, s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| ServiceError::invalid(field, "date_invalid"))
}

pub async fn decide(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &StaffScope,
    task_id: i64,
    d: &Decide<'_>,
) -> ServiceResult<()> {
    let task = staff_task::Entity::find_by_id(task_id)
        .filter(staff_task::Column::TenantId.eq(scope.tenant_id()))
        .filter(staff_task::Column::Status.eq("open"))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = state.clock.now();
    let actor = scope.actor();
    match task.kind.as_str() {
        "plan_request" => {
            let plan_id = serde_json::from_str::<serde_json::Value>(&task.detail)
                .ok()
                .and_then(|v| v["plan_id"].as_i64())
                .ok_or(ServiceError::NotFound)?;
            let decision = match d.decision {
                "approve" => plans::requests::Decision::Approve,
                "counter" => plans::requests::Decision::Counter {
                    n: d.n
                        .trim()
                        .parse()
                        .map_err(|_| ServiceError::invalid("n", "plan_instalments_out_of_range"))?,
                    first: date("first", d.first)?,
                },
                "reject" => plans::requests::Decision::Reject,
                _ => return Err(ServiceError::invalid("decision", "required")),
            };
            plans::requests::decide(&state.db, tenant, &actor, plan_id, decision, d.explanation, now).await
        }
        "deferral_request" => {
            let decision = match d.decision {
                "approve" => deferrals::Decision::Approve,
                "counter" => deferrals::Decision::Counter(date("until", d.until)?),
                "reject" => deferrals::Decision::Reject,
                _ => return Err(ServiceError::invalid("decision", "required")),
            };
            deferrals::decide(&state.db, tenant, &actor, task.id, decision, d.explanation, now).await
        }
        _ => Err(ServiceError::NotFound),
    }
}

/// Emails that bounced, letters that came back and messages that failed for good, newest first.
pub async fn delivery<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
) -> ServiceResult<Vec<DeliveryRow>> {
    let rows = outbox::Entity::find()
        .select_only()
        .columns([
            outbox::Column::Channel,
            outbox::Column::Recipient,
            outbox::Column::Subject,
            outbox::Column::Status,
            outbox::Column::LastError,
            outbox::Column::CustomerId,
            outbox::Column::InvoiceId,
            outbox::Column::CreatedAt,
        ])
        .filter(outbox::Column::TenantId.eq(scope.tenant_id()))
        .filter(outbox::Column::Status.is_in(["failed", "bounced", "returned"]))
        .order_by_desc(outbox::Column::Id)
        .limit(200)
        .into_tuple::<(
            String,
            String,
            String,
            String,
            Option<String>,
            Option<i64>,
            Option<i64>,
            chrono::DateTime<chrono::Utc>,
        )>()
        .all(db)
        .await?;
    let numbers: HashMap<i64, String> = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::Id.is_in(rows.iter().filter_map(|r| r.6)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.number))
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(channel, recipient, subject, status, error, customer, inv, at)| DeliveryRow {
                at: local(tenant, at),
                channel,
                recipient,
                subject,
                status,
                error,
                debtor_id: customer,
                invoice: inv.and_then(|i| numbers.get(&i).cloned()),
            },
        )
        .collect())
}
