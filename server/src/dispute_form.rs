//! `POST /invoices/{number}/dispute`: a multipart form (reason, text, optional attachment). The
//! attachment is read up to one byte past the limit and no further; everything is checked
//! before anything is written.
use crate::forms::{back, caller, codes, csrf_ok, notice, one, see_other, tenant_of};
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::{client_ip, identity_scope, urlencode};
use settle_core::error::ServiceError;
use settle_core::services::disputes::{self, NewDispute, Upload};
use settle_core::state::AppState;
use settle_domain::disputes::{MAX_ATTACHMENT_BYTES, MAX_TEXT};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::forms::post("/invoices/{number}/dispute").to(dispute));
}

async fn dispute(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    form: Multipart,
) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let number = number.into_inner();
    let here = format!("/invoices/{}/dispute", urlencode(&number));
    let Some(scope) = identity_scope(&req, &tenant) else {
        return see_other(&format!("/login?next={}", urlencode(&here)));
    };
    let Ok(f) = crate::multipart::read(form, "attachment", MAX_ATTACHMENT_BYTES, MAX_TEXT * 4 + 64).await else {
        return back(&state, &here, "dispute", &[], one("form", "internal"));
    };
    let values = [("reason", f.field("reason")), ("text", f.field("text"))];
    if !csrf_ok(&req, &state, &tenant, f.field("csrf")) {
        return back(&state, &here, "dispute", &values, one("form", "csrf"));
    }
    let ip = client_ip(&req);
    let new = NewDispute {
        number: &number,
        reason: f.field("reason"),
        text: f.field("text"),
        attachment: f.file.clone().map(|(name, bytes)| Upload { name, bytes }),
    };
    match disputes::open(&state, &caller(&req, &tenant, &ip), &scope, new).await {
        Ok(()) => notice(
            &state,
            &format!("/invoices/{}", urlencode(&number)),
            "invoice",
            "dispute_opened",
            &[],
        ),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(e) => back(&state, &here, "dispute", &values, codes(e)),
    }
}
