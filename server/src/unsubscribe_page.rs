//! `/u/{token}`: stop reminder emails. A mail client posts here with one click (RFC 8058); a
//! person gets a page in their language with one button, which works without JavaScript.
use crate::forms::tenant_of;
use crate::routes::{esc, plain_page};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::client_ip;
use settle_core::error::ServiceError;
use settle_core::services::unsubscribe;
use settle_core::state::AppState;
use settle_core::tenant::TenantCtx;
use settle_domain::i18n::{t, Key};
use settle_domain::locale::Locale;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/u/{token}", web::get().to(page))
        .route("/u/{token}", web::post().to(stop));
}

fn html(tenant: &TenantCtx, l: Locale, title: &str, body: &str, status: actix_web::http::StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(plain_page(
            l.code(),
            "narrow",
            title,
            &format!(
                "<p><strong>{}</strong></p><h1>{}</h1>{body}",
                esc(&tenant.name),
                esc(title)
            ),
        ))
}

async fn page(req: HttpRequest, state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let ip = client_ip(&req);
    match unsubscribe::debtor(&state, &tenant, &token, &ip).await {
        Ok(who) => {
            let l = who
                .language
                .as_deref()
                .and_then(Locale::parse)
                .unwrap_or(tenant.default_locale);
            let body = format!(
                "<p>{}</p><form method=\"post\"><button class=\"button\" type=\"submit\">{}</button></form>",
                esc(t(l, Key::UnsubscribeIntro)),
                esc(t(l, Key::UnsubscribeButton))
            );
            html(
                &tenant,
                l,
                t(l, Key::UnsubscribeTitle),
                &body,
                actix_web::http::StatusCode::OK,
            )
        }
        Err(e) => gone(&tenant, e),
    }
}

async fn stop(req: HttpRequest, state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let ip = client_ip(&req);
    match unsubscribe::apply(&state, &tenant, &token, &ip).await {
        Ok(()) => {
            let l = unsubscribe::debtor(&state, &tenant, &token, &ip)
                .await
                .ok()
                .and_then(|w| w.language.as_deref().and_then(Locale::parse))
                .unwrap_or(tenant.default_locale);
            let body = format!("<p role=\"status\">{}</p>", esc(t(l, Key::UnsubscribeDone)));
            html(
                &tenant,
                l,
                t(l, Key::UnsubscribeTitle),
                &body,
                actix_web::http::StatusCode::OK,
            )
        }
        Err(e) => gone(&tenant, e),
    }
}

fn gone(tenant: &TenantCtx, e: ServiceError) -> HttpResponse {
    let l = tenant.default_locale;
    let status = match e {
        ServiceError::RateLimited => actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        ServiceError::NotFound => actix_web::http::StatusCode::NOT_FOUND,
        other => {
            tracing::error!(error = %other, "unsubscribe failed");
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE
        }
    };
    let body = format!("<p>{}</p>", esc(t(l, Key::UnsubscribeGone)));
    html(tenant, l, t(l, Key::UnsubscribeTitle), &body, status)
}
