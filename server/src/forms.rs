//! Form posts. Each checks its CSRF token, calls one service and redirects (303): to the next
//! page on success, or back to the form with a flash carrying the typed values and errors.
use actix_identity::Identity;
use actix_session::Session;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_app::ssr::{client_ip, flash_cookie, identity_scope, locale_for, session_csrf, LANG_COOKIE};
use settle_core::csrf;
use settle_core::error::ServiceError;
use settle_core::scope::DebtorScope;
use settle_core::services::auth::EmailedLink;
use settle_core::services::{auth, paylinks};
use settle_core::state::AppState;
use settle_core::tenant::TenantCtx;
use settle_core::tokens::constant_time_eq;
use settle_domain::locale::Locale;
use settle_domain::views::Flash;
use std::collections::BTreeMap;
use std::sync::Arc;

type Data = web::Data<AppState>;

/// Every path a form posts to, as registered (`/backoffice/debtors/{id}/note`).
static FORM_POSTS: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// A resource for a form post (POST only), noted so tests can try every form as everybody.
pub(crate) fn post(path: &'static str) -> actix_web::Resource {
    if let Ok(mut posts) = FORM_POSTS.lock() {
        posts.insert(path);
    }
    web::resource(path).guard(actix_web::guard::Post())
}

/// The paths of every form post of a started server (webhooks, the REST API and one-click
/// unsubscribes are not forms: they carry their own credentials).
pub fn form_posts() -> Vec<String> {
    FORM_POSTS
        .lock()
        .map(|p| p.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(post("/login").to(login))
        .service(post("/logout").to(logout))
        .service(post("/activate").to(activate))
        .service(post("/login/link").to(login_link))
        .service(post("/password/reset").to(password_reset))
        .service(post("/pay/{token}/code").to(pay_code))
        .service(post("/pay/{token}/verify").to(pay_verify))
        .service(post("/code").to(letter_code))
        .service(post("/lang").to(set_language));
}

pub(crate) fn tenant_of(req: &HttpRequest) -> Option<Arc<TenantCtx>> {
    req.extensions().get::<Arc<TenantCtx>>().cloned()
}

pub(crate) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}

/// Back to the form with values (never passwords) and error codes.
pub(crate) fn back(
    state: &AppState,
    to: &str,
    form: &str,
    values: &[(&str, &str)],
    errors: BTreeMap<String, String>,
) -> HttpResponse {
    let flash = Flash {
        form: form.into(),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.chars().take(200).collect()))
            .collect(),
        errors,
        notice: None,
    };
    let mut res = see_other(to);
    let _ = res.add_cookie(&flash_cookie(state, &flash));
    res
}

pub(crate) fn notice(state: &AppState, to: &str, form: &str, code: &str, values: &[(&str, &str)]) -> HttpResponse {
    let flash = Flash {
        form: form.into(),
        values: values.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        errors: BTreeMap::new(),
        notice: Some(code.into()),
    };
    let mut res = see_other(to);
    let _ = res.add_cookie(&flash_cookie(state, &flash));
    res
}

pub(crate) fn one(field: &str, code: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(field.to_string(), code.to_string())])
}

/// The error codes a service failure shows on the form; internal causes are logged, not shown.
pub(crate) fn codes(e: ServiceError) -> BTreeMap<String, String> {
    match e {
        ServiceError::Invalid(fields) => fields,
        ServiceError::RateLimited => one("form", "rate_limited"),
        ServiceError::NotFound | ServiceError::Unauthenticated => one("form", "link_invalid"),
        ServiceError::Forbidden => one("form", "forbidden"),
        ServiceError::Conflict(code) => one("form", code),
        other => {
            tracing::error!(error = %other, "form handler failed");
            one("form", "internal")
        }
    }
}

/// Session-bound token when logged in, else the tenant's stateless anonymous token.
pub(crate) fn csrf_ok(req: &HttpRequest, state: &AppState, tenant: &TenantCtx, token: &str) -> bool {
    if settle_app::ssr::signed_in_session(req) {
        constant_time_eq(&session_csrf(req), token)
    } else {
        csrf::verify_anon(&state.keys, tenant.id, state.clock.now(), token)
    }
}

/// The start every signed-in debtor's form post shares: the tenant (else 404), the debtor (else
/// the login page, returning to `page`), and a good CSRF token (else back to `here` on `form`).
pub(crate) fn signed_in(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
    page: &str,
    here: &str,
    form: &str,
) -> Result<(Arc<TenantCtx>, DebtorScope), Box<HttpResponse>> {
    let tenant = tenant_of(req).ok_or_else(|| Box::new(HttpResponse::NotFound().finish()))?;
    let scope = identity_scope(req, &tenant)
        .ok_or_else(|| Box::new(see_other(&format!("/login?next={}", settle_app::ssr::urlencode(page)))))?;
    if !csrf_ok(req, state, &tenant, token) {
        return Err(Box::new(back(state, here, form, &[], one("form", "csrf"))));
    }
    Ok((tenant, scope))
}

pub(crate) fn caller<'a>(req: &HttpRequest, tenant: &'a TenantCtx, ip: &'a str) -> auth::Caller<'a> {
    auth::Caller {
        tenant,
        ip,
        locale: locale_for(req, tenant, None),
    }
}

/// Starts a fresh session (new id against fixation) for the debtor, with a new CSRF token.
fn start_session(req: &HttpRequest, session: &Session, scope: &DebtorScope) -> Result<(), actix_web::Error> {
    session.renew();
    Identity::login(&req.extensions(), auth::identity_string(scope))?;
    session
        .insert(csrf::SESSION_KEY, csrf::new_session_token())
        .map_err(actix_web::error::ErrorInternalServerError)?;
    Ok(())
}

/// Only local paths are followed: never another site.
pub(crate) fn local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\')
}

/// Where to go after login: a local page, not the login page itself.
fn safe_next(next: &str) -> &str {
    if local_path(next) && !next.starts_with("/login") {
        next
    } else {
        "/"
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    next: String,
}

async fn login(
    req: HttpRequest,
    state: Data,
    session: Session,
    form: web::Form<LoginForm>,
) -> actix_web::Result<HttpResponse> {
    let Some(tenant) = tenant_of(&req) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let back_to = if form.next.is_empty() {
        "/login".to_string()
    } else {
        format!("/login?next={}", settle_app::ssr::urlencode(&form.next))
    };
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return Ok(back(
            &state,
            &back_to,
            "login",
            &[("email", &form.email)],
            one("form", "csrf"),
        ));
    }
    let ip = client_ip(&req);
    match auth::login(&state, &caller(&req, &tenant, &ip), &form.email, &form.password).await {
        Ok(scope) => {
            start_session(&req, &session, &scope)?;
            Ok(see_other(safe_next(&form.next)))
        }
        Err(e) => Ok(back(&state, &back_to, "login", &[("email", &form.email)], codes(e))),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

async fn logout(
    req: HttpRequest,
    state: Data,
    session: Session,
    identity: Option<Identity>,
    form: web::Form<CsrfOnly>,
) -> actix_web::Result<HttpResponse> {
    let Some(tenant) = tenant_of(&req) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return Ok(back(&state, "/", "dashboard", &[], one("form", "csrf")));
    }
    if let Some(scope) = identity_scope(&req, &tenant) {
        let _ = auth::record_logout(&state, &scope).await;
    }
    if let Some(id) = identity {
        id.logout();
    }
    session.purge();
    Ok(notice(&state, "/login", "login", "logged_out", &[]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActivateForm {
    csrf: String,
    customer_number: String,
    postcode: String,
}

async fn activate(req: HttpRequest, state: Data, form: web::Form<ActivateForm>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let values = [
        ("customer_number", form.customer_number.as_str()),
        ("postcode", form.postcode.as_str()),
    ];
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return back(&state, "/activate", "activate", &values, one("form", "csrf"));
    }
    let ip = client_ip(&req);
    match auth::request_activation(
        &state,
        &caller(&req, &tenant, &ip),
        &form.customer_number,
        &form.postcode,
    )
    .await
    {
        Ok(()) => notice(&state, "/activate", "activate", "activation_sent", &[]),
        Err(e) => back(&state, "/activate", "activate", &values, codes(e)),
    }
}

/// "Email me a link" (login or reset): the same notice whether or not an account exists.
async fn link_request(
    req: &HttpRequest,
    state: &AppState,
    tenant: &TenantCtx,
    ip: &str,
    csrf: &str,
    email: &str,
    which: EmailedLink,
) -> HttpResponse {
    let (page, form, sent) = match which {
        EmailedLink::Login => ("/login", "link", "link_sent"),
        EmailedLink::Reset => ("/password/reset", "reset", "reset_sent"),
    };
    if !csrf_ok(req, state, tenant, csrf) {
        return back(state, page, form, &[("email", email)], one("form", "csrf"));
    }
    match auth::request_link(state, &caller(req, tenant, ip), email, which).await {
        Ok(()) => notice(state, page, form, sent, &[]),
        Err(e) => back(state, page, form, &[("email", email)], codes(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    csrf: String,
    email: String,
    token: String,
}

/// Without a token: email me a login link. With one: use the link (the confirmation button).
async fn login_link(
    req: HttpRequest,
    state: Data,
    session: Session,
    form: web::Form<LinkForm>,
) -> actix_web::Result<HttpResponse> {
    let Some(tenant) = tenant_of(&req) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let ip = client_ip(&req);
    if form.token.is_empty() {
        return Ok(link_request(&req, &state, &tenant, &ip, &form.csrf, &form.email, EmailedLink::Login).await);
    }
    // The token is in the page URL; after a failure the page shows the link as used or expired.
    let here = format!("/login/link?token={}", settle_app::ssr::urlencode(&form.token));
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return Ok(back(&state, &here, "link_confirm", &[], one("form", "csrf")));
    }
    match auth::consume_login_link(&state, &caller(&req, &tenant, &ip), &form.token).await {
        Ok(scope) => {
            start_session(&req, &session, &scope)?;
            Ok(see_other("/"))
        }
        Err(e) => Ok(back(&state, &here, "link_confirm", &[], codes(e))),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    csrf: String,
    email: String,
    token: String,
    password: String,
    confirm: String,
}

async fn password_reset(
    req: HttpRequest,
    state: Data,
    session: Session,
    form: web::Form<ResetForm>,
) -> actix_web::Result<HttpResponse> {
    let Some(tenant) = tenant_of(&req) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let ip = client_ip(&req);
    if form.token.is_empty() {
        return Ok(link_request(&req, &state, &tenant, &ip, &form.csrf, &form.email, EmailedLink::Reset).await);
    }
    let here = format!("/password/reset?token={}", settle_app::ssr::urlencode(&form.token));
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return Ok(back(&state, &here, "set_password", &[], one("form", "csrf")));
    }
    match auth::set_password(
        &state,
        &caller(&req, &tenant, &ip),
        &form.token,
        &form.password,
        &form.confirm,
    )
    .await
    {
        Ok(scope) => {
            start_session(&req, &session, &scope)?;
            Ok(notice(&state, "/", "dashboard", "password_set", &[]))
        }
        Err(e) => Ok(back(&state, &here, "set_password", &[], codes(e))),
    }
}

pub(crate) fn pay_csrf_ok(state: &AppState, token: &str, csrf: &str) -> bool {
    constant_time_eq(&paylinks::csrf_for_link(state, token), csrf)
}

async fn pay_code(req: HttpRequest, state: Data, path: web::Path<String>, form: web::Form<CsrfOnly>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let token = path.into_inner();
    let here = format!("/pay/{}", settle_app::ssr::urlencode(&token));
    if !pay_csrf_ok(&state, &token, &form.csrf) {
        return back(&state, &here, "pay_code", &[], one("form", "csrf"));
    }
    let ip = client_ip(&req);
    match paylinks::send_step_up_code(&state, &caller(&req, &tenant, &ip), &token).await {
        Ok(masked) => notice(&state, &here, "pay_code", "code_sent", &[("destination", &masked)]),
        Err(ServiceError::NotFound) => see_other(&here),
        Err(e) => back(&state, &here, "pay_code", &[], codes(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    csrf: String,
    code: String,
    destination: String,
}

async fn pay_verify(
    req: HttpRequest,
    state: Data,
    session: Session,
    path: web::Path<String>,
    form: web::Form<CodeForm>,
) -> actix_web::Result<HttpResponse> {
    let Some(tenant) = tenant_of(&req) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let token = path.into_inner();
    let here = format!("/pay/{}", settle_app::ssr::urlencode(&token));
    // Keep the code form open after a mistake: the flash says where the code went.
    let keep = [("destination", form.destination.as_str())];
    if !pay_csrf_ok(&state, &token, &form.csrf) {
        return Ok(back(&state, &here, "pay_code", &keep, one("form", "csrf")));
    }
    let ip = client_ip(&req);
    match paylinks::verify_step_up(&state, &caller(&req, &tenant, &ip), &token, &form.code).await {
        Ok(scope) => {
            start_session(&req, &session, &scope)?;
            Ok(see_other("/"))
        }
        Err(ServiceError::NotFound) => Ok(see_other(&here)),
        Err(e) => Ok(back(&state, &here, "pay_code", &keep, codes(e))),
    }
}

/// `/code`: the code typed from a letter opens that letter's payment page.
async fn letter_code(req: HttpRequest, state: Data, form: web::Form<CodeForm>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let typed = [("code", form.code.as_str())];
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return back(&state, "/code", "letter_code", &typed, one("form", "csrf"));
    }
    let ip = client_ip(&req);
    match paylinks::letter_code(&state, &caller(&req, &tenant, &ip), &form.code).await {
        Ok(code) => see_other(&format!("/pay/{code}")),
        Err(e) => back(&state, "/code", "letter_code", &typed, codes(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    csrf: String,
    lang: String,
}

/// Remembers the chosen language for a year and returns to the page it was chosen on.
async fn set_language(req: HttpRequest, state: Data, form: web::Form<LangForm>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let back_to = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_else(|| "/".into());
    let back_to = if local_path(&back_to) { back_to } else { "/".into() };
    let Some(locale) = Locale::parse(&form.lang) else {
        return see_other(&back_to);
    };
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return see_other(&back_to);
    }
    let mut res = see_other(&back_to);
    let _ = res.add_cookie(
        &Cookie::build(LANG_COOKIE, locale.code())
            .path("/")
            .same_site(SameSite::Lax)
            .http_only(true)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish(),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_follows_local_paths() {
        assert_eq!(safe_next("/invoices/2026-0002"), "/invoices/2026-0002");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/login"), "/");
    }
}
