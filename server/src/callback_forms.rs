//! `/callback` form posts: book a callback (topic, number, slot, the invoices it is about),
//! and move or cancel a booked one until it starts.
use crate::forms::{back, caller, codes, csrf_ok, notice, one, see_other, tenant_of};
use crate::payments::{field, form_pairs};
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::{client_ip, identity_scope};
use settle_core::services::callbacks::{self, Booking};
use settle_core::state::AppState;

type Data = web::Data<AppState>;
const HERE: &str = "/callback";

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post("/callback").to(book))
        .service(post("/callback/{id}/move").to(change))
        .service(post("/callback/{id}/cancel").to(change));
}

async fn book(req: HttpRequest, state: Data, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(scope) = identity_scope(&req, &tenant) else {
        return see_other("/login?next=/callback");
    };
    let pairs = form_pairs(&body);
    let (topic, phone, slot) = (field(&pairs, "topic"), field(&pairs, "phone"), field(&pairs, "slot"));
    let invoices: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "invoice")
        .map(|(_, v)| v.chars().take(40).collect())
        .collect();
    let values = [("topic", topic), ("phone", phone), ("slot", slot)];
    if !csrf_ok(&req, &state, &tenant, field(&pairs, "csrf")) {
        return back(&state, HERE, "callback", &values, one("form", "csrf"));
    }
    let ip = client_ip(&req);
    let b = Booking {
        topic,
        phone,
        slot,
        invoices,
    };
    match callbacks::book(&state, &caller(&req, &tenant, &ip), &scope, &b).await {
        Ok(_) => notice(&state, HERE, "callback", "callback_booked", &[]),
        Err(e) => back(&state, HERE, "callback", &values, codes(e)),
    }
}

/// Move (with a new slot) or cancel, by the last segment of the path.
async fn change(req: HttpRequest, state: Data, path: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(scope) = identity_scope(&req, &tenant) else {
        return see_other("/login?next=/callback");
    };
    let pairs = form_pairs(&body);
    let form = "callback_change";
    if !csrf_ok(&req, &state, &tenant, field(&pairs, "csrf")) {
        return back(&state, HERE, form, &[], one("form", "csrf"));
    }
    let id = path.into_inner();
    let result = if req.path().ends_with("/cancel") {
        callbacks::cancel(&state, &tenant, &scope, id)
            .await
            .map(|()| "callback_cancelled")
    } else {
        callbacks::reschedule(&state, &tenant, &scope, id, field(&pairs, "slot"))
            .await
            .map(|()| "callback_moved")
    };
    match result {
        Ok(code) => notice(&state, HERE, form, code, &[]),
        Err(settle_core::error::ServiceError::NotFound) => back(&state, HERE, form, &[], one("form", "link_invalid")),
        Err(e) => back(&state, HERE, form, &[], codes(e)),
    }
}
