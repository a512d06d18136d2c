//! `POST /api/v1/imports/{customers|invoices}`: a CSV or JSON Lines file as the body, upserted
//! row by row; the report lists every rejected row with its line and why.
use super::{caller, failure, idempotent, malformed, respond, Problem};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_core::api::import::{self, Kind, Report};
use settle_core::api_keys::Scope;
use settle_core::state::AppState;
use utoipa::IntoParams;

const MAX_FILE: usize = 100 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/imports/{kind}")
            .app_data(web::PayloadConfig::new(MAX_FILE))
            .route(web::post().to(run)),
    );
}

#[derive(Deserialize, IntoParams)]
pub struct Options {
    /// Write nothing when any row is rejected.
    all_or_nothing: Option<bool>,
}

/// Import customers or invoices: CSV (UTF-8, `;` or `,`, a header row; customers:
/// customer_number, name, email, phone, street, postcode, city, country, language, tags (with
/// `|`); invoices: number, customer_number, issue_date, due_date, amount, description) or JSON
/// Lines (the PUT bodies with `customer_number` or `number` added). Needs an `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/imports/{kind}",
    params(
        ("kind" = String, Path, description = "customers or invoices"),
        ("Idempotency-Key" = String, Header, description = "A unique value per operation"),
        Options,
    ),
    request_body(content = String, content_type = "text/csv", description = "The file"),
    responses(
        (status = 200, description = "What was written, and every rejected row", body = Report),
        (status = 400, description = "No Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not customers or invoices", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "imports"
)]
pub async fn run(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    let Some(kind) = Kind::parse(&kind) else {
        return failure(settle_core::error::ServiceError::NotFound);
    };
    let opts = match web::Query::<Options>::from_query(req.query_string()) {
        Ok(q) => q,
        Err(e) => return malformed(e.to_string()),
    };
    idempotent(&req, &state, &key, &body, || async {
        let reader = std::io::Cursor::new(body.clone());
        let all = opts.all_or_nothing.unwrap_or(false);
        let r = import::run(
            &state.db,
            &tenant,
            &super::actor(&key),
            kind,
            reader,
            all,
            state.clock.now(),
        )
        .await;
        respond(StatusCode::OK, r)
    })
    .await
}
