//! Server-side glue for the server functions: request context, debtor identity, locale, CSRF
//! tokens and the flash cookie that carries a failed form back to its page.
use actix_identity::IdentityExt;
use actix_session::SessionExt;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpMessage, HttpRequest};
use leptos::prelude::*;
use leptos_actix::ResponseOptions;
use settle_core::csrf;
use settle_core::error::ServiceError;
use settle_core::scope::{AuthLevel, DebtorScope};
use settle_core::services::auth::{self, Caller};
use settle_core::staff::StaffScope;
use settle_core::state::AppState;
use settle_core::tenant::TenantCtx;
use settle_domain::backoffice::StaffView;
use settle_domain::i18n::pick_locale;
use settle_domain::locale::Locale;
use settle_domain::views::{Flash, ShellView, TenantView, UserView};
use std::sync::Arc;

pub const LANG_COOKIE: &str = "settle_lang";
pub const FLASH_COOKIE: &str = "settle_flash";

pub struct Ctx {
    pub state: web::Data<AppState>,
    pub tenant: Arc<TenantCtx>,
    pub req: HttpRequest,
    /// The client address (behind trusted proxies, the forwarded one), for throttling.
    pub ip: String,
}

pub async fn ctx() -> Result<Ctx, ServerFnError> {
    let state: web::Data<AppState> = leptos_actix::extract().await?;
    let req: HttpRequest = leptos_actix::extract().await?;
    let tenant = req
        .extensions()
        .get::<Arc<TenantCtx>>()
        .cloned()
        .ok_or_else(|| ServerFnError::new("not_found"))?;
    let ip = client_ip(&req);
    Ok(Ctx { state, tenant, req, ip })
}

/// The client address for throttling, as resolved by the server's proxy-aware middleware.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

pub fn client_ip(req: &HttpRequest) -> String {
    req.extensions()
        .get::<ClientIp>()
        .map(|c| c.0.clone())
        .unwrap_or_else(|| req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default())
}

pub fn locale_for(req: &HttpRequest, tenant: &TenantCtx, account: Option<&str>) -> Locale {
    let cookie = req.cookie(LANG_COOKIE);
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    pick_locale(
        cookie.as_ref().map(|c| c.value()),
        account,
        accept,
        tenant.default_locale,
    )
}

pub fn identity_scope(req: &HttpRequest, tenant: &TenantCtx) -> Option<DebtorScope> {
    let id = req.get_identity().ok()?;
    auth::scope_from_identity(tenant, &id.id().ok()?)
}

/// The staff member signed in on this session, checked against the database and the host's
/// tenant on every request.
pub async fn identity_staff(
    req: &HttpRequest,
    state: &AppState,
    tenant: &TenantCtx,
) -> Option<(StaffScope, settle_core::entities::staff_user::Model)> {
    let id = req.get_identity().ok()?.id().ok()?;
    settle_core::staff::auth::scope_from_identity(&state.db, tenant, &id)
        .await
        .ok()
        .flatten()
}

/// Whether the session belongs to someone signed in (debtor or staff): its CSRF token is then
/// the session's, not the anonymous one.
pub fn signed_in_session(req: &HttpRequest) -> bool {
    req.get_identity().ok().and_then(|i| i.id().ok()).is_some()
}

impl Ctx {
    pub fn today(&self) -> chrono::NaiveDate {
        self.tenant.today(self.state.clock.now())
    }

    pub fn caller(&self) -> Caller<'_> {
        Caller {
            tenant: &self.tenant,
            ip: &self.ip,
            locale: locale_for(&self.req, &self.tenant, None),
        }
    }

    /// The logged-in debtor, or a redirect to the login page that comes back here afterwards.
    pub async fn debtor(&self) -> Result<DebtorScope, ServerFnError> {
        match identity_scope(&self.req, &self.tenant) {
            Some(s) => Ok(s),
            None => {
                let path = self.req.path();
                let back = if path.starts_with("/api/") { "/" } else { path };
                leptos_actix::redirect(&format!("/login?next={}", urlencode(back)));
                // A page render becomes a real redirect; a server-function call answers 401 and
                // the browser follows the redirect header instead.
                if let Some(opts) = use_context::<ResponseOptions>() {
                    opts.set_status(if path.starts_with("/api/") {
                        actix_web::http::StatusCode::UNAUTHORIZED
                    } else {
                        actix_web::http::StatusCode::FOUND
                    });
                }
                Err(ServerFnError::new("unauthenticated"))
            }
        }
    }

    /// The signed-in staff member, or a redirect to the back office login.
    pub async fn staff(&self) -> Result<StaffScope, ServerFnError> {
        match identity_staff(&self.req, &self.state, &self.tenant).await {
            Some((s, _)) => Ok(s),
            None => {
                let path = self.req.path();
                let back = if path.starts_with("/api/") { "/backoffice" } else { path };
                leptos_actix::redirect(&format!("/backoffice/login?next={}", urlencode(back)));
                if let Some(opts) = use_context::<ResponseOptions>() {
                    opts.set_status(if path.starts_with("/api/") {
                        actix_web::http::StatusCode::UNAUTHORIZED
                    } else {
                        actix_web::http::StatusCode::FOUND
                    });
                }
                Err(ServerFnError::new("unauthenticated"))
            }
        }
    }

    /// Turns a service result into what the page gets: not found and forbidden both 404.
    pub fn map<T>(&self, r: Result<T, ServiceError>) -> Result<T, ServerFnError> {
        r.map_err(|e| {
            let code = match &e {
                ServiceError::NotFound => "not_found",
                ServiceError::Forbidden => "forbidden",
                ServiceError::Unauthenticated => "unauthenticated",
                ServiceError::RateLimited => "rate_limited",
                ServiceError::Invalid(_) | ServiceError::Conflict(_) => "invalid",
                ServiceError::Db(_) | ServiceError::Internal(_) => {
                    tracing::error!(error = %e, "server function failed");
                    "internal"
                }
            };
            if let Some(opts) = use_context::<ResponseOptions>() {
                opts.set_status(match code {
                    "not_found" => actix_web::http::StatusCode::NOT_FOUND,
                    "forbidden" => actix_web::http::StatusCode::FORBIDDEN,
                    "rate_limited" => actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                    "internal" => actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                    _ => actix_web::http::StatusCode::BAD_REQUEST,
                });
            }
            ServerFnError::new(code)
        })
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn tenant_view(t: &TenantCtx) -> TenantView {
    let r = &t.row;
    let colour = |c: &str, fallback: &str| {
        // Colours go into a <style> element: only #rgb/#rrggbb pass, so CSS cannot be injected.
        let ok = c.starts_with('#') && matches!(c.len(), 4 | 7) && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
        if ok {
            c.to_string()
        } else {
            fallback.to_string()
        }
    };
    TenantView {
        slug: t.slug.clone(),
        name: t.name.clone(),
        primary: colour(&r.brand_primary, "#0b5cad"),
        accent: colour(&r.brand_accent, "#8a5a00"),
        support_phone: r.support_phone.clone(),
        support_email: r.support_email.clone(),
        support_hours: r.support_hours.clone(),
        legal_footer: r.legal_footer.clone(),
    }
}

pub async fn shell_view() -> Result<ShellView, ServerFnError> {
    let ctx = ctx().await?;
    let scope = identity_scope(&ctx.req, &ctx.tenant);
    let me = match &scope {
        Some(s) => {
            let loaded = ctx
                .req
                .get_session()
                .get::<auth::SessionDebtor>(auth::SessionDebtor::KEY)
                .ok()
                .flatten();
            auth::me(&ctx.state, s, loaded).await.ok()
        }
        None => None,
    };
    let staff = identity_staff(&ctx.req, &ctx.state, &ctx.tenant).await;
    let account_language = me
        .as_ref()
        .and_then(|m| m.language.clone())
        .or_else(|| staff.as_ref().and_then(|(_, s)| s.language.clone()));
    let locale = locale_for(&ctx.req, &ctx.tenant, account_language.as_deref());
    let csrf = match scope.is_some() || staff.is_some() {
        true => session_csrf(&ctx.req),
        false => csrf::anon_token(&ctx.state.keys, ctx.tenant.id, ctx.state.clock.now()),
    };
    let flash = take_flash(&ctx.req, &ctx.state);
    Ok(ShellView {
        tenant: tenant_view(&ctx.tenant),
        locale,
        user: me.map(|m| UserView {
            name: m.name,
            full_login: scope.is_some_and(|s| s.level() == AuthLevel::Full),
        }),
        staff: staff.map(|(scope, row)| StaffView {
            name: row.name,
            role: scope.role().as_str().to_string(),
        }),
        csrf,
        flash,
        dev_mode: ctx.state.mode == settle_core::state::RunMode::Dev,
    })
}

/// The session's CSRF token, created on first use.
pub fn session_csrf(req: &HttpRequest) -> String {
    let session = req.get_session();
    match session.get::<String>(csrf::SESSION_KEY) {
        Ok(Some(t)) => t,
        _ => {
            let t = csrf::new_session_token();
            let _ = session.insert(csrf::SESSION_KEY, &t);
            t
        }
    }
}

fn flash_key(state: &AppState) -> Key {
    Key::from(&state.keys.cookie)
}

/// Reads and clears the flash cookie (encrypted, so it can carry typed values safely).
fn take_flash(req: &HttpRequest, state: &AppState) -> Option<Flash> {
    let raw = req.cookie(FLASH_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(raw);
    let flash = jar
        .private(&flash_key(state))
        .get(FLASH_COOKIE)
        .and_then(|c| serde_json::from_str::<Flash>(c.value()).ok());
    if let Some(opts) = use_context::<ResponseOptions>() {
        let mut gone = Cookie::build(FLASH_COOKIE, "").path("/").http_only(true).finish();
        gone.make_removal();
        if let Ok(v) = HeaderValue::from_str(&gone.to_string()) {
            opts.append_header(header::SET_COOKIE, v);
        }
    }
    flash
}

/// The Set-Cookie for a flash (used by the form handlers before they redirect).
pub fn flash_cookie(state: &AppState, flash: &Flash) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    let value = serde_json::to_string(flash).unwrap_or_default();
    jar.private_mut(&flash_key(state)).add(
        Cookie::build(FLASH_COOKIE, value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::minutes(5))
            .finish(),
    );
    jar.get(FLASH_COOKIE)
        .cloned()
        .unwrap_or_else(|| Cookie::new(FLASH_COOKIE, ""))
}

/// The session key of a template draft being edited.
pub fn template_draft_key(k: settle_core::services::message_templates::Key) -> String {
    format!(
        "tpl_draft:{}:{}:{}:{}",
        k.kind.as_str(),
        k.channel.as_str(),
        k.locale.code(),
        k.variant.as_str()
    )
}

/// A template draft kept in the (server-side) session between the editor's requests.
pub fn template_draft(
    req: &HttpRequest,
    k: settle_core::services::message_templates::Key,
) -> Option<settle_core::services::message_templates::Draft> {
    req.get_session().get(&template_draft_key(k)).ok().flatten()
}

/// The session key under which a new API key waits to be shown, once.
pub const API_KEY_ONCE: &str = "staff_api_key_once";

/// Takes the API key made a moment ago out of the session: it is shown this once.
pub fn take_api_key_once(req: &HttpRequest) -> Option<String> {
    take_once(req, API_KEY_ONCE)
}

/// The session key under which a webhook's new signing secret waits to be shown, once.
pub const WEBHOOK_SECRET_ONCE: &str = "staff_webhook_secret_once";

/// Takes what waits under `key` out of the session: it is shown this once.
pub fn take_once<T: serde::de::DeserializeOwned>(req: &HttpRequest, key: &str) -> Option<T> {
    let session = req.get_session();
    // Only when there is something to take: removing marks the session changed, and a
    // changed session is written back to the database.
    let once = session.get(key).ok().flatten();
    if once.is_some() {
        session.remove(key);
    }
    once
}

/// The session key under which a new second factor waits to be shown, once.
pub const SECOND_FACTOR_ONCE: &str = "staff_second_factor_once";

/// Takes the second factor set up a moment ago out of the session: it is shown this once.
pub fn take_second_factor_once(req: &HttpRequest) -> Option<settle_domain::backoffice::SecondFactorOnce> {
    take_once(req, SECOND_FACTOR_ONCE)
}
