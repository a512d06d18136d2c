//! A debtor's representative, set by staff (the back office and `settle representative`):
//! a court-appointed administrator (bewindvoerder), a guardian or a debt counsellor receives the
//! dunning messages instead of the debtor or as well. The debtor sees who it is on `/profile`.
use crate::entities::{customer, representative};
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use settle_domain::contact::EmailAddress;
use std::collections::BTreeMap;

pub const KINDS: [&str; 4] = ["administrator", "guardian", "debt_counsellor", "other"];

pub struct NewRepresentative<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    /// (street, postcode, city, country), all or none.
    pub address: Option<(&'a str, &'a str, &'a str, &'a str)>,
    pub instead: bool,
}

pub async fn of<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    customer_id: i64,
) -> ServiceResult<Option<representative::Model>> {
    Ok(representative::Entity::find()
        .filter(representative::Column::TenantId.eq(tenant_id))
        .filter(representative::Column::CustomerId.eq(customer_id))
        .one(db)
        .await?)
}

/// The representative as a stand-in customer row: the debtor's row (same id, so payment links
/// and the timeline stay the debtor's) with the representative's name and contact data.
pub fn as_addressee(rep: &representative::Model, debtor: &customer::Model) -> customer::Model {
    customer::Model {
        name: rep.name.clone(),
        email: rep.email.clone(),
        phone_e164: rep.phone.clone(),
        street: rep.street.clone(),
        postcode: rep.postcode.clone(),
        city: rep.city.clone(),
        country: rep.country.clone(),
        pref_email: true,
        pref_sms: true,
        pref_letter: true,
        email_invalid_at: None,
        address_invalid_at: None,
        ..debtor.clone()
    }
}

/// Sets (or replaces) the representative of the debtor with `customer_number`.
/// Sets (or replaces) a debtor's representative; `actor` is who did it (a staff member, or the
/// command line).
pub async fn set<C: ConnectionTrait>(
    db: &C,
    tenant: &crate::tenant::TenantCtx,
    actor: &str,
    customer_number: &str,
    r: &NewRepresentative<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let mut errors = BTreeMap::new();
    if !KINDS.contains(&r.kind) {
        errors.insert("kind".to_string(), "kind_invalid".to_string());
    }
    if let Err(code) = settle_domain::text::line(r.name, 200) {
        errors.insert("name".into(), code.into());
    }
    let email = match r.email.map(EmailAddress::parse) {
        Some(Ok(e)) => Some(e.as_str().to_string()),
        Some(Err(_)) => {
            errors.insert("email".into(), "email_invalid".into());
            None
        }
        None => None,
    };
    let tenant_id = tenant.id;
    let phone = match r.phone.map(|p| crate::phone::e164(p, tenant.country())) {
        Some(Ok(p)) => Some(p),
        Some(Err(code)) => {
            errors.insert("phone".into(), code.into());
            None
        }
        None => None,
    };
    let address = match r.address.map(|(s, p, c, k)| settle_domain::address::parse(s, p, c, k)) {
        Some(Ok(a)) => Some(a),
        Some(Err(e)) => {
            errors.extend(e);
            None
        }
        None => None,
    };
    if email.is_none() && phone.is_none() && address.is_none() && errors.is_empty() {
        errors.insert("form".into(), "contact_needed".into());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let debtor = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::CustomerNumber.eq(customer_number))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let a = address.unwrap_or(settle_domain::address::Address {
        street: String::new(),
        postcode: String::new(),
        city: String::new(),
        country: String::new(),
    });
    representative::Entity::insert(representative::ActiveModel {
        tenant_id: Set(tenant_id),
        customer_id: Set(debtor.id),
        kind: Set(r.kind.to_string()),
        name: Set(r.name.trim().to_string()),
        email: Set(email),
        phone: Set(phone),
        street: Set(a.street),
        postcode: Set(a.postcode),
        city: Set(a.city),
        country: Set(a.country),
        mode: Set(if r.instead { "instead" } else { "besides" }.into()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(representative::Column::CustomerId)
            .update_columns([
                representative::Column::Kind,
                representative::Column::Name,
                representative::Column::Email,
                representative::Column::Phone,
                representative::Column::Street,
                representative::Column::Postcode,
                representative::Column::City,
                representative::Column::Country,
                representative::Column::Mode,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    crate::audit::record(
        db,
        now,
        tenant_id,
        Some(debtor.id),
        actor,
        "representative_set",
        json!({ "kind": r.kind }),
    )
    .await?;
    crate::outgoing::emit(
        db,
        now,
        tenant_id,
        "customer.updated",
        json!({ "customer_number": customer_number, "changes": { "representative": r.name.trim() } }),
    )
    .await?;
    Ok(())
}

pub async fn remove<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    actor: &str,
    customer_number: &str,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    let Some(debtor) = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::CustomerNumber.eq(customer_number))
        .one(db)
        .await?
    else {
        return Err(ServiceError::NotFound);
    };
    let gone = representative::Entity::delete_many()
        .filter(representative::Column::TenantId.eq(tenant_id))
        .filter(representative::Column::CustomerId.eq(debtor.id))
        .exec(db)
        .await?
        .rows_affected;
    if gone > 0 {
        crate::audit::record(
            db,
            now,
            tenant_id,
            Some(debtor.id),
            actor,
            "representative_removed",
            json!({}),
        )
        .await?;
    }
    Ok(gone > 0)
}
