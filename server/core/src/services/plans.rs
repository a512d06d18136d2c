//! Payment plans for one invoice: within the tenant's policy the debtor chooses the number of
//! instalments and the first date, sees the schedule and accepts it, and the plan binds at once
//! (the invoice's dunning holds; each instalment gets its own RF reference, matched like any
//! reference). Outside the policy the proposal goes to staff. Progress is what was paid on the
//! invoice since the plan started, against the cumulative schedule: an instalment still short
//! after the grace days breaks the plan, and normal dunning resumes.
use crate::entities::{invoice, payment_plan, payment_reference, plan_instalment, self_service_setting, staff_task};
use crate::error::{unique_or, ServiceError, ServiceResult};
use crate::scope::DebtorScope;
use crate::services::auth::Caller;
use crate::services::invoices::{find_scoped, instructions_for, summary};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::{audit, outgoing};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;
use settle_domain::money::Money;
use settle_domain::payment_plans::{outside_policy, schedule, PlanPolicy};
use settle_domain::rf::RfReference;
use settle_domain::views::self_service_open;
use settle_domain::views::{InstalmentView, PlanPageView, PlanView};

/// The most instalments the form offers (beyond the policy they become a request).
pub const MAX_OFFERED: u32 = 12;

async fn policy<C: ConnectionTrait>(db: &C, tenant_id: i64) -> ServiceResult<(PlanPolicy, i64)> {
    let s = self_service_setting::Entity::find_by_id(tenant_id).one(db).await?;
    let d = PlanPolicy::default();
    Ok(match s {
        Some(s) => (
            PlanPolicy {
                min_total_cents: s.plan_min_total_cents,
                max_instalments: u32::try_from(s.plan_max_instalments).unwrap_or(d.max_instalments),
                min_instalment_cents: s.plan_min_instalment_cents,
                first_due_within_days: i64::from(s.plan_first_due_days),
            },
            i64::from(s.plan_grace_days),
        ),
        None => (d, 7),
    })
}

pub async fn page(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &DebtorScope,
    number: &str,
    asked: Option<(u32, NaiveDate)>,
) -> ServiceResult<PlanPageView> {
    let inv = find_scoped(&state.db, scope, number).await?;
    let (p, _) = policy(&state.db, tenant.id).await?;
    let today = tenant.today(state.clock.now());
    let chosen = asked.filter(|(n, first)| (2..=MAX_OFFERED).contains(n) && *first >= today);
    let cur = |c: i64| Money::eur(c);
    Ok(PlanPageView {
        number: inv.number.clone(),
        total: cur(inv.open_cents),
        can_plan: self_service_open(&inv.status, inv.open_cents, inv.dunning_hold.as_deref()),
        max_instalments: MAX_OFFERED,
        first_due_max: today + Duration::days(p.first_due_within_days),
        preview: chosen.map(|(n, first)| {
            schedule(inv.open_cents, n, first)
                .into_iter()
                .map(|i| (i.due, cur(i.cents)))
                .collect()
        }),
        chosen,
        outside: chosen
            .map(|(n, first)| {
                outside_policy(&p, inv.open_cents, n, first, today)
                    .into_iter()
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Active,
    Requested,
}

/// Accepts the schedule for `n` instalments from `first`: binding at once within policy, a
/// request for staff otherwise.
pub async fn accept(
    state: &AppState,
    c: &Caller<'_>,
    scope: &DebtorScope,
    number: &str,
    n: &str,
    first: &str,
) -> ServiceResult<Outcome> {
    scope.require_full()?;
    let n: u32 = n
        .trim()
        .parse()
        .ok()
        .filter(|n| (2..=MAX_OFFERED).contains(n))
        .ok_or_else(|| ServiceError::invalid("n", "plan_instalments_out_of_range"))?;
    let now = state.clock.now();
    let today = c.tenant.today(now);
    let first = NaiveDate::parse_from_str(first.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d >= today)
        .ok_or_else(|| ServiceError::invalid("first", "date_invalid"))?;
    let (p, _) = policy(&state.db, c.tenant.id).await?;
    let tx = state.db.begin().await?;
    let inv = find_scoped(&tx, scope, number).await?;
    if !self_service_open(&inv.status, inv.open_cents, inv.dunning_hold.as_deref()) {
        return Err(ServiceError::invalid("form", "plan_not_possible"));
    }
    let within = outside_policy(&p, inv.open_cents, n, first, today).is_empty();
    let plan = payment_plan::ActiveModel {
        tenant_id: Set(scope.tenant_id()),
        customer_id: Set(scope.customer_id()),
        invoice_id: Set(inv.id),
        status: Set(if within { "active" } else { "requested" }.into()),
        total_cents: Set(inv.open_cents),
        paid_at_start_cents: Set(inv.amount_cents - inv.open_cents),
        instalments: Set(i32::try_from(n).unwrap_or(i32::MAX)),
        created_at: Set(now),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await
    // The partial unique index: a plan for this invoice is already running (a double submit).
    .map_err(|e| unique_or(e, "plan_exists"))?;
    for (i, inst) in schedule(inv.open_cents, n, first).into_iter().enumerate() {
        let seq = i32::try_from(i + 1).unwrap_or(i32::MAX);
        let rf = RfReference::create(&format!("{}8{}{:02}", scope.tenant_id(), plan.id, seq))
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("instalment reference: {e}")))?;
        plan_instalment::ActiveModel {
            tenant_id: Set(scope.tenant_id()),
            plan_id: Set(plan.id),
            seq: Set(seq),
            due_date: Set(inst.due),
            amount_cents: Set(inst.cents),
            rf_reference: Set(rf.as_str().to_string()),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        if within {
            payment_reference::ActiveModel {
                tenant_id: Set(scope.tenant_id()),
                reference: Set(rf.as_str().to_string()),
                kind: Set("instalment".into()),
                invoice_id: Set(Some(inv.id)),
                checkout_id: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
    }
    let outcome = if within {
        invoice::Entity::update_many()
            .col_expr(invoice::Column::DunningHold, Expr::value("payment_plan"))
            .col_expr(invoice::Column::UpdatedAt, Expr::value(now))
            .filter(invoice::Column::Id.eq(inv.id))
            .exec(&tx)
            .await?;
        Outcome::Active
    } else {
        staff_task::ActiveModel {
            tenant_id: Set(scope.tenant_id()),
            customer_id: Set(scope.customer_id()),
            invoice_id: Set(Some(inv.id)),
            kind: Set("plan_request".into()),
            status: Set("open".into()),
            detail: Set(json!({ "plan_id": plan.id, "instalments": n, "first": first }).to_string()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        Outcome::Requested
    };
    let kind = if within { "plan.created" } else { "plan.requested" };
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        Some(scope.customer_id()),
        "debtor",
        kind,
        json!({ "plan_id": plan.id }),
    )
    .await?;
    outgoing::emit(
        &tx,
        now,
        scope.tenant_id(),
        kind,
        json!({ "plan_id": plan.id, "invoice_number": inv.number, "total_cents": inv.open_cents, "instalments": n, "first_due": first }),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The invoice page's view of its running (or requested) plan.
pub async fn view_of<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    inv: &invoice::Model,
    today: NaiveDate,
) -> ServiceResult<Option<PlanView>> {
    let Some(plan) = payment_plan::Entity::find()
        .filter(payment_plan::Column::InvoiceId.eq(inv.id))
        .filter(payment_plan::Column::Status.is_in(["active", "requested"]))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let instalments = plan_instalment::Entity::find()
        .filter(plan_instalment::Column::PlanId.eq(plan.id))
        .order_by_asc(plan_instalment::Column::Seq)
        .all(db)
        .await?;
    // What was paid since the plan started settles the instalments in order.
    let mut paid = (inv.amount_cents - inv.open_cents - plan.paid_at_start_cents).max(0);
    let mut views = Vec::new();
    let mut next = None;
    for i in &instalments {
        let done = paid >= i.amount_cents;
        let still_owed = i.amount_cents - paid.min(i.amount_cents);
        paid = (paid - i.amount_cents).max(0);
        if !done && next.is_none() && plan.status == "active" {
            let as_instalment = invoice::Model {
                rf_reference: i.rf_reference.clone(),
                ..inv.clone()
            };
            next = instructions_for(tenant, &as_instalment, &summary(inv, today), Money::eur(still_owed))?;
        }
        views.push(InstalmentView {
            seq: i.seq,
            due: i.due_date,
            amount: Money::eur(i.amount_cents),
            reference: RfReference::parse(&i.rf_reference)
                .map(|r| r.grouped())
                .unwrap_or_else(|_| i.rf_reference.clone()),
            paid: done,
        });
    }
    Ok(Some(PlanView {
        status: plan.status,
        instalments: views,
        next,
    }))
}

/// Breaks active plans whose instalments are short after the grace days (dunning resumes), and
/// completes those whose invoice is paid. Returns how many broke.
pub async fn check(db: &DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<usize> {
    let plans = payment_plan::Entity::find()
        .filter(payment_plan::Column::Status.eq("active"))
        .all(db)
        .await?;
    let mut broke = 0;
    for plan in plans {
        let tx = db.begin().await?;
        let (Some(inv), Some(tenant)) = (
            invoice::Entity::find_by_id(plan.invoice_id)
                .filter(invoice::Column::TenantId.eq(plan.tenant_id))
                .one(&tx)
                .await?,
            crate::entities::tenant::Entity::find_by_id(plan.tenant_id)
                .one(&tx)
                .await?,
        ) else {
            continue;
        };
        let (_, grace) = policy(&tx, plan.tenant_id).await?;
        // The tenant's day, as for the reminders: near midnight UTC is another date.
        let today = TenantCtx::from_model(tenant).today(now);
        let (status, event) = if inv.status != "open" || inv.open_cents <= 0 {
            ("completed", None)
        } else {
            let paid = inv.amount_cents - inv.open_cents - plan.paid_at_start_cents;
            let owed: i64 = plan_instalment::Entity::find()
                .filter(plan_instalment::Column::PlanId.eq(plan.id))
                .all(&tx)
                .await?
                .iter()
                .filter(|i| i.due_date + Duration::days(grace) < today)
                .map(|i| i.amount_cents)
                .sum();
            if paid >= owed {
                continue;
            }
            ("broken", Some("plan.broken"))
        };
        payment_plan::Entity::update_many()
            .col_expr(payment_plan::Column::Status, Expr::value(status))
            .col_expr(payment_plan::Column::EndedAt, Expr::value(Some(now)))
            .filter(payment_plan::Column::Id.eq(plan.id))
            .exec(&tx)
            .await?;
        invoice::Entity::update_many()
            .col_expr(invoice::Column::DunningHold, Expr::value(Option::<String>::None))
            .col_expr(
                invoice::Column::DunningNextDay,
                Expr::value(settle_domain::dunning::steps::day_number(today)),
            )
            .filter(invoice::Column::Id.eq(inv.id))
            .filter(invoice::Column::DunningHold.eq("payment_plan"))
            .exec(&tx)
            .await?;
        if let Some(kind) = event {
            broke += 1;
            audit::record(
                &tx,
                now,
                plan.tenant_id,
                Some(plan.customer_id),
                "system",
                kind,
                json!({ "plan_id": plan.id }),
            )
            .await?;
            outgoing::emit(
                &tx,
                now,
                plan.tenant_id,
                kind,
                json!({ "plan_id": plan.id, "invoice_number": inv.number }),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(broke)
}

/// Days before an instalment's date that its reminder goes out.
pub const REMIND_DAYS_BEFORE: i64 = 3;

/// The instalments' own reminders: one a few days before each date, and one the day after a
/// date that passed short (the plan breaks once the grace days run out). Each goes once, by
/// email (or SMS without an email address), with the instalment's amount and reference.
/// Returns how many went out.
pub async fn remind(db: &DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<usize> {
    let plans = payment_plan::Entity::find()
        .filter(payment_plan::Column::Status.eq("active"))
        .all(db)
        .await?;
    let mut sent = 0;
    for plan in plans {
        let tx = db.begin().await?;
        let (Some(inv), Some(tenant)) = (
            invoice::Entity::find_by_id(plan.invoice_id).one(&tx).await?,
            crate::entities::tenant::Entity::find_by_id(plan.tenant_id)
                .one(&tx)
                .await?,
        ) else {
            continue;
        };
        let tenant = TenantCtx::from_model(tenant);
        let today = tenant.today(now);
        let (_, grace) = policy(&tx, plan.tenant_id).await?;
        let instalments = plan_instalment::Entity::find()
            .filter(plan_instalment::Column::PlanId.eq(plan.id))
            .order_by_asc(plan_instalment::Column::Seq)
            .all(&tx)
            .await?;
        let mut paid = (inv.amount_cents - inv.open_cents - plan.paid_at_start_cents).max(0);
        for i in &instalments {
            let owed = i.amount_cents - paid.min(i.amount_cents);
            paid = (paid - i.amount_cents).max(0);
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
                tell_instalment(
                    &tx,
                    &tenant,
                    &plan,
                    &inv,
                    i,
                    owed,
                    late.then(|| i.due_date + Duration::days(grace)),
                    now,
                )
                .await?;
                sent += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

#[allow(clippy::too_many_arguments)]
async fn tell_instalment<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    plan: &payment_plan::Model,
    inv: &invoice::Model,
    i: &plan_instalment::Model,
    owed: i64,
    last_day: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let Some(cust) = crate::entities::customer::Entity::find_by_id(plan.customer_id)
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
    let reference = RfReference::parse(&i.rf_reference)
        .map(|r| r.grouped())
        .unwrap_or_else(|_| i.rf_reference.clone());
    let link = tenant.link(&format!("/invoices/{}", inv.number));
    let iban = settle_domain::iban::Iban::parse(&tenant.row.creditor_iban)
        .map(|i| i.grouped())
        .unwrap_or_else(|_| tenant.row.creditor_iban.clone());
    let text = settle_domain::i18n::mail::instalment(
        l,
        &tenant.name,
        &settle_domain::i18n::mail::InstalmentFacts {
            seq: i.seq,
            of: plan.instalments,
            amount: &Money::eur(owed).format(l),
            due: &settle_domain::locale::format_date(i.due_date, l),
            reference: &reference,
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
                crate::outbox::enqueue_sms(db, now, tenant.id, phone, text.subject).await?;
            }
        }
    }
    Ok(())
}
