//! The back office's server functions: read-only, each checks the staff session (else the login
//! page) and calls one service. Changes go through the server's form handlers.
use leptos::prelude::*;
use server_fn::codec::GetUrl;
use settle_domain::backoffice::{
    ApiKeysPageView, AuditPage, BrandingView, CallbackRow, DashboardView, DebtorHit, DebtorPageView, DeliveryRow,
    DisputeQueueRow, PlanEditView, PlansPageView, ProvidersView, QueueCounts, RequestRow, StaffPageView,
    TemplatePageView, TemplateRow, TenantsPageView, UnmatchedRow, WebhooksPageView,
};

#[server(prefix = "/api", endpoint = "bo_home", input = GetUrl)]
pub async fn get_staff_home() -> Result<QueueCounts, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::backoffice::queues::counts(&ctx.state.db, &me, ctx.state.clock.now()).await)
}

#[server(prefix = "/api", endpoint = "bo_search", input = GetUrl)]
pub async fn search_debtors(q: Option<String>) -> Result<Vec<DebtorHit>, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let q = q.unwrap_or_default();
    ctx.map(settle_core::backoffice::debtors::search(&ctx.state.db, &ctx.tenant, &me, &q).await)
}

#[server(prefix = "/api", endpoint = "bo_debtor", input = GetUrl)]
pub async fn get_debtor(id: String) -> Result<DebtorPageView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let found = match id.parse::<i64>() {
        Ok(id) => {
            settle_core::backoffice::debtors::page(&ctx.state.db, &ctx.tenant, &me, id, ctx.state.clock.now()).await
        }
        Err(_) => Err(settle_core::error::ServiceError::NotFound),
    };
    ctx.map(found)
}

#[server(prefix = "/api", endpoint = "bo_callbacks", input = GetUrl)]
pub async fn get_callback_queue() -> Result<Vec<CallbackRow>, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::backoffice::queues::callbacks(&ctx.state.db, &ctx.tenant, &me).await)
}

#[server(prefix = "/api", endpoint = "bo_disputes", input = GetUrl)]
pub async fn get_dispute_queue() -> Result<Vec<DisputeQueueRow>, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::backoffice::queues::disputes(&ctx.state.db, &ctx.tenant, &me, ctx.state.clock.now()).await)
}

#[server(prefix = "/api", endpoint = "bo_unmatched", input = GetUrl)]
pub async fn get_unmatched() -> Result<Vec<UnmatchedRow>, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::backoffice::payments::unmatched(&ctx.state.db, &me).await)
}

/// For pages without data of their own: answers only for a signed-in staff member.
#[server(prefix = "/api", endpoint = "bo_me", input = GetUrl)]
pub async fn require_staff() -> Result<(), ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    ctx.staff().await.map(|_| ())
}

#[server(prefix = "/api", endpoint = "bo_requests", input = GetUrl)]
pub async fn get_requests() -> Result<Vec<RequestRow>, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::backoffice::requests::open(&ctx.state.db, &ctx.tenant, &me).await)
}

#[server(prefix = "/api", endpoint = "bo_delivery", input = GetUrl)]
pub async fn get_delivery() -> Result<Vec<DeliveryRow>, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::backoffice::requests::delivery(&ctx.state.db, &ctx.tenant, &me).await)
}

#[server(prefix = "/api", endpoint = "bo_audit", input = GetUrl)]
pub async fn get_audit(who: Option<String>, before: Option<String>) -> Result<AuditPage, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let before = before.and_then(|b| b.parse().ok());
    let who = who.unwrap_or_default();
    ctx.map(settle_core::backoffice::audit_log::page(&ctx.state.db, &ctx.tenant, &me, &who, before).await)
}

#[server(prefix = "/api", endpoint = "bo_templates", input = GetUrl)]
pub async fn get_templates() -> Result<Vec<TemplateRow>, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::services::message_templates::list(&ctx.state.db, &ctx.tenant, &me).await)
}

#[server(prefix = "/api", endpoint = "bo_template", input = GetUrl)]
pub async fn get_template(
    kind: String,
    channel: String,
    locale: String,
    variant: Option<String>,
    diff: Option<String>,
) -> Result<TemplatePageView, ServerFnError> {
    use settle_core::services::message_templates::{page, Key};
    use settle_domain::dunning::steps::Variant;
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let key = Key::parse(&kind, &channel, &locale).and_then(|k| match variant.as_deref() {
        None => Some(k),
        Some(v) => k.with_variant(Variant::parse(v)?),
    });
    let Some(key) = key else {
        return ctx.map(Err(settle_core::error::ServiceError::NotFound));
    };
    let draft = crate::ssr::template_draft(&ctx.req, key);
    let diff = diff.and_then(|d| d.parse().ok());
    ctx.map(page(&ctx.state.db, &ctx.tenant, &me, key, draft, diff).await)
}

#[server(prefix = "/api", endpoint = "bo_dashboard", input = GetUrl)]
pub async fn get_dashboard(
    from: Option<String>,
    to: Option<String>,
    days: Option<String>,
) -> Result<DashboardView, ServerFnError> {
    use settle_core::backoffice::dashboard;
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let now = ctx.state.clock.now();
    let window = days.and_then(|d| d.parse().ok()).unwrap_or(7);
    let result = match dashboard::range(ctx.tenant.today(now), from.as_deref(), to.as_deref()) {
        Ok((from, to)) => dashboard::view(&ctx.state.db, &ctx.tenant, &me, from, to, window, now).await,
        Err(e) => Err(e),
    };
    ctx.map(result)
}

#[server(prefix = "/api", endpoint = "bo_staff", input = GetUrl)]
pub async fn get_staff_page() -> Result<StaffPageView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let staff = ctx.map(settle_core::staff::manage::list(&ctx.state.db, &ctx.tenant, &me).await)?;
    Ok(StaffPageView {
        staff,
        once: crate::ssr::take_second_factor_once(&ctx.req),
    })
}

#[server(prefix = "/api", endpoint = "bo_branding", input = GetUrl)]
pub async fn get_branding() -> Result<BrandingView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::backoffice::branding::view(&ctx.state.db, &ctx.state, &ctx.tenant, &me).await)
}

#[server(prefix = "/api", endpoint = "bo_webhooks", input = GetUrl)]
pub async fn get_webhooks(endpoint: Option<i64>) -> Result<WebhooksPageView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let mut page = ctx.map(settle_core::backoffice::webhooks::page(&ctx.state.db, &ctx.tenant, &me, endpoint).await)?;
    page.secret_once = crate::ssr::take_once(&ctx.req, crate::ssr::WEBHOOK_SECRET_ONCE);
    Ok(page)
}

#[server(prefix = "/api", endpoint = "bo_api_keys", input = GetUrl)]
pub async fn get_api_keys() -> Result<ApiKeysPageView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let keys = ctx.map(settle_core::backoffice::api_keys::list(&ctx.state.db, &ctx.tenant, &me).await)?;
    Ok(ApiKeysPageView {
        keys,
        new_key: crate::ssr::take_api_key_once(&ctx.req),
    })
}

#[server(prefix = "/api", endpoint = "bo_tenants", input = GetUrl)]
pub async fn get_tenants() -> Result<TenantsPageView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let tenants = ctx.map(settle_core::backoffice::tenants::list(&ctx.state.system_db, &me).await)?;
    Ok(TenantsPageView {
        tenants,
        once: crate::ssr::take_second_factor_once(&ctx.req),
    })
}

#[server(prefix = "/api", endpoint = "bo_providers", input = GetUrl)]
pub async fn get_providers() -> Result<ProvidersView, ServerFnError> {
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    ctx.map(settle_core::backoffice::providers::view(&ctx.state.db, &ctx.state, &me).await)
}

#[server(prefix = "/api", endpoint = "bo_plans", input = GetUrl)]
pub async fn get_plans() -> Result<PlansPageView, ServerFnError> {
    use settle_core::backoffice::{contact_policy, plan_editor};
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let plans = ctx.map(plan_editor::list(&ctx.state.db, &me).await)?;
    let policy = ctx.map(contact_policy::view(&ctx.state.db, &ctx.tenant, &me).await)?;
    Ok(PlansPageView { plans, policy })
}

#[server(prefix = "/api", endpoint = "bo_plan", input = GetUrl)]
pub async fn get_plan(id: String, invoice: Option<String>) -> Result<PlanEditView, ServerFnError> {
    use settle_core::backoffice::plan_editor::page;
    let ctx = crate::ssr::ctx().await?;
    let me = ctx.staff().await?;
    let found = match id.parse::<i64>() {
        Ok(id) => {
            page(
                &ctx.state.db,
                &ctx.tenant,
                &me,
                id,
                invoice.as_deref(),
                ctx.state.clock.now(),
            )
            .await
        }
        Err(_) => Err(settle_core::error::ServiceError::NotFound),
    };
    ctx.map(found)
}
