//! The one way money is booked, whatever brought it (provider, bank statement, staff, API):
//! a batch of payments inside the caller's transaction. Each payment is recorded once under its
//! dedup key, split over its invoices (costs, interest, principal), and settles status, queued
//! reminders, audit and outgoing events in the same transaction. Take-backs (reversals, refunds,
//! chargebacks) run the same way in reverse.
use crate::audit;
use crate::entities::{invoice, outbox, payment, payment_allocation, refund_task};
use crate::error::ServiceResult;
use crate::sql::{chunked_in, insert_rows, update_from_values, ValuesUpdate};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, Value};
use settle_domain::allocation::{allocate, Allocation, OpenParts};
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Provider,
    Statement,
    Staff,
    Api,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Provider => "provider",
            Source::Statement => "statement",
            Source::Staff => "staff",
            Source::Api => "api",
        }
    }
}

/// Money received, with the invoices it was matched to (in the order to settle them).
#[derive(Clone, Debug)]
pub struct Incoming {
    pub source: Source,
    pub dedup_key: String,
    pub amount_cents: i64,
    pub currency: String,
    pub received_on: NaiveDate,
    pub debtor_name: Option<String>,
    pub debtor_iban: Option<String>,
    pub reference_text: String,
    pub end_to_end_id: Option<String>,
    pub checkout_id: Option<i64>,
    /// Empty: nothing matched, the payment waits in the unmatched queue.
    pub invoices: Vec<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Duplicate,
    Matched,
    PartiallyMatched,
    Overpaid,
    Unmatched,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Duplicate => "duplicate",
            Outcome::Matched => "matched",
            Outcome::PartiallyMatched => "partially_matched",
            Outcome::Overpaid => "overpaid",
            Outcome::Unmatched => "unmatched",
        }
    }
}

/// Money going back out of an earlier payment: a bank reversal, a provider refund or chargeback.
#[derive(Clone, Debug)]
pub struct TakeBack {
    pub dedup_key: String,
    pub source: Source,
    pub payment_id: i64,
    pub amount_cents: i64,
    pub received_on: NaiveDate,
    /// Why the invoice reopens: a return code (MD06), "refund", "chargeback: fraudulent".
    pub reason: String,
}

/// The columns booking needs (never the PDF).
#[derive(Clone, Debug, sea_orm::FromQueryResult)]
pub struct OpenInvoice {
    pub id: i64,
    pub tenant_id: i64,
    pub customer_id: i64,
    pub number: String,
    pub currency: String,
    pub status: String,
    pub open_cents: i64,
    pub costs_open_cents: i64,
    pub interest_open_cents: i64,
}

impl OpenInvoice {
    /// The invoice columns booking reads besides the id and the tenant.
    pub const STATE: [invoice::Column; 7] = [
        invoice::Column::CustomerId,
        invoice::Column::Number,
        invoice::Column::Currency,
        invoice::Column::Status,
        invoice::Column::OpenCents,
        invoice::Column::CostsOpenCents,
        invoice::Column::InterestOpenCents,
    ];
}

pub(crate) struct InvoiceState {
    pub(crate) row: OpenInvoice,
    pub(crate) open: OpenParts,
    pub(crate) changed: bool,
}

impl InvoiceState {
    fn new(row: OpenInvoice) -> Self {
        let open = OpenParts {
            costs: row.costs_open_cents,
            interest: row.interest_open_cents,
            principal: row.open_cents - row.costs_open_cents - row.interest_open_cents,
        };
        Self {
            row,
            open,
            changed: false,
        }
    }

    fn status(&self) -> &'static str {
        match (self.open.total(), self.row.status.as_str()) {
            (0, _) => "paid",
            (_, "pending") => "pending",
            (_, "cancelled") => "cancelled",
            _ => "open",
        }
    }
}

pub(crate) async fn load_invoices<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    ids: &[i64],
) -> ServiceResult<HashMap<i64, InvoiceState>> {
    let mut map = HashMap::with_capacity(ids.len());
    for part in ids.chunks(chunked_in::MAX) {
        // By primary key alone: with the tenant in the WHERE clause SQLite may pick the tenant
        // index and scan all of a big tenant's invoices. The tenant is checked below instead.
        let rows = invoice::Entity::find()
            .select_only()
            .columns([invoice::Column::Id, invoice::Column::TenantId])
            .columns(OpenInvoice::STATE)
            .filter(invoice::Column::Id.is_in(part.iter().copied()))
            .into_model::<OpenInvoice>()
            .all(db)
            .await?;
        for r in rows.into_iter().filter(|r| r.tenant_id == tenant_id) {
            map.insert(r.id, InvoiceState::new(r));
        }
    }
    Ok(map)
}

const ALLOCATION_COLUMNS: &[&str] = &[
    "payment_id",
    "invoice_id",
    "costs_cents",
    "interest_cents",
    "principal_cents",
];

/// What booking a batch depends on in the database: the keys already booked and the current
/// state of the invoices it pays.
#[derive(Default)]
pub struct Known {
    seen: HashSet<String>,
    invoices: HashMap<i64, InvoiceState>,
}

impl Known {
    /// Reads the booked keys among the batch's and the invoices it names, except those already
    /// read (`invoices`, of this tenant).
    pub async fn read<C: ConnectionTrait>(
        db: &C,
        tenant_id: i64,
        batch: &[Incoming],
        invoices: Vec<OpenInvoice>,
    ) -> ServiceResult<Known> {
        let keys: Vec<&str> = batch.iter().map(|p| p.dedup_key.as_str()).collect();
        let mut seen: HashSet<String> = HashSet::new();
        for part in keys.chunks(chunked_in::MAX) {
            let rows: Vec<String> = payment::Entity::find()
                .select_only()
                .column(payment::Column::DedupKey)
                .filter(payment::Column::TenantId.eq(tenant_id))
                .filter(payment::Column::DedupKey.is_in(part.iter().copied()))
                .into_tuple()
                .all(db)
                .await?;
            seen.extend(rows);
        }
        let mut known = Known {
            seen,
            invoices: invoices
                .into_iter()
                .filter(|i| i.tenant_id == tenant_id)
                .map(|i| (i.id, InvoiceState::new(i)))
                .collect(),
        };
        known.read_invoices(db, tenant_id, batch).await?;
        Ok(known)
    }

    /// Loads the invoices the batch names that are not known yet (after a late match).
    pub async fn read_invoices<C: ConnectionTrait>(
        &mut self,
        db: &C,
        tenant_id: i64,
        batch: &[Incoming],
    ) -> ServiceResult<()> {
        let mut ids: Vec<i64> = batch
            .iter()
            .flat_map(|p| p.invoices.iter().copied())
            .filter(|id| !self.invoices.contains_key(id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        self.invoices.extend(load_invoices(db, tenant_id, &ids).await?);
        Ok(())
    }
}

/// A booked batch, worked out in memory and not yet written.
pub struct Planned {
    outcomes: Vec<Outcome>,
    payments: Vec<Vec<Value>>,
    allocations: Vec<(String, i64, Allocation)>,
    // Refund tasks wait for the id of the payment they belong to.
    refunds: Vec<(String, refund_task::ActiveModel)>,
    // What `payment.received` (and `payment.overpaid`) will say, once the payment has its id.
    events: Vec<PaymentEvent>,
    invoices: HashMap<i64, InvoiceState>,
}

impl Planned {
    /// One outcome per payment of the batch, in order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }
}

/// Books a batch of incoming payments; returns one outcome per payment, in order.
pub async fn book<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    now: DateTime<Utc>,
    batch: Vec<Incoming>,
) -> ServiceResult<Vec<Outcome>> {
    let known = Known::read(db, tenant_id, &batch, Vec::new()).await?;
    let planned = plan(tenant_id, now, batch, known);
    let outcomes = planned.outcomes.clone();
    write(db, tenant_id, now, planned).await?;
    Ok(outcomes)
}

/// Works out a batch in memory: duplicates (known keys, and repeats inside the batch) book
/// nothing; every other payment is split over its invoices.
pub fn plan(tenant_id: i64, now: DateTime<Utc>, batch: Vec<Incoming>, known: Known) -> Planned {
    let Known { mut seen, mut invoices } = known;
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut payments: Vec<Vec<Value>> = Vec::with_capacity(batch.len());
    let mut allocations: Vec<(String, i64, Allocation)> = Vec::new();
    let mut refunds: Vec<(String, refund_task::ActiveModel)> = Vec::new();
    let mut events = Vec::with_capacity(batch.len());
    for p in batch {
        if !seen.insert(p.dedup_key.clone()) {
            outcomes.push(Outcome::Duplicate);
            continue;
        }
        let targets: Vec<i64> = p
            .invoices
            .iter()
            .copied()
            .filter(|id| invoices.contains_key(id))
            .collect();
        let open: Vec<OpenParts> = targets
            .iter()
            .filter_map(|id| invoices.get(id).map(|s| s.open))
            .collect();
        let (allocs, rest) = allocate(p.amount_cents, &open);
        let customer_id = targets
            .first()
            .and_then(|id| invoices.get(id))
            .map(|s| s.row.customer_id);
        let outcome = if targets.is_empty() {
            Outcome::Unmatched
        } else if rest > 0 {
            Outcome::Overpaid
        } else if targets
            .iter()
            .zip(&allocs)
            .any(|(id, a)| invoices.get(id).is_some_and(|s| s.open.after(a).total() > 0))
        {
            Outcome::PartiallyMatched
        } else {
            Outcome::Matched
        };
        let unallocated = if targets.is_empty() { p.amount_cents } else { rest };
        events.push(PaymentEvent {
            key: p.dedup_key.clone(),
            payment_id: 0,
            source: p.source.as_str(),
            amount_cents: p.amount_cents,
            currency: p.currency.clone(),
            received_on: p.received_on,
            match_state: outcome.as_str(),
            invoice_numbers: targets
                .iter()
                .zip(&allocs)
                .filter(|(_, a)| a.total() > 0)
                .filter_map(|(id, _)| invoices.get(id).map(|s| s.row.number.clone()))
                .collect(),
            unallocated_cents: unallocated,
            overpaid_cents: (outcome == Outcome::Overpaid).then_some(rest),
        });
        for (id, a) in targets.iter().zip(&allocs) {
            if a.total() == 0 {
                continue;
            }
            if let Some(s) = invoices.get_mut(id) {
                s.open = s.open.after(a);
                s.changed = true;
            }
            allocations.push((p.dedup_key.clone(), *id, *a));
        }
        if outcome == Outcome::Overpaid {
            refunds.push((
                p.dedup_key.clone(),
                refund_task::ActiveModel {
                    tenant_id: Set(tenant_id),
                    customer_id: Set(customer_id),
                    amount_cents: Set(rest),
                    currency: Set(p.currency.clone()),
                    status: Set("open".into()),
                    payee_name: Set(p.debtor_name.clone()),
                    payee_iban: Set(p.debtor_iban.clone()),
                    provider_refund_id: Set(None),
                    created_at: Set(now),
                    done_at: Set(None),
                    ..Default::default()
                },
            ));
        }
        payments.push(vec![
            customer_id.into(),
            p.source.as_str().into(),
            p.dedup_key.into(),
            p.amount_cents.into(),
            p.currency.into(),
            p.received_on.into(),
            p.debtor_name.into(),
            p.debtor_iban.into(),
            p.reference_text.into(),
            p.end_to_end_id.into(),
            p.checkout_id.into(),
            outcome.as_str().into(),
            unallocated.into(),
        ]);
        outcomes.push(outcome);
    }
    invoices.retain(|_, s| s.changed);
    Planned {
        outcomes,
        payments,
        allocations,
        refunds,
        events,
        invoices,
    }
}

/// Writes a planned batch: payments, their allocations and refund tasks, then the invoices.
pub async fn write<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    now: DateTime<Utc>,
    planned: Planned,
) -> ServiceResult<()> {
    if planned.payments.is_empty() {
        return Ok(());
    }
    // The tenant and the time are the same for every row: bound once, not once per row.
    let returned = insert_rows(
        db,
        "payments",
        &[
            "customer_id",
            "source",
            "dedup_key",
            "amount_cents",
            "currency",
            "received_on",
            "debtor_name",
            "debtor_iban",
            "reference_text",
            "end_to_end_id",
            "checkout_id",
            "match_state",
            "unallocated_cents",
        ],
        &[("tenant_id", tenant_id.into()), ("created_at", now.into())],
        planned.payments,
        Some("id, dedup_key"),
    )
    .await?;
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(returned.len());
    for r in returned {
        ids.insert(r.try_get("", "dedup_key")?, r.try_get("", "id")?);
    }
    let allocs: Vec<Vec<Value>> = planned
        .allocations
        .iter()
        .filter_map(|(key, invoice_id, a)| {
            let pid = *ids.get(key)?;
            Some(vec![
                pid.into(),
                (*invoice_id).into(),
                a.costs.into(),
                a.interest.into(),
                a.principal.into(),
            ])
        })
        .collect();
    insert_rows(
        db,
        "payment_allocations",
        ALLOCATION_COLUMNS,
        &[("tenant_id", tenant_id.into()), ("created_at", now.into())],
        allocs,
        None,
    )
    .await?;
    let tasks: Vec<refund_task::ActiveModel> = planned
        .refunds
        .into_iter()
        .filter_map(|(key, mut task)| {
            let pid = ids.get(&key)?;
            task.payment_id = Set(*pid);
            Some(task)
        })
        .collect();
    for part in chunk_owned(tasks, 2_000) {
        refund_task::Entity::insert_many(part).exec(db).await?;
    }
    // Before the invoices' events, so an endpoint hears of the payment before what it did.
    let mut events = Vec::with_capacity(planned.events.len());
    for mut e in planned.events {
        let Some(id) = ids.get(&e.key) else { continue };
        e.payment_id = *id;
        let overpaid = e.overpaid_cents.take();
        events.push(("payment.received", e.json()));
        if overpaid.is_some() {
            e.overpaid_cents = overpaid;
            events.push(("payment.overpaid", e.json()));
        }
    }
    crate::outgoing::emit_many(db, now, tenant_id, events).await?;
    settle_invoices(db, tenant_id, now, &planned.invoices, "payment").await?;
    Ok(())
}

/// Takes money back from earlier payments: first from what they left unallocated (the open
/// refund task shrinks), then from their allocations, principal first, reopening the invoices.
pub async fn take_back<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    now: DateTime<Utc>,
    items: Vec<TakeBack>,
) -> ServiceResult<Vec<bool>> {
    let mut done = Vec::with_capacity(items.len());
    let mut touched: HashMap<i64, InvoiceState> = HashMap::new();
    let mut reasons: HashMap<i64, String> = HashMap::new();
    for t in items {
        let exists = payment::Entity::find()
            .filter(payment::Column::TenantId.eq(tenant_id))
            .filter(payment::Column::DedupKey.eq(t.dedup_key.as_str()))
            .one(db)
            .await?
            .is_some();
        let Some(original) = payment::Entity::find_by_id(t.payment_id)
            .filter(payment::Column::TenantId.eq(tenant_id))
            .one(db)
            .await?
        else {
            done.push(false);
            continue;
        };
        if exists || t.amount_cents <= 0 {
            done.push(false);
            continue;
        }
        let mut left = t.amount_cents;
        let from_rest = left.min(original.unallocated_cents);
        left -= from_rest;
        if from_rest > 0 {
            shrink_refund_tasks(db, tenant_id, original.id, from_rest).await?;
        }
        // Net allocation per invoice of the original, latest invoice first.
        let rows = payment_allocation::Entity::find()
            .filter(payment_allocation::Column::TenantId.eq(tenant_id))
            .filter(payment_allocation::Column::PaymentId.eq(original.id))
            .order_by_desc(payment_allocation::Column::Id)
            .all(db)
            .await?;
        let mut net: Vec<(i64, Allocation)> = Vec::new();
        for r in rows.iter().rev() {
            let a = Allocation {
                costs: r.costs_cents,
                interest: r.interest_cents,
                principal: r.principal_cents,
            };
            match net.iter_mut().find(|(id, _)| *id == r.invoice_id) {
                Some((_, n)) => {
                    n.costs += a.costs;
                    n.interest += a.interest;
                    n.principal += a.principal;
                }
                None => net.push((r.invoice_id, a)),
            }
        }
        let ids: Vec<i64> = net
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !touched.contains_key(id))
            .collect();
        touched.extend(load_invoices(db, tenant_id, &ids).await?);
        let mut back_rows = Vec::new();
        for (invoice_id, n) in net.iter().rev() {
            if left == 0 {
                break;
            }
            let mut take = |v: i64| {
                let x = left.min(v.max(0));
                left -= x;
                x
            };
            let principal = take(n.principal);
            let interest = take(n.interest);
            let costs = take(n.costs);
            let back = Allocation {
                costs,
                interest,
                principal,
            };
            if back.total() == 0 {
                continue;
            }
            if let Some(s) = touched.get_mut(invoice_id) {
                s.open = s.open.before(&back);
                s.changed = true;
            }
            reasons.insert(*invoice_id, t.reason.clone());
            back_rows.push((*invoice_id, back));
        }
        let fully = t.amount_cents >= original.amount_cents;
        let inserted = payment::Entity::insert(payment::ActiveModel {
            tenant_id: Set(tenant_id),
            customer_id: Set(original.customer_id),
            source: Set(t.source.as_str().into()),
            dedup_key: Set(t.dedup_key.clone()),
            amount_cents: Set(-t.amount_cents),
            currency: Set(original.currency.clone()),
            received_on: Set(t.received_on),
            debtor_name: Set(None),
            debtor_iban: Set(None),
            reference_text: Set(t.reason.clone()),
            end_to_end_id: Set(None),
            checkout_id: Set(original.checkout_id),
            match_state: Set("take_back".into()),
            unallocated_cents: Set(0),
            reversed_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await?;
        let negatives: Vec<payment_allocation::ActiveModel> = back_rows
            .iter()
            .map(|(invoice_id, b)| {
                let neg = Allocation {
                    costs: -b.costs,
                    interest: -b.interest,
                    principal: -b.principal,
                };
                allocation_row(tenant_id, inserted.last_insert_id, *invoice_id, &neg, now)
            })
            .collect();
        if !negatives.is_empty() {
            payment_allocation::Entity::insert_many(negatives).exec(db).await?;
        }
        let reopened: Vec<&str> = back_rows
            .iter()
            .filter_map(|(id, _)| touched.get(id).map(|s| s.row.number.as_str()))
            .collect();
        crate::outgoing::emit(
            db,
            now,
            tenant_id,
            "payment.reversed",
            serde_json::json!({
                "payment_id": original.id,
                "source": t.source.as_str(),
                "amount_cents": t.amount_cents,
                "currency": original.currency,
                "reason": t.reason,
                "invoice_number": reopened.first(),
                "invoice_numbers": reopened,
            }),
        )
        .await?;
        let mut upd = payment::ActiveModel {
            id: Set(original.id),
            unallocated_cents: Set(original.unallocated_cents - from_rest),
            ..Default::default()
        };
        if fully {
            upd.reversed_at = Set(Some(now));
            upd.match_state = Set("reversed".into());
        }
        payment::Entity::update(upd).exec(db).await?;
        done.push(true);
    }
    for (id, reason) in &reasons {
        audit::record(
            db,
            now,
            tenant_id,
            touched.get(id).map(|s| s.row.customer_id),
            "system",
            "invoice.reopened",
            serde_json::json!({ "invoice_id": id, "reason": reason }),
        )
        .await?;
    }
    settle_invoices(db, tenant_id, now, &touched, "take_back").await?;
    Ok(done)
}

async fn shrink_refund_tasks<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    payment_id: i64,
    mut amount: i64,
) -> ServiceResult<()> {
    let tasks = refund_task::Entity::find()
        .filter(refund_task::Column::TenantId.eq(tenant_id))
        .filter(refund_task::Column::PaymentId.eq(payment_id))
        .filter(refund_task::Column::Status.eq("open"))
        .all(db)
        .await?;
    for t in tasks {
        if amount == 0 {
            break;
        }
        let take = amount.min(t.amount_cents);
        amount -= take;
        let left = t.amount_cents - take;
        refund_task::Entity::update(refund_task::ActiveModel {
            id: Set(t.id),
            amount_cents: Set(left),
            status: Set(if left == 0 { "cancelled" } else { "open" }.into()),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

pub(crate) fn allocation_row(
    tenant_id: i64,
    payment_id: i64,
    invoice_id: i64,
    a: &Allocation,
    now: DateTime<Utc>,
) -> payment_allocation::ActiveModel {
    payment_allocation::ActiveModel {
        tenant_id: Set(tenant_id),
        payment_id: Set(payment_id),
        invoice_id: Set(invoice_id),
        costs_cents: Set(a.costs),
        interest_cents: Set(a.interest),
        principal_cents: Set(a.principal),
        created_at: Set(now),
        ..Default::default()
    }
}

/// The data of `invoice.paid`, `invoice.partially_paid` and `invoice.reopened`.
#[derive(serde::Serialize)]
struct InvoiceEvent<'a> {
    invoice_number: &'a str,
    status: &'a str,
    open_cents: i64,
    currency: &'a str,
    cause: &'a str,
}

/// The data of `payment.received` and `payment.overpaid` (serialized directly: a booking batch
/// writes one per payment).
#[derive(serde::Serialize)]
struct PaymentEvent {
    #[serde(skip)]
    key: String,
    payment_id: i64,
    source: &'static str,
    amount_cents: i64,
    currency: String,
    received_on: NaiveDate,
    match_state: &'static str,
    invoice_numbers: Vec<String>,
    unallocated_cents: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    overpaid_cents: Option<i64>,
}

impl PaymentEvent {
    /// The JSON, with `invoice_number`: the first invoice it paid (what webhooks order by).
    fn json(&self) -> String {
        let mut out = serde_json::to_string(self).unwrap_or_default();
        let first = self
            .invoice_numbers
            .first()
            .map(|n| serde_json::to_string(n).unwrap_or_default());
        out.pop();
        out.push_str(",\"invoice_number\":");
        out.push_str(first.as_deref().unwrap_or("null"));
        out.push('}');
        out
    }
}

/// Writes the new open amounts and statuses, cancels queued reminders of settled invoices, and
/// records audit and outgoing events per invoice whose status changed.
pub(crate) async fn settle_invoices<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    now: DateTime<Utc>,
    invoices: &HashMap<i64, InvoiceState>,
    cause: &str,
) -> ServiceResult<()> {
    let mut changed: Vec<&InvoiceState> = invoices.values().filter(|s| s.changed).collect();
    changed.sort_by_key(|s| s.row.id);
    let rows: Vec<Vec<Value>> = changed
        .iter()
        .map(|s| {
            vec![
                s.row.id.into(),
                s.open.total().into(),
                s.open.costs.into(),
                s.open.interest.into(),
                s.status().into(),
            ]
        })
        .collect();
    let spec = ValuesUpdate {
        table: "invoices",
        key: ("id", "bigint"),
        columns: &[
            ("open_cents", "bigint"),
            ("costs_open_cents", "bigint"),
            ("interest_open_cents", "bigint"),
            ("status", "text"),
        ],
        updated_at: Some(now),
        only_forward: None,
    };
    update_from_values(db, &spec, rows).await?;
    let settled: Vec<i64> = changed
        .iter()
        .filter(|s| s.open.total() == 0)
        .map(|s| s.row.id)
        .collect();
    for part in settled.chunks(chunked_in::MAX) {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value("cancelled"))
            .col_expr(outbox::Column::LastError, Expr::value("invoice settled"))
            .filter(outbox::Column::TenantId.eq(tenant_id))
            .filter(outbox::Column::InvoiceId.is_in(part.iter().copied()))
            .filter(outbox::Column::Status.eq("pending"))
            .exec(db)
            .await?;
    }
    let mut events = Vec::with_capacity(changed.len());
    for s in &changed {
        let was_open = s.row.open_cents;
        let kind = match (s.open.total(), was_open) {
            (0, w) if w > 0 => "invoice.paid",
            (o, w) if o < w => "invoice.partially_paid",
            (o, w) if o > w => "invoice.reopened",
            _ => continue,
        };
        let payload = InvoiceEvent {
            invoice_number: &s.row.number,
            status: s.status(),
            open_cents: s.open.total(),
            currency: &s.row.currency,
            cause,
        };
        events.push((kind, serde_json::to_string(&payload).unwrap_or_default()));
    }
    crate::outgoing::emit_many(db, now, tenant_id, events).await?;
    // One audit event per booking batch: the per-invoice history is the allocation ledger.
    if !changed.is_empty() {
        let ids: Vec<i64> = changed.iter().map(|s| s.row.id).collect();
        let customer = changed
            .first()
            .map(|s| s.row.customer_id)
            .filter(|_| changed.len() == 1);
        audit::record(
            db,
            now,
            tenant_id,
            customer,
            "system",
            &format!("invoices.{cause}"),
            serde_json::json!({ "invoices": ids.len(), "invoice_ids": ids.iter().take(1_000).collect::<Vec<_>>() }),
        )
        .await?;
    }
    Ok(())
}

fn chunk_owned<T>(v: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut out = Vec::with_capacity(v.len() / size + 1);
    let mut it = v.into_iter().peekable();
    while it.peek().is_some() {
        out.push(it.by_ref().take(size).collect());
    }
    out
}
