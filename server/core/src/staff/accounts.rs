//! Creating staff accounts and their second factor: the TOTP secret is sealed at rest, and ten
//! one-time recovery codes are stored as SHA-256 only. Both are shown once, at creation.
use super::{totp, Role};
use crate::entities::{staff_recovery_code, staff_user};
use crate::error::{unique_or, ServiceError, ServiceResult};
use crate::keys::Keys;
use crate::tokens::{hash_token, new_letter_code};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use settle_domain::contact::EmailAddress;
use settle_domain::letter_code;

pub const RECOVERY_CODES: usize = 10;

pub struct NewStaff<'a> {
    /// None: a platform operator.
    pub tenant_id: Option<i64>,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    /// Already hashed (argon2id).
    pub password_hash: String,
    /// Set up a second factor (always for admins and operators); a given secret (the demo's)
    /// or a new one.
    pub totp: Option<Option<Vec<u8>>>,
}

/// What the new staff member needs once: the TOTP secret and the recovery codes.
pub struct Created {
    pub id: i64,
    pub totp_secret: Option<Vec<u8>>,
    pub recovery_codes: Vec<String>,
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    keys: &Keys,
    now: DateTime<Utc>,
    new: NewStaff<'_>,
) -> ServiceResult<Created> {
    let email = EmailAddress::parse(new.email).map_err(|_| ServiceError::invalid("email", "email_invalid"))?;
    let name = settle_domain::text::line(new.name, 100).map_err(|code| ServiceError::invalid("name", code))?;
    let name = name.as_str();
    if (new.role == Role::Operator) != new.tenant_id.is_none() {
        return Err(ServiceError::invalid("role", "role_invalid"));
    }
    let secret = match new.totp {
        Some(given) => Some(given.unwrap_or_else(totp::new_secret)),
        None if new.role.needs_second_factor() => Some(totp::new_secret()),
        None => None,
    };
    let sealed = secret.as_deref().map(|s| crate::secrets::seal(keys, s));
    let row = staff_user::ActiveModel {
        tenant_id: Set(new.tenant_id),
        email: Set(email.as_str().to_string()),
        name: Set(name.to_string()),
        role: Set(new.role.as_str().into()),
        password_hash: Set(new.password_hash),
        totp_key_id: Set(sealed.as_ref().map(|(k, _)| k.clone())),
        totp_sealed: Set(sealed.map(|(_, s)| s)),
        totp_last_step: Set(None),
        language: Set(None),
        disabled_at: Set(None),
        created_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| unique_or(e, "staff_exists"))?;
    let recovery_codes = match secret {
        Some(_) => new_recovery_codes(db, row.id).await?,
        None => Vec::new(),
    };
    Ok(Created {
        id: row.id,
        totp_secret: secret,
        recovery_codes,
    })
}

/// Replaces a staff member's recovery codes with ten new ones (shown as `XXXXX-XXXXX`).
pub async fn new_recovery_codes<C: ConnectionTrait>(db: &C, staff_id: i64) -> ServiceResult<Vec<String>> {
    staff_recovery_code::Entity::delete_many()
        .filter(staff_recovery_code::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    let mut shown = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code = new_letter_code();
        staff_recovery_code::ActiveModel {
            staff_id: Set(staff_id),
            code_hash: Set(code.hash),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        shown.push(letter_code::display(&code.raw));
    }
    Ok(shown)
}

/// The hash a typed recovery code is looked up by (case, dashes and look-alikes forgiven).
pub fn recovery_hash(typed: &str) -> Option<String> {
    letter_code::normalize(typed).map(|c| hash_token(&c))
}

/// The staff member's TOTP secret, opened.
pub fn totp_secret(keys: &Keys, s: &staff_user::Model) -> ServiceResult<Option<Vec<u8>>> {
    match (&s.totp_key_id, &s.totp_sealed) {
        (Some(id), Some(sealed)) => crate::secrets::open(keys, id, sealed)
            .map(Some)
            .map_err(|e| ServiceError::Internal(anyhow::anyhow!("staff TOTP secret: {e}"))),
        _ => Ok(None),
    }
}
