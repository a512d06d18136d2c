//! The debtor's own contact data (`/profile`): postal address, language and channel
//! preferences at once; a new email address only after the link sent to it is followed (the old
//! address is told); a new mobile number only after the SMS code sent to it is typed. Every
//! change is kept with its old and new value for staff, audited, and reported to the creditor
//! as `customer.updated`, in the transaction that makes it.
use crate::entities::{customer, customer_change, portal_account};
use crate::error::{ServiceError, ServiceResult};
use crate::scope::{AuthLevel, DebtorScope};
use crate::services::auth::{
    check_code, consume_token, customer_of, find_live_token, insert_token, revoke_pending, Caller,
};
use crate::services::consents;
use crate::services::mails::{self, Kind};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::throttle::Action;
use crate::{audit, tokens};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;
use settle_domain::address;
use settle_domain::contact::{mask_email, EmailAddress};
use settle_domain::locale::Locale;
use settle_domain::views::ProfileView;

const EMAIL_PURPOSE: &str = "email_change";
const PHONE_PURPOSE: &str = "phone_code";
const EMAIL_LINK_HOURS: i64 = 24;
const PHONE_CODE_MINUTES: i64 = 10;
const PHONE_CODE_ATTEMPTS: i32 = 5;
/// A login this recent stands in for the password when the email address changes.
const FRESH_LOGIN_MINUTES: i64 = 10;

pub async fn view(state: &AppState, tenant: &TenantCtx, scope: &DebtorScope) -> ServiceResult<ProfileView> {
    let c = customer_of(&state.db, scope).await?;
    let representative = crate::services::representatives::of(&state.db, c.tenant_id, c.id)
        .await?
        .map(|r| (r.kind, r.name, r.mode == "instead"));
    let consents = consents::history(&state.db, tenant, c.id).await?;
    let tracking_offered = tracking_offered(&state.db, tenant).await?;
    Ok(ProfileView {
        name: c.name,
        customer_number: c.customer_number,
        email: c.email,
        pending_email: c.pending_email,
        phone: c.phone_e164,
        pending_phone: c.pending_phone,
        street: c.street,
        postcode: c.postcode,
        city: c.city,
        country: c.country,
        language: c.language,
        pref_email: c.pref_email,
        pref_sms: c.pref_sms,
        pref_letter: c.pref_letter,
        voice_consent: c.voice_consent_at.is_some(),
        full_login: scope.level() == AuthLevel::Full,
        representative,
        tracking_offered,
        tracking: c.tracking_refused_at.is_none(),
        consents,
    })
}

/// Whether the creditor counts opens or clicks of reminder emails (so a debtor may say no).
async fn tracking_offered<C: ConnectionTrait>(db: &C, tenant: &TenantCtx) -> ServiceResult<bool> {
    let policy = crate::dunning::policy::load(db, tenant).await?;
    Ok(policy.click_tracking || policy.open_tracking)
}

/// Keeps the changed fields (old and new value), audits them and tells the creditor. `actor`:
/// the debtor, or the staff member who corrected them.
pub(crate) async fn changed_by<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    c: &customer::Model,
    actor: &str,
    changes: &[(&str, Option<String>, Option<String>)],
) -> ServiceResult<()> {
    let changes: Vec<_> = changes.iter().filter(|(_, old, new)| old != new).collect();
    if changes.is_empty() {
        return Ok(());
    }
    let mut fields = serde_json::Map::new();
    for (field, old, new) in &changes {
        customer_change::ActiveModel {
            tenant_id: Set(c.tenant_id),
            customer_id: Set(c.id),
            field: Set(field.to_string()),
            old_value: Set(old.clone()),
            new_value: Set(new.clone()),
            actor: Set(actor.to_string()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        fields.insert(field.to_string(), json!(new));
    }
    let names: Vec<&str> = changes.iter().map(|(f, _, _)| *f).collect();
    audit::record(
        db,
        now,
        c.tenant_id,
        Some(c.id),
        actor,
        "profile_changed",
        json!({ "fields": names }),
    )
    .await?;
    crate::outgoing::emit(
        db,
        now,
        c.tenant_id,
        "customer.updated",
        json!({ "customer_number": c.customer_number, "changes": fields }),
    )
    .await?;
    Ok(())
}

async fn changed<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    c: &customer::Model,
    changes: &[(&str, Option<String>, Option<String>)],
) -> ServiceResult<()> {
    changed_by(db, now, c, "debtor", changes).await
}

fn bool_str(b: bool) -> Option<String> {
    Some(b.to_string())
}

pub async fn update_address(
    state: &AppState,
    scope: &DebtorScope,
    street: &str,
    postcode: &str,
    city: &str,
    country: &str,
) -> ServiceResult<()> {
    scope.require_full()?;
    let a = address::parse(street, postcode, city, country).map_err(ServiceError::Invalid)?;
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let c = customer_of(&tx, scope).await?;
    changed(
        &tx,
        now,
        &c,
        &[
            ("street", Some(c.street.clone()), Some(a.street.clone())),
            ("postcode", Some(c.postcode.clone()), Some(a.postcode.clone())),
            ("city", Some(c.city.clone()), Some(a.city.clone())),
            ("country", Some(c.country.clone()), Some(a.country.clone())),
        ],
    )
    .await?;
    let moved = (&c.street, &c.postcode, &c.city, &c.country) != (&a.street, &a.postcode, &a.city, &a.country);
    let mut row: customer::ActiveModel = c.into();
    if moved {
        // A new address is a working one until a letter comes back again.
        row.address_invalid_at = Set(None);
    }
    row.street = Set(a.street);
    row.postcode = Set(a.postcode);
    row.city = Set(a.city);
    row.country = Set(a.country);
    row.updated_at = Set(now);
    row.update(&tx).await?;
    tx.commit().await?;
    Ok(())
}

pub struct Preferences<'a> {
    pub language: &'a str,
    pub email: bool,
    pub sms: bool,
    pub letter: bool,
    /// The box "I agree to reminders by SMS".
    pub sms_consent: bool,
    /// The box "I agree to automated calls".
    pub voice_consent: bool,
    /// The box "count when I open or click reminder emails", when the form showed it.
    pub tracking: Option<bool>,
    /// The language the consent wording was shown in (else the account's, else the tenant's).
    pub shown_in: Option<Locale>,
}

/// Language and channels at once; a consent given or withdrawn (SMS, tracking) is recorded
/// in the same transaction.
pub async fn update_preferences(
    state: &AppState,
    tenant: &TenantCtx,
    scope: &DebtorScope,
    p: &Preferences<'_>,
) -> ServiceResult<()> {
    scope.require_full()?;
    let language = Locale::parse(p.language).ok_or_else(|| ServiceError::invalid("language", "language_invalid"))?;
    if !(p.email || p.sms || p.letter) {
        return Err(ServiceError::invalid("channels", "channel_needed"));
    }
    if p.sms && !p.sms_consent {
        return Err(ServiceError::invalid("sms_consent", "sms_consent_needed"));
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let c = customer_of(&tx, scope).await?;
    if p.sms && c.phone_e164.is_none() {
        return Err(ServiceError::invalid("channels", "sms_needs_phone"));
    }
    if p.voice_consent && c.phone_e164.is_none() {
        return Err(ServiceError::invalid("voice_consent", "voice_needs_phone"));
    }
    changed(
        &tx,
        now,
        &c,
        &[
            ("language", c.language.clone(), Some(language.code().to_string())),
            ("pref_email", bool_str(c.pref_email), bool_str(p.email)),
            ("pref_sms", bool_str(c.pref_sms), bool_str(p.sms)),
            ("pref_letter", bool_str(c.pref_letter), bool_str(p.letter)),
        ],
    )
    .await?;
    let consent_at = match (p.sms, c.sms_consent_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    };
    let shown_in = p
        .shown_in
        .or_else(|| c.language.as_deref().and_then(Locale::parse))
        .unwrap_or(tenant.default_locale);
    let how = consents::Recorded {
        source: "portal",
        actor: None,
        locale: shown_in,
        at: now,
    };
    if consent_at.is_some() != c.sms_consent_at.is_some() {
        consents::record(&tx, c.tenant_id, c.id, consents::SMS, p.sms, &how).await?;
    }
    let voice_at = match (p.voice_consent, c.voice_consent_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    };
    if voice_at.is_some() != c.voice_consent_at.is_some() {
        consents::record(&tx, c.tenant_id, c.id, consents::VOICE, p.voice_consent, &how).await?;
    }
    let offered = tracking_offered(&tx, tenant).await?;
    let refused_at = match (p.tracking.filter(|_| offered), c.tracking_refused_at) {
        (Some(false), None) => Some(now),
        (Some(true), Some(_)) => None,
        (_, kept) => kept,
    };
    if refused_at.is_some() != c.tracking_refused_at.is_some() {
        consents::record(&tx, c.tenant_id, c.id, consents::TRACKING, refused_at.is_none(), &how).await?;
    }
    let mut row: customer::ActiveModel = c.into();
    row.tracking_refused_at = Set(refused_at);
    row.language = Set(Some(language.code().to_string()));
    row.pref_email = Set(p.email);
    row.pref_sms = Set(p.sms);
    row.pref_letter = Set(p.letter);
    row.sms_consent_at = Set(consent_at);
    row.voice_consent_at = Set(voice_at);
    row.updated_at = Set(now);
    row.update(&tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends a confirmation link to the new address and tells the old one. Needs the current
/// password, or a login in the last ten minutes. Returns the masked new address.
pub async fn request_email_change(
    state: &AppState,
    c: &Caller<'_>,
    scope: &DebtorScope,
    new_email: &str,
    password: &str,
) -> ServiceResult<String> {
    scope.require_full()?;
    let email = EmailAddress::parse(new_email).map_err(|_| ServiceError::invalid("email", "email_invalid"))?;
    let now = state.clock.now();
    let customer = customer_of(&state.db, scope).await?;
    if customer.email.as_deref() == Some(email.as_str()) {
        return Err(ServiceError::invalid("email", "email_unchanged"));
    }
    let account = portal_account::Entity::find()
        .filter(portal_account::Column::TenantId.eq(scope.tenant_id()))
        .filter(portal_account::Column::CustomerId.eq(scope.customer_id()))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let key = format!("profile:{}", customer.id);
    state.attempt(Action::Login, c.tenant.id, c.ip, Some(&key)).await?;
    let fresh = account
        .last_login_at
        .is_some_and(|t| now - t < Duration::minutes(FRESH_LOGIN_MINUTES));
    let proven = if password.is_empty() {
        fresh
    } else {
        state.hasher.verify(password, account.password_hash.as_deref()).await?
    };
    if !proven {
        let code = if password.is_empty() {
            "required"
        } else {
            "password_wrong"
        };
        return Err(ServiceError::invalid("password", code));
    }
    let tx = state.db.begin().await?;
    // One pending change at a time: an earlier link stops working.
    revoke_pending(&tx, now, c.tenant.id, customer.id, EMAIL_PURPOSE).await?;
    let token = tokens::new_link_token();
    insert_token(
        &tx,
        now,
        c.tenant.id,
        customer.id,
        EMAIL_PURPOSE,
        None,
        Duration::hours(EMAIL_LINK_HOURS),
        &token.hash,
    )
    .await?;
    customer::Entity::update_many()
        .col_expr(
            customer::Column::PendingEmail,
            Expr::value(Some(email.as_str().to_string())),
        )
        .filter(customer::Column::Id.eq(customer.id))
        .exec(&tx)
        .await?;
    let locale = customer.language.as_deref().and_then(Locale::parse).unwrap_or(c.locale);
    let link = c.tenant.link(&format!("/profile/email/confirm?token={}", token.raw));
    mails::queue(
        &tx,
        now,
        c.tenant,
        email.as_str(),
        Some(customer.id),
        locale,
        Kind::EmailChangeConfirm { link: &link },
    )
    .await?;
    if let Some(old) = customer.email.as_deref() {
        let masked = mask_email(email.as_str());
        mails::queue(
            &tx,
            now,
            c.tenant,
            old,
            Some(customer.id),
            locale,
            Kind::EmailChangeNotice { new: &masked },
        )
        .await?;
    }
    audit::record(
        &tx,
        now,
        c.tenant.id,
        Some(customer.id),
        "debtor",
        "email_change_requested",
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(mask_email(email.as_str()))
}

pub async fn email_link_is_live(state: &AppState, tenant: &TenantCtx, raw: &str) -> ServiceResult<bool> {
    Ok(
        find_live_token(&state.db, state.clock.now(), tenant.id, raw, &[EMAIL_PURPOSE])
            .await?
            .is_some(),
    )
}

/// Follows the link: the pending address becomes the email address, and the login.
pub async fn confirm_email_change(state: &AppState, tenant: &TenantCtx, raw: &str) -> ServiceResult<()> {
    let now = state.clock.now();
    let token = find_live_token(&state.db, now, tenant.id, raw, &[EMAIL_PURPOSE])
        .await?
        .ok_or(ServiceError::NotFound)?;
    let tx = state.db.begin().await?;
    if !consume_token(&tx, now, token.id).await? {
        return Err(ServiceError::NotFound);
    }
    let c = customer::Entity::find_by_id(token.customer_id)
        .filter(customer::Column::TenantId.eq(tenant.id))
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let Some(new) = c.pending_email.clone() else {
        return Err(ServiceError::NotFound);
    };
    // The login follows the address; another account of this tenant may not hold it already.
    let taken = portal_account::Entity::find()
        .filter(portal_account::Column::TenantId.eq(tenant.id))
        .filter(portal_account::Column::Email.eq(new.as_str()))
        .filter(portal_account::Column::CustomerId.ne(c.id))
        .one(&tx)
        .await?
        .is_some();
    if taken {
        return Err(ServiceError::Conflict("email_in_use"));
    }
    portal_account::Entity::update_many()
        .col_expr(portal_account::Column::Email, Expr::value(new.as_str()))
        .filter(portal_account::Column::TenantId.eq(tenant.id))
        .filter(portal_account::Column::CustomerId.eq(c.id))
        .exec(&tx)
        .await?;
    changed(&tx, now, &c, &[("email", c.email.clone(), Some(new.clone()))]).await?;
    let mut row: customer::ActiveModel = c.into();
    row.email = Set(Some(new));
    row.pending_email = Set(None);
    row.email_invalid_at = Set(None);
    row.updated_at = Set(now);
    row.update(&tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends a 6-digit code by SMS to the new mobile number. Returns the number as stored.
pub async fn request_phone_code(
    state: &AppState,
    c: &Caller<'_>,
    scope: &DebtorScope,
    typed: &str,
) -> ServiceResult<String> {
    scope.require_full()?;
    let country = c.tenant.country();
    let phone = crate::phone::mobile_e164(typed, country).map_err(|code| ServiceError::invalid("phone", code))?;
    let customer = customer_of(&state.db, scope).await?;
    if customer.phone_e164.as_deref() == Some(phone.as_str()) {
        return Err(ServiceError::invalid("phone", "phone_unchanged"));
    }
    let key = format!("phone:{}", customer.id);
    state
        .attempt(Action::LinkRequest, c.tenant.id, c.ip, Some(&key))
        .await?;
    let now = state.clock.now();
    let code = tokens::new_code();
    let tx = state.db.begin().await?;
    revoke_pending(&tx, now, c.tenant.id, customer.id, PHONE_PURPOSE).await?;
    insert_token(
        &tx,
        now,
        c.tenant.id,
        customer.id,
        PHONE_PURPOSE,
        None,
        Duration::minutes(PHONE_CODE_MINUTES),
        &code.hash,
    )
    .await?;
    customer::Entity::update_many()
        .col_expr(customer::Column::PendingPhone, Expr::value(Some(phone.clone())))
        .filter(customer::Column::Id.eq(customer.id))
        .exec(&tx)
        .await?;
    let locale = customer.language.as_deref().and_then(Locale::parse).unwrap_or(c.locale);
    let text = settle_domain::i18n::mail::phone_code_sms(locale, &c.tenant.name, &code.raw);
    crate::outbox::enqueue_sms(&tx, now, c.tenant.id, Some(customer.id), &phone, text).await?;
    audit::record(
        &tx,
        now,
        c.tenant.id,
        Some(customer.id),
        "debtor",
        "phone_code_sent",
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(phone)
}

/// The code from the SMS: the pending number becomes the mobile number. Five wrong tries burn it.
pub async fn verify_phone_code(state: &AppState, c: &Caller<'_>, scope: &DebtorScope, code: &str) -> ServiceResult<()> {
    scope.require_full()?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ServiceError::invalid("code", "code_invalid"));
    }
    if !state.throttle.check(Action::CodeEntry, c.tenant.id, c.ip, None) {
        return Err(ServiceError::RateLimited);
    }
    let now = state.clock.now();
    let pending = check_code(
        &state.db,
        now,
        scope.tenant_id(),
        scope.customer_id(),
        PHONE_PURPOSE,
        code,
        PHONE_CODE_ATTEMPTS,
    )
    .await?;
    let tx = state.db.begin().await?;
    if !consume_token(&tx, now, pending.id).await? {
        return Err(ServiceError::invalid("code", "code_expired"));
    }
    let customer = customer_of(&tx, scope).await?;
    let Some(phone) = customer.pending_phone.clone() else {
        return Err(ServiceError::invalid("code", "code_expired"));
    };
    changed(
        &tx,
        now,
        &customer,
        &[("phone", customer.phone_e164.clone(), Some(phone.clone()))],
    )
    .await?;
    let mut row: customer::ActiveModel = customer.into();
    row.phone_e164 = Set(Some(phone));
    row.pending_phone = Set(None);
    row.updated_at = Set(now);
    row.update(&tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Contact data changes of a debtor, newest first (for staff and tests).
pub async fn history<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    customer_id: i64,
) -> ServiceResult<Vec<customer_change::Model>> {
    Ok(customer_change::Entity::find()
        .filter(customer_change::Column::TenantId.eq(tenant_id))
        .filter(customer_change::Column::CustomerId.eq(customer_id))
        .order_by_desc(customer_change::Column::Id)
        .all(db)
        .await?)
}
