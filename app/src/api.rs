//! Server functions: read-only GET endpoints that authenticate, call one service and return a
//! view. State changes go through plain form posts (see the server's form handlers).
use leptos::prelude::*;
use server_fn::codec::GetUrl;
use settle_domain::views::{
    CallbackPageView, CheckoutView, DashboardView, InvoiceDetail, InvoiceSummary, PayView, PlanPageView, ProfileView,
    ShellView,
};

#[server(prefix = "/api", endpoint = "shell", input = GetUrl)]
pub async fn get_shell() -> Result<ShellView, ServerFnError> {
    crate::ssr::shell_view().await
}

#[server(prefix = "/api", endpoint = "dashboard", input = GetUrl)]
pub async fn get_dashboard() -> Result<DashboardView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.debtor().await?;
    let today = ctx.today();
    ctx.map(settle_core::services::invoices::dashboard(&ctx.state.db, &me, today).await)
}

#[server(prefix = "/api", endpoint = "invoices", input = GetUrl)]
pub async fn get_invoices() -> Result<Vec<InvoiceSummary>, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.debtor().await?;
    let today = ctx.today();
    ctx.map(settle_core::services::invoices::list(&ctx.state.db, &me, today).await)
}

#[server(prefix = "/api", endpoint = "invoice", input = GetUrl)]
pub async fn get_invoice(number: String, amount: Option<String>) -> Result<InvoiceDetail, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.debtor().await?;
    let today = ctx.today();
    let part = amount
        .and_then(|a| settle_domain::money::Money::parse_decimal(&a, settle_domain::money::Currency::Eur).ok())
        .map(|m| m.cents);
    ctx.map(settle_core::services::invoices::detail(&ctx.state.db, &ctx.tenant, &me, &number, today, part).await)
}

#[server(prefix = "/api", endpoint = "profile", input = GetUrl)]
pub async fn get_profile() -> Result<ProfileView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.debtor().await?;
    ctx.map(settle_core::services::profile::view(&ctx.state, &ctx.tenant, &me).await)
}

#[server(prefix = "/api", endpoint = "callbacks", input = GetUrl)]
pub async fn get_callbacks() -> Result<CallbackPageView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.debtor().await?;
    ctx.map(settle_core::services::callbacks::page(&ctx.state, &ctx.tenant, &me).await)
}

#[server(prefix = "/api", endpoint = "plan", input = GetUrl)]
pub async fn get_plan_page(
    number: String,
    #[server(default)] also: Vec<String>,
    n: Option<String>,
    first: Option<String>,
) -> Result<PlanPageView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.debtor().await?;
    let asked = match (n.and_then(|n| n.parse::<u32>().ok()), first) {
        (Some(n), Some(f)) => chrono::NaiveDate::parse_from_str(&f, "%Y-%m-%d").ok().map(|d| (n, d)),
        _ => None,
    };
    ctx.map(settle_core::services::plans::page(&ctx.state, &ctx.tenant, &me, &number, &also, asked).await)
}

#[server(prefix = "/api", endpoint = "checkout", input = GetUrl)]
pub async fn get_checkout(id: String) -> Result<CheckoutView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    ctx.map(settle_core::services::checkout::outcome(&ctx.state, &ctx.tenant, &id).await)
}

#[server(prefix = "/api", endpoint = "pay", input = GetUrl)]
pub async fn get_pay(token: String) -> Result<PayView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let caller = ctx.caller();
    let view = settle_core::services::paylinks::view(&ctx.state, &caller, &token).await;
    let mut view = ctx.map(view)?;
    view.csrf = settle_core::services::paylinks::csrf_for_link(&ctx.state, &token);
    Ok(view)
}

/// Whether an emailed link is still good, so its page can say so before the user presses a
/// button. Never consumes the link (mail scanners fetch links with GET).
#[server(prefix = "/api", endpoint = "link_status", input = GetUrl)]
pub async fn get_link_status(kind: String, token: String) -> Result<bool, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let live = match kind.as_str() {
        "login" => settle_core::services::auth::login_link_is_live(&ctx.state, &ctx.tenant, &token).await,
        "email" => settle_core::services::profile::email_link_is_live(&ctx.state, &ctx.tenant, &token).await,
        _ => settle_core::services::auth::password_token_is_live(&ctx.state, &ctx.tenant, &token).await,
    };
    ctx.map(live)
}
