//! Online payment through the tenant's provider: start a checkout (at most one open checkout per
//! invoice; a second click or tab reuses it), apply what the provider reports (each event once,
//! statuses only forward), and book the money through the one booking service.
use crate::entities::{checkout, checkout_item, checkout_lock, customer, invoice, payment, provider_event};
use crate::error::{ServiceError, ServiceResult};
use crate::providers::{sandbox, CreatePayment, PaymentSnapshot, PaymentState, ProviderError};
use crate::services::booking::{self, Incoming, Source, TakeBack};
use crate::services::invoices::summary;
use crate::services::mails::{self, Kind};
use crate::services::payment_settings::{self, Client, ProviderKind};
use crate::state::{AppState, RunMode};
use crate::tenant::TenantCtx;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use settle_domain::i18n::{t, Key};
use settle_domain::locale::Locale;
use settle_domain::money::Money;
use settle_domain::views::{CheckoutView, PaymentOutcome};

/// Who is paying what: a logged-in debtor picks invoices, a payment link names one.
pub struct Order {
    pub tenant_id: i64,
    pub customer_id: i64,
    pub invoice_numbers: Vec<String>,
    pub amount: Amount,
    pub origin: &'static str,
    pub locale: Locale,
}

/// How much of the chosen invoices' open amount the checkout pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    /// All of it.
    Open,
    /// Part of a single invoice, where the tenant allows it.
    Part(i64),
    /// What a payment plan's instalment still owes, spread over the plan's invoices in order.
    Instalment(i64),
}

/// Where to send the browser: the provider's checkout page, or our return page.
pub async fn start(state: &AppState, tenant: &TenantCtx, order: Order) -> ServiceResult<String> {
    let settings = payment_settings::load(&state.db, &state.keys, tenant.id)
        .await?
        .ok_or(ServiceError::Conflict("online_payment_unavailable"))?;
    if settings.provider == ProviderKind::Sandbox && state.mode == RunMode::Production {
        return Err(ServiceError::Conflict("online_payment_unavailable"));
    }
    let mut numbers = order.invoice_numbers.clone();
    numbers.sort();
    numbers.dedup();
    if numbers.is_empty() || numbers.len() > 50 {
        return Err(ServiceError::invalid("form", "select_invoice"));
    }
    let now = state.clock.now();
    let today = tenant.today(now);
    let rows = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(order.tenant_id))
        .filter(invoice::Column::CustomerId.eq(order.customer_id))
        .filter(invoice::Column::Number.is_in(numbers.clone()))
        .order_by_asc(invoice::Column::DueDate)
        .all(&state.db)
        .await?;
    if rows.len() != numbers.len() {
        return Err(ServiceError::NotFound);
    }
    if let Some(existing) = reusable(&state.db, tenant, &rows).await? {
        return Ok(existing);
    }
    if rows.iter().any(|r| r.status == "pending") {
        return Err(ServiceError::Conflict("payment_pending"));
    }
    if rows.iter().any(|r| !summary(r, today).status.is_payable()) {
        return Err(ServiceError::Conflict("already_paid"));
    }
    let open: i64 = rows.iter().map(|r| r.open_cents).sum();
    let amount = match order.amount {
        Amount::Open => open,
        Amount::Part(_) if !settings.allow_partial || rows.len() != 1 => {
            return Err(ServiceError::invalid("amount", "partial_not_allowed"))
        }
        Amount::Part(p) if p < settings.min_partial_cents.min(open) || p > open => {
            return Err(ServiceError::invalid("amount", "amount_out_of_range"))
        }
        Amount::Instalment(p) if p <= 0 || p > open => {
            return Err(ServiceError::invalid("amount", "amount_out_of_range"))
        }
        Amount::Part(p) | Amount::Instalment(p) => p,
    };
    let public_id = crate::tokens::random_b64(24);
    let txn = state.db.begin().await?;
    let co = checkout::ActiveModel {
        tenant_id: Set(order.tenant_id),
        customer_id: Set(order.customer_id),
        public_id: Set(public_id.clone()),
        provider: Set(settings.provider.as_str().into()),
        provider_payment_id: Set(None),
        refund_target: Set(None),
        amount_cents: Set(amount),
        currency: Set("EUR".into()),
        status: Set("created".into()),
        checkout_url: Set(None),
        origin: Set(order.origin.into()),
        locale: Set(order.locale.code().into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut left = amount;
    for r in &rows {
        let part = left.min(r.open_cents);
        left -= part;
        checkout_item::ActiveModel {
            tenant_id: Set(order.tenant_id),
            checkout_id: Set(co.id),
            invoice_id: Set(r.id),
            amount_cents: Set(part),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let locks: Vec<checkout_lock::ActiveModel> = rows
        .iter()
        .map(|r| checkout_lock::ActiveModel {
            invoice_id: Set(r.id),
            tenant_id: Set(order.tenant_id),
            checkout_id: Set(co.id),
            created_at: Set(now),
        })
        .collect();
    // The lock's primary key decides a race between two tabs: the loser reuses the winner's.
    if checkout_lock::Entity::insert_many(locks).exec(&txn).await.is_err() {
        txn.rollback().await?;
        // The winner is still asking its provider: wait briefly for its checkout page.
        let fallback = |u: &str| u.contains("/pay/return/");
        let mut last = None;
        for _ in 0..30 {
            last = reusable(&state.db, tenant, &rows).await?;
            match &last {
                Some(url) if !fallback(url) => break,
                _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        }
        return last.ok_or(ServiceError::Conflict("checkout_in_progress"));
    }
    txn.commit().await?;

    let description = if rows.len() == 1 {
        format!("{} {}", tenant.name, rows[0].number)
    } else {
        let invoices = t(order.locale, Key::InvoicesTitle).to_lowercase();
        format!("{} ({} {invoices})", tenant.name, rows.len())
    };
    // The sandbox lives on this server: relative links keep it working on any host and port.
    let sandboxed = settings.provider == ProviderKind::Sandbox;
    let return_path = format!("/pay/return/{public_id}");
    let return_url = if sandboxed {
        return_path
    } else {
        tenant.link(&return_path)
    };
    let request = CreatePayment {
        checkout_id: public_id.clone(),
        amount_cents: amount,
        currency: "EUR".into(),
        description,
        redirect_url: return_url.clone(),
        cancel_url: return_url,
        webhook_url: tenant.link(&format!("/webhooks/{}", settings.provider.as_str())),
        locale: order.locale.code().into(),
        idempotency_key: public_id.clone(),
    };
    let created = match settings.client(&state.http) {
        Client::Sandbox => sandbox::create(&state.db, now, tenant.id, &request).await,
        Client::Mollie(c) => c.create_payment(&request).await,
        Client::Stripe(c) => c.create_checkout_session(&request).await,
    };
    match created {
        Ok(created) => {
            checkout::Entity::update(checkout::ActiveModel {
                id: Set(co.id),
                provider_payment_id: Set(Some(created.provider_payment_id)),
                checkout_url: Set(Some(created.checkout_url.clone())),
                status: Set("open".into()),
                updated_at: Set(state.clock.now()),
                ..Default::default()
            })
            .exec(&state.db)
            .await?;
            Ok(created.checkout_url)
        }
        Err(e) => {
            tracing::warn!(error = %e, tenant = tenant.id, "payment provider refused a checkout");
            let txn = state.db.begin().await?;
            set_status(&txn, co.id, "failed", state.clock.now()).await?;
            release_locks(&txn, co.id).await?;
            txn.commit().await?;
            Err(ServiceError::Conflict("provider_unavailable"))
        }
    }
}

/// An open checkout holding exactly these invoices: the second click or tab goes there.
async fn reusable<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    rows: &[invoice::Model],
) -> ServiceResult<Option<String>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let locks = checkout_lock::Entity::find()
        .filter(checkout_lock::Column::TenantId.eq(tenant.id))
        .filter(checkout_lock::Column::InvoiceId.is_in(ids.clone()))
        .all(db)
        .await?;
    let Some(first) = locks.first() else {
        return Ok(None);
    };
    if locks.iter().any(|l| l.checkout_id != first.checkout_id) {
        return Err(ServiceError::Conflict("checkout_in_progress"));
    }
    let items = checkout_item::Entity::find()
        .filter(checkout_item::Column::TenantId.eq(tenant.id))
        .filter(checkout_item::Column::CheckoutId.eq(first.checkout_id))
        .all(db)
        .await?;
    let mut held: Vec<i64> = items.iter().map(|i| i.invoice_id).collect();
    held.sort_unstable();
    let mut wanted = ids;
    wanted.sort_unstable();
    if held != wanted {
        return Err(ServiceError::Conflict("checkout_in_progress"));
    }
    let co = checkout::Entity::find_by_id(first.checkout_id)
        .filter(checkout::Column::TenantId.eq(tenant.id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if co.status == "pending" || co.status == "authorized" {
        return Err(ServiceError::Conflict("payment_pending"));
    }
    Ok(Some(co.checkout_url.unwrap_or_else(|| {
        tenant.link(&format!("/pay/return/{}", co.public_id))
    })))
}

async fn set_status<C: ConnectionTrait>(db: &C, id: i64, status: &str, now: DateTime<Utc>) -> ServiceResult<()> {
    checkout::Entity::update(checkout::ActiveModel {
        id: Set(id),
        status: Set(status.into()),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

async fn release_locks<C: ConnectionTrait>(db: &C, checkout_id: i64) -> ServiceResult<()> {
    checkout_lock::Entity::delete_many()
        .filter(checkout_lock::Column::CheckoutId.eq(checkout_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Fetches the payment from the provider (never trusting a webhook body) and applies it.
pub async fn refresh(state: &AppState, tenant: &TenantCtx, co: &checkout::Model) -> ServiceResult<()> {
    let Some(pid) = co.provider_payment_id.as_deref() else {
        return Ok(());
    };
    let settings = payment_settings::load(&state.db, &state.keys, tenant.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let snapshot = match settings.client(&state.http) {
        Client::Sandbox => sandbox::get(&state.db, tenant.id, pid).await,
        Client::Mollie(c) => c.get_payment(pid).await,
        Client::Stripe(c) => c.get_session(pid).await,
    }
    .map_err(provider_error)?;
    apply(state, tenant, co.provider.as_str(), &snapshot).await
}

pub fn provider_error(e: ProviderError) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("payment provider: {e}"))
}

pub async fn find_by_provider_id<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    provider: &str,
    pid: &str,
) -> ServiceResult<Option<checkout::Model>> {
    Ok(checkout::Entity::find()
        .filter(checkout::Column::TenantId.eq(tenant_id))
        .filter(checkout::Column::Provider.eq(provider))
        .filter(checkout::Column::ProviderPaymentId.eq(pid))
        .one(db)
        .await?)
}

/// Records `key` once; false when it was seen before (a duplicate webhook changes nothing).
pub async fn first_time<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    key: &str,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    let res = provider_event::Entity::insert(provider_event::ActiveModel {
        tenant_id: Set(tenant_id),
        event_key: Set(key.chars().take(200).collect()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([provider_event::Column::TenantId, provider_event::Column::EventKey])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(res > 0)
}

/// Applies a provider's view of a payment, in one transaction with its event key.
pub async fn apply(state: &AppState, tenant: &TenantCtx, provider: &str, snap: &PaymentSnapshot) -> ServiceResult<()> {
    apply_event(state, tenant, provider, None, snap).await
}

/// The same for a provider event with an id of its own (Stripe's `evt_...`): that id is
/// recorded too, in the same transaction, so a redelivered event is a no-op.
pub async fn apply_event(
    state: &AppState,
    tenant: &TenantCtx,
    provider: &str,
    event_id: Option<&str>,
    snap: &PaymentSnapshot,
) -> ServiceResult<()> {
    let now = state.clock.now();
    let key = format!(
        "{provider}:{}:{}:{}:{}",
        snap.provider_payment_id,
        snap.state.as_str(),
        snap.refunded_cents,
        snap.charged_back_cents
    );
    let txn = state.db.begin().await?;
    if let Some(id) = event_id {
        if !first_time(&txn, tenant.id, &format!("{provider}:event:{id}"), now).await? {
            txn.rollback().await?;
            return Ok(());
        }
    }
    if !first_time(&txn, tenant.id, &key, now).await? {
        // Seen in this state already: keep only the event id.
        txn.commit().await?;
        return Ok(());
    }
    let Some(co) = find_by_provider_id(&txn, tenant.id, provider, &snap.provider_payment_id).await? else {
        // Not ours (or another tenant's): acknowledged, nothing to do.
        txn.commit().await?;
        return Ok(());
    };
    apply_state(&txn, tenant, &co, snap.state, snap.amount_cents, now).await?;
    if co.refund_target.is_none() && snap.refund_target.is_some() {
        checkout::Entity::update(checkout::ActiveModel {
            id: Set(co.id),
            refund_target: Set(snap.refund_target.clone()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
    }
    take_back_total(&txn, tenant, &co, "refund", snap.refunded_cents, now).await?;
    take_back_total(&txn, tenant, &co, "chargeback", snap.charged_back_cents, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a checkout forward and books its consequences; a late or repeated state is ignored.
pub async fn apply_state<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    co: &checkout::Model,
    next: PaymentState,
    amount_cents: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let current = PaymentState::parse(&co.status).unwrap_or(PaymentState::Open);
    if co.status != "created" && !current.may_become(next) {
        return Ok(());
    }
    if co.status == "created" && next == PaymentState::Open {
        return Ok(());
    }
    set_status(db, co.id, next.as_str(), now).await?;
    let items = checkout_item::Entity::find()
        .filter(checkout_item::Column::TenantId.eq(tenant.id))
        .filter(checkout_item::Column::CheckoutId.eq(co.id))
        .order_by_asc(checkout_item::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = items.iter().map(|i| i.invoice_id).collect();
    match next {
        PaymentState::Paid => {
            // After a failure the locks are gone and the invoices may be in a newer checkout
            // (pending there): leave those alone and only book the money.
            if !current.is_final() {
                release_locks(db, co.id).await?;
                mark_invoices(db, tenant.id, &ids, "pending", "open").await?;
            }
            booking::book(
                db,
                tenant.id,
                now,
                vec![Incoming {
                    source: Source::Provider,
                    dedup_key: format!("{}:{}", co.provider, co.public_id),
                    amount_cents,
                    currency: co.currency.clone(),
                    received_on: tenant.today(now),
                    debtor_name: None,
                    debtor_iban: None,
                    reference_text: format!("checkout {}", co.public_id),
                    end_to_end_id: None,
                    checkout_id: Some(co.id),
                    invoices: ids.clone(),
                }],
            )
            .await?;
            queue_receipt(db, tenant, co, amount_cents, &ids, now).await?;
        }
        PaymentState::Pending | PaymentState::Authorized => {
            mark_invoices(db, tenant.id, &ids, "open", "pending").await?;
        }
        PaymentState::Failed | PaymentState::Canceled | PaymentState::Expired => {
            release_locks(db, co.id).await?;
            mark_invoices(db, tenant.id, &ids, "pending", "open").await?;
        }
        PaymentState::Open => {}
    }
    Ok(())
}

async fn mark_invoices<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    ids: &[i64],
    from: &str,
    to: &str,
) -> ServiceResult<()> {
    invoice::Entity::update_many()
        .col_expr(invoice::Column::Status, sea_orm::sea_query::Expr::value(to))
        .filter(invoice::Column::TenantId.eq(tenant_id))
        .filter(invoice::Column::Id.is_in(ids.iter().copied()))
        .filter(invoice::Column::Status.eq(from))
        .exec(db)
        .await?;
    Ok(())
}

/// Providers report refunds and chargebacks as running totals: book what is new since last time.
async fn take_back_total<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    co: &checkout::Model,
    kind: &str,
    total: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if total <= 0 {
        return Ok(());
    }
    let prefix = format!("{kind}:{}:{}:", co.provider, co.public_id);
    let earlier = payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.id))
        .filter(payment::Column::CheckoutId.eq(co.id))
        .filter(payment::Column::DedupKey.starts_with(prefix.as_str()))
        .all(db)
        .await?;
    let booked: i64 = earlier.iter().map(|p| -p.amount_cents).sum();
    let delta = total - booked;
    if delta <= 0 {
        return Ok(());
    }
    let Some(original) = payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.id))
        .filter(payment::Column::DedupKey.eq(format!("{}:{}", co.provider, co.public_id)))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    booking::take_back(
        db,
        tenant.id,
        now,
        vec![TakeBack {
            dedup_key: format!("{prefix}{total}"),
            source: Source::Provider,
            payment_id: original.id,
            amount_cents: delta,
            received_on: tenant.today(now),
            reason: kind.to_string(),
        }],
    )
    .await?;
    Ok(())
}

async fn queue_receipt<C: ConnectionTrait>(
    db: &C,
    tenant: &TenantCtx,
    co: &checkout::Model,
    amount_cents: i64,
    invoice_ids: &[i64],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let Some(cust) = customer::Entity::find_by_id(co.customer_id)
        .filter(customer::Column::TenantId.eq(tenant.id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(email) = cust.email.as_deref() else {
        return Ok(());
    };
    let numbers: Vec<String> = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .filter(invoice::Column::Id.is_in(invoice_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.number)
        .collect();
    let locale = Locale::parse(&co.locale).unwrap_or(tenant.default_locale);
    let amount = Money::eur(amount_cents).format(locale);
    mails::queue(
        db,
        now,
        tenant,
        email,
        Some(cust.id),
        locale,
        Kind::Receipt {
            amount: &amount,
            invoices: &numbers.join(", "),
        },
    )
    .await?;
    Ok(())
}

/// What the debtor's browser sees on return: the real outcome, fetched if still open.
pub async fn outcome(state: &AppState, tenant: &TenantCtx, public_id: &str) -> ServiceResult<CheckoutView> {
    let find = || async {
        checkout::Entity::find()
            .filter(checkout::Column::TenantId.eq(tenant.id))
            .filter(checkout::Column::PublicId.eq(public_id))
            .one(&state.db)
            .await
    };
    let mut co = find().await?.ok_or(ServiceError::NotFound)?;
    if matches!(co.status.as_str(), "open" | "pending" | "authorized") {
        // The browser may beat the webhook: ask the provider now. A failure leaves the status.
        if let Err(e) = refresh(state, tenant, &co).await {
            tracing::warn!(error = %e, "refreshing a checkout on return failed");
        }
        co = find().await?.ok_or(ServiceError::NotFound)?;
    }
    let outcome = match co.status.as_str() {
        "paid" => PaymentOutcome::Paid,
        "pending" | "authorized" => PaymentOutcome::Pending,
        "failed" => PaymentOutcome::Failed,
        "canceled" | "expired" => PaymentOutcome::Cancelled,
        _ => PaymentOutcome::Open,
    };
    Ok(CheckoutView {
        creditor: tenant.name.clone(),
        amount: Money::eur(co.amount_cents),
        outcome,
        checkout_url: co.checkout_url.filter(|_| outcome == PaymentOutcome::Open),
    })
}

/// "Try again" after a failed or cancelled payment: a new checkout for the same invoices.
pub async fn retry(state: &AppState, tenant: &TenantCtx, public_id: &str) -> ServiceResult<String> {
    let co = checkout::Entity::find()
        .filter(checkout::Column::TenantId.eq(tenant.id))
        .filter(checkout::Column::PublicId.eq(public_id))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let items = checkout_item::Entity::find()
        .filter(checkout_item::Column::TenantId.eq(tenant.id))
        .filter(checkout_item::Column::CheckoutId.eq(co.id))
        .all(&state.db)
        .await?;
    let ids: Vec<i64> = items.iter().map(|i| i.invoice_id).collect();
    let rows = invoice::Entity::find()
        .filter(invoice::Column::TenantId.eq(tenant.id))
        .filter(invoice::Column::Id.is_in(ids))
        .all(&state.db)
        .await?;
    let open: i64 = rows.iter().map(|r| r.open_cents).sum();
    let amount = match co.origin.as_str() {
        "plan" | "plan_link" if co.amount_cents < open => Amount::Instalment(co.amount_cents),
        _ if rows.len() == 1 && co.amount_cents < open => Amount::Part(co.amount_cents),
        _ => Amount::Open,
    };
    let numbers = rows.into_iter().map(|i| i.number).collect();
    start(
        state,
        tenant,
        Order {
            tenant_id: tenant.id,
            customer_id: co.customer_id,
            invoice_numbers: numbers,
            amount,
            origin: match co.origin.as_str() {
                "paylink" => "paylink",
                "plan" => "plan",
                "plan_link" => "plan_link",
                _ => "portal",
            },
            locale: Locale::parse(&co.locale).unwrap_or(tenant.default_locale),
        },
    )
    .await
}
