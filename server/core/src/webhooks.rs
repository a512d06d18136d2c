//! Signed outgoing webhooks. Every outgoing event (written in the transaction of the change it
//! reports) fans out to the tenant's endpoints that want its type; each delivery is a POST of
//! `{"id","type","created_at","data"}` signed in `Settle-Signature: t=<unix>,v1=<hex>` (HMAC-SHA256
//! of `<t>.<body>` with the endpoint's secret; a second `v1` with the previous secret during a
//! rotation). At least once: retried with exponential backoff for 3 days; deliveries about the
//! same invoice go out in order. Endpoints must be https (http only outside production) and
//! public: private, loopback and link-local addresses are refused when the endpoint is saved and
//! again at connect time (DNS rebinding), unless `SETTLE_WEBHOOK_ALLOW_PRIVATE=true` in dev.
use crate::entities::{outgoing_event, webhook_delivery, webhook_endpoint};
use crate::error::{ServiceError, ServiceResult};
use crate::keys::Keys;
use crate::secrets;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, RngCore};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use sha2::Sha256;
use std::net::IpAddr;
use utoipa::ToSchema;

/// How long a delivery is retried before it counts as failed.
pub const GIVE_UP_AFTER_DAYS: i64 = 3;
const TIMEOUT_SECS: u64 = 10;
/// A claimed delivery is someone else's for this long.
const LEASE_SECS: i64 = 120;

/// Where webhooks may go.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub production: bool,
    /// `SETTLE_WEBHOOK_ALLOW_PRIVATE=true` (dev only): loopback and private addresses allowed.
    pub allow_private: bool,
}

fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public(IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                !(v6.is_loopback() || v6.is_unspecified() || (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80)
            }
        },
    }
}

/// Checks an endpoint URL as it is saved; the error is the field's code.
pub fn check_url(url: &str, policy: Policy) -> Result<url::Url, &'static str> {
    let u = url::Url::parse(url.trim()).map_err(|_| "url_invalid")?;
    let scheme_ok = u.scheme() == "https" || (u.scheme() == "http" && !policy.production);
    if !scheme_ok || !u.username().is_empty() || u.password().is_some() || u.host_str().is_none() {
        return Err("url_invalid");
    }
    let host = u.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let private = host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| !public(ip));
    let private_allowed = policy.allow_private && !policy.production;
    if private && !private_allowed {
        return Err("url_private");
    }
    Ok(u)
}

/// `Settle-Signature` for a body sent at `t` (unix seconds), one `v1` per secret.
pub fn signature(secrets: &[&str], t: i64, body: &str) -> String {
    let mut header = format!("t={t}");
    for s in secrets {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(s.as_bytes()) else {
            continue;
        };
        mac.update(format!("{t}.{body}").as_bytes());
        header.push_str(&format!(",v1={}", hex::encode(mac.finalize().into_bytes())));
    }
    header
}

fn new_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    format!("whsec_{}", URL_SAFE_NO_PAD.encode(b))
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    /// Event types, or `["*"]` for all.
    pub events: Vec<String>,
    /// Only when made or rotated: the signing secret, shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn view(e: webhook_endpoint::Model, secret: Option<String>) -> Endpoint {
    Endpoint {
        id: e.id,
        url: e.url,
        events: e.events.split(',').map(String::from).collect(),
        secret,
        created_at: e.created_at,
    }
}

/// Event types an endpoint may subscribe to (the ones Settle sends), or `*`.
pub const EVENT_TYPES: [&str; 22] = [
    "invoice.paid",
    "invoice.partially_paid",
    "invoice.reopened",
    "payment.received",
    "payment.overpaid",
    "payment.reversed",
    "dispute.opened",
    "dispute.resolved",
    "callback.requested",
    "callback.cancelled",
    "deferral.requested",
    "plan.requested",
    "plan.created",
    "plan.broken",
    "dunning.paused",
    "dunning.resumed",
    "customer.updated",
    "message.bounced",
    "invoice.handed_over",
    "dunning.cak_report",
    "dunning.early_signal",
    "dunning.unreachable",
];

pub async fn create(
    db: &DatabaseConnection,
    keys: &Keys,
    policy: Policy,
    tenant_id: i64,
    url: &str,
    events: &[String],
    now: DateTime<Utc>,
) -> ServiceResult<Endpoint> {
    let u = check_url(url, policy).map_err(|code| ServiceError::invalid("url", code))?;
    let events: Vec<&str> = events.iter().map(|e| e.trim()).filter(|e| !e.is_empty()).collect();
    if events.is_empty() || events.iter().any(|e| *e != "*" && !EVENT_TYPES.contains(e)) {
        return Err(ServiceError::invalid("events", "events_invalid"));
    }
    let secret = new_secret();
    let (kid, sealed) = secrets::seal(keys, secret.as_bytes());
    let row = webhook_endpoint::ActiveModel {
        tenant_id: Set(tenant_id),
        url: Set(u.to_string()),
        events: Set(events.join(",")),
        secret_key_id: Set(kid),
        secret_sealed: Set(sealed),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(view(row, Some(secret)))
}

async fn endpoint(db: &DatabaseConnection, tenant_id: i64, id: i64) -> ServiceResult<webhook_endpoint::Model> {
    webhook_endpoint::Entity::find_by_id(id)
        .filter(webhook_endpoint::Column::TenantId.eq(tenant_id))
        .filter(webhook_endpoint::Column::DisabledAt.is_null())
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn list(db: &DatabaseConnection, tenant_id: i64) -> ServiceResult<Vec<Endpoint>> {
    Ok(webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::TenantId.eq(tenant_id))
        .filter(webhook_endpoint::Column::DisabledAt.is_null())
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| view(e, None))
        .collect())
}

/// Stops an endpoint: nothing more is sent to it.
pub async fn remove(db: &DatabaseConnection, tenant_id: i64, id: i64, now: DateTime<Utc>) -> ServiceResult<()> {
    let e = endpoint(db, tenant_id, id).await?;
    let mut a: webhook_endpoint::ActiveModel = e.into();
    a.disabled_at = Set(Some(now));
    a.update(db).await?;
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value("failed"))
        .col_expr(webhook_delivery::Column::LastError, Expr::value("endpoint removed"))
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    Ok(())
}

/// A new secret; the current one keeps signing beside it until the next rotation.
pub async fn rotate(db: &DatabaseConnection, keys: &Keys, tenant_id: i64, id: i64) -> ServiceResult<Endpoint> {
    let e = endpoint(db, tenant_id, id).await?;
    let secret = new_secret();
    let (kid, sealed) = secrets::seal(keys, secret.as_bytes());
    let mut a: webhook_endpoint::ActiveModel = e.clone().into();
    a.previous_key_id = Set(Some(e.secret_key_id));
    a.previous_sealed = Set(Some(e.secret_sealed));
    a.secret_key_id = Set(kid);
    a.secret_sealed = Set(sealed);
    Ok(view(a.update(db).await?, Some(secret)))
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Delivery {
    pub id: i64,
    pub event_id: i64,
    #[schema(example = "invoice.paid")]
    pub event_type: String,
    pub created_at: DateTime<Utc>,
    /// pending, delivered or failed.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_response: Option<String>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The endpoint's deliveries, newest first (the last 100).
pub async fn deliveries(db: &DatabaseConnection, tenant_id: i64, id: i64) -> ServiceResult<Vec<Delivery>> {
    endpoint(db, tenant_id, id).await?;
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::TenantId.eq(tenant_id))
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(100)
        .all(db)
        .await?;
    let kinds: std::collections::HashMap<i64, String> = outgoing_event::Entity::find()
        .select_only()
        .columns([outgoing_event::Column::Id, outgoing_event::Column::Kind])
        .filter(outgoing_event::Column::TenantId.eq(tenant_id))
        .filter(outgoing_event::Column::Id.is_in(rows.iter().map(|d| d.event_id)))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|d| Delivery {
            id: d.id,
            event_id: d.event_id,
            event_type: kinds.get(&d.event_id).cloned().unwrap_or_default(),
            created_at: d.created_at,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status: d.last_status,
            last_response: d.last_response,
            last_error: d.last_error,
            delivered_at: d.delivered_at,
        })
        .collect())
}

/// Sends a delivery again at once (a failed one gets another 3 days).
pub async fn redeliver(
    db: &DatabaseConnection,
    tenant_id: i64,
    id: i64,
    delivery: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    endpoint(db, tenant_id, id).await?;
    let done = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value("pending"))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(now))
        .col_expr(webhook_delivery::Column::CreatedAt, Expr::value(now))
        .filter(webhook_delivery::Column::Id.eq(delivery))
        .filter(webhook_delivery::Column::TenantId.eq(tenant_id))
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}

/// Hands new outgoing events to the endpoints that want them; returns how many deliveries.
/// A batch's deliveries are inserted together and its events marked handed over in one
/// statement (a statement import makes 100,000 events at once). Marking comes last, so a crash
/// in between hands the batch over again, and the unique (endpoint, event) pair keeps each
/// delivery once.
pub async fn fan_out(db: &DatabaseConnection, now: DateTime<Utc>) -> ServiceResult<u64> {
    let events = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::DeliveredAt.is_null())
        .order_by_asc(outgoing_event::Column::Id)
        .limit(FAN_OUT_BATCH)
        .all(db)
        .await?;
    if events.is_empty() {
        return Ok(0);
    }
    // The live endpoints of the batch's tenants, read once.
    let mut tenants: Vec<i64> = events.iter().map(|e| e.tenant_id).collect();
    tenants.sort_unstable();
    tenants.dedup();
    let mut endpoints_of: std::collections::HashMap<i64, Vec<webhook_endpoint::Model>> = Default::default();
    for ep in webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::TenantId.is_in(tenants))
        .filter(webhook_endpoint::Column::DisabledAt.is_null())
        .all(db)
        .await?
    {
        endpoints_of.entry(ep.tenant_id).or_default().push(ep);
    }
    let mut deliveries = Vec::new();
    for e in &events {
        let endpoints = endpoints_of.get(&e.tenant_id).map(Vec::as_slice).unwrap_or_default();
        let mut wanted = endpoints
            .iter()
            .filter(|ep| ep.events.split(',').any(|t| t == "*" || t == e.kind))
            .peekable();
        if wanted.peek().is_none() {
            continue;
        }
        let data: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
        let order_key = ["invoice_number", "invoice"]
            .iter()
            .find_map(|k| data.get(*k).and_then(|v| v.as_str()))
            .unwrap_or_default()
            .to_string();
        for ep in wanted {
            deliveries.push(webhook_delivery::ActiveModel {
                tenant_id: Set(e.tenant_id),
                endpoint_id: Set(ep.id),
                event_id: Set(e.id),
                order_key: Set(order_key.clone()),
                status: Set("pending".into()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                created_at: Set(now),
                ..Default::default()
            });
        }
    }
    let mut made = 0;
    let mut rest = deliveries.into_iter().peekable();
    while rest.peek().is_some() {
        let part: Vec<webhook_delivery::ActiveModel> = rest.by_ref().take(1_000).collect();
        made += webhook_delivery::Entity::insert_many(part)
            .on_conflict(
                OnConflict::columns([webhook_delivery::Column::EndpointId, webhook_delivery::Column::EventId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    for part in ids.chunks(crate::sql::chunked_in::MAX) {
        outgoing_event::Entity::update_many()
            .col_expr(outgoing_event::Column::DeliveredAt, Expr::value(Some(now)))
            .filter(outgoing_event::Column::Id.is_in(part.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(made)
}

/// Outgoing events handed over per fan-out round.
const FAN_OUT_BATCH: u64 = 5_000;

/// The wait before attempt `n + 1`: 1 minute, doubling, at most 6 hours.
fn backoff(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(0, 9)).min(Duration::hours(6))
}

/// Sends the deliveries that are due; returns how many were delivered.
pub async fn deliver_due(
    db: &DatabaseConnection,
    keys: &Keys,
    policy: Policy,
    now: DateTime<Utc>,
) -> ServiceResult<usize> {
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(50)
        .all(db)
        .await?;
    let mut delivered = 0;
    for d in due {
        // In order per invoice: an earlier one for the same invoice and endpoint goes first.
        if !d.order_key.is_empty() {
            let earlier = webhook_delivery::Entity::find()
                .filter(webhook_delivery::Column::EndpointId.eq(d.endpoint_id))
                .filter(webhook_delivery::Column::OrderKey.eq(d.order_key.clone()))
                .filter(webhook_delivery::Column::Status.eq("pending"))
                .filter(webhook_delivery::Column::Id.lt(d.id))
                .count(db)
                .await?;
            if earlier > 0 {
                continue;
            }
        }
        // Claimed by moving its next attempt into the future: one sender per delivery.
        let claimed = webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                Expr::value(now + Duration::seconds(LEASE_SECS)),
            )
            .filter(webhook_delivery::Column::Id.eq(d.id))
            .filter(webhook_delivery::Column::NextAttemptAt.eq(d.next_attempt_at))
            .filter(webhook_delivery::Column::Status.eq("pending"))
            .exec(db)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        let (Some(ep), Some(ev)) = (
            webhook_endpoint::Entity::find_by_id(d.endpoint_id).one(db).await?,
            outgoing_event::Entity::find_by_id(d.event_id).one(db).await?,
        ) else {
            continue;
        };
        let outcome = send(keys, policy, &ep, &ev, now).await;
        let attempts = d.attempts + 1;
        let mut a: webhook_delivery::ActiveModel = d.clone().into();
        a.attempts = Set(attempts);
        match outcome {
            Ok((status, body)) if (200..300).contains(&status) => {
                a.status = Set("delivered".into());
                a.last_status = Set(Some(i32::from(status)));
                a.last_response = Set(Some(body));
                a.last_error = Set(None);
                a.delivered_at = Set(Some(now));
                delivered += 1;
                crate::metrics::WEBHOOK_ATTEMPTS.with_label_values(&["delivered"]).inc();
            }
            other => {
                match other {
                    Ok((status, body)) => {
                        a.last_status = Set(Some(i32::from(status)));
                        a.last_response = Set(Some(body));
                        a.last_error = Set(None);
                    }
                    Err(e) => a.last_error = Set(Some(e)),
                }
                if now - d.created_at >= Duration::days(GIVE_UP_AFTER_DAYS) {
                    a.status = Set("failed".into());
                    crate::metrics::WEBHOOK_ATTEMPTS.with_label_values(&["given_up"]).inc();
                } else {
                    a.next_attempt_at = Set(now + backoff(attempts - 1));
                    crate::metrics::WEBHOOK_ATTEMPTS.with_label_values(&["retry"]).inc();
                }
            }
        }
        a.update(db).await?;
    }
    Ok(delivered)
}

/// One POST, to an address checked again now (DNS may have changed since the endpoint was
/// saved); the answer's status and the start of its body.
async fn send(
    keys: &Keys,
    policy: Policy,
    ep: &webhook_endpoint::Model,
    ev: &outgoing_event::Model,
    now: DateTime<Utc>,
) -> Result<(u16, String), String> {
    let url = check_url(&ep.url, policy).map_err(|c| c.to_string())?;
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']).to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("dns: {e}"))?
        .collect();
    let addr = addrs
        .iter()
        .find(|a| public(a.ip()) || (policy.allow_private && !policy.production))
        .copied()
        .ok_or("the endpoint resolves to a private address")?;
    let open = |kid: &str, sealed: &str| {
        secrets::open(keys, kid, sealed)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    };
    let mut secrets = vec![open(&ep.secret_key_id, &ep.secret_sealed).ok_or("secret unreadable")?];
    if let (Some(k), Some(s)) = (&ep.previous_key_id, &ep.previous_sealed) {
        secrets.extend(open(k, s));
    }
    let body = serde_json::json!({
        "id": ev.id,
        "type": ev.kind,
        "created_at": ev.created_at,
        "data": serde_json::from_str::<serde_json::Value>(&ev.payload).unwrap_or_default(),
    })
    .to_string();
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let client = reqwest::Client::builder()
        .resolve(&host, addr)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(TIMEOUT_SECS))
        .build()
        .map_err(|e| e.to_string())?;
    let res = client
        .post(url)
        .header("content-type", "application/json")
        .header("settle-signature", signature(&refs, now.timestamp(), &body))
        .header("settle-event-id", ev.id.to_string())
        .body(body)
        .send()
        .await
        .map_err(|e| format!("request: {}", e.without_url()))?;
    let status = res.status().as_u16();
    let text: String = res.text().await.unwrap_or_default().chars().take(1_000).collect();
    Ok((status, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's example: that secret, time and body give the header it shows (computed
    /// independently with Python's hmac when it was written).
    #[test]
    fn the_documented_signature_example_holds() {
        let header = signature(&["whsec_test"], 1_764_400_000, r#"{"id":1}"#);
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
        assert!(readme.contains(&format!("Settle-Signature: {header}")), "{header}");
        assert_eq!(
            header,
            "t=1764400000,v1=1ee78ef32a5c0df9fd18fbc1cdb8a2ed5fc5000c5a7caeb62697f7d532a9221e"
        );
        let two = signature(&["whsec_new", "whsec_test"], 1_764_400_000, r#"{"id":1}"#);
        assert!(two.ends_with(",v1=1ee78ef32a5c0df9fd18fbc1cdb8a2ed5fc5000c5a7caeb62697f7d532a9221e"));
    }

    #[test]
    fn private_addresses_are_refused_unless_allowed_in_dev() {
        let dev = Policy {
            production: false,
            allow_private: false,
        };
        let open = Policy {
            production: false,
            allow_private: true,
        };
        let prod = Policy {
            production: true,
            allow_private: true,
        };
        for url in [
            "http://127.0.0.1:9/x",
            "https://10.1.2.3/",
            "https://localhost/",
            "https://[::1]/",
            "https://169.254.169.254/",
        ] {
            assert_eq!(check_url(url, dev).unwrap_err(), "url_private", "{url}");
            assert_eq!(
                check_url(url, prod).unwrap_err(),
                if url.starts_with("http:") {
                    "url_invalid"
                } else {
                    "url_private"
                }
            );
        }
        assert!(check_url("http://127.0.0.1:9/x", open).is_ok());
        assert!(check_url("https://hooks.example.com/settle", prod).is_ok());
        assert_eq!(check_url("http://hooks.example.com/", prod).unwrap_err(), "url_invalid");
        assert_eq!(
            check_url("https://user:pw@hooks.example.com/", dev).unwrap_err(),
            "url_invalid"
        );
        assert!(public("8.8.8.8".parse().unwrap()) && !public("100.64.0.1".parse().unwrap()));
    }

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(0), Duration::minutes(1));
        assert_eq!(backoff(3), Duration::minutes(8));
        assert_eq!(backoff(20), Duration::hours(6));
    }
}
