//! Pages rendered without the Leptos router. The server loads the page's data first, then
//! renders the page's main content in a single pass and puts it into the page's frame, rendered
//! once and kept (`page_frames.rs`): no route matching, no resources, no streaming. The
//! components, the document, the meta tags, the CSP nonce and the response options are the same
//! as on a routed page.
//!
//! Two pages are served this way, the busiest: the payment-link page (a mailing sends tens of
//! thousands of links in one morning) and a signed-in debtor's invoice list. The router's
//! per-request work was most of what kept them from their benchmark targets (see the README's
//! Benchmarks).
use crate::middleware::CspNonce;
use crate::page_frames::Frames;
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use leptos::tachys::view::RenderHtml;
use leptos_actix::{Request, ResponseOptions};
use settle_app::ui::Page;
use settle_domain::views::ShellView;
use std::future::Future;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/pay/{token}", web::get().to(pay))
        .route("/invoices", web::get().to(invoices));
}

/// The paths served here, as actix matches them (for tests that visit every page).
pub const PATHS: &[&str] = &["/pay/{token}", "/invoices"];

/// `/pay/{token}`: the page's shell (tenant, language, flash, CSRF) and the link's invoice, read
/// side by side.
async fn pay(req: HttpRequest, frames: web::Data<Frames>, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    render(&req, &frames, move || async move {
        let (shell, pay) =
            futures_util::future::join(settle_app::api::get_shell(), settle_app::api::get_pay(token.clone())).await;
        let shell = shell.ok()?;
        let page = settle_app::pages::pay::pay_page(&shell, pay, token);
        Some((shell, page))
    })
    .await
}

/// `/invoices`: the page's shell and the signed-in debtor's invoices, read side by side (a
/// visitor who is not signed in is sent to the login page).
async fn invoices(req: HttpRequest, frames: web::Data<Frames>) -> HttpResponse {
    render(&req, &frames, || async {
        let (shell, list) =
            futures_util::future::join(settle_app::api::get_shell(), settle_app::api::get_invoices()).await;
        let shell = shell.ok()?;
        let page = settle_app::pages::invoices::invoices_page(&shell, list);
        Some((shell, page))
    })
    .await
}

/// The CSP nonce minted by the security middleware, for the page's own scripts and styles.
pub(crate) fn provide_csp_nonce(req: &HttpRequest) {
    if let Some(n) = req.extensions().get::<CspNonce>() {
        provide_context(leptos::nonce::Nonce::from_value(n.0.clone()));
    }
}

/// The whole page for what `load` makes: the shell and the page (`None` while a redirect is on
/// its way: an empty body), or `None` when the host has no tenant (a plain 404).
async fn render<Fut>(req: &HttpRequest, frames: &Frames, load: impl FnOnce() -> Fut) -> HttpResponse
where
    Fut: Future<Output = Option<(ShellView, Option<Page>)>>,
{
    let owner = Owner::new_root(None);
    let response = ResponseOptions::default();
    let loading = owner.with(|| {
        provide_context(Request::new(req));
        provide_context(response.clone());
        provide_csp_nonce(req);
        ScopedFuture::new(load())
    });
    let Some((shell, page)) = loading.await else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Not found");
    };
    let html = match page {
        Some(Page { title, main }) => {
            let main = owner.with(|| main.to_html());
            let nonce = req
                .extensions()
                .get::<CspNonce>()
                .map(|n| n.0.clone())
                .unwrap_or_default();
            frames.page(&shell, title, &main, &nonce).await
        }
        None => String::new(),
    };
    drop(owner);
    let parts = response.0.read().unwrap_or_else(|e| e.into_inner());
    let mut res = HttpResponse::build(parts.status.unwrap_or(StatusCode::OK));
    res.content_type("text/html; charset=utf-8");
    for (name, value) in parts.headers.iter() {
        res.append_header((name.clone(), value.clone()));
    }
    res.body(html)
}
