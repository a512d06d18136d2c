//! Debtor authentication: password login, activation, login links, password reset. Every answer
//! that could reveal whether an account exists is the same either way.
use crate::audit;
use crate::entities::{customer, one_time_token, portal_account, session};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::{AuthLevel, DebtorScope};
use crate::services::mails::{self, Kind};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::throttle::Action;
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;
use settle_domain::contact::{normalize_postcode, CustomerNumber, EmailAddress};
use settle_domain::locale::Locale;
use settle_domain::password::check_new_password;

pub const LOGIN_LINK_TTL: i64 = 10;
pub const SET_PASSWORD_TTL: i64 = 60;
pub const RESET_TTL: i64 = 30;

/// Who is asking: the tenant, the client address (for throttling) and the page language.
pub struct Caller<'a> {
    pub tenant: &'a TenantCtx,
    pub ip: &'a str,
    pub locale: Locale,
}

async fn throttle(state: &AppState, c: &Caller<'_>, action: Action, account: Option<&str>) -> ServiceResult<()> {
    state.attempt(action, c.tenant.id, c.ip, account).await
}

/// The string kept in the identity cookie's server-side session.
pub fn identity_string(scope: &DebtorScope) -> String {
    let level = match scope.level() {
        AuthLevel::Full => "full",
        AuthLevel::StepUp => "stepup",
    };
    format!("{}:{}:{}", scope.tenant_id(), scope.customer_id(), level)
}

/// Rebuilds the scope from a session identity, only for the tenant the request came to.
pub fn scope_from_identity(tenant: &TenantCtx, id: &str) -> Option<DebtorScope> {
    let mut parts = id.split(':');
    let tenant_id: i64 = parts.next()?.parse().ok()?;
    let customer_id: i64 = parts.next()?.parse().ok()?;
    let level = match parts.next()? {
        "full" => AuthLevel::Full,
        "stepup" => AuthLevel::StepUp,
        _ => return None,
    };
    (tenant_id == tenant.id).then(|| DebtorScope::new(tenant_id, customer_id, level))
}

fn mail_locale(customer: &customer::Model, fallback: Locale) -> Locale {
    customer.language.as_deref().and_then(Locale::parse).unwrap_or(fallback)
}

async fn account_by_email<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    email: &str,
) -> ServiceResult<Option<(portal_account::Model, customer::Model)>> {
    let found = portal_account::Entity::find()
        .filter(portal_account::Column::TenantId.eq(tenant_id))
        .filter(portal_account::Column::Email.eq(email))
        .find_also_related(customer::Entity)
        .one(db)
        .await?;
    Ok(match found {
        Some((a, Some(c))) if !a.disabled && c.tenant_id == tenant_id => Some((a, c)),
        _ => None,
    })
}

pub async fn login(state: &AppState, c: &Caller<'_>, email: &str, password: &str) -> ServiceResult<DebtorScope> {
    let failed = || ServiceError::invalid("form", "login_failed");
    let email = EmailAddress::parse(email).map_err(|_| ServiceError::invalid("email", "email_invalid"))?;
    if password.is_empty() {
        return Err(ServiceError::invalid("password", "required"));
    }
    throttle(state, c, Action::Login, Some(email.as_str())).await?;
    let now = state.clock.now();
    let found = account_by_email(&state.db, c.tenant.id, email.as_str()).await?;
    let stored = found.as_ref().and_then(|(a, _)| a.password_hash.clone());
    // Always one argon2 verification, against a dummy hash when there is no account.
    let ok = state.hasher.verify(password, stored.as_deref()).await?;
    match found {
        Some((account, customer)) if ok => {
            let tx = state.db.begin().await?;
            portal_account::Entity::update_many()
                .col_expr(portal_account::Column::LastLoginAt, Expr::value(Some(now)))
                .filter(portal_account::Column::Id.eq(account.id))
                .exec(&tx)
                .await?;
            audit::record(
                &tx,
                now,
                c.tenant.id,
                Some(customer.id),
                "debtor",
                "login",
                json!({"method": "password"}),
            )
            .await?;
            tx.commit().await?;
            Ok(DebtorScope::new(c.tenant.id, customer.id, AuthLevel::Full))
        }
        Some((_, customer)) => {
            audit::debtor(&state.db, now, c.tenant.id, customer.id, "login_failed").await?;
            Err(failed())
        }
        None => Err(failed()),
    }
}

/// First-time activation: customer number + postcode. A match gets a set-password link by
/// email; the caller always shows the same answer.
pub async fn request_activation(
    state: &AppState,
    c: &Caller<'_>,
    customer_number: &str,
    postcode: &str,
) -> ServiceResult<()> {
    let number = CustomerNumber::parse(customer_number)
        .map_err(|_| ServiceError::invalid("customer_number", "customer_number_invalid"))?;
    let postcode = normalize_postcode(postcode);
    if postcode.is_empty() {
        return Err(ServiceError::invalid("postcode", "required"));
    }
    throttle(state, c, Action::Activate, Some(number.as_str())).await?;
    let now = state.clock.now();
    let found = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(c.tenant.id))
        .filter(customer::Column::CustomerNumber.eq(number.as_str()))
        .one(&state.db)
        .await?;
    let Some(customer) = found else { return Ok(()) };
    if !tokens::constant_time_eq(&normalize_postcode(&customer.postcode), &postcode) {
        audit::debtor(&state.db, now, c.tenant.id, customer.id, "activation_mismatch").await?;
        return Ok(());
    }
    let Some(email) = customer.email.clone().and_then(|e| EmailAddress::parse(&e).ok()) else {
        // No email on file: codes by SMS come with the SMS channel; the answer stays the same.
        audit::debtor(&state.db, now, c.tenant.id, customer.id, "activation_no_email").await?;
        return Ok(());
    };
    let tx = state.db.begin().await?;
    let account = portal_account::Entity::find()
        .filter(portal_account::Column::TenantId.eq(c.tenant.id))
        .filter(portal_account::Column::CustomerId.eq(customer.id))
        .one(&tx)
        .await?;
    let account = match account {
        Some(a) => a,
        None => {
            portal_account::ActiveModel {
                tenant_id: Set(c.tenant.id),
                customer_id: Set(customer.id),
                email: Set(email.as_str().to_string()),
                password_hash: Set(None),
                activated_at: Set(None),
                disabled: Set(false),
                last_login_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?
        }
    };
    if account.disabled {
        return Ok(());
    }
    let token = issue_token(
        &tx,
        now,
        c.tenant.id,
        customer.id,
        "set_password",
        None,
        Duration::minutes(SET_PASSWORD_TTL),
    )
    .await?;
    let link = c.tenant.link(&format!("/password/reset?token={}", token));
    mails::queue(
        &tx,
        now,
        c.tenant,
        &account.email,
        Some(customer.id),
        mail_locale(&customer, c.locale),
        Kind::SetPassword { link: &link },
    )
    .await?;
    audit::debtor(&tx, now, c.tenant.id, customer.id, "activation_requested").await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailedLink {
    Login,
    Reset,
}

/// Mails a login or reset link when the address belongs to an account; silent otherwise.
pub async fn request_link(state: &AppState, c: &Caller<'_>, email: &str, which: EmailedLink) -> ServiceResult<()> {
    let email = EmailAddress::parse(email).map_err(|_| ServiceError::invalid("email", "email_invalid"))?;
    throttle(state, c, Action::LinkRequest, Some(email.as_str())).await?;
    let now = state.clock.now();
    let Some((account, customer)) = account_by_email(&state.db, c.tenant.id, email.as_str()).await? else {
        return Ok(());
    };
    // A login link needs an activated account; a reset link may also finish an activation.
    if which == EmailedLink::Login && account.password_hash.is_none() && account.activated_at.is_none() {
        return Ok(());
    }
    let (purpose, ttl, path) = match which {
        EmailedLink::Login => ("magic_link", LOGIN_LINK_TTL, "/login/link"),
        EmailedLink::Reset => ("password_reset", RESET_TTL, "/password/reset"),
    };
    let tx = state.db.begin().await?;
    let token = issue_token(
        &tx,
        now,
        c.tenant.id,
        customer.id,
        purpose,
        None,
        Duration::minutes(ttl),
    )
    .await?;
    let link = c.tenant.link(&format!("{path}?token={token}"));
    let kind = match which {
        EmailedLink::Login => Kind::LoginLink { link: &link },
        EmailedLink::Reset => Kind::PasswordReset { link: &link },
    };
    mails::queue(
        &tx,
        now,
        c.tenant,
        &account.email,
        Some(customer.id),
        mail_locale(&customer, c.locale),
        kind,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Issues a one-time link token and returns the raw value (only its hash is stored).
pub async fn issue_token<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    customer_id: i64,
    purpose: &str,
    invoice_id: Option<i64>,
    ttl: Duration,
) -> ServiceResult<String> {
    let t = tokens::new_link_token();
    insert_token(db, now, tenant_id, customer_id, purpose, invoice_id, ttl, &t.hash).await?;
    Ok(t.raw)
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_token<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    customer_id: i64,
    purpose: &str,
    invoice_id: Option<i64>,
    ttl: Duration,
    hash: &str,
) -> ServiceResult<one_time_token::Model> {
    Ok(one_time_token::ActiveModel {
        tenant_id: Set(tenant_id),
        customer_id: Set(customer_id),
        purpose: Set(purpose.to_string()),
        token_hash: Set(hash.to_string()),
        invoice_id: Set(invoice_id),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        attempts: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Ends every unused token of `purpose` for the customer: a new code or link replaces them.
pub(crate) async fn revoke_pending<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    customer_id: i64,
    purpose: &str,
) -> ServiceResult<()> {
    one_time_token::Entity::update_many()
        .col_expr(one_time_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_token::Column::TenantId.eq(tenant_id))
        .filter(one_time_token::Column::CustomerId.eq(customer_id))
        .filter(one_time_token::Column::Purpose.eq(purpose))
        .filter(one_time_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Checks a typed code against the customer's newest live code of `purpose`. A wrong one counts
/// an attempt, and `max_attempts` wrong ones burn the code. Returns the code's token, still to
/// be consumed in the caller's transaction.
pub(crate) async fn check_code(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
    tenant_id: i64,
    customer_id: i64,
    purpose: &str,
    code: &str,
    max_attempts: i32,
) -> ServiceResult<one_time_token::Model> {
    let pending = one_time_token::Entity::find()
        .filter(one_time_token::Column::TenantId.eq(tenant_id))
        .filter(one_time_token::Column::CustomerId.eq(customer_id))
        .filter(one_time_token::Column::Purpose.eq(purpose))
        .filter(one_time_token::Column::UsedAt.is_null())
        .filter(one_time_token::Column::ExpiresAt.gt(now))
        .order_by_desc(one_time_token::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::invalid("code", "code_expired"))?;
    if !tokens::constant_time_eq(&pending.token_hash, &tokens::hash_token(code)) {
        let attempts = pending.attempts + 1;
        let mut update = one_time_token::Entity::update_many()
            .col_expr(one_time_token::Column::Attempts, Expr::value(attempts))
            .filter(one_time_token::Column::Id.eq(pending.id));
        if attempts >= max_attempts {
            update = update.col_expr(one_time_token::Column::UsedAt, Expr::value(Some(now)));
        }
        update.exec(db).await?;
        return Err(ServiceError::invalid("code", "code_invalid"));
    }
    Ok(pending)
}

/// A live (unused, unexpired) token of one of the purposes, in this tenant.
pub(crate) async fn find_live_token<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tenant_id: i64,
    raw: &str,
    purposes: &[&str],
) -> ServiceResult<Option<one_time_token::Model>> {
    if raw.trim().is_empty() || raw.len() > 200 {
        return Ok(None);
    }
    let row = one_time_token::Entity::find()
        .filter(one_time_token::Column::TenantId.eq(tenant_id))
        .filter(one_time_token::Column::TokenHash.eq(tokens::hash_token(raw)))
        .filter(one_time_token::Column::Purpose.is_in(purposes.iter().copied()))
        .filter(one_time_token::Column::UsedAt.is_null())
        .filter(one_time_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(row)
}

/// Marks a token used; false when someone else used it first (single use under concurrency).
pub(crate) async fn consume_token<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, id: i64) -> ServiceResult<bool> {
    let res = one_time_token::Entity::update_many()
        .col_expr(one_time_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_token::Column::Id.eq(id))
        .filter(one_time_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Whether a set-password/reset link is still good, for showing the form (does not consume).
pub async fn password_token_is_live(state: &AppState, tenant: &TenantCtx, raw: &str) -> ServiceResult<bool> {
    let now = state.clock.now();
    Ok(
        find_live_token(&state.db, now, tenant.id, raw, &["set_password", "password_reset"])
            .await?
            .is_some(),
    )
}

/// Sets the password from a set-password or reset link, ends every other session of the
/// debtor, and logs them in.
pub async fn set_password(
    state: &AppState,
    c: &Caller<'_>,
    raw: &str,
    password: &str,
    confirm: &str,
) -> ServiceResult<DebtorScope> {
    if let Err(problem) = check_new_password(password) {
        return Err(ServiceError::invalid("password", problem.code()));
    }
    if password != confirm {
        return Err(ServiceError::invalid("confirm", "password_mismatch"));
    }
    throttle(state, c, Action::CodeEntry, None).await?;
    let now = state.clock.now();
    let token = find_live_token(&state.db, now, c.tenant.id, raw, &["set_password", "password_reset"])
        .await?
        .ok_or_else(|| ServiceError::invalid("form", "link_invalid"))?;
    let hash = state.hasher.hash(password).await?;
    let tx = state.db.begin().await?;
    if !consume_token(&tx, now, token.id).await? {
        return Err(ServiceError::invalid("form", "link_invalid"));
    }
    let account = portal_account::Entity::find()
        .filter(portal_account::Column::TenantId.eq(c.tenant.id))
        .filter(portal_account::Column::CustomerId.eq(token.customer_id))
        .one(&tx)
        .await?
        .ok_or_else(|| ServiceError::invalid("form", "link_invalid"))?;
    if account.disabled {
        return Err(ServiceError::invalid("form", "link_invalid"));
    }
    let mut active: portal_account::ActiveModel = account.clone().into();
    active.password_hash = Set(Some(hash));
    if account.activated_at.is_none() {
        active.activated_at = Set(Some(now));
    }
    active.last_login_at = Set(Some(now));
    active.update(&tx).await?;
    kill_sessions(&tx, c.tenant.id, token.customer_id).await?;
    audit::record(
        &tx,
        now,
        c.tenant.id,
        Some(token.customer_id),
        "debtor",
        "password_set",
        json!({"purpose": token.purpose}),
    )
    .await?;
    tx.commit().await?;
    Ok(DebtorScope::new(c.tenant.id, token.customer_id, AuthLevel::Full))
}

/// Whether a login link is still good, for the confirmation page (a GET never consumes it,
/// because mail scanners fetch links).
pub async fn login_link_is_live(state: &AppState, tenant: &TenantCtx, raw: &str) -> ServiceResult<bool> {
    let now = state.clock.now();
    Ok(find_live_token(&state.db, now, tenant.id, raw, &["magic_link"])
        .await?
        .is_some())
}

pub async fn consume_login_link(state: &AppState, c: &Caller<'_>, raw: &str) -> ServiceResult<DebtorScope> {
    throttle(state, c, Action::CodeEntry, None).await?;
    let now = state.clock.now();
    let invalid = || ServiceError::invalid("form", "link_invalid");
    let token = find_live_token(&state.db, now, c.tenant.id, raw, &["magic_link"])
        .await?
        .ok_or_else(invalid)?;
    let tx = state.db.begin().await?;
    if !consume_token(&tx, now, token.id).await? {
        return Err(invalid());
    }
    let account = portal_account::Entity::find()
        .filter(portal_account::Column::TenantId.eq(c.tenant.id))
        .filter(portal_account::Column::CustomerId.eq(token.customer_id))
        .one(&tx)
        .await?;
    if account.is_none_or(|a| a.disabled) {
        return Err(invalid());
    }
    audit::record(
        &tx,
        now,
        c.tenant.id,
        Some(token.customer_id),
        "debtor",
        "login",
        json!({"method": "link"}),
    )
    .await?;
    tx.commit().await?;
    Ok(DebtorScope::new(c.tenant.id, token.customer_id, AuthLevel::Full))
}

pub async fn kill_sessions<C: ConnectionTrait>(db: &C, tenant_id: i64, customer_id: i64) -> ServiceResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::TenantId.eq(tenant_id))
        .filter(session::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn record_logout(state: &AppState, scope: &DebtorScope) -> ServiceResult<()> {
    audit::record(
        &state.db,
        state.clock.now(),
        scope.tenant_id(),
        Some(scope.customer_id()),
        "debtor",
        "logout",
        json!({}),
    )
    .await?;
    Ok(())
}

/// The signed-in debtor's name and preferred language, for the page header and the language.
/// The session store reads them with the session, in the same query (`SessionDebtor::KEY`),
/// so a debtor's page costs no query of its own for them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionDebtor {
    pub tenant_id: i64,
    pub customer_id: i64,
    pub name: String,
    pub language: Option<String>,
}

impl SessionDebtor {
    /// The session entry the store adds on load and leaves out when it writes the session.
    pub const KEY: &'static str = "settle.debtor";
}

/// The debtor's name and language: the session's copy when it is this debtor's (read with the
/// session in this request), else from the database.
pub async fn me(state: &AppState, scope: &DebtorScope, loaded: Option<SessionDebtor>) -> ServiceResult<SessionDebtor> {
    if let Some(d) = loaded.filter(|d| d.tenant_id == scope.tenant_id() && d.customer_id == scope.customer_id()) {
        return Ok(d);
    }
    let c = customer_of(&state.db, scope).await?;
    Ok(SessionDebtor {
        tenant_id: c.tenant_id,
        customer_id: c.id,
        name: c.name,
        language: c.language,
    })
}

/// The signed-in debtor's customer row, in any transaction.
pub async fn customer_of<C: ConnectionTrait>(db: &C, scope: &DebtorScope) -> ServiceResult<customer::Model> {
    customer::Entity::find_by_id(scope.customer_id())
        .filter(customer::Column::TenantId.eq(scope.tenant_id()))
        .one(db)
        .await?
        .ok_or(ServiceError::Unauthenticated)
}
