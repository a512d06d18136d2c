//! Staff sign-in under `/backoffice`: `POST /backoffice/login` checks the password and, where a
//! second factor is set up, remembers the staff member in the session for five minutes while
//! `POST /backoffice/login/code` checks the code; then a fresh session (new id, new CSRF token)
//! carries `staff:{id}`. `POST /backoffice/logout` ends it on the server.
use crate::forms::{back, caller, codes, csrf_ok, local_path, notice, one, see_other, tenant_of};
use actix_identity::Identity;
use actix_session::Session;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_app::ssr::{client_ip, urlencode};
use settle_core::csrf;
use settle_core::staff::auth::{self, Step};
use settle_core::staff::StaffScope;
use settle_core::state::AppState;

type Data = web::Data<AppState>;
const PENDING: &str = "staff_pending";
const PENDING_SECONDS: i64 = 300;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post("/backoffice/login").to(login))
        .service(post("/backoffice/login/code").to(code))
        .service(post("/backoffice/logout").to(logout));
}

/// Only back-office pages are followed after sign-in.
fn staff_next(next: &str) -> &str {
    if local_path(next) && next.starts_with("/backoffice") && !next.starts_with("/backoffice/login") {
        next
    } else {
        "/backoffice"
    }
}

fn with_next(path: &str, next: &str) -> String {
    if next.is_empty() {
        path.to_string()
    } else {
        format!("{path}?next={}", urlencode(next))
    }
}

fn start(req: &HttpRequest, session: &Session, scope: &StaffScope) -> actix_web::Result<()> {
    session.renew();
    session.remove(PENDING);
    Identity::login(&req.extensions(), auth::identity_string(scope))?;
    session
        .insert(csrf::SESSION_KEY, csrf::new_session_token())
        .map_err(actix_web::error::ErrorInternalServerError)?;
    Ok(())
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
    let here = with_next("/backoffice/login", &form.next);
    let keep = [("email", form.email.as_str())];
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return Ok(back(&state, &here, "staff_login", &keep, one("form", "csrf")));
    }
    let ip = client_ip(&req);
    match auth::login(&state, &caller(&req, &tenant, &ip), &form.email, &form.password).await {
        Ok(Step::Done(scope)) => {
            start(&req, &session, &scope)?;
            Ok(see_other(staff_next(&form.next)))
        }
        Ok(Step::SecondFactor(id)) => {
            // A new session id before anything is remembered in it (fixation).
            session.renew();
            session
                .insert(PENDING, format!("{id}:{}", state.clock.now().timestamp()))
                .map_err(actix_web::error::ErrorInternalServerError)?;
            Ok(see_other(&with_next("/backoffice/login/code", &form.next)))
        }
        Err(e) => Ok(back(&state, &here, "staff_login", &keep, codes(e))),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    csrf: String,
    code: String,
    next: String,
}

async fn code(
    req: HttpRequest,
    state: Data,
    session: Session,
    form: web::Form<CodeForm>,
) -> actix_web::Result<HttpResponse> {
    let Some(tenant) = tenant_of(&req) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let here = with_next("/backoffice/login/code", &form.next);
    let now = state.clock.now().timestamp();
    let pending = session
        .get::<String>(PENDING)
        .ok()
        .flatten()
        .and_then(|p| {
            let (id, at) = p.split_once(':')?;
            Some((id.parse::<i64>().ok()?, at.parse::<i64>().ok()?))
        })
        .filter(|(_, at)| now - at <= PENDING_SECONDS);
    let Some((staff_id, _)) = pending else {
        return Ok(notice(
            &state,
            &with_next("/backoffice/login", &form.next),
            "staff_login",
            "code_expired",
            &[],
        ));
    };
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return Ok(back(&state, &here, "staff_code", &[], one("form", "csrf")));
    }
    let ip = client_ip(&req);
    match auth::second_factor(&state, &caller(&req, &tenant, &ip), staff_id, &form.code).await {
        Ok(scope) => {
            start(&req, &session, &scope)?;
            Ok(see_other(staff_next(&form.next)))
        }
        Err(e) => Ok(back(&state, &here, "staff_code", &[], codes(e))),
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
) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return back(&state, "/backoffice", "staff_login", &[], one("form", "csrf"));
    }
    if let Some(id) = identity {
        id.logout();
    }
    session.purge();
    notice(&state, "/backoffice/login", "staff_login", "logged_out", &[])
}
