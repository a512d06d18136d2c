//! `POST /backoffice/statements`: a bank statement uploaded by staff (multipart, at most 50 MB),
//! imported like `settle import-statement`: all of it or, when it does not parse, nothing.
use crate::forms::{back, notice, one, see_other, tenant_of};
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::identity_staff;
use settle_core::audit;
use settle_core::services::statement_import::{self, ImportError};
use settle_core::state::AppState;

const HERE: &str = "/backoffice/statements";
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::forms::post(HERE).to(upload));
}

async fn upload(req: HttpRequest, state: web::Data<AppState>, form: Multipart) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some((scope, _)) = identity_staff(&req, &state, &tenant).await else {
        return see_other("/backoffice/login?next=/backoffice/statements");
    };
    let Ok(parts) = crate::multipart::read(form, "statement", MAX_BYTES, 256).await else {
        return back(&state, HERE, "statement", &[], one("form", "file_required"));
    };
    let csrf = parts.field("csrf");
    let file = parts.file.clone().map(|(_, bytes)| bytes).unwrap_or_default();
    if !crate::forms::csrf_ok(&req, &state, &tenant, csrf) {
        return back(&state, HERE, "statement", &[], one("form", "csrf"));
    }
    if file.is_empty() {
        return back(&state, HERE, "statement", &[], one("form", "file_required"));
    }
    if file.len() > MAX_BYTES {
        return back(&state, HERE, "statement", &[], one("form", "file_too_large"));
    }
    let now = state.clock.now();
    match statement_import::import(&state.db, tenant.id, now, std::io::Cursor::new(file)).await {
        Ok(s) => {
            let _ = audit::record(
                &state.db,
                now,
                tenant.id,
                None,
                &scope.actor(),
                "statement_imported",
                serde_json::json!({ "entries": s.entries, "new": s.new, "unmatched": s.unmatched }),
            )
            .await;
            let values: Vec<(&str, String)> = vec![
                ("entries", s.entries.to_string()),
                ("new", s.new.to_string()),
                ("matched", s.matched.to_string()),
                ("partially_matched", s.partially_matched.to_string()),
                ("overpaid", s.overpaid.to_string()),
                ("unmatched", s.unmatched.to_string()),
                ("duplicates", s.duplicates.to_string()),
            ];
            let refs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
            notice(&state, HERE, "statement", "statement_imported", &refs)
        }
        Err(e @ ImportError::Statement { .. }) => {
            // Where in the file it failed (entry or line), for whoever fixes the export.
            let detail = e.to_string();
            back(
                &state,
                HERE,
                "statement",
                &[("detail", &detail)],
                one("form", "statement_invalid"),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "statement upload failed");
            back(&state, HERE, "statement", &[], one("form", "internal"))
        }
    }
}
