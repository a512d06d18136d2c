//! The `settle` server: settings, actix wiring and middleware, form handlers, plain routes,
//! background workers and the CLI. `start` is what both `settle serve` and the tests run.
pub mod admission;
pub mod api;
pub mod api_key_cli;
pub mod api_key_forms;
pub mod backoffice_forms;
pub mod callback_forms;
pub mod channel_cli;
pub mod cli;
pub mod customer_cli;
pub mod data_download;
pub mod deferral_form;
pub mod direct_pages;
pub mod dispute_form;
pub mod email_webhooks;
pub mod forms;
pub mod import_cli;
pub mod logo_upload;
pub mod middleware;
pub mod multipart;
pub mod ops;
pub mod page_frames;
pub mod payment_cli;
pub mod payments;
pub mod plan_form;
pub mod profile_forms;
pub mod provider_forms;
pub mod qr_image;
pub mod remind_cli;
pub mod routes;
pub mod secrets_cli;
pub mod session_store;
pub mod settings;
pub mod sms_webhooks;
pub mod staff_cli;
pub mod staff_login_forms;
pub mod statement_upload;
pub mod template_forms;
pub mod tenant_forms;
pub mod unsubscribe_page;
pub mod voice_calls;
pub mod webhook_forms;
pub mod workers;

use actix_files::Files;
use actix_identity::IdentityMiddleware;
use actix_session::config::{BrowserSession, TtlExtensionPolicy};
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use leptos::config::{Env, LeptosOptions};
use leptos_actix::{generate_route_list, LeptosRoutes};
use middleware::TrustedProxies;
use settle_app::{shell, App as PortalApp};
use settle_core::state::{AppState, RunMode};
use std::net::{IpAddr, TcpListener};
use std::sync::Arc;

/// The app's routes, generated once per process. Generating them sets a process-wide flag that
/// suspends resource loading (leptos issue #4773): a page rendering at that moment in another
/// server of the same process (the test suite starts many) would wait forever.
fn route_list() -> Vec<leptos_actix::ActixRouteListing> {
    // Before Leptos installs plain tokio spawning (the first route listing does).
    let _ = any_spawner::Executor::init_custom_executor(TenantCarryingExecutor);
    static ROUTES: std::sync::OnceLock<Vec<leptos_actix::ActixRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(PortalApp)).clone()
}

/// Every page's path as actix matches it (`/invoices/{number}`), for tests that visit them all.
pub fn page_paths() -> Vec<String> {
    let routed = route_list().into_iter().map(|r| r.path().to_string());
    routed
        .chain(direct_pages::PATHS.iter().map(|p| p.to_string()))
        .collect()
}

pub use forms::form_posts;

/// Leptos renders a page's resources in spawned tasks. Tokio's spawn does not carry task-locals,
/// so this spawner hands the request's tenant on: a resource's queries stay confined to it under
/// Postgres row-level security.
struct TenantCarryingExecutor;

impl any_spawner::CustomExecutor for TenantCarryingExecutor {
    fn spawn(&self, fut: any_spawner::PinnedFuture<()>) {
        match settle_core::row_security::current_tenant() {
            Some(t) => tokio::spawn(settle_core::row_security::as_tenant(t, fut)),
            None => tokio::spawn(fut),
        };
    }

    fn spawn_local(&self, fut: any_spawner::PinnedLocalFuture<()>) {
        match settle_core::row_security::current_tenant() {
            Some(t) => tokio::task::spawn_local(settle_core::row_security::as_tenant(t, fut)),
            None => tokio::task::spawn_local(fut),
        };
    }

    fn poll_local(&self) {}
}

/// Debtor sessions end after 30 idle minutes (and 12 hours in all, see the session store).
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;

pub struct ServeOptions {
    pub trusted_proxies: Vec<IpAddr>,
    pub site_root: String,
    /// `SETTLE_METRICS_TOKEN`; without it `/metrics` answers loopback only.
    pub metrics_token: Option<String>,
}

impl ServeOptions {
    pub fn from_env(trusted_proxies: Vec<IpAddr>) -> Self {
        Self {
            trusted_proxies,
            site_root: std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
            metrics_token: None,
        }
    }
}

/// Binds the portal to an already-open listener (port 0 in tests) and returns the server.
pub fn start(state: AppState, opts: ServeOptions, listener: TcpListener) -> std::io::Result<Server> {
    let addr = listener.local_addr()?;
    let leptos_options = LeptosOptions::builder()
        .output_name("settle")
        .site_root(opts.site_root.clone())
        .site_pkg_dir("pkg")
        .env(if state.mode == RunMode::Dev {
            Env::DEV
        } else {
            Env::PROD
        })
        .site_addr(addr)
        .build();
    let routes = route_list();
    let cookie_key = Key::from(&state.keys.cookie);
    let proxies = web::Data::new(TrustedProxies(Arc::new(opts.trusted_proxies)));
    let metrics_access = web::Data::new(ops::MetricsAccess(opts.metrics_token));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Each worker builds its App once, in turn: the count gives each its admission share.
    let built = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    settle_core::metrics::init();
    let data = web::Data::new(state.clone());
    let frames = web::Data::new(page_frames::Frames::new(leptos_options.clone()));
    let store =
        session_store::DbSessionStore::new(state.hot.clone(), state.clock.clone(), state.session_refreshes.clone());
    let server = HttpServer::new(move || {
        let site_root = leptos_options.site_root.to_string();
        let options = leptos_options.clone();
        App::new()
            .app_data(data.clone())
            .app_data(proxies.clone())
            .app_data(metrics_access.clone())
            .app_data(web::Data::new(admission::Admission::share(
                built.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                threads,
            )))
            .app_data(web::Data::new(leptos_options.clone()))
            .app_data(frames.clone())
            .app_data(web::FormConfig::default().limit(16 * 1024))
            // The pages first: actix tries resources in order, and the form, API and webhook
            // resources match by regular expression (each a cost on every page view). Their
            // guards (GET or POST) sit on the resource, so a post to a page's path still
            // reaches its form handler below.
            .configure(direct_pages::configure)
            .leptos_routes_with_context(
                routes.clone(),
                || {
                    if let Some(req) = leptos::prelude::use_context::<leptos_actix::Request>() {
                        direct_pages::provide_csp_nonce(&req);
                    }
                },
                move || shell(options.clone()),
            )
            .configure(ops::configure)
            .configure(routes::configure)
            .configure(data_download::configure)
            .configure(api::configure)
            .configure(forms::configure)
            .configure(profile_forms::configure)
            .configure(callback_forms::configure)
            .configure(dispute_form::configure)
            .configure(deferral_form::configure)
            .configure(plan_form::configure)
            .configure(staff_login_forms::configure)
            .configure(backoffice_forms::configure)
            .configure(statement_upload::configure)
            .configure(logo_upload::configure)
            .configure(provider_forms::configure)
            .configure(tenant_forms::configure)
            .configure(api_key_forms::configure)
            .configure(webhook_forms::configure)
            .configure(template_forms::configure)
            .configure(payments::configure)
            .configure(sms_webhooks::configure)
            .configure(email_webhooks::configure)
            .configure(unsubscribe_page::configure)
            .configure(qr_image::configure)
            .configure(voice_calls::configure)
            .service(Files::new("/pkg", format!("{site_root}/pkg")))
            .default_service(web::to(not_found))
            .wrap(
                actix_web::middleware::ErrorHandlers::new()
                    .handler(actix_web::http::StatusCode::PAYLOAD_TOO_LARGE, api::payload_too_large),
            )
            // No visit deadline: it rewrote the session on every request to note the visit. The
            // idle timeout is the session row's expiry instead (the store refreshes it at most
            // once a minute), so a page view does no database write.
            .wrap(
                IdentityMiddleware::builder()
                    .login_deadline(Some(std::time::Duration::from_secs(
                        session_store::ABSOLUTE_TIMEOUT_HOURS as u64 * 3600,
                    )))
                    .build(),
            )
            .wrap(
                SessionMiddleware::builder(store.clone(), cookie_key.clone())
                    .cookie_name(middleware::SESSION_COOKIE.into())
                    .cookie_secure(false)
                    .cookie_http_only(true)
                    .cookie_same_site(SameSite::Lax)
                    .session_lifecycle(
                        BrowserSession::default()
                            .state_ttl(actix_web::cookie::time::Duration::minutes(IDLE_TIMEOUT_MINUTES))
                            .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
                    )
                    .build(),
            )
            .wrap(from_fn(middleware::secure_cookies))
            .wrap(from_fn(middleware::same_origin))
            .wrap(from_fn(middleware::tenant))
            .wrap(Compress::default())
            .wrap(from_fn(admission::admit))
            // Outside everything that may answer on its own (an unknown host, admission's 503),
            // so every response carries the security headers.
            .wrap(from_fn(middleware::security_headers))
            .wrap(from_fn(ops::observe))
    })
    .workers(threads)
    .listen(listener)?
    .shutdown_timeout(20)
    .run();
    Ok(server)
}

/// Paths that are no page: the tenant's 404 without details.
async fn not_found() -> actix_web::HttpResponse {
    actix_web::HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found")
}

#[cfg(test)]
pub(crate) fn tests_support_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    )
}
