//! The dunning plan editor (admins): a plan's steps (name, days from the due date, kind,
//! channels, fee, interest) edited as a whole and checked with the same rules the planner uses,
//! and the simulator: for an invoice, what the plan would send when if nobody pays. A step that
//! already sent messages is kept (its history points at it); the others may be removed.
use crate::audit;
use crate::dunning::plans::parse_step;
use crate::entities::{dunning_plan, dunning_setting, dunning_step, invoice, reminder};
use crate::error::{ServiceError, ServiceResult};
use crate::staff::{Role, StaffScope};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};
use serde_json::json;
use settle_domain::backoffice::{PlanEditView, PlanRow, SegmentForm, SimRow, StepRow};
use settle_domain::dunning::segments::Segment;
use settle_domain::dunning::steps::{simulate, validate, Progress, StepKind, FOURTEEN_DAY_TERM};
use settle_domain::money::{Currency, Money};
use std::collections::{BTreeMap, HashSet};

pub const MAX_STEPS: usize = 20;

pub async fn list<C: ConnectionTrait>(db: &C, scope: &StaffScope) -> ServiceResult<Vec<PlanRow>> {
    scope.require(Role::Admin)?;
    let plans = dunning_plan::Entity::find()
        .filter(dunning_plan::Column::TenantId.eq(scope.tenant_id()))
        .order_by_asc(dunning_plan::Column::Priority)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(plans.len());
    for p in plans {
        let steps = dunning_step::Entity::find()
            .filter(dunning_step::Column::TenantId.eq(scope.tenant_id()))
            .filter(dunning_step::Column::PlanId.eq(p.id))
            .count(db)
            .await?;
        out.push(PlanRow {
            id: p.id,
            name: p.name,
            segment: p.segment,
            is_default: p.is_default,
            steps: steps as usize,
        });
    }
    Ok(out)
}

async fn plan<C: ConnectionTrait>(db: &C, scope: &StaffScope, id: i64) -> ServiceResult<dunning_plan::Model> {
    dunning_plan::Entity::find_by_id(id)
        .filter(dunning_plan::Column::TenantId.eq(scope.tenant_id()))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

async fn steps_of<C: ConnectionTrait>(
    db: &C,
    scope: &StaffScope,
    plan_id: i64,
) -> ServiceResult<Vec<dunning_step::Model>> {
    Ok(dunning_step::Entity::find()
        .filter(dunning_step::Column::TenantId.eq(scope.tenant_id()))
        .filter(dunning_step::Column::PlanId.eq(plan_id))
        .order_by_asc(dunning_step::Column::Position)
        .all(db)
        .await?)
}

async fn used<C: ConnectionTrait>(db: &C, scope: &StaffScope, plan_id: i64) -> ServiceResult<HashSet<i64>> {
    let ids: Vec<i64> = reminder::Entity::find()
        .select_only()
        .column(reminder::Column::StepId)
        .distinct()
        .filter(reminder::Column::TenantId.eq(scope.tenant_id()))
        .filter(reminder::Column::PlanId.eq(plan_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

pub async fn page<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    scope: &StaffScope,
    id: i64,
    simulate_for: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<PlanEditView> {
    scope.require(Role::Admin)?;
    let p = plan(db, scope, id).await?;
    let rows = steps_of(db, scope, id).await?;
    let used = used(db, scope, id).await?;
    let (mut simulation, mut simulation_error) = (Vec::new(), None);
    if let Some(number) = simulate_for.map(str::trim).filter(|n| !n.is_empty()) {
        let inv = invoice::Entity::find()
            .filter(invoice::Column::TenantId.eq(scope.tenant_id()))
            .filter(invoice::Column::Number.eq(number))
            .one(db)
            .await?;
        match inv {
            None => simulation_error = Some("invoice_unknown".to_string()),
            Some(inv) => {
                let steps: Option<Vec<_>> = rows.iter().map(parse_step).collect();
                let delivery = dunning_setting::Entity::find_by_id(scope.tenant_id())
                    .one(db)
                    .await?
                    .map_or(2, |s| i64::from(s.letter_delivery_days));
                match steps.filter(|s| validate(s).is_ok()) {
                    None => simulation_error = Some("plan_invalid".to_string()),
                    Some(steps) => {
                        // As if the plan started for this invoice today (its own progress aside).
                        let today = tenant.today(now);
                        let term = delivery + i64::from(FOURTEEN_DAY_TERM);
                        for (day, position) in simulate(
                            &steps,
                            inv.due_date,
                            inv.open_cents,
                            Progress::default(),
                            today,
                            365,
                            term,
                        ) {
                            if let Some(r) = rows.iter().find(|r| r.position == position) {
                                simulation.push(SimRow {
                                    day,
                                    step: r.name.clone(),
                                    kind: r.kind.clone(),
                                    channels: r.channels.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    let seg = Segment::parse(&p.segment).unwrap_or_default();
    let euros = |c: Option<i64>| c.map(|c| format!("{}.{:02}", c / 100, c % 100)).unwrap_or_default();
    Ok(PlanEditView {
        id: p.id,
        is_default: p.is_default,
        segment_form: SegmentForm {
            name: p.name.clone(),
            priority: p.priority.to_string(),
            tags: seg.tags_any.join(", "),
            languages: seg.languages.join(", "),
            min_open: euros(seg.min_open_cents),
            max_open: euros(seg.max_open_cents),
            min_reminded: seg.min_reminded_invoices.map(|n| n.to_string()).unwrap_or_default(),
        },
        name: p.name,
        segment: p.segment,
        steps: rows
            .iter()
            .map(|r| StepRow {
                id: Some(r.id),
                name: r.name.clone(),
                offset_days: r.offset_days.to_string(),
                kind: r.kind.clone(),
                channels: r.channels.clone(),
                fee: r.fee.clone(),
                interest: r.interest.clone(),
                used: used.contains(&r.id),
            })
            .collect(),
        kinds: StepKind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
        simulated: simulate_for.map(str::to_string),
        simulation,
        simulation_error,
    })
}

/// Replaces the plan's steps with `rows` (in order; empty rows are dropped). Errors are keyed
/// `{field}_{row}`, or `form` for the plan as a whole.
pub async fn save(state: &AppState, scope: &StaffScope, id: i64, rows: &[StepRow]) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let rows: Vec<&StepRow> = rows
        .iter()
        .filter(|r| !r.name.trim().is_empty() || r.id.is_some())
        .collect();
    if rows.len() > MAX_STEPS {
        return Err(ServiceError::invalid("form", "too_many_steps"));
    }
    let mut errors = BTreeMap::new();
    let mut parsed = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        let mut bad = |field: &str, code: &str| {
            errors.insert(format!("{field}_{i}"), code.to_string());
        };
        if let Err(code) = settle_domain::text::line(&r.name, 100) {
            bad("name", code);
        }
        let offset = r
            .offset_days
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|d| (-60..=730).contains(d));
        if offset.is_none() {
            bad("offset", "offset_invalid");
        }
        let model = dunning_step::Model {
            id: r.id.unwrap_or(0),
            tenant_id: scope.tenant_id(),
            plan_id: id,
            position,
            name: r.name.trim().to_string(),
            offset_days: offset.unwrap_or(0),
            kind: r.kind.trim().to_string(),
            channels: r.channels.trim().to_string(),
            fee: r.fee.trim().to_string(),
            interest: r.interest.trim().to_string(),
        };
        if StepKind::parse(&model.kind).is_none() {
            bad("kind", "required");
        }
        if settle_domain::dunning::steps::ChannelGroups::parse(&model.channels).is_none() {
            bad("channels", "channels_invalid");
        }
        if settle_domain::dunning::fees::FeeRule::parse(&model.fee).is_none() {
            bad("fee", "fee_invalid");
        }
        if settle_domain::dunning::fees::InterestRule::parse(&model.interest).is_none() {
            bad("interest", "interest_invalid");
        }
        parsed.push(model);
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let steps: Vec<_> = parsed.iter().filter_map(parse_step).collect();
    if let Err(e) = validate(&steps) {
        let code = match e {
            settle_domain::dunning::steps::PlanError::Empty => "plan_empty",
            settle_domain::dunning::steps::PlanError::OutOfOrder => "plan_out_of_order",
            settle_domain::dunning::steps::PlanError::AfterHandOver => "plan_after_hand_over",
            settle_domain::dunning::steps::PlanError::VoiceOnlyReminders => "plan_voice_reminders_only",
        };
        return Err(ServiceError::invalid("form", code));
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let p = plan(&tx, scope, id).await?;
    let before = steps_of(&tx, scope, id).await?;
    let used = used(&tx, scope, id).await?;
    let kept: HashSet<i64> = parsed.iter().filter_map(|m| (m.id != 0).then_some(m.id)).collect();
    for old in &before {
        if !kept.contains(&old.id) {
            if used.contains(&old.id) {
                return Err(ServiceError::invalid("form", "step_in_use"));
            }
            dunning_step::Entity::delete_by_id(old.id).exec(&tx).await?;
        }
    }
    // Positions move up out of the way first, so no two steps share one in between.
    for old in before.iter().filter(|o| kept.contains(&o.id)) {
        let mut a: dunning_step::ActiveModel = old.clone().into();
        a.position = Set(old.position + 10_000);
        a.update(&tx).await?;
    }
    for m in &parsed {
        let fields = |a: &mut dunning_step::ActiveModel| {
            a.position = Set(m.position);
            a.name = Set(m.name.clone());
            a.offset_days = Set(m.offset_days);
            a.kind = Set(m.kind.clone());
            a.channels = Set(m.channels.clone());
            a.fee = Set(m.fee.clone());
            a.interest = Set(m.interest.clone());
        };
        match before.iter().find(|o| o.id == m.id && m.id != 0) {
            Some(old) => {
                let mut a: dunning_step::ActiveModel = old.clone().into();
                fields(&mut a);
                a.update(&tx).await?;
            }
            None => {
                let mut a = dunning_step::ActiveModel {
                    tenant_id: Set(scope.tenant_id()),
                    plan_id: Set(p.id),
                    ..Default::default()
                };
                fields(&mut a);
                a.insert(&tx).await?;
            }
        }
    }
    let summary = |s: &[dunning_step::Model]| {
        s.iter()
            .map(|s| json!([s.position, s.name, s.offset_days, s.kind, s.channels, s.fee, s.interest]))
            .collect::<Vec<_>>()
    };
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        "dunning_plan_saved",
        json!({ "plan_id": p.id, "before": summary(&before), "after": summary(&parsed) }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves a plan's name, priority and segment (which debtors it is for). A plan other than the
/// default must name at least one rule: an empty segment would take every debtor from the
/// default plan.
pub async fn save_segment(state: &AppState, scope: &StaffScope, id: i64, f: &SegmentForm) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let mut errors = BTreeMap::new();
    let name = f.name.trim();
    if let Err(code) = settle_domain::text::line(name, 100) {
        errors.insert("name".to_string(), code.to_string());
    }
    let priority = f
        .priority
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|p| (0..=10_000).contains(p));
    if priority.is_none() {
        errors.insert("priority".to_string(), "number_invalid".to_string());
    }
    let list = |s: &str| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut cents = |field: &str, s: &str| -> Option<i64> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        match Money::parse_decimal(s, Currency::Eur) {
            Ok(m) if m.cents >= 0 => Some(m.cents),
            _ => {
                errors.insert(field.to_string(), "amount_invalid".to_string());
                None
            }
        }
    };
    let min_open = cents("min_open", &f.min_open);
    let max_open = cents("max_open", &f.max_open);
    let min_reminded = match f.min_reminded.trim() {
        "" => None,
        n => match n.parse::<i64>().ok().filter(|n| *n >= 0) {
            Some(n) => Some(n),
            None => {
                errors.insert("min_reminded".to_string(), "number_invalid".to_string());
                None
            }
        },
    };
    let languages = list(&f.languages);
    if languages
        .iter()
        .any(|l| settle_domain::locale::Locale::parse(l).is_none())
    {
        errors.insert("languages".to_string(), "language_invalid".to_string());
    }
    let segment = Segment {
        tags_any: list(&f.tags),
        languages,
        min_open_cents: min_open,
        max_open_cents: max_open,
        min_reminded_invoices: min_reminded,
    };
    let tx = state.db.begin().await?;
    let p = plan(&tx, scope, id).await?;
    if !p.is_default && segment == Segment::default() && errors.is_empty() {
        errors.insert("tags".to_string(), "segment_empty".to_string());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let json = if segment == Segment::default() {
        String::new()
    } else {
        serde_json::to_string(&segment).map_err(|e| ServiceError::Internal(e.into()))?
    };
    let before = (p.name.clone(), p.priority, p.segment.clone());
    let mut a: dunning_plan::ActiveModel = p.into();
    a.name = Set(name.to_string());
    a.priority = Set(priority.unwrap_or(100));
    a.segment = Set(json.clone());
    a.update(&tx).await?;
    audit::record(
        &tx,
        state.clock.now(),
        scope.tenant_id(),
        None,
        &scope.actor(),
        "dunning_plan_segment_saved",
        json!({ "plan_id": id, "before": before, "after": (name, priority, json) }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
