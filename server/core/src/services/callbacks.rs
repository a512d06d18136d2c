//! Callback requests (`/callback`): the debtor picks a topic, confirms the number to call and
//! books a free slot from the tenant's callback hours; they may move or cancel it until it
//! starts. A slot's capacity is claimed with one conditional update on its counter, so two
//! bookings racing for the last place cannot both win, on any number of instances. While a
//! callback is pending, dunning holds for the invoices it names (or all open ones), if the tenant
//! says so. Each change is audited, confirmed by email (or SMS without an email address) and
//! reported to the creditor.
use crate::entities::{callback, callback_slot, invoice, self_service_setting};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::{AuthLevel, DebtorScope};
use crate::services::auth::{customer_of, Caller};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::{audit, outgoing};
use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;
use settle_domain::callbacks::{free_slots, is_offered, SlotRules, TOPICS};
use settle_domain::dunning::calendar::{parse_weekdays, ContactWindow, HolidayRegion};
use settle_domain::locale::{format_date, Locale};
use settle_domain::views::{BookedCallback, CallbackPageView, SlotDay};
use std::collections::{BTreeMap, HashMap};

/// The tenant's rules, with the defaults of the migration where it has no settings row.
pub async fn rules<C: ConnectionTrait>(db: &C, tenant: &TenantCtx) -> ServiceResult<(SlotRules, bool)> {
    let s = self_service_setting::Entity::find_by_id(tenant.id).one(db).await?;
    let time = |v: Option<&str>, d: &str| {
        NaiveTime::parse_from_str(v.unwrap_or(d), "%H:%M")
            .unwrap_or_else(|_| NaiveTime::parse_from_str(d, "%H:%M").unwrap_or(NaiveTime::MIN))
    };
    let region = match tenant.default_locale {
        Locale::De => HolidayRegion::De,
        _ => HolidayRegion::Nl,
    };
    let rules = SlotRules {
        hours: ContactWindow {
            opens: time(s.as_ref().map(|s| s.callback_opens.as_str()), "09:00"),
            closes: time(s.as_ref().map(|s| s.callback_closes.as_str()), "17:00"),
            closed_weekdays: parse_weekdays(s.as_ref().map_or("sat,sun", |s| s.callback_closed_weekdays.as_str()))
                .unwrap_or_default(),
            region,
            extra_closed: Vec::new(),
        },
        slot_minutes: s
            .as_ref()
            .map_or(30, |s| u32::try_from(s.callback_slot_minutes).unwrap_or(30)),
        capacity: s
            .as_ref()
            .map_or(2, |s| u32::try_from(s.callback_capacity).unwrap_or(0)),
        horizon_days: s
            .as_ref()
            .map_or(14, |s| u32::try_from(s.callback_horizon_days).unwrap_or(14)),
        lead_minutes: 60,
    };
    Ok((rules, s.is_none_or(|s| s.callback_holds_dunning)))
}

fn local(tenant: &TenantCtx, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&tenant.tz).naive_local()
}

fn utc(tenant: &TenantCtx, t: NaiveDateTime) -> Option<DateTime<Utc>> {
    tenant
        .tz
        .from_local_datetime(&t)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

async fn taken<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    now: DateTime<Utc>,
) -> ServiceResult<HashMap<NaiveDateTime, u32>> {
    Ok(callback_slot::Entity::find()
        .filter(callback_slot::Column::TenantId.eq(tenant.id))
        .filter(callback_slot::Column::SlotStart.gte(now))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (local(tenant, s.slot_start), u32::try_from(s.booked).unwrap_or(0)))
        .collect())
}

async fn open_invoices<C: ConnectionTrait>(db: &C, scope: &DebtorScope) -> ServiceResult<Vec<invoice::Model>> {
    Ok(invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
        .filter(invoice::Column::CustomerId.eq(scope.customer_id()))
        .filter(invoice::Column::Status.eq("open"))
        .filter(invoice::Column::OpenCents.gt(0))
        .order_by_asc(invoice::Column::DueDate)
        .all(db)
        .await?)
}

async fn booked<C: ConnectionTrait>(
    db: &C,
    scope: &DebtorScope,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<callback::Model>> {
    Ok(callback::Entity::find()
        .filter(callback::Column::TenantId.eq(scope.tenant_id()))
        .filter(callback::Column::CustomerId.eq(scope.customer_id()))
        .filter(callback::Column::Status.eq("booked"))
        .filter(callback::Column::SlotStart.gt(now))
        .order_by_asc(callback::Column::SlotStart)
        .all(db)
        .await?)
}

pub async fn page(state: &AppState, tenant: &TenantCtx, scope: &DebtorScope) -> ServiceResult<CallbackPageView> {
    let now = state.clock.now();
    let (rules, holds) = rules(&state.db, tenant).await?;
    let slots = free_slots(&rules, local(tenant, now), &taken(&state.db, tenant, now).await?);
    let mut days: Vec<SlotDay> = Vec::new();
    for s in slots {
        let value = s.start.format("%Y-%m-%dT%H:%M").to_string();
        let label = s.start.format("%H:%M").to_string();
        match days.last_mut() {
            Some(d) if d.date == s.start.date() => d.slots.push((value, label)),
            _ => days.push(SlotDay {
                date: s.start.date(),
                slots: vec![(value, label)],
            }),
        }
    }
    let me = customer_of(&state.db, scope).await?;
    Ok(CallbackPageView {
        phone: me.phone_e164,
        days,
        booked: booked(&state.db, scope, now)
            .await?
            .into_iter()
            .map(|c| {
                let at = local(tenant, c.slot_start);
                BookedCallback {
                    id: c.id,
                    topic: c.topic,
                    date: at.date(),
                    time: at.format("%H:%M").to_string(),
                    phone: c.phone,
                    invoices: c.invoices,
                }
            })
            .collect(),
        open_invoices: open_invoices(&state.db, scope)
            .await?
            .into_iter()
            .map(|i| i.number)
            .collect(),
        holds_dunning: holds,
    })
}

/// Takes one place in a slot, or says it is full.
async fn claim(tx: &DatabaseTransaction, tenant_id: i64, start: DateTime<Utc>, capacity: u32) -> ServiceResult<()> {
    callback_slot::Entity::insert(callback_slot::ActiveModel {
        tenant_id: Set(tenant_id),
        slot_start: Set(start),
        booked: Set(0),
    })
    .on_conflict_do_nothing_on([callback_slot::Column::TenantId, callback_slot::Column::SlotStart])
    .exec(tx)
    .await?;
    let took = callback_slot::Entity::update_many()
        .col_expr(
            callback_slot::Column::Booked,
            Expr::col(callback_slot::Column::Booked).add(1),
        )
        .filter(callback_slot::Column::TenantId.eq(tenant_id))
        .filter(callback_slot::Column::SlotStart.eq(start))
        .filter(callback_slot::Column::Booked.lt(i32::try_from(capacity).unwrap_or(i32::MAX)))
        .exec(tx)
        .await?
        .rows_affected;
    if took == 1 {
        Ok(())
    } else {
        Err(ServiceError::invalid("slot", "slot_full"))
    }
}

async fn release(tx: &DatabaseTransaction, tenant_id: i64, start: DateTime<Utc>) -> ServiceResult<()> {
    callback_slot::Entity::update_many()
        .col_expr(
            callback_slot::Column::Booked,
            Expr::col(callback_slot::Column::Booked).sub(1),
        )
        .filter(callback_slot::Column::TenantId.eq(tenant_id))
        .filter(callback_slot::Column::SlotStart.eq(start))
        .filter(callback_slot::Column::Booked.gt(0))
        .exec(tx)
        .await?;
    Ok(())
}

/// The invoices a callback is about: those it names, or all the debtor's open ones; their holds
/// are derived again (see `holds`).
async fn refresh_holds(
    tx: &DatabaseTransaction,
    scope: &DebtorScope,
    names: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let named: Vec<&str> = names.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
    crate::services::holds::refresh(tx, scope, &named, now).await?;
    Ok(())
}

pub struct Booking<'a> {
    pub topic: &'a str,
    pub phone: &'a str,
    /// Local `YYYY-MM-DDTHH:MM`, as the form posts it.
    pub slot: &'a str,
    /// Invoice numbers the callback is about; empty: all open invoices.
    pub invoices: Vec<String>,
}

fn parse_slot(slot: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(slot.trim(), "%Y-%m-%dT%H:%M").ok()
}

/// Books a callback; returns its id.
pub async fn book(state: &AppState, c: &Caller<'_>, scope: &DebtorScope, b: &Booking<'_>) -> ServiceResult<i64> {
    scope.require_full()?;
    let tenant = c.tenant;
    let now = state.clock.now();
    let (rules, holds) = rules(&state.db, tenant).await?;
    let mut errors = BTreeMap::new();
    if !TOPICS.contains(&b.topic) {
        errors.insert("topic".to_string(), "topic_required".to_string());
    }
    let country = tenant.country();
    let phone = crate::phone::e164(b.phone, country)
        .map_err(|code| errors.insert("phone".into(), code.into()))
        .ok();
    let start = match parse_slot(b.slot) {
        Some(s) if is_offered(&rules, local(tenant, now), s) => utc(tenant, s),
        _ => None,
    };
    if start.is_none() {
        errors.insert("slot".into(), "slot_required".into());
    }
    let open: Vec<String> = open_invoices(&state.db, scope)
        .await?
        .into_iter()
        .map(|i| i.number)
        .collect();
    if b.invoices.iter().any(|n| !open.contains(n)) {
        errors.insert("invoices".into(), "invoice_unknown".into());
    }
    let (Some(phone), Some(start), true) = (phone, start, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let tx = state.db.begin().await?;
    // One pending callback at a time: a second booking is a double submit or needs a change.
    if !booked(&tx, scope, now).await?.is_empty() {
        return Err(ServiceError::invalid("form", "callback_already_booked"));
    }
    claim(&tx, tenant.id, start, rules.capacity).await?;
    let names = b.invoices.join(",");
    let row = callback::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_id: Set(scope.customer_id()),
        topic: Set(b.topic.to_string()),
        phone: Set(phone.clone()),
        slot_start: Set(start),
        status: Set("booked".into()),
        invoices: Set(names.clone()),
        holds_dunning: Set(holds),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    if holds {
        refresh_holds(&tx, scope, &names, now).await?;
    }
    tell(&tx, tenant, scope, &row, Change::Booked, now).await?;
    tx.commit().await?;
    Ok(row.id)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Booked,
    Moved,
    Cancelled,
}

/// Audit, the creditor's event and the debtor's confirmation of one change.
async fn tell(
    tx: &DatabaseTransaction,
    tenant: &TenantCtx,
    scope: &DebtorScope,
    row: &callback::Model,
    change: Change,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let (action, event) = match change {
        Change::Booked => ("callback_booked", "callback.requested"),
        Change::Moved => ("callback_moved", "callback.requested"),
        Change::Cancelled => ("callback_cancelled", "callback.cancelled"),
    };
    audit::record(
        tx,
        now,
        tenant.id,
        Some(scope.customer_id()),
        "debtor",
        action,
        json!({ "callback_id": row.id }),
    )
    .await?;
    let me = customer_of(tx, scope).await?;
    outgoing::emit(
        tx,
        now,
        tenant.id,
        event,
        json!({
            "callback_id": row.id,
            "customer_number": me.customer_number,
            "topic": row.topic,
            "phone": row.phone,
            "slot_start": row.slot_start,
            "invoices": row.invoices,
            "status": row.status,
        }),
    )
    .await?;
    let locale = me
        .language
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(tenant.default_locale);
    let at = local(tenant, row.slot_start);
    let when = format!("{} {}", format_date(at.date(), locale), at.format("%H:%M"));
    let text = settle_domain::i18n::mail::callback(locale, &tenant.name, &when, change == Change::Cancelled);
    match me.email.as_deref().filter(|_| me.email_invalid_at.is_none()) {
        Some(to) => {
            crate::outbox::enqueue_email(
                tx,
                now,
                crate::outbox::Email {
                    tenant_id: tenant.id,
                    customer_id: Some(me.id),
                    to,
                    subject: text.subject,
                    body_text: text.body,
                    dedupe_key: None,
                },
            )
            .await?;
        }
        None => {
            crate::outbox::enqueue_sms(tx, now, tenant.id, Some(me.id), &row.phone, text.subject).await?;
        }
    }
    Ok(())
}

async fn mine(
    tx: &DatabaseTransaction,
    scope: &DebtorScope,
    id: i64,
    now: DateTime<Utc>,
) -> ServiceResult<callback::Model> {
    callback::Entity::find_by_id(id)
        .filter(callback::Column::TenantId.eq(scope.tenant_id()))
        .filter(callback::Column::CustomerId.eq(scope.customer_id()))
        .filter(callback::Column::Status.eq("booked"))
        .one(tx)
        .await?
        .filter(|c| c.slot_start > now)
        .ok_or(ServiceError::NotFound)
}

/// Cancels a booked callback before it starts; the slot frees up and the hold lifts.
pub async fn cancel(state: &AppState, tenant: &TenantCtx, scope: &DebtorScope, id: i64) -> ServiceResult<()> {
    scope.require_full()?;
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let row = mine(&tx, scope, id, now).await?;
    release(&tx, tenant.id, row.slot_start).await?;
    let mut active: callback::ActiveModel = row.into();
    active.status = Set("cancelled".into());
    active.updated_at = Set(now);
    let row = active.update(&tx).await?;
    if row.holds_dunning {
        refresh_holds(&tx, scope, &row.invoices, now).await?;
    }
    tell(&tx, tenant, scope, &row, Change::Cancelled, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a booked callback to another free slot before it starts.
pub async fn reschedule(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &DebtorScope,
    id: i64,
    slot: &str,
) -> ServiceResult<()> {
    scope.require_full()?;
    let now = state.clock.now();
    let (rules, _) = rules(&state.db, tenant).await?;
    let start = parse_slot(slot)
        .filter(|s| is_offered(&rules, local(tenant, now), *s))
        .and_then(|s| utc(tenant, s))
        .ok_or_else(|| ServiceError::invalid("slot", "slot_required"))?;
    let tx = state.db.begin().await?;
    let row = mine(&tx, scope, id, now).await?;
    if row.slot_start == start {
        return Ok(());
    }
    claim(&tx, tenant.id, start, rules.capacity).await?;
    release(&tx, tenant.id, row.slot_start).await?;
    let mut active: callback::ActiveModel = row.into();
    active.slot_start = Set(start);
    active.updated_at = Set(now);
    let row = active.update(&tx).await?;
    tell(&tx, tenant, scope, &row, Change::Moved, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Callbacks whose slot passed a day ago without staff closing them lapse, and their hold lifts:
/// a forgotten callback must not silence reminders for good. Returns how many lapsed.
pub async fn lapse(db: &sea_orm::DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<usize> {
    let late = callback::Entity::find()
        .filter(callback::Column::Status.eq("booked"))
        .filter(callback::Column::SlotStart.lt(now - chrono::Duration::days(1)))
        .all(db)
        .await?;
    for c in &late {
        let tx = db.begin().await?;
        let done = callback::Entity::update_many()
            .col_expr(callback::Column::Status, Expr::value("lapsed"))
            .col_expr(callback::Column::UpdatedAt, Expr::value(now))
            .filter(callback::Column::Id.eq(c.id))
            .filter(callback::Column::Status.eq("booked"))
            .exec(&tx)
            .await?
            .rows_affected;
        if done == 1 && c.holds_dunning {
            let scope = DebtorScope::new(c.tenant_id, c.customer_id, AuthLevel::Full);
            refresh_holds(&tx, &scope, &c.invoices, now).await?;
        }
        tx.commit().await?;
    }
    Ok(late.len())
}
