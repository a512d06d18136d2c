//! `/api/v1/webhooks`: the tenant's endpoints (made with their signing secret shown once;
//! rotated; removed), each endpoint's delivery log, and redelivery.
use super::{caller, failure, idempotent, json_body, respond, Problem};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_core::api_keys::Scope;
use settle_core::state::AppState;
use settle_core::webhooks::{self, Delivery, Endpoint};
use utoipa::ToSchema;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/webhooks", web::post().to(create))
        .route("/api/v1/webhooks", web::get().to(list))
        .route("/api/v1/webhooks/{id}", web::delete().to(remove))
        .route("/api/v1/webhooks/{id}/rotate", web::post().to(rotate))
        .route("/api/v1/webhooks/{id}/deliveries", web::get().to(deliveries))
        .route(
            "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
            web::post().to(redeliver),
        );
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointInput {
    /// https (http only outside production); not a private address.
    #[schema(example = "https://billing.example.nl/settle-events")]
    pub url: String,
    /// Event types, or `["*"]` for all.
    #[schema(example = json!(["invoice.paid", "dispute.opened"]))]
    pub events: Vec<String>,
}

/// Add an endpoint; the answer carries its signing secret, shown this once. Needs an
/// `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    params(("Idempotency-Key" = String, Header, description = "A unique value per operation")),
    request_body = EndpointInput,
    responses(
        (status = 201, description = "Added", body = Endpoint),
        (status = 400, description = "No Idempotency-Key, or not the JSON expected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A URL that is not https or is private, or unknown event types", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "webhooks"
)]
pub async fn create(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    idempotent(&req, &state, &key, &body, || async {
        let input: EndpointInput = match json_body(&body) {
            Ok(i) => i,
            Err(res) => return *res,
        };
        let policy = state.webhook_policy();
        let now = state.clock.now();
        let r = webhooks::create(
            &state.db,
            &state.keys,
            policy,
            tenant.id,
            &input.url,
            &input.events,
            now,
        )
        .await;
        respond(StatusCode::CREATED, r)
    })
    .await
}

/// The tenant's endpoints (never their secrets).
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    responses((status = 200, description = "The endpoints", body = Vec<Endpoint>)),
    tag = "webhooks"
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Read).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    respond(StatusCode::OK, webhooks::list(&state.db, tenant.id).await)
}

/// Remove an endpoint: nothing more goes to it.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    params(("id" = i64, Path, description = "The endpoint")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such endpoint of this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "webhooks"
)]
pub async fn remove(req: HttpRequest, state: web::Data<AppState>, id: web::Path<i64>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    match webhooks::remove(&state.db, tenant.id, *id, state.clock.now()).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(e) => failure(e),
    }
}

/// A new signing secret (shown this once); the previous one keeps signing beside it until the
/// next rotation. Needs an `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/rotate",
    params(
        ("id" = i64, Path, description = "The endpoint"),
        ("Idempotency-Key" = String, Header, description = "A unique value per operation"),
    ),
    responses(
        (status = 200, description = "The endpoint with its new secret", body = Endpoint),
        (status = 404, description = "No such endpoint of this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "webhooks"
)]
pub async fn rotate(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    idempotent(&req, &state, &key, &body, || async {
        respond(
            StatusCode::OK,
            webhooks::rotate(&state.db, &state.keys, tenant.id, *id).await,
        )
    })
    .await
}

/// The endpoint's deliveries, newest first: attempts, the last answer, when delivered.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    params(("id" = i64, Path, description = "The endpoint")),
    responses(
        (status = 200, description = "The last 100 deliveries", body = Vec<Delivery>),
        (status = 404, description = "No such endpoint of this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "webhooks"
)]
pub async fn deliveries(req: HttpRequest, state: web::Data<AppState>, id: web::Path<i64>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Read).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    respond(StatusCode::OK, webhooks::deliveries(&state.db, tenant.id, *id).await)
}

/// Send a delivery again now (a failed one gets another 3 days).
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
    params(
        ("id" = i64, Path, description = "The endpoint"),
        ("delivery" = i64, Path, description = "The delivery"),
        ("Idempotency-Key" = String, Header, description = "A unique value per operation"),
    ),
    responses(
        (status = 202, description = "Queued"),
        (status = 404, description = "No such delivery of this endpoint", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "webhooks"
)]
pub async fn redeliver(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    let (id, delivery) = path.into_inner();
    idempotent(&req, &state, &key, &body, || async {
        match webhooks::redeliver(&state.db, tenant.id, id, delivery, state.clock.now()).await {
            Ok(()) => HttpResponse::Accepted().finish(),
            Err(e) => failure(e),
        }
    })
    .await
}
