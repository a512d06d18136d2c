//! `POST /invoices/{number}/plan`: accept the schedule shown on the plan page, for the invoice
//! and the others ticked (`also`). Within policy the plan binds at once; outside it the proposal
//! goes to staff. `POST /invoices/{number}/plan/pay`: pay the plan's next instalment online.
use crate::forms::{back, caller, codes, notice, see_other, signed_in};
use crate::payments::{field, form_pairs};
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::{client_ip, locale_for, urlencode};
use settle_core::error::ServiceError;
use settle_core::services::plans::{self, Outcome, Proposal};
use settle_core::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post("/invoices/{number}/plan").to(accept))
        .service(post("/invoices/{number}/plan/pay").to(pay));
}

async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let pairs = form_pairs(&body);
    let also: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "also")
        .map(|(_, v)| v.chars().take(40).collect())
        .take(plans::MAX_INVOICES + 1)
        .collect();
    let (n, first) = (field(&pairs, "n"), field(&pairs, "first"));
    let invoice_page = format!("/invoices/{}", urlencode(&number));
    let mut here = format!(
        "/invoices/{}/plan?n={}&first={}",
        urlencode(&number),
        urlencode(n),
        urlencode(first)
    );
    for a in &also {
        here.push_str(&format!("&also={}", urlencode(a)));
    }
    let (tenant, scope) = match signed_in(&req, &state, field(&pairs, "csrf"), &invoice_page, &here, "plan") {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let ip = client_ip(&req);
    let proposal = Proposal {
        number: &number,
        also: &also,
        n,
        first,
    };
    match plans::accept(&state, &caller(&req, &tenant, &ip), &scope, &proposal).await {
        Ok(Outcome::Active) => notice(&state, &invoice_page, "invoice", "plan_created", &[]),
        Ok(Outcome::Requested) => notice(&state, &invoice_page, "invoice", "plan_requested", &[]),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(e) => back(&state, &here, "plan", &[], codes(e)),
    }
}

async fn pay(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let pairs = form_pairs(&body);
    let invoice_page = format!("/invoices/{}", urlencode(&number));
    let (tenant, scope) = match signed_in(
        &req,
        &state,
        field(&pairs, "csrf"),
        &invoice_page,
        &invoice_page,
        "pay_instalment",
    ) {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let locale = locale_for(&req, &tenant, None);
    match plans::pay_next(&state, &tenant, &scope, &number, locale).await {
        Ok(url) => see_other(&url),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(e) => back(&state, &invoice_page, "pay_instalment", &[], codes(e)),
    }
}
