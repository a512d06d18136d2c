//! `POST /invoices/{number}/plan`: accept the schedule shown on the plan page. Within policy the
//! plan binds at once; outside it the proposal goes to staff.
use crate::forms::{back, caller, codes, csrf_ok, notice, one, see_other, tenant_of};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_app::ssr::{client_ip, identity_scope, urlencode};
use settle_core::error::ServiceError;
use settle_core::services::plans::{self, Outcome};
use settle_core::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/invoices/{number}/plan")
            .guard(actix_web::guard::Post())
            .to(accept),
    );
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlanForm {
    csrf: String,
    n: String,
    first: String,
}

async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    form: web::Form<PlanForm>,
) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let invoice_page = format!("/invoices/{}", urlencode(&number));
    let here = format!(
        "/invoices/{}/plan?n={}&first={}",
        urlencode(&number),
        urlencode(&form.n),
        urlencode(&form.first)
    );
    let Some(scope) = identity_scope(&req, &tenant) else {
        return see_other(&format!("/login?next={}", urlencode(&invoice_page)));
    };
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return back(&state, &here, "plan", &[], one("form", "csrf"));
    }
    let ip = client_ip(&req);
    match plans::accept(
        &state,
        &caller(&req, &tenant, &ip),
        &scope,
        &number,
        &form.n,
        &form.first,
    )
    .await
    {
        Ok(Outcome::Active) => notice(&state, &invoice_page, "invoice", "plan_created", &[]),
        Ok(Outcome::Requested) => notice(&state, &invoice_page, "invoice", "plan_requested", &[]),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(e) => back(&state, &here, "plan", &[], codes(e)),
    }
}
