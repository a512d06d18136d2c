//! `/api/v1/payments`: a payment the creditor received elsewhere, booked once per external id.
use super::{caller, idempotent, json_body, respond, upserted, Problem};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::api::payments::{self, Payment, PaymentInput};
use settle_core::api_keys::Scope;
use settle_core::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/payments", web::post().to(register))
        .route("/api/v1/payments/{external_id}", web::get().to(get_one));
}

/// Register a payment received outside Settle (booked like every payment: costs, interest,
/// principal; the invoice's status; queued reminders dropped). The same `external_id` again
/// books nothing and answers 200 with the payment. Needs an `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/payments",
    params(("Idempotency-Key" = String, Header, description = "A unique value per operation")),
    request_body = PaymentInput,
    responses(
        (status = 201, description = "Booked", body = Payment),
        (status = 200, description = "Known already (same external_id): nothing booked", body = Payment),
        (status = 400, description = "No Idempotency-Key, or not the JSON expected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or an unknown invoice", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "payments"
)]
pub async fn register(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    idempotent(&req, &state, &key, &body, || async {
        let input: PaymentInput = match json_body(&body) {
            Ok(i) => i,
            Err(res) => return *res,
        };
        upserted(payments::register(&state.db, &tenant, &input, state.clock.now()).await)
    })
    .await
}

/// A payment by its external id.
#[utoipa::path(
    get,
    path = "/api/v1/payments/{external_id}",
    params(("external_id" = String, Path, description = "The creditor's id of the payment")),
    responses(
        (status = 200, description = "The payment", body = Payment),
        (status = 404, description = "No such payment of this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "payments"
)]
pub async fn get_one(req: HttpRequest, state: web::Data<AppState>, id: web::Path<String>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Read).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    respond(StatusCode::OK, payments::get(&state.db, tenant.id, &id).await)
}
