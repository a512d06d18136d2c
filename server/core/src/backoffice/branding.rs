//! Branding (admins): the name, colours (each checked for WCAG AA contrast on white), support
//! contact and hours, and the legal footer the portal, emails and letters show; and the DNS
//! records the creditor publishes for its mail (SPF, DKIM, DMARC).
use crate::audit;
use crate::entities::{email_setting, tenant};
use crate::error::{ServiceError, ServiceResult};
use crate::services::email_settings::{Algorithm, DkimKey};
use crate::staff::{Role, StaffScope};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use lettre::message::Mailbox;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionTrait};
use serde_json::json;
use settle_domain::backoffice::{BrandingView, DnsRow};
use settle_domain::colour::{contrast, AA};
use std::collections::BTreeMap;

pub async fn view<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    tenant: &TenantCtx,
    scope: &StaffScope,
) -> ServiceResult<BrandingView> {
    scope.require(Role::Admin)?;
    let t = &tenant.row;
    Ok(BrandingView {
        display_name: t.display_name.clone(),
        primary: t.brand_primary.clone(),
        accent: t.brand_accent.clone(),
        support_phone: t.support_phone.clone(),
        support_email: t.support_email.clone(),
        support_hours: t.support_hours.clone(),
        legal_footer: t.legal_footer.clone(),
        sender_address: t.creditor_address.clone(),
        sender_name: sender(db, scope.tenant_id())
            .await?
            .map(|(_, from)| from.name.unwrap_or_default()),
        primary_contrast: contrast(&t.brand_primary, "#ffffff"),
        accent_contrast: contrast(&t.brand_accent, "#ffffff"),
        dns: dns(db, state, scope.tenant_id()).await?,
    })
}

/// The tenant's mail identity and its From, if it has one.
async fn sender<C: ConnectionTrait>(db: &C, tenant_id: i64) -> ServiceResult<Option<(email_setting::Model, Mailbox)>> {
    let Some(row) = email_setting::Entity::find_by_id(tenant_id).one(db).await? else {
        return Ok(None);
    };
    let from = row.from_address.parse::<Mailbox>().ok();
    Ok(from.map(|from| (row, from)))
}

/// What the creditor publishes so its mail is delivered and not spoofed, each checked against
/// DNS as it is now (unless live checks are off).
async fn dns<C: ConnectionTrait>(db: &C, state: &AppState, tenant_id: i64) -> ServiceResult<Vec<DnsRow>> {
    use crate::dns_check::{check, Expect, Record, Status};
    use crate::state::DnsLookup;
    let Some(row) = email_setting::Entity::find_by_id(tenant_id).one(db).await? else {
        return Ok(Vec::new());
    };
    let domain = row
        .from_address
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim_end_matches('>')
        .to_string();
    let mut wanted = vec![(
        "SPF",
        domain.clone(),
        "v=spf1 include:<your mail relay> -all".to_string(),
        Expect::Spf,
    )];
    if let (Some(d), Some(sel), Some(alg), Some(sealed), Some(kid)) = (
        &row.dkim_domain,
        &row.dkim_selector,
        &row.dkim_algorithm,
        &row.dkim_key,
        &row.dkim_key_id,
    ) {
        let private = crate::secrets::open(&state.keys, kid, sealed)
            .ok()
            .and_then(|p| String::from_utf8(p).ok());
        if let (Some(alg), Some(private)) = (Algorithm::parse(alg), private) {
            if let Ok(key) = DkimKey::from_private(alg, &private) {
                let expect = Expect::Dkim {
                    public_key_b64: key.public_b64.clone(),
                };
                wanted.push(("DKIM", format!("{sel}._domainkey.{d}"), key.dns_txt(), expect));
            }
        }
    }
    wanted.push((
        "DMARC",
        format!("_dmarc.{domain}"),
        format!("v=DMARC1; p=quarantine; rua=mailto:dmarc@{domain}"),
        Expect::Dmarc,
    ));
    let server = match state.dns {
        DnsLookup::Off => None,
        DnsLookup::System => Some(None),
        DnsLookup::Server(addr) => Some(Some(addr)),
    };
    let statuses = match server {
        Some(server) => {
            let records: Vec<Record> = wanted
                .iter()
                .map(|(_, name, _, expect)| Record {
                    name: name.clone(),
                    expect: expect.clone(),
                })
                .collect();
            check(server, &records, DNS_TIMEOUT)
                .await
                .into_iter()
                .map(Some)
                .collect()
        }
        None => vec![None; wanted.len()],
    };
    Ok(wanted
        .into_iter()
        .zip(statuses)
        .map(|((purpose, name, value, _), status)| {
            let (status, found) = match status {
                None => (None, None),
                Some(Status::Ok) => (Some("ok"), None),
                Some(Status::Wrong(found)) => (Some("wrong"), Some(found)),
                Some(Status::Missing) => (Some("missing"), None),
                Some(Status::Unchecked) => (Some("unchecked"), None),
            };
            DnsRow {
                purpose: purpose.to_string(),
                kind: "TXT".to_string(),
                name,
                value,
                status: status.map(str::to_string),
                found,
            }
        })
        .collect())
}

/// How long the branding page waits for DNS.
const DNS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

pub struct Branding<'a> {
    pub display_name: &'a str,
    pub primary: &'a str,
    pub accent: &'a str,
    pub support_phone: &'a str,
    pub support_email: &'a str,
    pub support_hours: &'a str,
    pub legal_footer: &'a str,
    pub sender_address: &'a str,
    /// Ignored without a mail identity.
    pub sender_name: &'a str,
}

pub async fn save(state: &AppState, scope: &StaffScope, b: &Branding<'_>) -> ServiceResult<()> {
    scope.require(Role::Admin)?;
    let mut errors = BTreeMap::new();
    let mut text = |field: &str, v: &str, max: usize, required: bool| {
        let checked = match required {
            true => settle_domain::text::line(v, max),
            false => settle_domain::text::block(v, max),
        };
        checked.unwrap_or_else(|code| {
            errors.insert(field.to_string(), code.to_string());
            v.trim().to_string()
        })
    };
    let name = text("display_name", b.display_name, 100, true);
    let phone = text("support_phone", b.support_phone, 40, true);
    let hours = text("support_hours", b.support_hours, 200, false);
    let footer = text("legal_footer", b.legal_footer, 500, false);
    let address = text("sender_address", b.sender_address, 200, true);
    // Said plainly for the mistake people make: an address typed over two lines.
    if b.sender_address.trim().contains('\n') {
        errors.insert("sender_address".to_string(), "one_line".to_string());
    }
    // A display name in a From header: one line (lettre cannot quote a line break).
    let sender_name = settle_domain::text::or_note(
        settle_domain::text::optional_line(b.sender_name, 100),
        &mut errors,
        "sender_name",
    );
    if sender_name.contains(['\n', '\r', '<', '>', '"']) {
        errors.insert("sender_name".to_string(), "sender_name_invalid".to_string());
    }
    let email = match settle_domain::contact::EmailAddress::parse(b.support_email) {
        Ok(e) => e.as_str().to_string(),
        Err(_) => {
            errors.insert("support_email".into(), "email_invalid".into());
            String::new()
        }
    };
    let mut colour = |field: &str, v: &str| {
        let v = v.trim().to_ascii_lowercase();
        match contrast(&v, "#ffffff") {
            None => {
                errors.insert(field.to_string(), "colour_invalid".to_string());
            }
            Some(c) if c < AA => {
                errors.insert(field.to_string(), "contrast_too_low".to_string());
            }
            Some(_) => {}
        }
        v
    };
    let primary = colour("primary", b.primary);
    let accent = colour("accent", b.accent);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = state.clock.now();
    let tx = state.db.begin().await?;
    let row = tenant::Entity::find_by_id(scope.tenant_id())
        .one(&tx)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before = json!({
        "display_name": row.display_name, "primary": row.brand_primary, "accent": row.brand_accent,
        "support_phone": row.support_phone, "support_email": row.support_email,
        "support_hours": row.support_hours, "legal_footer": row.legal_footer,
        "sender_address": row.creditor_address,
    });
    let mut active: tenant::ActiveModel = row.into();
    active.display_name = Set(name.clone());
    active.brand_primary = Set(primary.clone());
    active.brand_accent = Set(accent.clone());
    active.support_phone = Set(phone.clone());
    active.support_email = Set(email.clone());
    active.support_hours = Set(hours.clone());
    active.legal_footer = Set(footer.clone());
    active.creditor_address = Set(address.clone());
    active.update(&tx).await?;
    let mut sender_change = serde_json::Value::Null;
    if let Some((row, from)) = sender(&tx, scope.tenant_id()).await? {
        let name = if sender_name.is_empty() {
            name.clone()
        } else {
            sender_name.clone()
        };
        let new = Mailbox::new(Some(name.clone()), from.email.clone()).to_string();
        if new != row.from_address {
            sender_change = json!({ "before": from.name, "after": name });
            let mut row: email_setting::ActiveModel = row.into();
            row.from_address = Set(new);
            row.updated_at = Set(now);
            row.update(&tx).await?;
        }
    }
    audit::record(
        &tx,
        now,
        scope.tenant_id(),
        None,
        &scope.actor(),
        "branding_saved",
        json!({ "before": before, "after": {
            "display_name": name, "primary": primary, "accent": accent, "support_phone": phone,
            "support_email": email, "support_hours": hours, "legal_footer": footer,
            "sender_address": address,
        }, "sender_name": sender_change}),
    )
    .await?;
    tx.commit().await?;
    // Every instance reads tenants through its cache: this one forgets at once.
    state.tenants.clear();
    Ok(())
}
