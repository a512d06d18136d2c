//! The REST API under `/api/v1`: JSON, authenticated by the tenant's API keys
//! (`Authorization: Bearer settle_...`), errors as RFC 9457 problem+json with field errors,
//! rate-limited per key, described by the OpenAPI 3.1 document at `/api/v1/openapi.json`.
pub mod customers;
pub mod docs;
pub mod events;
pub mod imports;
pub mod invoices;
pub mod payments;
pub mod webhooks;

use crate::forms::tenant_of;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use settle_core::api_keys::{self, ApiCaller, Scope};
use settle_core::error::ServiceError;
use settle_core::state::AppState;
use settle_core::tenant::TenantCtx;
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/openapi.json", web::get().to(openapi))
        .route("/api/v1/docs", web::get().to(docs_page))
        .configure(customers::configure)
        .configure(invoices::configure)
        .configure(payments::configure)
        .configure(events::configure)
        .configure(imports::configure)
        .configure(webhooks::configure);
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Settle API",
        version = "1",
        description = "Customers, invoices and payments of one creditor (the API key's tenant)."
    ),
    paths(
        customers::put,
        customers::get_one,
        customers::list,
        invoices::put,
        invoices::get_one,
        invoices::cancel,
        invoices::credit,
        invoices::create_link,
        invoices::revoke_link,
        payments::register,
        payments::get_one,
        events::list,
        events::statement,
        imports::run,
        webhooks::create,
        webhooks::list,
        webhooks::remove,
        webhooks::rotate,
        webhooks::deliveries,
        webhooks::redeliver
    ),
    components(schemas(Problem)),
    modifiers(&BearerKey),
    security(("api_key" = []))
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API key made in the back office or with `settle api-key create`",
                    ))
                    .build(),
            ),
        );
        // What every operation may answer, documented once: no key, a read-only key writing,
        // over the rate.
        let problem = |what: &str| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build();
            RefOr::T(
                ResponseBuilder::new()
                    .description(what)
                    .content("application/problem+json", content)
                    .build(),
            )
        };
        for item in doc.paths.paths.values_mut() {
            let ops = [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.delete, true),
            ];
            for (op, writes) in ops {
                let Some(op) = op else { continue };
                let r = &mut op.responses.responses;
                r.entry("401".into()).or_insert_with(|| problem("No valid API key"));
                r.entry("429".into())
                    .or_insert_with(|| problem("Too many requests (see Retry-After)"));
                if writes {
                    r.entry("403".into()).or_insert_with(|| problem("A read-only key"));
                }
            }
        }
    }
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

async fn docs_page() -> HttpResponse {
    docs::page(&serde_json::to_value(ApiDoc::openapi()).unwrap_or_default())
}

/// An RFC 9457 problem: what went wrong, and for invalid input which field and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `https://settle.dev/problems/invalid`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field (JSON path) -> stable code, e.g. `{"address.postcode": "postcode_invalid"}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, String>,
}

pub fn problem(status: StatusCode, kind: &str, title: &str, detail: Option<String>) -> HttpResponse {
    problem_with(status, kind, title, detail, BTreeMap::new())
}

fn problem_with(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: Option<String>,
    errors: BTreeMap<String, String>,
) -> HttpResponse {
    let body = Problem {
        kind: format!("https://settle.dev/problems/{kind}"),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        errors,
    };
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .body(serde_json::to_string(&body).unwrap_or_default())
}

/// A body over a resource's limit, answered by actix before any handler: for the API, the same
/// problem document as every other refusal (a browser form keeps actix's short text).
pub fn payload_too_large<B>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    if !res.request().path().starts_with("/api/v1/") {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, _) = res.into_parts();
    let answer = problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "The request body is too large",
        Some("See the limit of this endpoint in the API documentation.".into()),
    );
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(req, answer).map_into_right_body(),
    ))
}

/// A service's failure as the API answers it.
pub fn failure(e: ServiceError) -> HttpResponse {
    match e {
        ServiceError::Invalid(errors) => problem_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Some fields are not valid",
            None,
            errors,
        ),
        ServiceError::NotFound => problem(StatusCode::NOT_FOUND, "not-found", "Not found", None),
        ServiceError::Conflict(what) => problem(StatusCode::CONFLICT, "conflict", "Conflict", Some(what.into())),
        ServiceError::Forbidden => problem(StatusCode::FORBIDDEN, "forbidden", "This key may not do that", None),
        ServiceError::Unauthenticated => unauthorized(),
        ServiceError::RateLimited => problem(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "Too many requests", None),
        e => {
            tracing::error!(error = %e, "api request failed");
            problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error", None)
        }
    }
}

fn unauthorized() -> HttpResponse {
    let mut res = problem(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "A valid API key is required",
        Some("Send it as `Authorization: Bearer settle_...`.".into()),
    );
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer realm=\"settle\""),
    );
    res
}

/// A service's result as the API answers it: `status` with the JSON, or the problem.
pub fn respond<T: Serialize>(status: StatusCode, r: Result<T, ServiceError>) -> HttpResponse {
    match r {
        Ok(v) => HttpResponse::build(status).json(v),
        Err(e) => failure(e),
    }
}

/// An upsert's result: 201 when it made something, 200 when it found it.
pub fn upserted<T: Serialize>(r: Result<(T, bool), ServiceError>) -> HttpResponse {
    match r {
        Ok((v, true)) => HttpResponse::Created().json(v),
        Ok((v, false)) => HttpResponse::Ok().json(v),
        Err(e) => failure(e),
    }
}

/// The tenant and the key of a request, if the key is live, may do `need`, and is within its
/// rate; else the answer to give (401, 403, 429).
pub async fn caller(
    req: &HttpRequest,
    state: &AppState,
    need: Scope,
) -> Result<(Arc<TenantCtx>, ApiCaller), HttpResponse> {
    let tenant = tenant_of(req).ok_or_else(|| problem(StatusCode::NOT_FOUND, "not-found", "Not found", None))?;
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    let key = api_keys::authenticate(&state.db, tenant.id, presented, state.clock.now())
        .await
        .map_err(failure)?
        .ok_or_else(unauthorized)?;
    if let Some(wait) = state.throttle.api(key.key_id) {
        let mut res = problem(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "Too many requests", None);
        let secs = wait.as_secs().max(1).to_string();
        if let Ok(v) = header::HeaderValue::from_str(&secs) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Err(res);
    }
    if key.scope < need {
        return Err(failure(ServiceError::Forbidden));
    }
    Ok((tenant, key))
}

/// A JSON body, or the 400 problem saying why it is not one.
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Box<HttpResponse>> {
    serde_json::from_slice(body).map_err(|e| Box::new(malformed(e.to_string())))
}

/// 400: the request is not what the endpoint reads (body or query).
pub fn malformed(detail: String) -> HttpResponse {
    problem(
        StatusCode::BAD_REQUEST,
        "malformed",
        "The request is not what was expected",
        Some(detail),
    )
}

/// The audit log's actor for an API key.
pub fn actor(key: &ApiCaller) -> String {
    format!("api:{}", key.key_id)
}

/// Runs a request that creates something under its `Idempotency-Key` (required: 400 without
/// it): the first response is kept and replayed for a repeat of the same request within 24
/// hours (`Idempotency-Replayed: true`); the same key with another body is a 422, a repeat
/// while the first still runs a 409.
pub async fn idempotent<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    key: &ApiCaller,
    body: &[u8],
    run: F,
) -> HttpResponse
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = HttpResponse>,
{
    use settle_core::api::idempotency::{self, Claim, MAX_KEY_LEN};
    let Some(idem) = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN)
    else {
        return problem(
            StatusCode::BAD_REQUEST,
            "idempotency-key-required",
            "An Idempotency-Key header is required",
            Some("Send a unique value (a UUID) per operation; repeat it to retry safely.".into()),
        );
    };
    let print = idempotency::fingerprint(req.method().as_str(), req.path(), body);
    let now = state.clock.now();
    let id = match idempotency::claim(&state.db, &state.keys, key.tenant_id, key.key_id, idem, &print, now).await {
        Ok(Claim::Run(id)) => id,
        Ok(Claim::Replay(status, content_type, body)) => {
            return HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                .content_type(content_type)
                .insert_header(("Idempotency-Replayed", "true"))
                .body(body);
        }
        Err(e) => return failure(e),
    };
    let res = run().await;
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_string();
    let headers = res.headers().clone();
    let bytes = actix_web::body::to_bytes(res.into_body()).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if let Err(e) = idempotency::store(&state.db, &state.keys, id, status.as_u16(), &content_type, &text).await {
        tracing::error!(error = %e, "idempotency store failed");
    }
    let mut out = HttpResponse::build(status).body(bytes);
    for (name, value) in headers.iter() {
        out.headers_mut().insert(name.clone(), value.clone());
    }
    out
}
