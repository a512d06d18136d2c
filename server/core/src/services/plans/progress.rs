//! Where a plan stands: the invoices it covers (in settling order), what was paid on them since
//! it started, and so what each instalment still owes. One reading for the invoice page, the
//! instalment's payment link, the reminders and the plan check.
use crate::entities::{invoice, payment_plan, plan_instalment, plan_invoice};
use crate::error::ServiceResult;
use crate::services::invoices::{instructions_for, summary};
use crate::tenant::TenantCtx;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use settle_domain::money::Money;
use settle_domain::payment_plans::still_owed;
use settle_domain::rf::RfReference;
use settle_domain::views::{InstalmentView, PaymentInstructions, PlanView};
use std::collections::HashMap;

pub(crate) struct Progress {
    pub plan: payment_plan::Model,
    /// The plan's invoices in settling order.
    pub invoices: Vec<invoice::Model>,
    pub instalments: Vec<plan_instalment::Model>,
    /// What each instalment still owes, in order.
    pub owed: Vec<i64>,
    /// Paid on the plan's invoices since it started.
    pub paid: i64,
}

impl Progress {
    pub async fn read<C: ConnectionTrait>(db: &C, plan: payment_plan::Model) -> ServiceResult<Progress> {
        let links = plan_invoice::Entity::find()
            .filter(plan_invoice::Column::TenantId.eq(plan.tenant_id))
            .filter(plan_invoice::Column::PlanId.eq(plan.id))
            .order_by_asc(plan_invoice::Column::Seq)
            .all(db)
            .await?;
        let mut by_id: HashMap<i64, invoice::Model> = invoice::Entity::find()
            .filter(invoice::Column::TenantId.eq(plan.tenant_id))
            .filter(invoice::Column::Id.is_in(links.iter().map(|l| l.invoice_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let paid = links
            .iter()
            .filter_map(|l| {
                by_id
                    .get(&l.invoice_id)
                    .map(|i| i.amount_cents - i.open_cents - l.paid_at_start_cents)
            })
            .sum();
        let invoices = links.iter().filter_map(|l| by_id.remove(&l.invoice_id)).collect();
        let instalments = plan_instalment::Entity::find()
            .filter(plan_instalment::Column::TenantId.eq(plan.tenant_id))
            .filter(plan_instalment::Column::PlanId.eq(plan.id))
            .order_by_asc(plan_instalment::Column::Seq)
            .all(db)
            .await?;
        let amounts: Vec<i64> = instalments.iter().map(|i| i.amount_cents).collect();
        Ok(Progress {
            owed: still_owed(&amounts, paid),
            plan,
            invoices,
            instalments,
            paid,
        })
    }

    /// An active plan of the tenant.
    pub async fn of_plan<C: ConnectionTrait>(db: &C, tenant_id: i64, plan_id: i64) -> ServiceResult<Option<Progress>> {
        match payment_plan::Entity::find_by_id(plan_id)
            .filter(payment_plan::Column::TenantId.eq(tenant_id))
            .filter(payment_plan::Column::Status.eq("active"))
            .one(db)
            .await?
        {
            Some(plan) => Ok(Some(Progress::read(db, plan).await?)),
            None => Ok(None),
        }
    }

    /// The active plan an instalment belongs to, and the instalment's position in it.
    pub async fn of_instalment<C: ConnectionTrait>(
        db: &C,
        tenant_id: i64,
        instalment_id: i64,
    ) -> ServiceResult<Option<(Progress, usize)>> {
        let Some(inst) = plan_instalment::Entity::find_by_id(instalment_id)
            .filter(plan_instalment::Column::TenantId.eq(tenant_id))
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let Some(p) = Progress::of_plan(db, tenant_id, inst.plan_id).await? else {
            return Ok(None);
        };
        let at = p.instalments.iter().position(|i| i.id == instalment_id);
        Ok(at.map(|at| (p, at)))
    }

    /// Every invoice of the plan is paid (or otherwise no longer open).
    pub fn settled(&self) -> bool {
        self.invoices.iter().all(|i| i.status != "open" || i.open_cents <= 0)
    }

    /// The invoices still open, in settling order.
    pub fn open_numbers(&self) -> Vec<String> {
        self.invoices
            .iter()
            .filter(|i| i.status == "open" && i.open_cents > 0)
            .map(|i| i.number.clone())
            .collect()
    }

    /// The first unpaid instalment's position.
    pub fn next(&self) -> Option<usize> {
        self.owed.iter().position(|&o| o > 0)
    }

    /// How to pay what instalment `at` still owes: its own reference and QR code, against the
    /// first invoice still open.
    pub fn instructions(
        &self,
        tenant: &TenantCtx,
        at: usize,
        today: NaiveDate,
    ) -> ServiceResult<Option<PaymentInstructions>> {
        let (Some(inst), Some(inv)) = (
            self.instalments.get(at),
            self.invoices.iter().find(|i| i.status == "open" && i.open_cents > 0),
        ) else {
            return Ok(None);
        };
        instructions_for(
            tenant,
            &inst.rf_reference,
            &summary(inv, today),
            Money::eur(self.owed[at]),
        )
    }

    pub fn view(&self, tenant: &TenantCtx, today: NaiveDate) -> ServiceResult<PlanView> {
        let next = self.next().filter(|_| self.plan.status == "active");
        Ok(PlanView {
            status: self.plan.status.clone(),
            covers: self.invoices.iter().map(|i| i.number.clone()).collect(),
            instalments: self
                .instalments
                .iter()
                .zip(&self.owed)
                .map(|(i, &owed)| InstalmentView {
                    seq: i.seq,
                    due: i.due_date,
                    amount: Money::eur(i.amount_cents),
                    reference: grouped(&i.rf_reference),
                    paid: owed == 0,
                })
                .collect(),
            next: match next {
                Some(at) => self.instructions(tenant, at, today)?,
                None => None,
            },
        })
    }
}

/// An RF reference in groups of four, as people read it.
pub(crate) fn grouped(rf: &str) -> String {
    RfReference::parse(rf)
        .map(|r| r.grouped())
        .unwrap_or_else(|_| rf.to_string())
}

/// The invoice page's view of the running (or requested) plan that covers the invoice.
pub async fn view_of<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    inv: &invoice::Model,
    today: NaiveDate,
) -> ServiceResult<Option<PlanView>> {
    let Some(link) = plan_invoice::Entity::find()
        .filter(plan_invoice::Column::TenantId.eq(inv.tenant_id))
        .filter(plan_invoice::Column::InvoiceId.eq(inv.id))
        .filter(plan_invoice::Column::Live.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(plan) = payment_plan::Entity::find_by_id(link.plan_id)
        .filter(payment_plan::Column::TenantId.eq(inv.tenant_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Progress::read(db, plan).await?.view(tenant, today)?))
}
