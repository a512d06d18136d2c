//! Request middleware: tenant resolution (unknown host: bare 404), client address behind
//! trusted proxies, same-origin checks on state changes, security headers with a CSP nonce,
//! and Secure/`__Host-` cookies for tenants served over https.
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpResponse};
use settle_app::ssr::ClientIp;
use settle_core::state::{AppState, RunMode};
use settle_core::tenant::TenantCtx;
use settle_core::tokens::csp_nonce;
use std::net::IpAddr;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "settle";
const HOST_PREFIXED: &str = "__Host-settle";

/// Paths served the same for every host: health checks, metrics and build assets.
fn tenantless(path: &str) -> bool {
    crate::ops::tenantless(path) || path.starts_with("/pkg/")
}

#[derive(Clone)]
pub struct TrustedProxies(pub Arc<Vec<IpAddr>>);

pub async fn tenant(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let ip = client_ip(&req);
    req.extensions_mut().insert(ClientIp(ip));
    if tenantless(req.path()) {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req
            .into_response(HttpResponse::InternalServerError().finish())
            .map_into_right_body());
    };
    let host = req.connection_info().host().to_string();
    match state.tenants.resolve(&state.db, &host).await {
        Ok(Some(t)) => {
            let id = t.id;
            req.extensions_mut().insert(t);
            // Everything the request does runs for its tenant (row-level security on Postgres).
            settle_core::row_security::as_tenant(id, next.call(req))
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Ok(None) => Ok(req
            .into_response(HttpResponse::NotFound().content_type("text/plain").body("Not found"))
            .map_into_right_body()),
        Err(e) => {
            tracing::error!(error = %e, "tenant lookup failed");
            Ok(req
                .into_response(HttpResponse::ServiceUnavailable().finish())
                .map_into_right_body())
        }
    }
}

/// The peer address, or the last untrusted address in X-Forwarded-For when the peer is a
/// trusted proxy (the header is attacker-controlled otherwise).
fn client_ip(req: &ServiceRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let trusted = req
        .app_data::<web::Data<TrustedProxies>>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let Some(peer) = peer else { return String::new() };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    forwarded
        .split(',')
        .rev()
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
        .to_string()
}

fn safe_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Paths authenticated by signatures, API keys or a token in the path instead of cookies (mail
/// clients post RFC 8058 one-click unsubscribes from their own servers; the voice provider
/// fetches a call's script with its signature).
fn csrf_exempt(path: &str) -> bool {
    path.starts_with("/webhooks/")
        || path.starts_with("/api/v1/")
        || path.starts_with("/u/")
        || path.starts_with("/voice/")
}

/// Rejects cross-site state changes by Sec-Fetch-Site, else by Origin. The form handlers then
/// check the CSRF token itself.
pub async fn same_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if safe_method(req.method()) || csrf_exempt(req.path()) || same_origin_ok(&req) {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    Ok(req
        .into_response(
            HttpResponse::Forbidden()
                .content_type("text/plain")
                .body("Cross-site request refused"),
        )
        .map_into_right_body())
}

fn same_origin_ok(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Old browsers and non-browser clients send neither header; the token check remains.
        return true;
    };
    let origin_host = origin.split("://").nth(1).unwrap_or_default();
    let host = req.connection_info().host().to_string();
    let tenant_origin = req
        .extensions()
        .get::<Arc<TenantCtx>>()
        .map(|t| t.base_url.clone())
        .unwrap_or_default();
    origin == tenant_origin || origin_host.eq_ignore_ascii_case(&host)
}

/// The nonce of this response's Content-Security-Policy, for the page's own scripts and styles.
#[derive(Clone)]
pub struct CspNonce(pub String);

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let nonce = csp_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let dev = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.mode == RunMode::Dev)
        .unwrap_or(false);
    let cacheable = req.path().starts_with("/pkg/") || req.path() == "/logo.png" || req.path().starts_with("/qr/epc/");
    let mut res = next.call(req).await?;
    // The tenant middleware runs inside this one (so that even its answer to an unknown host
    // carries these headers); the tenant it found is on the request by now.
    let https = res
        .request()
        .extensions()
        .get::<Arc<TenantCtx>>()
        .map(|t| t.https())
        .unwrap_or(false);
    let h = res.headers_mut();
    // cargo-leptos' live reload talks over a websocket in dev only.
    let connect = if dev {
        "'self' ws://127.0.0.1:3001 ws://localhost:3001"
    } else {
        "'self'"
    };
    let mut csp = String::with_capacity(320);
    csp.push_str("default-src 'self'; script-src 'self' 'nonce-");
    csp.push_str(&nonce);
    csp.push_str("' 'wasm-unsafe-eval'; style-src 'self' 'nonce-");
    csp.push_str(&nonce);
    csp.push_str("'; img-src 'self' data:; connect-src ");
    csp.push_str(connect);
    csp.push_str("; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    // A handler may set a stricter policy of its own (the sandboxed email preview).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::try_from(csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        set(h, header::X_FRAME_OPTIONS, "DENY");
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(h, HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    if https {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if !cacheable {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    Ok(res)
}

fn set(h: &mut actix_web::http::header::HeaderMap, name: HeaderName, value: &'static str) {
    h.insert(name, HeaderValue::from_static(value));
}

/// For https tenants: the session cookie travels as `__Host-settle` and every cookie is Secure.
/// The session middleware inside only ever sees the plain name.
pub async fn secure_cookies(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let https = req
        .extensions()
        .get::<Arc<TenantCtx>>()
        .map(|t| t.https())
        .unwrap_or(false);
    if !https {
        return next.call(req).await;
    }
    let renamed: Vec<HeaderValue> = req
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .map(str::trim)
                .filter(|c| !c.starts_with(&format!("{SESSION_COOKIE}=")))
                .map(|c| match c.strip_prefix(&format!("{HOST_PREFIXED}=")) {
                    Some(value) => format!("{SESSION_COOKIE}={value}"),
                    None => c.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter_map(|v| HeaderValue::from_str(&v).ok())
        .collect();
    let headers = req.headers_mut();
    headers.remove(header::COOKIE);
    for v in renamed {
        headers.append(header::COOKIE, v);
    }
    let mut res = next.call(req).await?;
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let h = res.headers_mut();
    h.remove(header::SET_COOKIE);
    for c in cookies {
        let mut c = match c.strip_prefix(&format!("{SESSION_COOKIE}=")) {
            Some(rest) => format!("{HOST_PREFIXED}={rest}"),
            None => c,
        };
        if !c.to_ascii_lowercase().contains("; secure") {
            c.push_str("; Secure");
        }
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}
