//! Issuing planned reminders: in one short transaction per reminder, claim it, check its hold
//! again, pick each channel group's first reachable channel, give every message its own
//! payment link, render and hash the content, charge or announce the step's fee, and queue the
//! messages in the outbox. A hand-over (and the CAK and municipality reports) also create a
//! staff task and an outgoing event. No network call happens here: the outbox sends.
use super::compose::Compose;
use super::learning::{self, Learned};
use super::plans::{self, Plans};
use super::policy::{self, Policy};
use crate::entities::{customer, invoice, outbox, payment, reminder, staff_task, tenant};
use crate::error::ServiceResult;
use crate::services::message_templates;
use crate::tenant::TenantCtx;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use settle_domain::backoffice::LearnedChoice;
use settle_domain::contact::mask_email;
use settle_domain::dunning::calendar::term_end;
use settle_domain::dunning::send_time;
use settle_domain::dunning::steps::{day_number, hold_of, Channel, Step, StepKind, Variant, FOURTEEN_DAY_TERM};
use settle_domain::locale::Locale;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Queued as messages: (channel, masked recipient).
    Issued(Vec<(Channel, String)>),
    Cancelled(&'static str),
    /// Over a frequency cap or outside the window: planned again for this instant.
    Postponed(DateTime<Utc>),
    /// Placed at the debtor's habitual payment time (the reason says which).
    Placed(DateTime<Utc>, String),
    /// Placed by the learner in a part of the day (its choice, as JSON for the timeline).
    Chosen(DateTime<Utc>, String),
    /// Another instance took it first.
    Taken,
}

#[derive(Clone, Debug)]
pub struct Handled {
    pub reminder_id: i64,
    pub tenant: String,
    pub invoice_number: String,
    pub kind: String,
    pub outcome: Outcome,
}

/// Issues the reminders whose time has come, oldest first.
pub async fn issue_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    tenant_id: Option<i64>,
    limit: u64,
) -> ServiceResult<Vec<Handled>> {
    let mut q = reminder::Entity::find()
        .filter(reminder::Column::Status.eq("planned"))
        .filter(reminder::Column::SendAfter.lte(now));
    if let Some(t) = tenant_id {
        q = q.filter(reminder::Column::TenantId.eq(t));
    }
    let due = q
        .order_by_asc(reminder::Column::SendAfter)
        .order_by_asc(reminder::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut tenants: HashMap<i64, (TenantCtx, Plans, Policy, Learned)> = HashMap::new();
    let mut out = Vec::with_capacity(due.len());
    for r in due {
        let (ctx, plans, policy, learned) = match tenants.entry(r.tenant_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let Some(row) = tenant::Entity::find_by_id(r.tenant_id).one(db).await? else {
                    continue;
                };
                let ctx = TenantCtx::from_model(row);
                let plans = plans::load(db, ctx.id).await?;
                let policy = policy::load(db, &ctx).await?;
                let learned = if policy.learning {
                    // Learning never holds up dunning: on an error the figures stay as they
                    // were (or none: every choice is then as likely), and the next round
                    // tries again.
                    if let Err(e) = learning::refresh_if_stale(db, &ctx, now).await {
                        tracing::warn!(tenant = ctx.id, error = %e, "learned figures not refreshed");
                    }
                    learning::learned(db, ctx.id).await.unwrap_or_default()
                } else {
                    Learned::default()
                };
                e.insert((ctx, plans, policy, learned))
            }
        };
        let (number, outcome) = issue_one(db, ctx, plans, policy, learned, r.id, now).await?;
        out.push(Handled {
            reminder_id: r.id,
            tenant: ctx.slug.clone(),
            invoice_number: number,
            kind: r.kind,
            outcome,
        });
    }
    Ok(out)
}

async fn issue_one(
    db: &DatabaseConnection,
    tenant: &TenantCtx,
    plans: &Plans,
    policy: &Policy,
    learned: &Learned,
    id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<(String, Outcome)> {
    let txn = db.begin().await?;
    // The claim: whoever flips the status owns the reminder; on Postgres a second instance
    // waits on the row lock and then finds it no longer planned.
    let claimed = reminder::Entity::update_many()
        .col_expr(reminder::Column::Status, Expr::value("issued"))
        .col_expr(reminder::Column::IssuedAt, Expr::value(now))
        .filter(reminder::Column::Id.eq(id))
        .filter(reminder::Column::Status.eq("planned"))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok((String::new(), Outcome::Taken));
    }
    let Some(rem) = reminder::Entity::find_by_id(id).one(&txn).await? else {
        return Ok((String::new(), Outcome::Taken));
    };
    let inv = invoice::Entity::find_by_id(rem.invoice_id)
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .one(&txn)
        .await?;
    let cust = customer::Entity::find_by_id(rem.customer_id)
        .filter(customer::Column::TenantId.eq(tenant.id))
        .one(&txn)
        .await?;
    let (Some(inv), Some(cust)) = (inv, cust) else {
        return finish(txn, rem, String::new(), Outcome::Cancelled("invoice_gone")).await;
    };
    let number = inv.number.clone();
    if let Some(hold) = hold_of(&inv.status, inv.dunning_hold.as_deref(), cust.legal_stop.as_deref()) {
        return finish(txn, rem, number, Outcome::Cancelled(hold.code())).await;
    }
    let Some(step) = plans.step(rem.plan_id, rem.step_id).map(|(_, s)| s.clone()) else {
        return finish(txn, rem, number, Outcome::Cancelled("step_removed")).await;
    };
    if let Some(later) = policy.next_opening(tenant, now).filter(|t| *t > now) {
        return finish(txn, rem, number, Outcome::Postponed(later)).await;
    }
    // The holdout gets the fixed plan: no send-time optimisation, no learning. Only plain
    // reminders are learned on (a notice with legal effect goes out as the plan says); a
    // reminder keeps the cohort it was first given, whatever the setting is by its time.
    let cohort = match rem.cohort.as_deref() {
        Some(learning::LEARNER) => Some(learning::LEARNER),
        Some(_) => Some(learning::HOLDOUT),
        None if step.kind.allows_variants() => learning::cohort(policy, tenant.id, cust.id),
        None => None,
    };
    if cohort != Some(learning::HOLDOUT) && policy.send_time_optimisation && rem.reason.is_none() {
        if let Some((at, why)) = habitual_time(&txn, tenant, policy, cust.id, now).await? {
            return finish(txn, rem, number, Outcome::Placed(at, why)).await;
        }
    }
    let locale = cust
        .language
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(tenant.default_locale);
    // The learner decides once (the part of the day, unless a payment habit placed it; the
    // wording, where the tenant wrote a second one); a reminder it placed later keeps that.
    let mut choice: Option<LearnedChoice> = rem.choice.as_deref().and_then(|j| serde_json::from_str(j).ok());
    if cohort == Some(learning::LEARNER) && rem.choice.is_none() {
        let second_wording = step.kind.allows_variants()
            && message_templates::has_variant(&txn, tenant.id, step.kind, locale, Variant::B).await?;
        let plan_name = plans.by_id.get(&rem.plan_id).map_or("", |p| p.name.as_str());
        let local = now.with_timezone(&tenant.tz).naive_local();
        // The hour a letter is queued says nothing about when it is read: no placing then.
        let lettered = step.channels.0.iter().flatten().any(|c| *c == Channel::Letter);
        let decided = learning::decide(
            local,
            policy,
            learned,
            rem.plan_id,
            plan_name,
            rem.reason.is_none() && !lettered,
            second_wording,
            &mut rand::thread_rng(),
        );
        if let Some((at, mut c)) = decided {
            if at > local {
                match tenant.tz.from_local_datetime(&at).earliest() {
                    Some(at) => {
                        c.held = true;
                        let json = serde_json::to_string(&c).unwrap_or_default();
                        return finish(txn, rem, number, Outcome::Chosen(at.with_timezone(&Utc), json)).await;
                    }
                    // A slot in a daylight-saving gap: sent now, and not called a choice.
                    None => {
                        c.band = None;
                        c.arms.clear();
                    }
                }
            }
            choice = (c.band.is_some() || c.variant.is_some()).then_some(c);
        }
    }
    let new_choice = rem.choice.is_none() && choice.is_some();
    let variant = choice
        .as_ref()
        .and_then(|c| c.variant.as_deref())
        .and_then(Variant::parse);
    // A representative gets the messages instead of the debtor, or as well.
    let rep = crate::services::representatives::of(&txn, tenant.id, cust.id).await?;
    let stand_in = rep
        .as_ref()
        .map(|r| crate::services::representatives::as_addressee(r, &cust));
    let instead = rep.as_ref().is_some_and(|r| r.mode == "instead");
    let mut targets: Vec<(Channel, String, bool)> = Vec::new();
    if !instead {
        targets.extend(reachable(&step, &cust).into_iter().map(|(c, to)| (c, to, false)));
    }
    if let Some(s) = &stand_in {
        // A call needs the callee's own consent, and its script checks the debtor: a
        // representative is never called.
        let written = reachable(&step, s).into_iter().filter(|(c, _)| *c != Channel::Voice);
        targets.extend(written.map(|(c, to)| (c, to, true)));
    }
    if targets.is_empty() {
        task(&txn, tenant.id, &cust, &inv, "unreachable", now, step.kind).await?;
        return finish(txn, rem, number, Outcome::Cancelled("unreachable")).await;
    }
    for (channel, _, _) in &targets {
        if over_cap(&txn, &cust, *channel, policy.cap(*channel), now).await? {
            let later = policy.next_day_opening(tenant, now).unwrap_or(now + Duration::days(1));
            if new_choice {
                // Kept, so the next attempt goes out as decided instead of deciding again.
                reminder::Entity::update_many()
                    .col_expr(reminder::Column::Cohort, Expr::value(cohort.map(String::from)))
                    .col_expr(
                        reminder::Column::Choice,
                        Expr::value(choice.as_ref().and_then(|c| serde_json::to_string(c).ok())),
                    )
                    .col_expr(
                        reminder::Column::Variant,
                        Expr::value(variant.map(|v| v.as_str().to_string())),
                    )
                    .filter(reminder::Column::Id.eq(rem.id))
                    .exec(&txn)
                    .await?;
            }
            return finish(txn, rem, number, Outcome::Postponed(later)).await;
        }
    }

    let today = tenant.today(now);
    let principal = inv.open_cents - inv.costs_open_cents - inv.interest_open_cents;
    let fee = step.fee.amount_cents(principal);
    let (fee_now, costs) = if step.kind.defers_fee() { (0, fee) } else { (fee, 0) };
    let interest = super::interest::due(&txn, &step, &inv, today).await?;
    let term_ends = step.kind.starts_term().then(|| {
        let delivered = targets
            .iter()
            .map(|(c, _, _)| policy.delivery.assumed_delivery(policy.region, c.as_str(), today))
            .max()
            .unwrap_or(today);
        term_end(policy.region, delivered, FOURTEEN_DAY_TERM)
    });
    let compose = Compose {
        tenant,
        inv: &inv,
        cust: &cust,
        reminder_id: rem.id,
        kind: step.kind,
        locale,
        variant: variant.unwrap_or(Variant::A),
        today,
        now,
        open_cents: inv.open_cents + fee_now + interest,
        fee_cents: fee_now,
        interest_cents: interest,
        costs_cents: costs,
        term_ends,
        // The debtor's own "no" to counting outweighs the creditor's setting.
        track_clicks: policy.click_tracking && cust.tracking_refused_at.is_none(),
        track_opens: policy.open_tracking && cust.tracking_refused_at.is_none(),
        represented: None,
    };
    let mut sent = Vec::new();
    for (channel, recipient, to_rep) in &targets {
        match (&stand_in, to_rep) {
            (Some(s), true) => {
                let copy = Compose {
                    cust: s,
                    represented: Some(&cust),
                    ..compose
                };
                copy.queue(&txn, *channel, recipient).await?;
            }
            _ => compose.queue(&txn, *channel, recipient).await?,
        }
        sent.push((*channel, masked(*channel, recipient)));
    }

    let mut upd = invoice::Entity::update_many()
        .filter(invoice::Column::Id.eq(inv.id))
        .col_expr(invoice::Column::UpdatedAt, Expr::value(now));
    if fee_now + interest > 0 {
        upd = upd.col_expr(
            invoice::Column::OpenCents,
            Expr::col(invoice::Column::OpenCents).add(fee_now + interest),
        );
    }
    if fee_now > 0 {
        upd = upd.col_expr(
            invoice::Column::CostsOpenCents,
            Expr::col(invoice::Column::CostsOpenCents).add(fee_now),
        );
    }
    if interest > 0 {
        upd = upd.col_expr(
            invoice::Column::InterestOpenCents,
            Expr::col(invoice::Column::InterestOpenCents).add(interest),
        );
    }
    if let Some(end) = term_ends {
        let after_term = day_number(end) + 1;
        let next = inv.dunning_next_day.map_or(after_term, |n| Ord::max(n, after_term));
        upd = upd
            .col_expr(invoice::Column::CostsPendingCents, Expr::value(costs))
            .col_expr(invoice::Column::DunningTermDay, Expr::value(day_number(end)))
            .col_expr(invoice::Column::DunningNextDay, Expr::value(next));
    }
    if step.kind == StepKind::HandOver {
        upd = upd.col_expr(invoice::Column::DunningHold, Expr::value("handed_over"));
    }
    upd.exec(&txn).await?;
    if step.kind.creates_task() {
        task(&txn, tenant.id, &cust, &inv, step.kind.as_str(), now, step.kind).await?;
    }
    let mut active: reminder::ActiveModel = rem.into();
    active.fee_cents = Set(fee_now);
    active.costs_cents = Set(costs);
    active.interest_cents = Set(interest);
    active.term_ends = Set(term_ends);
    active.cohort = Set(cohort.map(String::from));
    active.choice = Set(choice.and_then(|c| serde_json::to_string(&c).ok()));
    active.variant = Set(variant.map(|v| v.as_str().to_string()));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok((number, Outcome::Issued(sent)))
}

/// Ends a claim that sends nothing: cancelled for good, or planned again for later.
async fn finish(
    txn: DatabaseTransaction,
    rem: reminder::Model,
    number: String,
    outcome: Outcome,
) -> ServiceResult<(String, Outcome)> {
    let mut active: reminder::ActiveModel = rem.into();
    match &outcome {
        Outcome::Cancelled(reason) => {
            active.status = Set("cancelled".into());
            active.reason = Set(Some((*reason).into()));
        }
        Outcome::Postponed(at) => {
            active.status = Set("planned".into());
            active.issued_at = Set(None);
            active.send_after = Set(*at);
        }
        Outcome::Placed(at, why) => {
            active.status = Set("planned".into());
            active.issued_at = Set(None);
            active.send_after = Set(*at);
            active.reason = Set(Some(why.clone()));
        }
        Outcome::Chosen(at, choice) => {
            active.status = Set("planned".into());
            active.issued_at = Set(None);
            active.send_after = Set(*at);
            active.cohort = Set(Some(learning::LEARNER.into()));
            active.choice = Set(Some(choice.clone()));
        }
        Outcome::Issued(_) | Outcome::Taken => {}
    }
    active.update(&txn).await?;
    txn.commit().await?;
    Ok((number, outcome))
}

/// When the debtor usually pays (local times of their online payments), the instant to send at
/// instead of now, with the reason for the timeline.
async fn habitual_time(
    txn: &DatabaseTransaction,
    tenant: &TenantCtx,
    policy: &Policy,
    customer_id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<Option<(DateTime<Utc>, String)>> {
    let paid: Vec<chrono::NaiveDateTime> = payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.id))
        .filter(payment::Column::CustomerId.eq(customer_id))
        .filter(payment::Column::Source.eq("provider"))
        .order_by_desc(payment::Column::Id)
        .limit(20)
        .all(txn)
        .await?
        .into_iter()
        .map(|p| p.created_at.with_timezone(&tenant.tz).naive_local())
        .collect();
    let habit = send_time::habit(&paid);
    let local = now.with_timezone(&tenant.tz).naive_local();
    let Some(at) = send_time::place(local, habit, &policy.window) else {
        return Ok(None);
    };
    let Some(at) = tenant.tz.from_local_datetime(&at).earliest() else {
        return Ok(None);
    };
    let why = format!(
        "send_time: usually pays{}{}",
        habit.weekday.map(|w| format!(" on {w}")).unwrap_or_default(),
        habit.hour.map(|h| format!(" around {h:02}:00")).unwrap_or_default()
    );
    Ok(Some((at.with_timezone(&Utc), why)))
}

/// Each group's first channel the debtor can be reached on. Preferences are honoured for plain
/// reminders; the steps the law requires go out on their channels regardless.
pub(crate) fn reachable(step: &Step, c: &customer::Model) -> Vec<(Channel, String)> {
    let legal = step.kind.is_required() || step.kind == StepKind::FinalNotice;
    let address = [
        c.name.as_str(),
        c.street.as_str(),
        &format!("{} {}", c.postcode, c.city),
        c.country.as_str(),
    ]
    .iter()
    .map(|s| s.trim())
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("\n");
    step.channels
        .0
        .iter()
        .filter_map(|group| {
            group.iter().find_map(|ch| {
                let to = match ch {
                    Channel::Email if c.email_invalid_at.is_none() && (legal || c.pref_email) => c.email.clone(),
                    Channel::Sms if legal || c.pref_sms => c.phone_e164.clone(),
                    // A call is never a notice with legal content, and needs its own consent.
                    // A call also needs a postcode to check who answers: else it could say nothing.
                    Channel::Voice
                        if !legal
                            && step.kind == StepKind::Reminder
                            && c.voice_consent_at.is_some()
                            && crate::voice::postcode_digits(&c.postcode).is_some() =>
                    {
                        c.phone_e164.clone()
                    }
                    Channel::Letter
                        if c.address_invalid_at.is_none()
                            && !c.street.trim().is_empty()
                            && !c.city.trim().is_empty() =>
                    {
                        Some(address.clone())
                    }
                    _ => None,
                };
                to.filter(|t| !t.trim().is_empty()).map(|t| (*ch, t))
            })
        })
        .collect()
}

async fn over_cap(
    txn: &DatabaseTransaction,
    c: &customer::Model,
    channel: Channel,
    cap: i32,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    if cap <= 0 {
        return Ok(false);
    }
    let n = outbox::Entity::find()
        .filter(outbox::Column::CustomerId.eq(c.id))
        .filter(outbox::Column::Channel.eq(channel.as_str()))
        .filter(outbox::Column::ReminderId.is_not_null())
        .filter(outbox::Column::CreatedAt.gt(now - Duration::hours(24)))
        .filter(outbox::Column::Status.ne("cancelled"))
        .count(txn)
        .await?;
    Ok(n >= u64::try_from(cap).unwrap_or(u64::MAX))
}

async fn task<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    c: &customer::Model,
    inv: &invoice::Model,
    kind: &str,
    now: DateTime<Utc>,
    step: StepKind,
) -> ServiceResult<()> {
    let detail = serde_json::json!({
        "invoice": inv.number,
        "open_cents": inv.open_cents,
        "step": step.as_str(),
    });
    staff_task::ActiveModel {
        tenant_id: Set(tenant_id),
        customer_id: Set(c.id),
        invoice_id: Set(Some(inv.id)),
        kind: Set(kind.into()),
        status: Set("open".into()),
        detail: Set(detail.to_string()),
        created_at: Set(now),
        done_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // A handed-over invoice is the creditor's to pursue now; other tasks name their step.
    let event = match step {
        StepKind::HandOver if kind == "hand_over" => "invoice.handed_over".to_string(),
        _ => format!("dunning.{kind}"),
    };
    crate::outgoing::emit(
        db,
        now,
        tenant_id,
        &event,
        serde_json::json!({
            "invoice_id": inv.id,
            "invoice_number": inv.number,
            "customer_number": c.customer_number,
            "open_cents": inv.open_cents,
        }),
    )
    .await?;
    Ok(())
}

/// Recipients as a report may show them.
pub fn masked(channel: Channel, recipient: &str) -> String {
    match channel {
        Channel::Email => mask_email(recipient),
        Channel::Sms | Channel::Voice => {
            let tail: String = recipient
                .chars()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("***{tail}")
        }
        Channel::Letter => recipient.lines().last().unwrap_or_default().to_string(),
    }
}
