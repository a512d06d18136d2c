//! `POST /backoffice/branding/logo` (admins): the logo as PNG or SVG, multipart, at most 1 MB;
//! stored as the PNG that is served (see `settle_core::backoffice::logo`).
use crate::backoffice_forms::{answer, staff_in};
use crate::forms::{back, one};
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::backoffice::logo::{self, MAX_BYTES};
use settle_core::state::AppState;

const HERE: &str = "/backoffice/branding";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::forms::post("/backoffice/branding/logo").to(upload));
}

async fn upload(req: HttpRequest, state: web::Data<AppState>, form: Multipart) -> HttpResponse {
    let Ok(parts) = crate::multipart::read(form, "logo", MAX_BYTES, 256).await else {
        return back(&state, HERE, "logo", &[], one("logo", "file_required"));
    };
    let (_, scope) = match staff_in(&req, &state, parts.field("csrf"), HERE, "logo").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let bytes = parts.file.map(|(_, bytes)| bytes).unwrap_or_default();
    let r = logo::save(&state, &scope, bytes).await.map(|_| ());
    answer(&state, r, HERE, "logo", "logo_saved")
}
