//! `/qr/epc/{reference}/{cents}.svg`: the EPC QR code of a bank transfer to this host's tenant.
//! Pages link it as an image, so it is drawn only when someone looks at it (choosing the best
//! QR mask is most of a payment page's work otherwise) and a browser keeps it for a day; each
//! address may have 20 drawn at once and 30 a minute. The path names
//! only the RF reference and the amount; the beneficiary is always the tenant's own account.
use crate::forms::tenant_of;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::client_ip;
use settle_core::qr;
use settle_core::services::invoices::epc_for;
use settle_core::state::AppState;
use settle_core::throttle::Action;
use settle_domain::money::Money;

/// The EPC limit: 999,999,999.99 euro.
const MAX_CENTS: i64 = 99_999_999_999;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/qr/epc/{reference}/{file}", web::get().to(epc));
}

async fn epc(req: HttpRequest, state: web::Data<AppState>, path: web::Path<(String, String)>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    // Drawing a code costs as much as a whole page: limited per address like page views.
    if !state.throttle.check(Action::QrImage, tenant.id, &client_ip(&req), None) {
        return HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, "60"))
            .finish();
    }
    let (reference, file) = path.into_inner();
    let cents = file
        .strip_suffix(".svg")
        .and_then(|c| c.parse::<i64>().ok())
        .filter(|c| (1..=MAX_CENTS).contains(c));
    let Some(cents) = cents else {
        return HttpResponse::NotFound().finish();
    };
    // A malformed reference is no transfer of ours: not found, like any other unknown path.
    let Ok(parts) = epc_for(&tenant, &reference, Money::eur(cents)) else {
        return HttpResponse::NotFound().finish();
    };
    match qr::epc_svg(&parts.payload) {
        Ok(svg) => HttpResponse::Ok()
            .content_type("image/svg+xml")
            // The same path always draws the same code (until the tenant changes its account).
            .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
            .body(svg),
        Err(e) => {
            tracing::error!(error = %e, "EPC QR code");
            HttpResponse::InternalServerError().finish()
        }
    }
}
