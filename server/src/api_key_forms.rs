//! API keys in the back office (admins): `POST /backoffice/api-keys` makes one (shown once on
//! the page), `POST /backoffice/api-keys/{id}/revoke` revokes one.
use crate::backoffice_forms::{answer, answer_keeping, staff_in};
use crate::payments::{field, form_pairs};
use actix_session::SessionExt;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::backoffice::api_keys;
use settle_core::state::AppState;

const HERE: &str = "/backoffice/api-keys";

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post(HERE).to(create))
        .service(post("/backoffice/api-keys/{id}/revoke").to(revoke));
}

async fn create(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), HERE, "api_key").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = api_keys::create(&state, &scope, field(&pairs, "name"), field(&pairs, "scope"))
        .await
        .map(|key| {
            let _ = req.get_session().insert(settle_app::ssr::API_KEY_ONCE, key);
        });
    answer_keeping(
        &state,
        r,
        HERE,
        ("api_key", "api_keys"),
        "api_key_created",
        &pairs,
        &["name"],
    )
}

async fn revoke(req: HttpRequest, state: web::Data<AppState>, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), HERE, "api_keys").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = api_keys::revoke(&state, &scope, *id).await;
    answer(&state, r, HERE, "api_keys", "api_key_revoked")
}
