//! The template editor's posts (`POST /backoffice/templates/{kind}/{channel}/{locale}` with
//! `action` preview, save, test, rollback or reset; `?variant=b` for a plain reminder's second
//! wording) and the email preview
//! (`GET .../preview.html`: the HTML as the recipient sees it, sandboxed, no scripts) and the
//! letter preview (`GET .../letter/{locale}/preview.pdf`). A draft
//! lives in the server-side session between requests, so long texts survive the redirect.
use crate::forms::{back, codes, csrf_ok, notice, one, see_other, tenant_of};
use crate::payments::{field, form_pairs};
use actix_session::SessionExt;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::{identity_staff, template_draft, template_draft_key, urlencode};
use settle_core::error::ServiceError;
use settle_core::services::message_templates::{self as templates, Draft, Key};
use settle_core::state::AppState;
use settle_domain::dunning::texts::default_source;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::forms::post("/backoffice/templates/{kind}/{channel}/{locale}").to(post))
        .service(
            web::resource("/backoffice/templates/{kind}/{channel}/{locale}/preview.html")
                .guard(actix_web::guard::Get())
                .to(preview),
        )
        .service(
            web::resource("/backoffice/templates/{kind}/letter/{locale}/preview.pdf")
                .guard(actix_web::guard::Get())
                .to(preview_pdf),
        );
}

async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (kind, channel, locale) = path.into_inner();
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(key) = key_of(&req, &kind, &channel, &locale) else {
        return HttpResponse::NotFound().finish();
    };
    let here = format!("/backoffice/templates/{kind}/{channel}/{locale}{}", key.query());
    let Some((scope, _)) = identity_staff(&req, &state, &tenant).await else {
        return see_other(&format!("/backoffice/login?next={}", urlencode(&here)));
    };
    let pairs = form_pairs(&body);
    if !csrf_ok(&req, &state, &tenant, field(&pairs, "csrf")) {
        return back(&state, &here, "template", &[], one("form", "csrf"));
    }
    let session = req.get_session();
    let draft = Draft {
        subject: field(&pairs, "subject").to_string(),
        body: field(&pairs, "body").to_string(),
    };
    let keep = |d: &Draft| {
        let _ = session.insert(template_draft_key(key), d);
    };
    let now = state.clock.now();
    let result = match field(&pairs, "action") {
        "preview" => {
            keep(&draft);
            // Only admins edit; an agent learns it here rather than after typing more.
            scope.require(settle_core::staff::Role::Admin).map(|()| None)
        }
        "save" => match templates::save(&state.db, &scope, key, &draft.subject, &draft.body, now).await {
            Ok(_) => {
                session.remove(&template_draft_key(key));
                Ok(Some("template_saved"))
            }
            Err(ServiceError::Invalid(_)) => {
                // The page shows the draft with what is wrong at the fields.
                keep(&draft);
                Ok(None)
            }
            Err(e) => Err(e),
        },
        "test" => {
            keep(&draft);
            match templates::send_test(&state.db, &tenant, &scope, key, &draft.subject, &draft.body, now).await {
                Ok(()) => Ok(Some("test_sent")),
                Err(ServiceError::Invalid(_)) => Ok(None),
                Err(e) => Err(e),
            }
        }
        "rollback" => {
            let version = field(&pairs, "version").parse().unwrap_or(0);
            session.remove(&template_draft_key(key));
            templates::rollback(&state.db, &scope, key, version, now)
                .await
                .map(|_| Some("template_saved"))
        }
        "reset" => {
            session.remove(&template_draft_key(key));
            templates::reset(&state.db, &scope, key, now)
                .await
                .map(|()| Some("template_reset"))
        }
        _ => Err(ServiceError::invalid("form", "required")),
    };
    match result {
        Ok(Some(done)) => notice(&state, &here, "template", done, &[]),
        Ok(None) => see_other(&format!("{here}#preview")),
        Err(ServiceError::Forbidden) => HttpResponse::Forbidden().finish(),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(e) => back(&state, &here, "template", &[], codes(e)),
    }
}

/// The template a path and its `?variant=` name; none for an unknown one, or a variant of a
/// step whose wording is fixed.
fn key_of(req: &HttpRequest, kind: &str, channel: &str, locale: &str) -> Option<Key> {
    let variant = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("variant").cloned());
    let key = Key::parse(kind, channel, locale)?;
    match variant {
        None => Some(key),
        Some(v) => key.with_variant(settle_domain::dunning::steps::Variant::parse(&v)?),
    }
}

/// The draft (or the active version, or the shipped wording) of the template at `path`, for
/// an admin of the host's tenant; else the answer to give.
async fn shown(
    req: &HttpRequest,
    state: &AppState,
    path: (String, String, String),
) -> Result<(std::sync::Arc<settle_core::tenant::TenantCtx>, Key, String, String), HttpResponse> {
    let (kind, channel, locale) = path;
    let tenant = tenant_of(req).ok_or_else(|| HttpResponse::NotFound().finish())?;
    let key = key_of(req, &kind, &channel, &locale).ok_or_else(|| HttpResponse::NotFound().finish())?;
    let Some((scope, _)) = identity_staff(req, state, &tenant).await else {
        return Err(HttpResponse::NotFound().finish());
    };
    if scope.require(settle_core::staff::Role::Admin).is_err() {
        return Err(HttpResponse::Forbidden().finish());
    }
    let (subject, body) = match template_draft(req, key) {
        Some(d) => (d.subject, d.body),
        None => match templates::active(&state.db, tenant.id, key).await {
            Ok(Some(t)) => (t.subject, t.body),
            Ok(None) => {
                let t = default_source(key.locale, key.kind, key.channel);
                (t.subject, t.body)
            }
            Err(_) => return Err(HttpResponse::InternalServerError().finish()),
        },
    };
    Ok((tenant, key, subject, body))
}

/// The email as the recipient sees it, with sample data.
async fn preview(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> HttpResponse {
    let (tenant, key, subject, body) = match shown(&req, &state, path.into_inner()).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    match templates::preview_html(&tenant, key, &subject, &body) {
        Ok(html) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            // Shown in a frame of the editor only; nothing in it runs or loads.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
            ))
            .insert_header((header::X_FRAME_OPTIONS, "SAMEORIGIN"))
            .body(html),
        Err(_) => HttpResponse::UnprocessableEntity().finish(),
    }
}

/// The letter as the debtor gets it, with sample data: letterhead, logo, payment box.
async fn preview_pdf(req: HttpRequest, state: web::Data<AppState>, path: web::Path<(String, String)>) -> HttpResponse {
    let (kind, locale) = path.into_inner();
    let (tenant, key, subject, body) = match shown(&req, &state, (kind, "letter".into(), locale)).await {
        Ok(s) => s,
        Err(res) => return res,
    };
    let today = tenant.today(state.clock.now());
    match templates::preview_pdf(&tenant, key, &subject, &body, today).await {
        Ok(pdf) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "application/pdf"))
            .insert_header((header::CONTENT_DISPOSITION, "inline; filename=\"preview.pdf\""))
            .body(pdf),
        Err(_) => HttpResponse::UnprocessableEntity().finish(),
    }
}
