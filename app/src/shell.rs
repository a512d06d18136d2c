//! The HTML document and the router: one route per page, each rendered completely on the server.
use crate::api::get_shell;
use crate::backoffice::{
    api_keys::ApiKeysPage,
    audit::AuditPage,
    branding::BrandingPage,
    dashboard::DashboardPage as StaffDashboardPage,
    debtor::DebtorPage,
    home::{DebtorSearchPage, StaffHomePage},
    login::{StaffCodePage, StaffLoginPage},
    payments::UnmatchedPage,
    plans::{PlanEditPage, PlansPage},
    providers::ProvidersPage,
    queues::{CallbackQueuePage, DisputeQueuePage},
    requests::{DeliveryPage, RequestsPage},
    staff::StaffPage,
    statements::StatementsPage,
    templates::{TemplateEditPage, TemplatesPage},
    tenants::TenantsPage,
    webhooks::WebhooksPage,
};
use crate::pages::{
    activate::ActivatePage, callback::CallbackPage, dashboard::DashboardPage, dispute::DisputePage,
    email_confirm::EmailConfirmPage, invoice::InvoicePage, letter_code::LetterCodePage, link::LoginLinkPage,
    login::LoginPage, not_found::NotFoundPage, pay_return::PayReturnPage, plan::PlanPage, profile::ProfilePage,
    reset::ResetPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use settle_domain::views::ShellView;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    document(options, view! { <App/> })
}

/// The HTML document around a page: the routed app above, or one page rendered directly (see
/// `pages::pay` and `pages::invoices`).
pub fn document(options: LeptosOptions, body: impl IntoView + 'static) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/logo.png" type="image/png"/>
                <link rel="stylesheet" href="/pkg/settle.css"/>
                <AutoReload options=options.clone()/>
                <IslandScripts options/>
                <MetaTags/>
            </head>
            <body>
                {body}
            </body>
        </html>
    }
}

/// Where the islands' loader is served (`server/src/islands.js`).
pub const ISLANDS_LOADER: &str = "/pkg/islands.js";

/// The islands' scripts: the page's module and WebAssembly preloaded, and the loader that wakes
/// the islands once the browser is idle. Leptos' `HydrationScripts` writes its 1.9 KB loader
/// inline into every page instead; this one is a file the browser caches.
#[component]
fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As `HydrationScripts` does in islands mode: the rest of the page is not hydrated.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    // cargo-leptos names the WebAssembly after the output; a plain wasm-bindgen build adds `_bg`.
    let wasm_suffix = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        ""
    } else {
        "_bg"
    };
    view! {
        <link rel="modulepreload" href=format!("{pkg}.js")/>
        <link rel="preload" href=format!("{pkg}{wasm_suffix}.wasm") r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" src=ISLANDS_LOADER nonce=leptos::nonce::use_nonce()></script>
    }
}

/// Loaded once per page load: tenant branding, language, who is logged in, CSRF token, flash.
pub type ShellResource = OnceResource<Result<ShellView, ServerFnError>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let shell: ShellResource = OnceResource::new(get_shell());
    provide_context(shell);
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/login/link") view=LoginLinkPage ssr=SsrMode::Async/>
                <Route path=path!("/activate") view=ActivatePage ssr=SsrMode::Async/>
                <Route path=path!("/password/reset") view=ResetPage ssr=SsrMode::Async/>
                <Route path=path!("/invoices/:number") view=InvoicePage ssr=SsrMode::Async/>
                <Route path=path!("/invoices/:number/dispute") view=DisputePage ssr=SsrMode::Async/>
                <Route path=path!("/invoices/:number/plan") view=PlanPage ssr=SsrMode::Async/>
                <Route path=path!("/code") view=LetterCodePage ssr=SsrMode::Async/>
                <Route path=path!("/profile") view=ProfilePage ssr=SsrMode::Async/>
                <Route path=path!("/callback") view=CallbackPage ssr=SsrMode::Async/>
                <Route path=path!("/profile/email/confirm") view=EmailConfirmPage ssr=SsrMode::Async/>
                <Route path=path!("/pay/return/:checkout") view=PayReturnPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice") view=StaffHomePage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/login") view=StaffLoginPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/login/code") view=StaffCodePage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/debtors") view=DebtorSearchPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/debtors/:id") view=DebtorPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/callbacks") view=CallbackQueuePage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/disputes") view=DisputeQueuePage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/payments") view=UnmatchedPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/statements") view=StatementsPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/requests") view=RequestsPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/delivery") view=DeliveryPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/audit") view=AuditPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/templates") view=TemplatesPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/dashboard") view=StaffDashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/staff") view=StaffPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/branding") view=BrandingPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/providers") view=ProvidersPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/api-keys") view=ApiKeysPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/webhooks") view=WebhooksPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/webhooks/:id") view=WebhooksPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/tenants") view=TenantsPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/plans") view=PlansPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/plans/:id") view=PlanEditPage ssr=SsrMode::Async/>
                <Route path=path!("/backoffice/templates/:kind/:channel/:locale") view=TemplateEditPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
