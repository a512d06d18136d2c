//! `/api/v1/customers`: upsert by customer number, get one, list with a cursor.
use super::{actor, caller, json_body, respond, upserted, Problem};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_core::api::customers::{self, Customer, CustomerInput, CustomerPage};
use settle_core::api_keys::Scope;
use settle_core::state::AppState;
use utoipa::IntoParams;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/customers", web::get().to(list))
        .route("/api/v1/customers/{number}", web::get().to(get_one))
        .route("/api/v1/customers/{number}", web::put().to(put));
}

/// Create or update a customer by its number.
#[utoipa::path(
    put,
    path = "/api/v1/customers/{number}",
    params(("number" = String, Path, description = "The creditor's customer number (1-32 of A-Z, a-z, 0-9, -)")),
    request_body = CustomerInput,
    responses(
        (status = 201, description = "Created", body = Customer),
        (status = 200, description = "Updated", body = Customer),
        (status = 400, description = "Not the JSON expected", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "customers"
)]
pub async fn put(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    let input: CustomerInput = match json_body(&body) {
        Ok(i) => i,
        Err(res) => return *res,
    };
    upserted(customers::upsert(&state.db, &tenant, &actor(&key), &number, &input, state.clock.now()).await)
}

/// One customer by number.
#[utoipa::path(
    get,
    path = "/api/v1/customers/{number}",
    params(("number" = String, Path, description = "The customer number")),
    responses(
        (status = 200, description = "The customer", body = Customer),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer of this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "customers"
)]
pub async fn get_one(req: HttpRequest, state: web::Data<AppState>, number: web::Path<String>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Read).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    respond(StatusCode::OK, customers::get(&state.db, tenant.id, &number).await)
}

#[derive(Deserialize, IntoParams)]
pub struct Page {
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// 1 to 200; 50 by default.
    limit: Option<u64>,
}

/// The tenant's customers, oldest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/customers",
    params(Page),
    responses(
        (status = 200, description = "A page of customers", body = CustomerPage),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "customers"
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Read).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    let q = match web::Query::<Page>::from_query(req.query_string()) {
        Ok(q) => q,
        Err(e) => return super::malformed(e.to_string()),
    };
    respond(
        StatusCode::OK,
        customers::list(&state.db, tenant.id, q.cursor.as_deref(), q.limit).await,
    )
}
