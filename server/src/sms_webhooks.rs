//! `/webhooks/sms/{provider}`: delivery reports from the tenant's SMS provider; and `/t/c/{id}`
//! and `/t/o/{id}`, the tracked link and the open pixel in dunning emails. Twilio's are
//! verified with its signature over the public URL; MessageBird's name a random message id and
//! can only add an event to that message.
use crate::forms::tenant_of;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::channels::sms::{messagebird_status, twilio_signature_valid, twilio_status, SmsProvider};
use settle_core::services::{delivery_status, sms_settings};
use settle_core::state::AppState;
use settle_core::tracking::Seen;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks/sms/{provider}", web::post().to(sms_report))
        .route("/webhooks/sms/{provider}", web::get().to(sms_report))
        .route("/t/c/{id}", web::get().to(click))
        .route("/t/o/{id}", web::get().to(open));
}

/// A tracked link: note the click (in memory) and go to the payment link at once. The target
/// is always this tenant's `/pay/...`: no open redirect.
async fn click(req: HttpRequest, state: web::Data<AppState>, id: web::Path<String>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some((reminder, token)) = settle_core::tracking::parse_click_id(&id) else {
        return HttpResponse::NotFound().finish();
    };
    state.tracker.note(Seen::Clicked, reminder, token, state.clock.now());
    HttpResponse::Found()
        .insert_header((actix_web::http::header::LOCATION, tenant.link(&format!("/pay/{token}"))))
        .finish()
}

/// The open pixel: always the same image, at once; a malformed id only records nothing.
async fn open(state: web::Data<AppState>, id: web::Path<String>) -> HttpResponse {
    if let Some((reminder, token)) = settle_core::tracking::parse_click_id(&id) {
        state.tracker.note(Seen::Opened, reminder, token, state.clock.now());
    }
    HttpResponse::Ok()
        .content_type("image/gif")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store, private"))
        .body(settle_core::tracking::PIXEL_GIF)
}

async fn sms_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    provider: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    params.extend(url::form_urlencoded::parse(req.query_string().as_bytes()).into_owned());
    let configured = match sms_settings::load(&state.db, &state.keys, tenant.id).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "loading SMS settings failed");
            return HttpResponse::ServiceUnavailable().finish();
        }
    };
    let report = match (provider.as_str(), configured) {
        ("twilio", Some(SmsProvider::Twilio { auth_token, .. })) => {
            let signature = req
                .headers()
                .get("X-Twilio-Signature")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let url = tenant.link(req.path());
            let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
            if !twilio_signature_valid(&auth_token, &url, &form, signature) {
                return HttpResponse::Forbidden().finish();
            }
            twilio_status(&form)
        }
        ("messagebird", Some(SmsProvider::MessageBird { .. })) => messagebird_status(&params),
        _ => return HttpResponse::NotFound().finish(),
    };
    let Some((id, status)) = report else {
        return HttpResponse::Ok().finish();
    };
    match delivery_status::sms_report(&state.db, tenant.id, &id, status, state.clock.now()).await {
        Ok(_) => HttpResponse::Ok().finish(),
        Err(e) => {
            tracing::error!(error = %e, "recording an SMS report failed");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}
