//! Payment links: a pay-only capability for one invoice, or for one instalment of a payment plan
//! (weeks long, revocable, dead once the invoice or instalment is settled), plus the step-up
//! from a link to a debtor session by a one-time code.
use crate::entities::{customer, invoice, one_time_token, payment_setting};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::{AuthLevel, DebtorScope};
use crate::services::auth::{check_code, consume_token, insert_token, revoke_pending, Caller};
use crate::services::invoices::{payment_instructions, SummaryRow};
use crate::services::mails::{self, Kind};
use crate::services::plans;
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::throttle::Action;
use crate::{audit, tokens};
use chrono::{DateTime, Duration, Utc};

use crate::sql::prebuilt::Prebuilt;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, TransactionTrait};
use serde_json::json;
use settle_domain::contact::{mask_email, mask_name};
use settle_domain::locale::Locale;
use settle_domain::money::Money;
use settle_domain::views::{PayInstalment, PayView};

pub const PAY_LINK_DAYS: i64 = 90;
/// The purpose under which payment link tokens are stored.
pub const PURPOSE: &str = "pay_link";
pub const STEP_UP_MINUTES: i64 = 10;
pub const STEP_UP_MAX_ATTEMPTS: i32 = 5;

pub async fn create<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, inv: &invoice::Model) -> ServiceResult<String> {
    let t = tokens::new_link_token();
    insert_token(
        db,
        now,
        inv.tenant_id,
        inv.customer_id,
        PURPOSE,
        Some(inv.id),
        Duration::days(PAY_LINK_DAYS),
        &t.hash,
    )
    .await?;
    Ok(t.raw)
}

pub(crate) struct Link {
    pub(crate) token: LinkToken,
    /// For an instalment's link: the plan's first invoice still open.
    pub(crate) invoice: LinkInvoice,
    /// An instalment's link: its plan and the instalment's position in it.
    pub(crate) instalment: Option<(plans::Progress, usize)>,
    /// The debtor's name, as the page shows it (masked).
    pub(crate) debtor_name: String,
    /// The tenant's online-payment policy (see `payment_settings::policy`).
    pub(crate) online: Option<(bool, i64)>,
}

/// What a link's page and actions use of its token.
#[derive(Clone, Debug, FromQueryResult)]
pub(crate) struct LinkToken {
    pub(crate) id: i64,
    pub(crate) customer_id: i64,
    pub(crate) purpose: String,
    pub(crate) instalment_id: Option<i64>,
}

impl LinkToken {
    const COLUMNS: [one_time_token::Column; 4] = [
        one_time_token::Column::Id,
        one_time_token::Column::CustomerId,
        one_time_token::Column::Purpose,
        one_time_token::Column::InstalmentId,
    ];
}

/// What they use of its invoice: the summary's columns, its id and its RF reference.
#[derive(Clone, Debug)]
pub(crate) struct LinkInvoice {
    pub(crate) id: i64,
    pub(crate) rf_reference: String,
    pub(crate) head: SummaryRow,
}

impl From<&invoice::Model> for LinkInvoice {
    fn from(row: &invoice::Model) -> Self {
        Self {
            id: row.id,
            rf_reference: row.rf_reference.clone(),
            head: SummaryRow::from(row),
        }
    }
}

/// What the live-link lookup binds.
struct LinkLookup {
    tenant_id: i64,
    hash: String,
    now: DateTime<Utc>,
}

/// A live link's token with, in the same query (each query is a round trip, and on SQLite two
/// thread hand-offs), its invoice (none for an instalment's link), its debtor's name and the
/// tenant's online-payment policy. Every payment link opened runs it: its text is built once.
static LIVE_LINK: Prebuilt<LinkLookup> = Prebuilt::new(live_link_query, |a| {
    vec![
        a.tenant_id.into(),
        a.hash.clone().into(),
        PURPOSE.into(),
        plans::LINK_PURPOSE.into(),
        a.now.into(),
        1u64.into(),
    ]
});

fn live_link_query(a: &LinkLookup) -> SelectStatement {
    use customer::Column as C;
    use invoice::Column as I;
    use one_time_token::Column as T;
    use payment_setting::Column as P;
    let (t, i, c, p) = (
        one_time_token::Entity,
        invoice::Entity,
        customer::Entity,
        payment_setting::Entity,
    );
    let mut q = Query::select();
    crate::sql::select_columns_prefixed::<one_time_token::Entity>(&mut q, "t_", LinkToken::COLUMNS);
    crate::sql::select_columns_prefixed::<invoice::Entity>(
        &mut q,
        "i_",
        [I::Id, I::RfReference].into_iter().chain(SummaryRow::COLUMNS),
    );
    q.expr_as(Expr::col((c, C::Name)), Alias::new("c_name"))
        .expr_as(Expr::col((p, P::AllowPartial)), Alias::new("p_allow_partial"))
        .expr_as(Expr::col((p, P::MinPartialCents)), Alias::new("p_min_partial_cents"))
        .from(t)
        .join(
            JoinType::InnerJoin,
            c,
            Expr::col((c, C::Id))
                .equals((t, T::CustomerId))
                .and(Expr::col((c, C::TenantId)).equals((t, T::TenantId))),
        )
        .join(
            JoinType::LeftJoin,
            i,
            Expr::col((i, I::Id))
                .equals((t, T::InvoiceId))
                .and(Expr::col((i, I::TenantId)).equals((t, T::TenantId)))
                .and(Expr::col((i, I::CustomerId)).equals((t, T::CustomerId))),
        )
        .join(
            JoinType::LeftJoin,
            p,
            Expr::col((p, P::TenantId)).equals((t, T::TenantId)),
        )
        .and_where(Expr::col((t, T::TenantId)).eq(a.tenant_id))
        .and_where(Expr::col((t, T::TokenHash)).eq(a.hash.clone()))
        .and_where(Expr::col((t, T::Purpose)).is_in([PURPOSE, plans::LINK_PURPOSE]))
        .and_where(Expr::col((t, T::UsedAt)).is_null())
        .and_where(Expr::col((t, T::ExpiresAt)).gt(a.now))
        .limit(1);
    q
}

async fn find_live_link(
    state: &AppState,
    now: DateTime<Utc>,
    tenant_id: i64,
    raw: &str,
) -> ServiceResult<Option<(LinkToken, Option<LinkInvoice>, String, Option<(bool, i64)>)>> {
    if raw.trim().is_empty() || raw.len() > 200 {
        return Ok(None);
    }
    let lookup = LinkLookup {
        tenant_id,
        hash: tokens::hash_token(raw),
        now,
    };
    let stmt = LIVE_LINK.statement(state.db.get_database_backend(), &lookup);
    let Some(row) = state.hot.one(stmt).await? else {
        return Ok(None);
    };
    let token = LinkToken::from_query_result(&row, "t_")?;
    let invoice = match row.try_get::<Option<i64>>("", "i_id")? {
        Some(id) => Some(LinkInvoice {
            id,
            rf_reference: row.try_get("", "i_rf_reference")?,
            head: SummaryRow::from_query_result(&row, "i_")?,
        }),
        None => None,
    };
    let name: String = row.try_get("", "c_name")?;
    let online = match (
        row.try_get::<Option<bool>>("", "p_allow_partial")?,
        row.try_get::<Option<i64>>("", "p_min_partial_cents")?,
    ) {
        (Some(allow), Some(min)) => Some((allow, min)),
        _ => None,
    };
    Ok(Some((token, invoice, name, online)))
}

/// A link is good while unexpired, unrevoked and its invoice still open; an instalment's link
/// while its plan runs and the instalment still owes something.
pub(crate) async fn live_link(state: &AppState, tenant: &TenantCtx, raw: &str) -> ServiceResult<Link> {
    let now = state.clock.now();
    let (token, invoice, debtor_name, online) = find_live_link(state, now, tenant.id, raw)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if token.purpose == plans::LINK_PURPOSE {
        let (p, at) = plans::Progress::of_instalment(&state.db, tenant.id, token.instalment_id.unwrap_or_default())
            .await?
            .filter(|(p, at)| p.plan.customer_id == token.customer_id && p.owed[*at] > 0)
            .ok_or(ServiceError::NotFound)?;
        let invoice = p
            .invoices
            .iter()
            .find(|i| i.status == "open" && i.open_cents > 0)
            .map(LinkInvoice::from)
            .ok_or(ServiceError::NotFound)?;
        return Ok(Link {
            token,
            invoice,
            instalment: Some((p, at)),
            debtor_name,
            online,
        });
    }
    let invoice = invoice.ok_or(ServiceError::NotFound)?;
    let today = tenant.today(now);
    if !invoice.head.status(today).is_payable() {
        return Err(ServiceError::NotFound);
    }
    Ok(Link {
        token,
        invoice,
        instalment: None,
        debtor_name,
        online,
    })
}

pub async fn view(state: &AppState, c: &Caller<'_>, raw: &str) -> ServiceResult<PayView> {
    if !state.throttle.check(Action::PayLookup, c.tenant.id, c.ip, None) {
        return Err(ServiceError::RateLimited);
    }
    let link = live_link(state, c.tenant, raw).await?;
    let today = c.tenant.today(state.clock.now());
    let s = link.invoice.head.into_summary(today);
    let (due_date, amount, payment, instalment) = match &link.instalment {
        Some((p, at)) => {
            let i = &p.instalments[*at];
            (
                i.due_date,
                Money::eur(p.owed[*at]),
                p.instructions(c.tenant, *at, today)?,
                Some(PayInstalment {
                    seq: i.seq,
                    of: p.plan.instalments,
                    covers: p.open_numbers(),
                }),
            )
        }
        None => (
            s.due_date,
            s.open,
            payment_instructions(c.tenant, &link.invoice.rf_reference, &s)?,
            None,
        ),
    };
    Ok(PayView {
        creditor: c.tenant.name.clone(),
        invoice_number: s.number.clone(),
        masked_name: mask_name(&link.debtor_name),
        due_date,
        status: s.status,
        amount,
        instalment,
        payment,
        online: link.online.is_some(),
        code_sent_to: None,
        csrf: String::new(),
    })
}

/// "This is me": a 6-digit code to the email on file. Returns where it went, masked.
pub async fn send_step_up_code(state: &AppState, c: &Caller<'_>, raw: &str) -> ServiceResult<String> {
    let link = live_link(state, c.tenant, raw).await?;
    if !state.throttle.check(
        Action::LinkRequest,
        c.tenant.id,
        c.ip,
        Some(&format!("pay:{}", link.token.id)),
    ) {
        return Err(ServiceError::RateLimited);
    }
    let now = state.clock.now();
    let customer = customer::Entity::find_by_id(link.token.customer_id)
        .filter(customer::Column::TenantId.eq(c.tenant.id))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let Some(email) = customer.email.clone() else {
        return Err(ServiceError::invalid("form", "no_contact_on_file"));
    };
    let code = tokens::new_code();
    let tx = state.db.begin().await?;
    // A new code replaces any earlier one.
    revoke_pending(&tx, now, c.tenant.id, customer.id, "step_up").await?;
    insert_token(
        &tx,
        now,
        c.tenant.id,
        customer.id,
        "step_up",
        Some(link.invoice.id),
        Duration::minutes(STEP_UP_MINUTES),
        &code.hash,
    )
    .await?;
    let locale = customer.language.as_deref().and_then(Locale::parse).unwrap_or(c.locale);
    mails::queue(
        &tx,
        now,
        c.tenant,
        &email,
        Some(customer.id),
        locale,
        Kind::StepUpCode { code: &code.raw },
    )
    .await?;
    tx.commit().await?;
    Ok(mask_email(&email))
}

/// Checks the typed code; five wrong tries burn it.
pub async fn verify_step_up(state: &AppState, c: &Caller<'_>, raw: &str, code: &str) -> ServiceResult<DebtorScope> {
    let code = code.trim();
    if code.len() != 6 || !code.chars().all(|ch| ch.is_ascii_digit()) {
        return Err(ServiceError::invalid("code", "code_invalid"));
    }
    if !state.throttle.check(Action::CodeEntry, c.tenant.id, c.ip, None) {
        return Err(ServiceError::RateLimited);
    }
    let link = live_link(state, c.tenant, raw).await?;
    let now = state.clock.now();
    let pending = check_code(
        &state.db,
        now,
        c.tenant.id,
        link.token.customer_id,
        "step_up",
        code,
        STEP_UP_MAX_ATTEMPTS,
    )
    .await?;
    let tx = state.db.begin().await?;
    if !consume_token(&tx, now, pending.id).await? {
        return Err(ServiceError::invalid("code", "code_expired"));
    }
    audit::record(
        &tx,
        now,
        c.tenant.id,
        Some(pending.customer_id),
        "debtor",
        "login",
        json!({"method": "pay_link_step_up"}),
    )
    .await?;
    tx.commit().await?;
    Ok(DebtorScope::new(c.tenant.id, pending.customer_id, AuthLevel::StepUp))
}

/// A code typed from a letter: the payment link it stands for (the code itself, normalised),
/// while that link is live. Unknown, used up and paid all read the same to the typist.
pub async fn letter_code(state: &AppState, c: &Caller<'_>, typed: &str) -> ServiceResult<String> {
    if typed.trim().is_empty() {
        return Err(ServiceError::invalid("code", "required"));
    }
    if !state.throttle.check(Action::CodeEntry, c.tenant.id, c.ip, None) {
        return Err(ServiceError::RateLimited);
    }
    let unknown = || ServiceError::invalid("code", "letter_code_invalid");
    let code = settle_domain::letter_code::normalize(typed).ok_or_else(unknown)?;
    match live_link(state, c.tenant, &code).await {
        Ok(_) => Ok(code),
        Err(ServiceError::NotFound) => Err(unknown()),
        Err(e) => Err(e),
    }
}

/// Used by the pay page: a link is opened without login, so its CSRF token binds to the link.
pub fn csrf_for_link(state: &AppState, raw: &str) -> String {
    tokens::hmac_b64(&state.keys.csrf, &[b"pay", tokens::hash_token(raw).as_bytes()])
}

/// "Pay online" straight from a payment link, no login: a checkout for the link's invoice.
pub async fn start_checkout(state: &AppState, c: &Caller<'_>, raw: &str) -> ServiceResult<String> {
    if !state.throttle.check(Action::PayLookup, c.tenant.id, c.ip, None) {
        return Err(ServiceError::RateLimited);
    }
    let link = live_link(state, c.tenant, raw).await?;
    if let Some((p, at)) = &link.instalment {
        return plans::pay_instalment(state, c.tenant, p, *at, "plan_link", c.locale).await;
    }
    crate::services::checkout::start(
        state,
        c.tenant,
        crate::services::checkout::Order {
            tenant_id: c.tenant.id,
            customer_id: link.token.customer_id,
            invoice_numbers: vec![link.invoice.head.number.clone()],
            amount: crate::services::checkout::Amount::Open,
            origin: "paylink",
            locale: c.locale,
        },
    )
    .await
}
