//! Tenants (operators only): every creditor on the platform with its hosts and size, and a new
//! one with its first admin. A new tenant starts with the dunning plan and contact policy its
//! country's law expects (see `demo_plans::starter`); its admin signs in on the new host with a
//! password and a second factor that the operator hands over (shown once).
use crate::audit;
use crate::entities::{customer, invoice, staff_user, tenant, tenant_host};
use crate::error::{ServiceError, ServiceResult};
use crate::services::email_settings::valid_label;
use crate::staff::accounts::{create as create_staff, NewStaff};
use crate::staff::{Role, StaffScope};
use crate::state::{AppState, RunMode};
use crate::tenant::{normalize_host, TenantCtx};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde_json::json;
use settle_domain::backoffice::{SecondFactorOnce, TenantRow};
use settle_domain::contact::EmailAddress;
use settle_domain::iban::{Bic, Iban};
use std::collections::{BTreeMap, HashMap};

pub async fn list(db: &sea_orm::DatabaseConnection, scope: &StaffScope) -> ServiceResult<Vec<TenantRow>> {
    scope.require(Role::Operator)?;
    let tenants = tenant::Entity::find()
        .order_by_asc(tenant::Column::Slug)
        .all(db)
        .await?;
    let mut hosts: HashMap<i64, Vec<String>> = HashMap::new();
    for h in tenant_host::Entity::find()
        .order_by_asc(tenant_host::Column::Hostname)
        .all(db)
        .await?
    {
        hosts.entry(h.tenant_id).or_default().push(h.hostname);
    }
    let count = |rows: Vec<(i64, i64)>| rows.into_iter().collect::<HashMap<i64, i64>>();
    let debtors = count(
        customer::Entity::find()
            .select_only()
            .column(customer::Column::TenantId)
            .column_as(customer::Column::Id.count(), "n")
            .group_by(customer::Column::TenantId)
            .into_tuple()
            .all(db)
            .await?,
    );
    let open = count(
        invoice::Entity::find()
            .select_only()
            .column(invoice::Column::TenantId)
            .column_as(invoice::Column::Id.count(), "n")
            .filter(invoice::Column::Status.eq("open"))
            .group_by(invoice::Column::TenantId)
            .into_tuple()
            .all(db)
            .await?,
    );
    let staff = count(
        staff_user::Entity::find()
            .select_only()
            .column(staff_user::Column::TenantId)
            .column_as(staff_user::Column::Id.count(), "n")
            .filter(staff_user::Column::TenantId.is_not_null())
            .group_by(staff_user::Column::TenantId)
            .into_tuple()
            .all(db)
            .await?,
    );
    Ok(tenants
        .into_iter()
        .map(|t| TenantRow {
            id: t.id,
            slug: t.slug,
            name: t.display_name,
            base_url: t.base_url,
            hosts: hosts.remove(&t.id).unwrap_or_default(),
            locale: t.default_locale,
            debtors: debtors.get(&t.id).copied().unwrap_or(0),
            open_invoices: open.get(&t.id).copied().unwrap_or(0),
            staff: staff.get(&t.id).copied().unwrap_or(0),
        })
        .collect())
}

/// What the new-tenant form sends.
pub struct NewTenant<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub base_url: &'a str,
    /// Hostnames, separated by commas or spaces; blank: the base URL's host.
    pub hosts: &'a str,
    /// NL or DE: time zone, holidays, the first dunning plan.
    pub country: &'a str,
    pub locale: &'a str,
    pub legal_name: &'a str,
    pub iban: &'a str,
    pub bic: &'a str,
    pub address: &'a str,
    pub support_email: &'a str,
    pub support_phone: &'a str,
    pub admin_email: &'a str,
    pub admin_name: &'a str,
    pub admin_password: &'a str,
}

/// Creates the tenant, its hosts, its first plan and its first admin, all or nothing; returns
/// the admin's second factor to hand over.
pub async fn create(state: &AppState, scope: &StaffScope, t: &NewTenant<'_>) -> ServiceResult<SecondFactorOnce> {
    scope.require(Role::Operator)?;
    let mut errors = BTreeMap::new();
    let mut fail = |field: &str, code: &str| {
        errors.entry(field.to_string()).or_insert_with(|| code.to_string());
    };
    let slug = t.slug.trim().to_ascii_lowercase();
    if slug.len() < 2
        || slug.len() > 30
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        fail("slug", "slug_invalid");
    }
    let name = t.name.trim();
    if let Err(code) = settle_domain::text::line(name, 100) {
        fail("name", code);
    }
    let base = url::Url::parse(t.base_url.trim()).ok().filter(|u| {
        let https = u.scheme() == "https" || (u.scheme() == "http" && state.mode != RunMode::Production);
        https && u.host_str().is_some() && u.path() == "/" && u.query().is_none() && u.username().is_empty()
    });
    if base.is_none() {
        fail("base_url", "base_url_invalid");
    }
    let mut host_list: Vec<String> = t
        .hosts
        .split([',', ' ', '\n'])
        .map(normalize_host)
        .filter(|h| !h.is_empty())
        .collect();
    if host_list.is_empty() {
        host_list.extend(base.as_ref().and_then(|u| u.host_str()).map(normalize_host));
    }
    host_list.sort();
    host_list.dedup();
    if host_list.iter().any(|h| !valid_label(h)) {
        fail("hosts", "hosts_invalid");
    }
    let (tz, country) = match t.country {
        "NL" => ("Europe/Amsterdam", "NL"),
        "DE" => ("Europe/Berlin", "DE"),
        _ => {
            fail("country", "required");
            ("", "")
        }
    };
    if !matches!(t.locale, "nl" | "de" | "en") {
        fail("locale", "required");
    }
    let legal_name = t.legal_name.trim();
    if let Err(code) = settle_domain::text::line(legal_name, 70) {
        fail("legal_name", code);
    }
    let iban = Iban::parse(t.iban).ok();
    if iban.is_none() {
        fail("iban", "iban_invalid");
    }
    let bic = Some(t.bic.trim()).filter(|b| !b.is_empty());
    if bic.is_some_and(|b| Bic::parse(b).is_err()) {
        fail("bic", "bic_invalid");
    }
    let address = t.address.trim();
    if let Err(code) = settle_domain::text::line(address, 200) {
        fail("address", code);
    }
    let support_email = EmailAddress::parse(t.support_email).ok();
    if support_email.is_none() {
        fail("support_email", "email_invalid");
    }
    if t.support_phone.trim().is_empty() {
        fail("support_phone", "required");
    }
    if let Err(p) = settle_domain::password::check_new_password(t.admin_password) {
        fail("admin_password", p.code());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let hash = state.hasher.hash(t.admin_password).await?;
    let now = state.clock.now();
    // The new tenant's rows are not the operator's tenant's: written through the owner's connection.
    let tx = state.system_db.begin().await?;
    if tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(&slug))
        .count(&tx)
        .await?
        > 0
    {
        return Err(ServiceError::invalid("slug", "slug_taken"));
    }
    if tenant_host::Entity::find()
        .filter(tenant_host::Column::Hostname.is_in(host_list.clone()))
        .count(&tx)
        .await?
        > 0
    {
        return Err(ServiceError::invalid("hosts", "host_taken"));
    }
    let base_url = base
        .map(|u| u.as_str().trim_end_matches('/').to_string())
        .unwrap_or_default();
    let row = tenant::ActiveModel {
        slug: Set(slug.clone()),
        display_name: Set(name.to_string()),
        base_url: Set(base_url),
        default_locale: Set(t.locale.to_string()),
        time_zone: Set(tz.to_string()),
        brand_primary: Set("#0b5cad".into()),
        brand_accent: Set("#8a5a00".into()),
        brand_logo_svg: Set(String::new()),
        brand_logo_png: Set(None),
        support_phone: Set(t.support_phone.trim().to_string()),
        support_email: Set(support_email.map(|e| e.as_str().to_string()).unwrap_or_default()),
        support_hours: Set(String::new()),
        legal_footer: Set(legal_name.to_string()),
        creditor_legal_name: Set(legal_name.to_string()),
        creditor_iban: Set(iban.map(|i| i.as_str().to_string()).unwrap_or_default()),
        creditor_bic: Set(bic.map(|b| b.to_ascii_uppercase())),
        creditor_address: Set(address.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    for host in &host_list {
        tenant_host::ActiveModel {
            hostname: Set(host.clone()),
            tenant_id: Set(row.id),
        }
        .insert(&tx)
        .await?;
    }
    crate::demo_plans::starter(&tx, now, row.id, country, false).await?;
    let created = create_staff(
        &tx,
        &state.keys,
        now,
        NewStaff {
            tenant_id: Some(row.id),
            email: t.admin_email,
            name: t.admin_name,
            role: Role::Admin,
            password_hash: hash,
            totp: None,
        },
    )
    .await
    .map_err(|e| match e {
        ServiceError::Invalid(mut f) => {
            let prefixed = f.iter().map(|(k, v)| (format!("admin_{k}"), v.clone())).collect();
            f.clear();
            ServiceError::Invalid(prefixed)
        }
        other => other,
    })?;
    let detail = json!({ "slug": slug, "hosts": host_list, "country": country, "admin": created.id });
    audit::record(&tx, now, row.id, None, &scope.actor(), "tenant_created", detail).await?;
    tx.commit().await?;
    state.tenants.clear();
    let secret = created
        .totp_secret
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("an admin without a second factor")))?;
    let ctx = TenantCtx::from_model(row);
    crate::staff::manage::once(
        &ctx,
        &t.admin_email.trim().to_lowercase(),
        &secret,
        created.recovery_codes,
    )
}
