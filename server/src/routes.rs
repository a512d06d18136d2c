//! Plain HTTP routes beside the pages: web app manifest and icon, the islands' loader, invoice
//! PDFs, and the dev outbox (dev mode only).
use crate::forms::tenant_of;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::identity_scope;
use settle_core::entities::outbox;
use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use settle_core::services::invoices;
use settle_core::state::{AppState, RunMode};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manifest.webmanifest", web::get().to(manifest))
        .route("/logo.png", web::get().to(logo))
        .route(ISLANDS_LOADER, web::get().to(islands_loader))
        .route("/invoices/{number}/pdf", web::get().to(pdf))
        .route("/dev/outbox", web::get().to(dev_outbox));
}

/// Makes the portal installable on a phone's home screen under the tenant's name and colours.
async fn manifest(req: HttpRequest) -> HttpResponse {
    let Some(t) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let view = settle_app::ssr::tenant_view(&t);
    let body = serde_json::json!({
        "name": view.name,
        "short_name": view.name,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": view.primary,
        "lang": t.default_locale.code(),
        "icons": [{"src": "/logo.png", "type": "image/png", "purpose": "any"}],
    });
    HttpResponse::Ok()
        .content_type("application/manifest+json")
        .body(body.to_string())
}

/// Where every page's `IslandScripts` loads the loader from.
pub const ISLANDS_LOADER: &str = settle_app::ISLANDS_LOADER;

const ISLANDS_JS: &str = include_str!("islands.js");

/// The islands' loader, revalidated by its fingerprint (a new release's loader is used at once).
async fn islands_loader(req: HttpRequest) -> HttpResponse {
    static ETAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let etag = ETAG.get_or_init(|| format!("\"{}\"", &settle_core::tokens::hash_token(ISLANDS_JS)[..16]));
    revalidated(&req, etag, "text/javascript; charset=utf-8", ISLANDS_JS)
}

/// `body` with its fingerprint `etag` and `Cache-Control: no-cache`: the browser asks again each
/// time and gets 304 while its copy is current.
fn revalidated(
    req: &HttpRequest,
    etag: &str,
    content_type: &str,
    body: impl actix_web::body::MessageBody + 'static,
) -> HttpResponse {
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim() == etag));
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.content_type(content_type.to_string())
        .insert_header((header::ETAG, etag.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if fresh {
        res.finish()
    } else {
        res.body(body)
    }
}

/// The tenant's logo, only ever as PNG (an uploaded SVG is never served); revalidated by its
/// fingerprint, so a new upload shows at once.
async fn logo(req: HttpRequest) -> HttpResponse {
    let Some(t) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    // Rasterising a tenant's SVG (before its first upload) is CPU work: off the executor.
    let row = t.row.clone();
    let Ok(Some(png)) = web::block(move || settle_core::backoffice::logo::served(&row)).await else {
        return HttpResponse::NotFound().finish();
    };
    let etag = format!("\"{}\"", settle_core::backoffice::logo::fingerprint(&png));
    revalidated(&req, &etag, "image/png", png)
}

async fn pdf(req: HttpRequest, state: web::Data<AppState>, number: web::Path<String>) -> HttpResponse {
    let Some(t) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(me) = identity_scope(&req, &t) else {
        return HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/login?next=/invoices/{}", settle_app::ssr::urlencode(&number)),
            ))
            .finish();
    };
    match invoices::pdf(&state.db, &me, &number).await {
        Ok((name, bytes)) => {
            let safe: String = name
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
                .collect();
            HttpResponse::Ok()
                .content_type("application/pdf")
                .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{safe}\"")))
                .body(bytes)
        }
        Err(_) => HttpResponse::NotFound().content_type("text/plain").body("Not found"),
    }
}

/// A page written as plain HTML (sandbox checkout, unsubscribe): the site's stylesheet, a
/// phone-sized viewport, the title as heading, and `main_html` (already escaped) below it.
pub(crate) fn plain_page(lang: &str, main_class: &str, title: &str, main_html: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/pkg/settle.css\"></head><body><main class=\"{main_class}\">\
         {main_html}</main></body></html>",
        title = esc(title),
    )
}

/// Escapes text for the few pages written as plain HTML (dev outbox, sandbox checkout).
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Dev only: the mail the portal would have sent, newest first, links clickable.
async fn dev_outbox(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Some(t) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    if state.mode != RunMode::Dev {
        return HttpResponse::NotFound().content_type("text/plain").body("Not found");
    }
    let rows = outbox::Entity::find()
        .filter(outbox::Column::TenantId.eq(t.id))
        .order_by_desc(outbox::Column::Id)
        .limit(50)
        .all(&state.db)
        .await
        .unwrap_or_default();
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Dev outbox</title><link rel=\"stylesheet\" href=\"/pkg/settle.css\"></head><body><main class=\"dev-outbox\">\
         <h1>Dev outbox</h1><p>Mail is kept here because no SETTLE_SMTP_URL is set. Newest first.</p>",
    );
    for r in rows {
        let body = esc(&r.body_text);
        let linked = body.split_whitespace().fold(body.clone(), |acc, word| {
            if word.starts_with("http://") || word.starts_with("https://") {
                acc.replacen(word, &format!("<a href=\"{word}\">{word}</a>"), 1)
            } else {
                acc
            }
        });
        html.push_str(&format!(
            "<article class=\"card mail\" data-testid=\"mail\"><p><strong>To:</strong> <span class=\"to\">{}</span> · {} · {}</p>\
             <h2 class=\"subject\">{}</h2><pre class=\"body\">{}</pre></article>",
            esc(&r.recipient),
            esc(&r.status),
            r.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
            esc(&r.subject),
            linked
        ));
    }
    html.push_str("</main></body></html>");
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html)
}
