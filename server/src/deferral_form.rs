//! `POST /invoices/{number}/defer`: "pay later". Within policy the due date moves at once;
//! beyond it the request goes to staff. Either way the debtor is back on the invoice page.
use crate::forms::{back, caller, codes, csrf_ok, notice, one, see_other, tenant_of};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_app::ssr::{client_ip, identity_scope, urlencode};
use settle_core::error::ServiceError;
use settle_core::services::deferrals::{self, Outcome};
use settle_core::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::forms::post("/invoices/{number}/defer").to(defer));
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeferForm {
    csrf: String,
    until: String,
}

async fn defer(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    form: web::Form<DeferForm>,
) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let here = format!("/invoices/{}", urlencode(&number));
    let Some(scope) = identity_scope(&req, &tenant) else {
        return see_other(&format!("/login?next={}", urlencode(&here)));
    };
    let values = [("until", form.until.as_str())];
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return back(&state, &here, "defer", &values, one("form", "csrf"));
    }
    let ip = client_ip(&req);
    match deferrals::defer(&state, &caller(&req, &tenant, &ip), &scope, &number, &form.until).await {
        Ok(Outcome::Granted) => notice(&state, &here, "invoice", "deferral_granted", &[]),
        Ok(Outcome::Requested) => notice(&state, &here, "invoice", "deferral_requested", &[]),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(e) => back(&state, &here, "defer", &values, codes(e)),
    }
}
