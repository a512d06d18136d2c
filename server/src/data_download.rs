//! `GET /profile/data.json` and `GET /profile/data.csv`: everything Settle holds about the
//! signed-in debtor (`settle_core::services::data_export`), behind a full login. A session from
//! a payment link's code is sent to log in first.
use crate::forms::tenant_of;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::{client_ip, identity_scope, locale_for};
use settle_core::scope::AuthLevel;
use settle_core::services::data_export;
use settle_core::state::AppState;
use settle_core::throttle::Action;
use settle_domain::i18n::{t, Key};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/profile/data.json", web::get().to(json))
        .route("/profile/data.csv", web::get().to(csv));
}

async fn json(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    download(req, state, false).await
}

async fn csv(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    download(req, state, true).await
}

async fn download(req: HttpRequest, state: web::Data<AppState>, as_csv: bool) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(scope) = identity_scope(&req, &tenant).filter(|s| s.level() == AuthLevel::Full) else {
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login?next=/profile"))
            .finish();
    };
    // Ten downloads at once, then one every three minutes per debtor (and the per-address
    // limit): each reads every table of the debtor.
    let account = format!("customer:{}", scope.customer_id());
    if !state
        .throttle
        .check(Action::DataExport, tenant.id, &client_ip(&req), Some(&account))
    {
        let locale = locale_for(&req, &tenant, None);
        return HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, "180"))
            .content_type("text/plain; charset=utf-8")
            .body(t(locale, Key::ErrRateLimited));
    }
    let now = state.clock.now();
    let body = match data_export::export(&state.db, &scope, now).await {
        Ok(v) if as_csv => data_export::csv(&v),
        Ok(v) => serde_json::to_vec_pretty(&v).map_err(|e| settle_core::error::ServiceError::Internal(e.into())),
        Err(e) => Err(e),
    };
    match body {
        Ok(bytes) => {
            let (kind, ext) = match as_csv {
                true => ("text/csv; charset=utf-8", "csv"),
                false => ("application/json", "json"),
            };
            let name = format!("{}-data-{}.{ext}", tenant.slug, now.format("%Y-%m-%d"));
            HttpResponse::Ok()
                .content_type(kind)
                .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .body(bytes)
        }
        Err(e) => {
            tracing::error!(error = %e, "data export failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}
