//! `/api/v1/invoices`: upsert by number (lines, optional PDF), get one with status, open
//! amount and dunning stage.
use super::{actor, caller, failure, idempotent, json_body, respond, upserted, Problem};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::api::invoices::{self, CancelInput, Correction, CreditInput, Invoice, InvoiceInput};
use settle_core::api::payment_links::{self, PaymentLink};
use settle_core::api_keys::Scope;
use settle_core::state::AppState;

/// A body with a 5 MB PDF in base64, and room for the rest.
const MAX_BODY: usize = 8 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/invoices/{number}")
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .route(web::get().to(get_one))
            .route(web::put().to(put)),
    )
    .route("/api/v1/invoices/{number}/cancel", web::post().to(cancel))
    .route("/api/v1/invoices/{number}/credit", web::post().to(credit))
    .route("/api/v1/invoices/{number}/payment-links", web::post().to(create_link))
    .route(
        "/api/v1/invoices/{number}/payment-links/{id}",
        web::delete().to(revoke_link),
    );
}

/// Create or update an invoice by its number. Once money came in or dunning started, only the
/// description and the PDF may change (409 otherwise).
#[utoipa::path(
    put,
    path = "/api/v1/invoices/{number}",
    params(("number" = String, Path, description = "The creditor's invoice number")),
    request_body = InvoiceInput,
    responses(
        (status = 201, description = "Created", body = Invoice),
        (status = 200, description = "Updated", body = Invoice),
        (status = 400, description = "Not the JSON expected", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Paid on or in dunning: only description and PDF may change", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "invoices"
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
    let input: InvoiceInput = match json_body(&body) {
        Ok(i) => i,
        Err(res) => return *res,
    };
    upserted(invoices::upsert(&state.db, &tenant, &actor(&key), &number, &input, state.clock.now()).await)
}

/// One invoice by number.
#[utoipa::path(
    get,
    path = "/api/v1/invoices/{number}",
    params(("number" = String, Path, description = "The invoice number")),
    responses(
        (status = 200, description = "The invoice", body = Invoice),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice of this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "invoices"
)]
pub async fn get_one(req: HttpRequest, state: web::Data<AppState>, number: web::Path<String>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Read).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    respond(StatusCode::OK, invoices::get(&state.db, tenant.id, &number).await)
}

/// Cancel an open invoice: nothing is owed any more, dunning stops, queued reminders are not
/// sent. Needs an `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/invoices/{number}/cancel",
    params(
        ("number" = String, Path, description = "The invoice number"),
        ("Idempotency-Key" = String, Header, description = "A unique value per operation"),
    ),
    request_body = CancelInput,
    responses(
        (status = 200, description = "Cancelled", body = Invoice),
        (status = 400, description = "No Idempotency-Key, or not the JSON expected", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice of this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open (paid, cancelled), or the same key still running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The same key with another request", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "invoices"
)]
pub async fn cancel(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    idempotent(&req, &state, &key, &body, || async {
        let input: CancelInput = if body.is_empty() {
            CancelInput::default()
        } else {
            match json_body(&body) {
                Ok(i) => i,
                Err(res) => return *res,
            }
        };
        let (who, now) = (actor(&key), state.clock.now());
        let r = invoices::correct(
            &state.db,
            &tenant,
            &who,
            &number,
            Correction::Cancel,
            input.reason.as_deref(),
            now,
        );
        respond(StatusCode::OK, r.await)
    })
    .await
}

/// Credit part (or all) of what is open; dunning goes on from today for the rest. Needs an
/// `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/invoices/{number}/credit",
    params(
        ("number" = String, Path, description = "The invoice number"),
        ("Idempotency-Key" = String, Header, description = "A unique value per operation"),
    ),
    request_body = CreditInput,
    responses(
        (status = 200, description = "Credited", body = Invoice),
        (status = 400, description = "No Idempotency-Key, or not the JSON expected", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice of this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open, or the same key still running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An amount over what is open, or the same key with another request", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "invoices"
)]
pub async fn credit(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    idempotent(&req, &state, &key, &body, || async {
        let input: CreditInput = match json_body(&body) {
            Ok(i) => i,
            Err(res) => return *res,
        };
        let Some(cents) = settle_core::api::cents(&input.amount) else {
            return failure(settle_core::error::ServiceError::invalid("amount", "amount_invalid"));
        };
        let (who, now) = (actor(&key), state.clock.now());
        let credit = Correction::Credit(cents);
        let r = invoices::correct(&state.db, &tenant, &who, &number, credit, input.reason.as_deref(), now);
        respond(StatusCode::OK, r.await)
    })
    .await
}

/// Make a payment link for an open invoice, to use in the creditor's own channels. The link is
/// in this answer only. Needs an `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/v1/invoices/{number}/payment-links",
    params(
        ("number" = String, Path, description = "The invoice number"),
        ("Idempotency-Key" = String, Header, description = "A unique value per operation"),
    ),
    responses(
        (status = 201, description = "The link", body = PaymentLink),
        (status = 404, description = "No such invoice of this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The invoice is not open", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "payment links"
)]
pub async fn create_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    number: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let (tenant, key) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    idempotent(&req, &state, &key, &body, || async {
        respond(
            StatusCode::CREATED,
            payment_links::create(&state.db, &tenant, &number, state.clock.now()).await,
        )
    })
    .await
}

/// Revoke a payment link: it stops working at once.
#[utoipa::path(
    delete,
    path = "/api/v1/invoices/{number}/payment-links/{id}",
    params(
        ("number" = String, Path, description = "The invoice number"),
        ("id" = i64, Path, description = "The link's id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such live link of this invoice", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "payment links"
)]
pub async fn revoke_link(req: HttpRequest, state: web::Data<AppState>, path: web::Path<(String, i64)>) -> HttpResponse {
    let (tenant, _) = match caller(&req, &state, Scope::Write).await {
        Ok(ok) => ok,
        Err(res) => return res,
    };
    let (number, id) = path.into_inner();
    match payment_links::revoke(&state.db, tenant.id, &number, id, state.clock.now()).await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(e) => failure(e),
    }
}
