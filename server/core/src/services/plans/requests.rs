//! Staff decide a payment plan asked for outside the policy: approve it as asked, approve
//! another schedule (a counter-proposal: other instalments or another first date), or reject
//! it with an explanation. Approval builds the schedule from what is open now and makes the
//! plan binding at once; the debtor is told either way.
use super::progress::Progress;
use super::{activate, write_schedule, MAX_OFFERED};
use crate::entities::{payment_plan, plan_instalment, plan_invoice, staff_task};
use crate::error::{ServiceError, ServiceResult};
use crate::tenant::TenantCtx;
use crate::{audit, outgoing};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Counter { n: u32, first: NaiveDate },
    Reject,
}

pub async fn decide(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    actor: &str,
    plan_id: i64,
    decision: Decision,
    explanation: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let explanation = explanation.trim();
    if decision == Decision::Reject && explanation.is_empty() {
        return Err(ServiceError::invalid("explanation", "required"));
    }
    let today = tenant.today(now);
    if let Decision::Counter { n, first } = decision {
        if !(2..=MAX_OFFERED).contains(&n) {
            return Err(ServiceError::invalid("n", "plan_instalments_out_of_range"));
        }
        if first < today {
            return Err(ServiceError::invalid("first", "date_invalid"));
        }
    }
    let tx = db.begin().await?;
    let plan = payment_plan::Entity::find_by_id(plan_id)
        .filter(payment_plan::Column::TenantId.eq(tenant.id))
        .filter(payment_plan::Column::Status.eq("requested"))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let task = staff_task::Entity::find()
        .filter(staff_task::Column::TenantId.eq(tenant.id))
        .filter(staff_task::Column::Kind.eq("plan_request"))
        .filter(staff_task::Column::Status.eq("open"))
        .filter(staff_task::Column::InvoiceId.eq(plan.invoice_id))
        .one(&tx)
        .await?;
    let p = Progress::read(&tx, plan.clone()).await?;
    let page = p
        .invoices
        .iter()
        .find(|i| i.id == plan.invoice_id)
        .map(|i| i.number.clone());
    let first_due = match decision {
        Decision::Reject => {
            payment_plan::Entity::update_many()
                .col_expr(payment_plan::Column::Status, Expr::value("rejected"))
                .col_expr(payment_plan::Column::EndedAt, Expr::value(Some(now)))
                .filter(payment_plan::Column::Id.eq(plan.id))
                .exec(&tx)
                .await?;
            plan_invoice::Entity::update_many()
                .col_expr(plan_invoice::Column::Live, Expr::value(false))
                .filter(plan_invoice::Column::PlanId.eq(plan.id))
                .exec(&tx)
                .await?;
            None
        }
        Decision::Approve | Decision::Counter { .. } => {
            let open: i64 = p
                .invoices
                .iter()
                .filter(|i| i.status == "open")
                .map(|i| i.open_cents.max(0))
                .sum();
            if open <= 0 {
                return Err(ServiceError::invalid("form", "plan_not_possible"));
            }
            let asked_first = p.instalments.first().map(|i| i.due_date);
            let (n, first) = match decision {
                Decision::Counter { n, first } => (n, first),
                _ => (
                    u32::try_from(plan.instalments).unwrap_or(2),
                    asked_first.filter(|d| *d >= today).unwrap_or(today + Duration::days(7)),
                ),
            };
            plan_instalment::Entity::delete_many()
                .filter(plan_instalment::Column::PlanId.eq(plan.id))
                .exec(&tx)
                .await?;
            let paid_before: i64 = p.invoices.iter().map(|i| i.amount_cents - i.open_cents).sum();
            for i in &p.invoices {
                plan_invoice::Entity::update_many()
                    .col_expr(
                        plan_invoice::Column::PaidAtStartCents,
                        Expr::value(i.amount_cents - i.open_cents),
                    )
                    .filter(plan_invoice::Column::PlanId.eq(plan.id))
                    .filter(plan_invoice::Column::InvoiceId.eq(i.id))
                    .exec(&tx)
                    .await?;
            }
            payment_plan::Entity::update_many()
                .col_expr(payment_plan::Column::TotalCents, Expr::value(open))
                .col_expr(payment_plan::Column::PaidAtStartCents, Expr::value(paid_before))
                .col_expr(
                    payment_plan::Column::Instalments,
                    Expr::value(i32::try_from(n).unwrap_or(2)),
                )
                .filter(payment_plan::Column::Id.eq(plan.id))
                .exec(&tx)
                .await?;
            write_schedule(&tx, &plan, open, n, first).await?;
            activate(&tx, &plan, now).await?;
            outgoing::emit(
                &tx,
                now,
                tenant.id,
                "plan.created",
                json!({ "plan_id": plan.id, "invoice_numbers": p.open_numbers(), "total_cents": open, "instalments": n, "first_due": first }),
            )
            .await?;
            Some(first)
        }
    };
    match &task {
        Some(task) => crate::services::requests::close(&tx, task, actor, first_due.is_some(), explanation, now).await?,
        None => {
            audit::record(
                &tx,
                now,
                tenant.id,
                Some(plan.customer_id),
                actor,
                "plan_request_decided",
                json!({ "plan_id": plan.id, "granted": first_due.is_some() }),
            )
            .await?
        }
    }
    crate::services::requests::tell(
        &tx,
        tenant,
        plan.customer_id,
        "plan",
        first_due,
        explanation,
        &format!("/invoices/{}", page.unwrap_or_default()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
