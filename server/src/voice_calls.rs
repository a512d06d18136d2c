//! The addresses the voice provider calls during an automated reminder call (Twilio's
//! webhooks): `POST /voice/{id}/{sig}` when the call is answered, `.../identify` with the
//! digits typed, `.../menu/{ok}` with the key pressed, `.../facts/{ok}` to hear the menu
//! again, and `POST /webhooks/voice/{id}/{sig}` with the call's status. Each request must
//! carry the provider's signature (`X-Twilio-Signature`, keyed by the tenant's auth token)
//! over the public address; the answer is TwiML (`services::voice_calls`).
use crate::forms::tenant_of;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::channels::sms::{twilio_call_status, twilio_signature_valid, SmsProvider};
use settle_core::error::ServiceError;
use settle_core::services::{sms_settings, voice_calls};
use settle_core::state::AppState;
use settle_core::tenant::TenantCtx;
use std::sync::Arc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/voice/{id}/{sig}", web::post().to(start))
        .route("/voice/{id}/{sig}/identify", web::post().to(identify))
        .route("/voice/{id}/{sig}/facts/{ok}", web::post().to(menu))
        .route("/voice/{id}/{sig}/menu/{ok}", web::post().to(menu))
        .route("/webhooks/voice/{id}/{sig}", web::post().to(status));
}

type Params = Vec<(String, String)>;

/// The tenant, the call and the posted parameters of a request the provider signed; else
/// the answer (404 for an unknown call, 403 for a bad signature).
async fn verified(
    req: &HttpRequest,
    state: &AppState,
    id: i64,
    sig: &str,
    body: &[u8],
) -> Result<(Arc<TenantCtx>, voice_calls::Call, Params), HttpResponse> {
    let tenant = tenant_of(req).ok_or_else(|| HttpResponse::NotFound().finish())?;
    let Ok(Some(SmsProvider::Twilio { auth_token, .. })) = sms_settings::load(&state.db, &state.keys, tenant.id).await
    else {
        return Err(HttpResponse::NotFound().finish());
    };
    let params: Params = url::form_urlencoded::parse(body).into_owned().collect();
    let url = match req.query_string() {
        "" => tenant.link(req.path()),
        q => tenant.link(&format!("{}?{q}", req.path())),
    };
    let signature = req
        .headers()
        .get("X-Twilio-Signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !twilio_signature_valid(&auth_token, &url, &params, signature) {
        return Err(HttpResponse::Forbidden().finish());
    }
    let call = voice_calls::call_of(state, &tenant, id, sig)
        .await
        .map_err(answer_error)?;
    // A captured request replayed later, or for another call, gets nothing.
    if !voice_calls::is_live(state, &call, param(&params, "CallSid")) {
        return Err(HttpResponse::NotFound().finish());
    }
    Ok((tenant, call, params))
}

fn answer_error(e: ServiceError) -> HttpResponse {
    match e {
        ServiceError::NotFound => HttpResponse::NotFound().finish(),
        ServiceError::Forbidden => HttpResponse::Forbidden().finish(),
        other => {
            tracing::error!(error = %other, "voice call step failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

fn twiml(xml: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/xml; charset=utf-8").body(xml)
}

fn param<'a>(params: &'a Params, name: &str) -> &'a str {
    params.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (id, sig) = path.into_inner();
    match verified(&req, &state, id, &sig, &body).await {
        Ok((tenant, call, _)) => twiml(voice_calls::start(&tenant, &call)),
        Err(res) => res,
    }
}

#[derive(serde::Deserialize)]
struct Attempt {
    #[serde(rename = "try")]
    attempt: Option<u8>,
}

async fn identify(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    attempt: web::Query<Attempt>,
    body: web::Bytes,
) -> HttpResponse {
    let (id, sig) = path.into_inner();
    let (tenant, call, params) = match verified(&req, &state, id, &sig, &body).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let typed = param(&params, "Digits");
    match voice_calls::identify(&state, &tenant, &call, typed, attempt.attempt.unwrap_or(1)).await {
        Ok(xml) => twiml(xml),
        Err(e) => answer_error(e),
    }
}

async fn menu(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(i64, String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (id, sig, ok) = path.into_inner();
    let (tenant, call, params) = match verified(&req, &state, id, &sig, &body).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    // `/facts/...` is the menu heard again, whatever was typed before; `/menu/...` answers the
    // key pressed.
    let key = match req.path().contains("/facts/") {
        true => "",
        false => param(&params, "Digits"),
    };
    match voice_calls::menu(&state, &tenant, &call, &ok, key).await {
        Ok(xml) => twiml(xml),
        Err(e) => answer_error(e),
    }
}

async fn status(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (id, sig) = path.into_inner();
    let (_, call, params) = match verified(&req, &state, id, &sig, &body).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Some((_, what)) = twilio_call_status(&params) else {
        return HttpResponse::Ok().finish();
    };
    match voice_calls::status(&state, &call, what).await {
        Ok(()) => HttpResponse::Ok().finish(),
        Err(e) => answer_error(e),
    }
}
