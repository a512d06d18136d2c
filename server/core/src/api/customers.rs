//! Customers through the API: upsert by customer number (each field checked as the portal checks
//! it; every change kept in the customer's history with the key as actor, and sent as
//! `customer.updated`), get one, list them with a cursor.
use super::{cursor_of, id_of, DEFAULT_LIMIT, MAX_LIMIT};
use crate::entities::customer;
use crate::error::{ServiceError, ServiceResult};
use crate::tenant::TenantCtx;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use settle_domain::contact::{CustomerNumber, EmailAddress};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A postal address; the postcode is checked for NL, DE, BE, LU and AT.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[schema(example = "Damrak 1")]
    pub street: String,
    #[schema(example = "1011 AB")]
    pub postcode: String,
    #[schema(example = "Amsterdam")]
    pub city: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "NL")]
    pub country: String,
}

/// What the creditor's system sends for a customer.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    /// The name letters are addressed to.
    #[schema(example = "Jan de Vries")]
    pub name: String,
    #[schema(example = "jan@example.nl")]
    pub email: Option<String>,
    /// A mobile number, normalised to E.164 (landlines are refused).
    #[schema(example = "+31612345678")]
    pub phone: Option<String>,
    pub address: Address,
    /// nl, de or en; without it the tenant's language.
    #[schema(example = "nl")]
    pub language: Option<String>,
    /// Tags that dunning plan segments match, e.g. `vip`.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A customer as Settle holds it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Customer {
    #[schema(example = "100001")]
    pub customer_number: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Address,
    pub language: Option<String>,
    pub tags: Vec<String>,
    /// debt_restructuring, insolvency, debt_counselling or deceased: no dunning while set.
    pub legal_stop: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One page of customers, oldest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CustomerPage {
    pub items: Vec<Customer>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn view(c: customer::Model) -> Customer {
    Customer {
        customer_number: c.customer_number,
        name: c.name,
        email: c.email,
        phone: c.phone_e164,
        address: Address {
            street: c.street,
            postcode: c.postcode,
            city: c.city,
            country: c.country,
        },
        language: c.language,
        tags: c
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        legal_stop: c.legal_stop,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

/// The input, checked; field paths as the JSON has them (`address.postcode`).
struct Checked {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    address: settle_domain::address::Address,
    language: Option<String>,
    tags: String,
}

fn check(tenant: &TenantCtx, input: &CustomerInput) -> Result<Checked, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let name = settle_domain::text::or_note(settle_domain::text::line(&input.name, 200), &mut errors, "name");
    let email = match input.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => match EmailAddress::parse(e) {
            Ok(e) => Some(e.as_str().to_string()),
            Err(_) => {
                errors.insert("email".into(), "email_invalid".into());
                None
            }
        },
    };
    let phone = match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match crate::phone::mobile_e164(p, tenant.country()) {
            Ok(p) => Some(p),
            Err(code) => {
                errors.insert("phone".into(), code.into());
                None
            }
        },
    };
    let a = &input.address;
    let address = match settle_domain::address::parse(&a.street, &a.postcode, &a.city, &a.country) {
        Ok(a) => Some(a),
        Err(fields) => {
            errors.extend(fields.into_iter().map(|(k, v)| (format!("address.{k}"), v)));
            None
        }
    };
    let language = input.language.as_deref().map(str::trim).filter(|l| !l.is_empty());
    if language.is_some_and(|l| !matches!(l, "nl" | "de" | "en")) {
        errors.insert("language".into(), "language_invalid".into());
    }
    let tags: Vec<&str> = input.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect();
    if tags.len() > 20
        || tags
            .iter()
            .any(|t| t.len() > 40 || t.contains(',') || t.chars().any(char::is_control))
    {
        errors.insert("tags".into(), "tags_invalid".into());
    }
    match address {
        Some(address) if errors.is_empty() => Ok(Checked {
            name,
            email,
            phone,
            address,
            language: language.map(String::from),
            tags: tags.join(","),
        }),
        _ => Err(errors),
    }
}

/// Creates or updates the customer with this number; `true` when it was created.
pub async fn upsert<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: &TenantCtx,
    actor: &str,
    number: &str,
    input: &CustomerInput,
    now: DateTime<Utc>,
) -> ServiceResult<(Customer, bool)> {
    let number = CustomerNumber::parse(number).map_err(|e| ServiceError::invalid("customer_number", e.code()))?;
    let c = check(tenant, input).map_err(ServiceError::Invalid)?;
    let tx = crate::db::begin_write(db).await?;
    let existing = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tenant.id))
        .filter(customer::Column::CustomerNumber.eq(number.as_str()))
        .lock_exclusive()
        .one(&tx)
        .await?;
    if let Some(email) = &c.email {
        let taken = customer::Entity::find()
            .filter(customer::Column::TenantId.eq(tenant.id))
            .filter(customer::Column::Email.eq(email.as_str()))
            .filter(customer::Column::CustomerNumber.ne(number.as_str()))
            .one(&tx)
            .await?
            .is_some();
        if taken {
            return Err(ServiceError::invalid("email", "email_in_use"));
        }
    }
    let (row, created) = match existing {
        None => {
            let row = customer::ActiveModel {
                tenant_id: Set(tenant.id),
                customer_number: Set(number.as_str().to_string()),
                name: Set(c.name),
                email: Set(c.email),
                phone_e164: Set(c.phone),
                street: Set(c.address.street),
                postcode: Set(c.address.postcode),
                city: Set(c.address.city),
                country: Set(c.address.country),
                language: Set(c.language),
                pref_email: Set(true),
                pref_sms: Set(false),
                pref_letter: Set(true),
                tags: Set(c.tags),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            crate::audit::record(
                &tx,
                now,
                tenant.id,
                Some(row.id),
                actor,
                "customer_created",
                serde_json::json!({}),
            )
            .await?;
            (row, true)
        }
        Some(old) => {
            crate::services::profile::changed_by(
                &tx,
                now,
                &old,
                actor,
                &[
                    ("name", Some(old.name.clone()), Some(c.name.clone())),
                    ("email", old.email.clone(), c.email.clone()),
                    ("phone", old.phone_e164.clone(), c.phone.clone()),
                    ("street", Some(old.street.clone()), Some(c.address.street.clone())),
                    ("postcode", Some(old.postcode.clone()), Some(c.address.postcode.clone())),
                    ("city", Some(old.city.clone()), Some(c.address.city.clone())),
                    ("country", Some(old.country.clone()), Some(c.address.country.clone())),
                    ("language", old.language.clone(), c.language.clone()),
                    ("tags", Some(old.tags.clone()), Some(c.tags.clone())),
                ],
            )
            .await?;
            let moved = (&old.street, &old.postcode, &old.city, &old.country)
                != (
                    &c.address.street,
                    &c.address.postcode,
                    &c.address.city,
                    &c.address.country,
                );
            let email_changed = old.email != c.email;
            let old_phone = old.phone_e164.clone();
            let mut row: customer::ActiveModel = old.into();
            if moved {
                row.address_invalid_at = Set(None);
            }
            if email_changed {
                row.email_invalid_at = Set(None);
            }
            row.name = Set(c.name);
            row.email = Set(c.email);
            row.set_phone(&old_phone, c.phone);
            row.street = Set(c.address.street);
            row.postcode = Set(c.address.postcode);
            row.city = Set(c.address.city);
            row.country = Set(c.address.country);
            row.language = Set(c.language);
            row.tags = Set(c.tags);
            row.updated_at = Set(now);
            (row.update(&tx).await?, false)
        }
    };
    tx.commit().await?;
    Ok((view(row), created))
}

pub async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, number: &str) -> ServiceResult<Customer> {
    customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::CustomerNumber.eq(number.trim()))
        .one(db)
        .await?
        .map(view)
        .ok_or(ServiceError::NotFound)
}

/// A page of the tenant's customers after `cursor`, oldest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    cursor: Option<&str>,
    limit: Option<u64>,
) -> ServiceResult<CustomerPage> {
    let after = match cursor {
        None => 0,
        Some(c) => id_of(c).ok_or(ServiceError::invalid("cursor", "cursor_invalid"))?,
    };
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => return Err(ServiceError::invalid("limit", "limit_invalid")),
    };
    let mut rows = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(customer::Column::Id.gt(after))
        .order_by_asc(customer::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more.then(|| rows.last().map(|r| cursor_of(r.id))).flatten();
    Ok(CustomerPage {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
    })
}
