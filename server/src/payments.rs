//! Paying online over HTTP: the "pay" form posts (portal and payment link), the retry on the
//! return page, the providers' webhooks, and the sandbox provider's own checkout page.
use crate::forms::{back, caller, codes, csrf_ok, one, pay_csrf_ok, see_other, tenant_of};
use crate::routes::{esc, plain_page};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::{client_ip, identity_scope, locale_for, urlencode};
use settle_core::error::ServiceError;
use settle_core::providers::{mollie, sandbox, stripe, PaymentSnapshot};
use settle_core::services::checkout::{self, Amount, Order};
use settle_core::services::paylinks;
use settle_core::services::payment_settings::{self, Client, ProviderKind};
use settle_core::state::{AppState, RunMode};
use settle_core::tenant::TenantCtx;
use settle_domain::i18n::{t, Key};
use settle_domain::money::{Currency, Money};

type Data = web::Data<AppState>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post("/pay/checkout").to(portal_checkout))
        .service(post("/pay/{token}/checkout").to(link_checkout))
        .service(post("/pay/return/{checkout}/retry").to(retry))
        .route("/webhooks/mollie", web::post().to(mollie_webhook))
        .route("/webhooks/stripe", web::post().to(stripe_webhook))
        .route("/webhooks/sandbox", web::post().to(sandbox_webhook))
        .route("/sandbox/checkout/{id}", web::get().to(sandbox_page))
        .service(post("/sandbox/checkout/{id}").to(sandbox_act));
}

pub(crate) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

pub(crate) fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// Pay one or several selected invoices, or part of one, from the portal.
async fn portal_checkout(req: HttpRequest, state: Data, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let pairs = form_pairs(&body);
    let numbers: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "invoice")
        .map(|(_, v)| v.chars().take(40).collect())
        .collect();
    let here = match (field(&pairs, "from"), numbers.as_slice()) {
        ("detail", [n]) => format!("/invoices/{}", urlencode(n)),
        _ => "/invoices".to_string(),
    };
    let amount_raw = field(&pairs, "amount").trim().to_string();
    let keep = [("amount", amount_raw.as_str())];
    let Some(scope) = identity_scope(&req, &tenant) else {
        return see_other(&format!("/login?next={}", urlencode(&here)));
    };
    if !csrf_ok(&req, &state, &tenant, field(&pairs, "csrf")) {
        return back(&state, &here, "pay", &keep, one("form", "csrf"));
    }
    let amount = if amount_raw.is_empty() {
        Amount::Open
    } else {
        match Money::parse_decimal(&amount_raw, Currency::Eur) {
            Ok(m) if m.cents > 0 => Amount::Part(m.cents),
            _ => return back(&state, &here, "pay", &keep, one("amount", "amount_invalid")),
        }
    };
    let order = Order {
        tenant_id: scope.tenant_id(),
        customer_id: scope.customer_id(),
        invoice_numbers: numbers,
        amount,
        origin: "portal",
        locale: locale_for(&req, &tenant, None),
    };
    match checkout::start(&state, &tenant, order).await {
        Ok(url) => see_other(&url),
        Err(e) => back(&state, &here, "pay", &keep, pay_codes(e)),
    }
}

fn pay_codes(e: ServiceError) -> std::collections::BTreeMap<String, String> {
    match e {
        ServiceError::NotFound => one("form", "select_invoice"),
        other => codes(other),
    }
}

/// "Pay online" from a payment link, without logging in.
async fn link_checkout(req: HttpRequest, state: Data, path: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let token = path.into_inner();
    let here = format!("/pay/{}", urlencode(&token));
    let pairs = form_pairs(&body);
    if !pay_csrf_ok(&state, &token, field(&pairs, "csrf")) {
        return back(&state, &here, "pay", &[], one("form", "csrf"));
    }
    let ip = client_ip(&req);
    match paylinks::start_checkout(&state, &caller(&req, &tenant, &ip), &token).await {
        Ok(url) => see_other(&url),
        Err(ServiceError::NotFound) => see_other(&here),
        Err(e) => back(&state, &here, "pay", &[], codes(e)),
    }
}

/// "Try again" after a failed or cancelled payment. The checkout id in the path is the
/// capability, as on the return page; the token is the anonymous CSRF token.
async fn retry(req: HttpRequest, state: Data, path: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let id = path.into_inner();
    let here = format!("/pay/return/{}", urlencode(&id));
    let pairs = form_pairs(&body);
    if !csrf_ok(&req, &state, &tenant, field(&pairs, "csrf")) {
        return back(&state, &here, "pay", &[], one("form", "csrf"));
    }
    match checkout::retry(&state, &tenant, &id).await {
        Ok(url) => see_other(&url),
        Err(e) => back(&state, &here, "pay", &[], pay_codes(e)),
    }
}

fn ack() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// Tells the provider to try again later (it retries webhooks on 5xx).
fn retry_later() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/plain")
        .body("try again")
}

async fn settings_for(
    state: &AppState,
    tenant: &TenantCtx,
    kind: ProviderKind,
) -> Option<payment_settings::PaymentSettings> {
    match payment_settings::load(&state.db, &state.keys, tenant.id).await {
        Ok(Some(s)) if s.provider == kind => Some(s),
        Ok(_) => None,
        Err(e) => {
            tracing::error!(error = %e, "loading payment settings failed");
            None
        }
    }
}

async fn apply_logged(state: &AppState, tenant: &TenantCtx, provider: &str, snap: &PaymentSnapshot) -> HttpResponse {
    match checkout::apply(state, tenant, provider, snap).await {
        Ok(()) => ack(),
        Err(e) => {
            tracing::error!(error = %e, provider, "applying a provider event failed");
            retry_later()
        }
    }
}

/// Mollie's classic webhook posts only `id=tr_...`: the payment is always fetched from the API.
async fn mollie_webhook(req: HttpRequest, state: Data, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(id) = mollie::webhook_payment_id(&body) else {
        return HttpResponse::BadRequest().content_type("text/plain").body("missing id");
    };
    let Some(settings) = settings_for(&state, &tenant, ProviderKind::Mollie).await else {
        return ack();
    };
    // Unknown ids get the same answer as known ones: the webhook reveals nothing.
    match checkout::find_by_provider_id(&state.db, tenant.id, "mollie", &id).await {
        Ok(Some(_)) => {}
        Ok(None) => return ack(),
        Err(_) => return retry_later(),
    }
    let Client::Mollie(client) = settings.client(&state.http) else {
        return ack();
    };
    match client.get_payment(&id).await {
        Ok(snap) => apply_logged(&state, &tenant, "mollie", &snap).await,
        Err(e) => {
            tracing::warn!(error = %e, "fetching a Mollie payment failed");
            retry_later()
        }
    }
}

/// Stripe signs its events: verified on the raw body (two secrets during rotation, 300 s
/// tolerance), recorded once by event id, and the session re-fetched before acting.
async fn stripe_webhook(req: HttpRequest, state: Data, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some(settings) = settings_for(&state, &tenant, ProviderKind::Stripe).await else {
        return HttpResponse::BadRequest().finish();
    };
    let header = req
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let secrets: Vec<&str> = settings
        .credentials
        .webhook_secrets
        .iter()
        .map(String::as_str)
        .collect();
    let now = state.clock.now().timestamp();
    if stripe::verify_signature(header, &body, &secrets, now, stripe::TOLERANCE_SECS).is_err() {
        return HttpResponse::BadRequest()
            .content_type("text/plain")
            .body("bad signature");
    }
    let event = match stripe::parse_event(&body) {
        Ok(e) => e,
        Err(_) => return HttpResponse::BadRequest().content_type("text/plain").body("bad event"),
    };
    let Client::Stripe(client) = settings.client(&state.http) else {
        return ack();
    };
    match stripe_event(&state, &tenant, &client, event).await {
        Ok(()) => ack(),
        Err(e) => {
            tracing::error!(error = %e, "applying a Stripe event failed");
            retry_later()
        }
    }
}

async fn stripe_event(
    state: &AppState,
    tenant: &TenantCtx,
    client: &stripe::StripeClient,
    event: stripe::StripeEvent,
) -> Result<(), ServiceError> {
    use settle_core::providers::stripe::StripeChange;
    match event.change {
        StripeChange::Session { session_id, .. } => {
            let snap = client
                .get_session(&session_id)
                .await
                .map_err(checkout::provider_error)?;
            checkout::apply(state, tenant, "stripe", &snap).await
        }
        StripeChange::Refunded {
            payment_intent,
            total_refunded_cents,
        } => stripe_take_back(state, tenant, &event.id, &payment_intent, total_refunded_cents, 0).await,
        StripeChange::Disputed {
            payment_intent,
            amount_cents,
            ..
        } => stripe_take_back(state, tenant, &event.id, &payment_intent, 0, amount_cents).await,
        StripeChange::Other(_) => Ok(()),
    }
}

/// Refund and dispute events name the payment intent; the checkout remembers it.
async fn stripe_take_back(
    state: &AppState,
    tenant: &TenantCtx,
    event_id: &str,
    payment_intent: &str,
    refunded: i64,
    disputed: i64,
) -> Result<(), ServiceError> {
    use settle_core::entities::checkout as co;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let Some(row) = co::Entity::find()
        .filter(co::Column::TenantId.eq(tenant.id))
        .filter(co::Column::Provider.eq("stripe"))
        .filter(co::Column::RefundTarget.eq(payment_intent))
        .one(&state.db)
        .await?
    else {
        return Ok(());
    };
    let Some(pid) = row.provider_payment_id.clone() else {
        return Ok(());
    };
    // Chargebacks are reported per dispute; the running total is what was disputed so far.
    let snap = PaymentSnapshot {
        provider_payment_id: pid,
        checkout_id: Some(row.public_id.clone()),
        state: settle_core::providers::PaymentState::Paid,
        amount_cents: row.amount_cents,
        currency: row.currency.clone(),
        refunded_cents: refunded,
        charged_back_cents: disputed,
        refund_target: Some(payment_intent.to_string()),
    };
    checkout::apply_event(state, tenant, "stripe", Some(event_id), &snap).await
}

/// The sandbox's webhook, shaped like Mollie's: an id only, the payment fetched before acting.
async fn sandbox_webhook(req: HttpRequest, state: Data, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    if state.mode == RunMode::Production {
        return HttpResponse::NotFound().finish();
    }
    let pairs = form_pairs(&body);
    sandbox_notify(&state, &tenant, field(&pairs, "id")).await
}

async fn sandbox_notify(state: &AppState, tenant: &TenantCtx, id: &str) -> HttpResponse {
    match sandbox::get(&state.db, tenant.id, id).await {
        Ok(snap) => apply_logged(state, tenant, "sandbox", &snap).await,
        Err(_) => ack(),
    }
}

/// The sandbox provider's checkout page: clearly a test, with pay / pending / fail / cancel.
async fn sandbox_page(req: HttpRequest, state: Data, path: web::Path<String>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    if state.mode == RunMode::Production {
        return HttpResponse::NotFound().finish();
    }
    let Ok(Some(row)) = sandbox::find(&state.db, tenant.id, &path).await else {
        return HttpResponse::NotFound().finish();
    };
    let l = locale_for(&req, &tenant, None);
    let csrf = settle_core::csrf::anon_token(&state.keys, tenant.id, state.clock.now());
    let amount = Money::eur(row.amount_cents).format(l);
    let done = row.status != "open" && row.status != "pending";
    let buttons = if done {
        format!(
            "<p>{}</p><p><a href=\"{}\">{}</a></p>",
            esc(t(l, Key::SandboxDone)),
            esc(&row.redirect_url),
            esc(t(l, Key::SandboxBack))
        )
    } else {
        let button = |action: &str, key: Key| {
            format!(
                "<button class=\"button\" type=\"submit\" name=\"action\" value=\"{action}\">{}</button>",
                esc(t(l, key))
            )
        };
        format!(
            "<form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">{}{}{}{}</form>",
            esc(&csrf),
            button("pay", Key::SandboxPay),
            button("pending", Key::SandboxPending),
            button("fail", Key::SandboxFail),
            button("cancel", Key::SandboxCancel),
        )
    };
    let main = format!(
        "<p class=\"test-mode\" role=\"status\"><strong>{test}</strong></p><h1>{title}</h1>\
         <p>{desc}</p><p class=\"amount\">{amount}</p>{buttons}",
        title = esc(t(l, Key::SandboxTitle)),
        test = esc(t(l, Key::SandboxTestMode)),
        desc = esc(&row.description),
        amount = esc(&amount),
    );
    let body = plain_page(l.code(), "sandbox", t(l, Key::SandboxTitle), &main);
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// The tester's click: the sandbox updates its payment, calls Settle's webhook handling like a
/// real provider (id only, then fetch), and sends the browser back to Settle's return page.
async fn sandbox_act(req: HttpRequest, state: Data, path: web::Path<String>, body: web::Bytes) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    if state.mode == RunMode::Production {
        return HttpResponse::NotFound().finish();
    }
    let pairs = form_pairs(&body);
    let here = format!("/sandbox/checkout/{}", urlencode(&path));
    if !settle_core::csrf::verify_anon(&state.keys, tenant.id, state.clock.now(), field(&pairs, "csrf")) {
        return see_other(&here);
    }
    let Some(action) = sandbox::Action::parse(field(&pairs, "action")) else {
        return see_other(&here);
    };
    let Ok(Some(row)) = sandbox::find(&state.db, tenant.id, &path).await else {
        return HttpResponse::NotFound().finish();
    };
    if sandbox::act(&state.db, tenant.id, &row.id, action).await.is_err() {
        return retry_later();
    }
    let res = sandbox_notify(&state, &tenant, &row.id).await;
    if !res.status().is_success() {
        return res;
    }
    see_other(&row.redirect_url)
}
