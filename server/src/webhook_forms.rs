//! Webhooks in the back office (admins): `POST /backoffice/webhooks` adds an endpoint (its
//! secret shown once on the page), `POST /backoffice/webhooks/{id}/rotate` makes a new secret,
//! `POST /backoffice/webhooks/{id}/remove` removes the endpoint and
//! `POST /backoffice/webhooks/{id}/deliveries/{delivery}/redeliver` sends a delivery again.
use crate::backoffice_forms::{answer, answer_keeping, staff_in};
use crate::payments::{field, form_pairs};
use actix_session::SessionExt;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::backoffice::webhooks;
use settle_core::state::AppState;

const HERE: &str = "/backoffice/webhooks";

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post(HERE).to(create))
        .service(post("/backoffice/webhooks/{id}/rotate").to(rotate))
        .service(post("/backoffice/webhooks/{id}/remove").to(remove))
        .service(post("/backoffice/webhooks/{id}/deliveries/{delivery}/redeliver").to(redeliver));
}

fn keep_once(
    req: &HttpRequest,
    r: Result<String, settle_core::error::ServiceError>,
) -> Result<(), settle_core::error::ServiceError> {
    r.map(|secret| {
        let _ = req.get_session().insert(settle_app::ssr::WEBHOOK_SECRET_ONCE, secret);
    })
}

async fn create(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), HERE, "webhook").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let events: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "events")
        .map(|(_, v)| v.clone())
        .collect();
    // "All events" wins over single ones.
    let events = if events.iter().any(|e| e == "*") {
        vec!["*".to_string()]
    } else {
        events
    };
    let r = webhooks::create(&state, &scope, field(&pairs, "url"), &events).await;
    answer_keeping(
        &state,
        keep_once(&req, r),
        HERE,
        ("webhook", "webhooks"),
        "webhook_created",
        &pairs,
        &["url"],
    )
}

async fn rotate(req: HttpRequest, state: web::Data<AppState>, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let here = format!("{HERE}/{id}");
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "webhooks").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = webhooks::rotate(&state, &scope, *id).await;
    answer(&state, keep_once(&req, r), &here, "webhooks", "webhook_rotated")
}

async fn remove(req: HttpRequest, state: web::Data<AppState>, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), HERE, "webhooks").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = webhooks::remove(&state, &scope, *id).await;
    answer(&state, r, HERE, "webhooks", "webhook_removed")
}

async fn redeliver(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
) -> HttpResponse {
    let pairs = form_pairs(&body);
    let (id, delivery) = *path;
    let here = format!("{HERE}/{id}");
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "webhooks").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = webhooks::redeliver(&state, &scope, id, delivery).await;
    answer(&state, r, &here, "webhooks", "webhook_redelivered")
}
