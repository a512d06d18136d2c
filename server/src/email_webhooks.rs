//! `/webhooks/email`: events from an email provider (or an MTA's log shipper) as JSON,
//! `{"message_id": "<r12.email.demo@settle>", "event": "delivered", "status": "5.1.1"}`, with
//! `Authorization: Bearer $SETTLE_EMAIL_WEBHOOK_TOKEN`. Bounces go through the same recovery as
//! `settle ingest-bounce`; other events are recorded on the message.
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::dunning::bounces::{self, Bounce};
use settle_core::entities::outbox;
use settle_core::message_events;
use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use settle_core::state::AppState;
use settle_core::tokens::constant_time_eq;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks/email", web::post().to(email_event));
}

#[derive(serde::Deserialize)]
struct Event {
    message_id: String,
    event: String,
    #[serde(default)]
    status: Option<String>,
}

async fn email_event(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let Some(expected) = state.email_webhook_token.as_deref() else {
        return HttpResponse::NotFound().finish();
    };
    let given = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !constant_time_eq(given, expected) {
        return HttpResponse::Unauthorized().finish();
    }
    let Ok(event) = serde_json::from_slice::<Event>(&body) else {
        return HttpResponse::BadRequest()
            .content_type("text/plain")
            .body("expected {\"message_id\", \"event\"}");
    };
    let now = state.clock.now();
    let result = match event.event.as_str() {
        "bounced" | "deferred" => {
            let default = if event.event == "bounced" { "5.0.0" } else { "4.0.0" };
            let bounce = Bounce {
                outbox_id: None,
                message_id: Some(event.message_id.clone()),
                status: event.status.clone().unwrap_or_else(|| default.to_string()),
            };
            bounces::apply(&state.system_db, &bounce, now).await.map(|_| ())
        }
        "delivered" | "opened" | "clicked" | "complained" => {
            match outbox::Entity::find()
                .filter(outbox::Column::MessageId.eq(event.message_id.as_str()))
                .one(&state.system_db)
                .await
            {
                Ok(Some(m)) => message_events::record(&state.system_db, m.tenant_id, m.id, &event.event, "", now)
                    .await
                    .map_err(Into::into),
                Ok(None) => Ok(()),
                Err(e) => Err(e.into()),
            }
        }
        _ => {
            return HttpResponse::BadRequest()
                .content_type("text/plain")
                .body("unknown event")
        }
    };
    match result {
        Ok(()) => HttpResponse::Ok().finish(),
        Err(e) => {
            tracing::error!(error = %e, "recording an email event failed");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}
