//! `/api/v1/events`: what happened, oldest first, after a cursor; and `/api/v1/statements`: a
//! bank statement imported as the back office and `settle import-statement` do.
use super::{caller, failure, idempotent, malformed, problem, respond, Problem};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_core::api::events::{self, EventPage};
use settle_core::api_keys::Scope;
use settle_core::services::statement_import::{self, ImportError, Summary};
use settle_core::state::AppState;
use utoipa::IntoParams;

/// The largest statement accepted, as in the back office.
const MAX_STATEMENT: usize = 50 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/events", web::get().to(list)).service(
        web::resource("/api/v1/statements")
            .app_data(web::PayloadConfig::new(MAX_STATEMENT))
            .route(web::post().to(statement)),
    );
}

#[derive(Deserialize, IntoParams)]
pub struct After {
    /// The `next_cursor` of the previous answer; without it, from the first event.
    cursor: Option<String>,
    /// 1 to 200; 50 by default.
    limit: Option<u64>,
}

/// Events after a cursor, oldest first (the same events the webhooks send).
#[utoipa::path(
    get,
    path = "/api/v1/events",
    params(After),
    responses(
        (status = 200, description = "Events, and the cursor to ask after", body = EventPage),
        (status = 422, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "events"
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Read).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    let q = match web::Query::<After>::from_query(req.query_string()) {
        Ok(q) => q,
        Err(e) => return malformed(e.to_string()),
    };
    respond(
        StatusCode::OK,
        events::list(&state.db, tenant.id, q.cursor.as_deref(), q.limit).await,
    )
}

/// Import a bank statement (camt.053, camt.054 or MT940, recognised from its content; the file
/// as the body, at most 50 MB): its incoming payments are booked, all of it or nothing. Needs an
/// `Idempotency-Key`; a statement imported before books nothing again.
#[utoipa::path(
    post,
    path = "/api/v1/statements",
    params(("Idempotency-Key" = String, Header, description = "A unique value per operation")),
    request_body(content = String, content_type = "application/xml", description = "The statement file"),
    responses(
        (status = 200, description = "What was booked", body = Summary),
        (status = 400, description = "No Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 50 MB"),
        (status = 422, description = "Not a readable statement: nothing booked", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "statements"
)]
pub async fn statement(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    idempotent(&req, &state, &key, &body, || async {
        let reader = std::io::Cursor::new(body.clone());
        match statement_import::import(&state.db, tenant.id, state.clock.now(), reader).await {
            Ok(summary) => HttpResponse::Ok().json(summary),
            Err(e @ ImportError::Statement { .. }) => problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "statement-invalid",
                "Not a readable statement; nothing was booked",
                Some(e.to_string()),
            ),
            Err(ImportError::Service(e)) => failure(e),
            Err(e) => {
                tracing::error!(error = %e, "api statement import failed");
                problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error", None)
            }
        }
    })
    .await
}
