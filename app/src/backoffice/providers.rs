//! `/backoffice/providers` (admins): the tenant's mail identity, SMS, payment and print
//! providers. Credentials are write-only: the page says what is set, never the secrets; a
//! credential field left blank keeps what is stored.
use super::api::get_providers;
use super::frame::{loaded, StaffField, StaffFlash, StaffFrame};
use leptos::prelude::*;
use settle_domain::backoffice::ProvidersView;
use settle_domain::i18n::staff::{st, staff_code_text, StaffKey as S};
use settle_domain::locale::Locale;
use settle_domain::money::Money;
use settle_domain::views::Flash;

#[component]
pub fn ProvidersPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_providers());
    loaded(data, move |s, p| {
        let l = s.locale;
        let form = |name: &'static str, body: AnyView| {
            view! {
                <section class="card" aria-labelledby=format!("{name}-h")>
                    {body}
                </section>
            }
        };
        let f = s.flash.clone().unwrap_or_default();
        view! {
            <StaffFrame shell=s.clone() title=st(l, S::NavProviders).to_string()>
                <h1>{st(l, S::NavProviders)}</h1>
                <p>{st(l, S::ProvidersIntro)}</p>
                {form("mail", mail(l, &p, &s.csrf, &f).into_any())}
                {form("sms", sms(l, &p, &s.csrf, &f).into_any())}
                {form("payment", payment(l, &p, &s.csrf, &f).into_any())}
                {form("print", print(l, &p, &s.csrf, &f).into_any())}
            </StaffFrame>
        }
        .into_any()
    })
}

/// A select with its label and error, the options as (value, label).
pub(super) fn choice(
    l: Locale,
    id: &'static str,
    name: &'static str,
    label: S,
    options: Vec<(&'static str, String)>,
    selected: String,
    error: Option<String>,
) -> impl IntoView {
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=error.is_some()>
            <label for=id>{st(l, label)}</label>
            {error.clone().map(|c| view! { <p class="error" id=err_id.clone()>{staff_code_text(l, &c)}</p> })}
            <select id=id name=name aria-describedby=error.is_some().then_some(err_id.clone())>
                {options.into_iter().map(|(v, text)| view! { <option value=v selected=selected == v>{text}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// Typed values come back after a refused post (never a secret); else the stored ones.
fn typed(f: &Flash, form: &str, field: &str, current: String) -> String {
    if f.form == form && !f.errors.is_empty() {
        f.value_for(form, field)
    } else {
        current
    }
}

fn mail(l: Locale, p: &ProvidersView, csrf: &str, f: &Flash) -> impl IntoView {
    let e = |field: &str| f.error_for("mail", field);
    let current = p.email.clone();
    let now = match &current {
        Some(m) => format!(
            "{} {}{}",
            st(l, S::CurrentlySet),
            m.from,
            m.dkim_selector
                .as_ref()
                .map(|s| format!(" · DKIM {s} ({})", m.dkim_algorithm.clone().unwrap_or_default()))
                .unwrap_or_default()
        ),
        None => st(l, S::MailPlatformDefault).to_string(),
    };
    let has_key = current.as_ref().is_some_and(|m| m.dkim_selector.is_some());
    let mut options = Vec::new();
    if has_key {
        options.push(("keep", st(l, S::DkimKeep).to_string()));
    }
    options.extend([
        ("new_rsa", st(l, S::DkimNewRsa).to_string()),
        ("new_ed25519", st(l, S::DkimNewEd25519).to_string()),
        ("none", st(l, S::DkimNone).to_string()),
    ]);
    let default_dkim = if has_key { "keep" } else { "new_rsa" };
    let from = typed(
        f,
        "mail",
        "from",
        current.as_ref().map(|m| m.from.clone()).unwrap_or_default(),
    );
    let reply_to = typed(
        f,
        "mail",
        "reply_to",
        current.as_ref().map(|m| m.reply_to.clone()).unwrap_or_default(),
    );
    let selector = typed(
        f,
        "mail",
        "selector",
        current
            .as_ref()
            .and_then(|m| m.dkim_selector.clone())
            .unwrap_or_else(|| "settle1".into()),
    );
    let dkim = typed(f, "mail", "dkim", default_dkim.to_string());
    view! {
        <h2 id="mail-h">{st(l, S::MailIdentity)}</h2>
        <p data-testid="mail-now">{now}</p>
        <StaffFlash locale=l flash=Some(f.clone()) form="mail".to_string()/>
        <form method="post" action="/backoffice/providers/mail" novalidate>
            <input type="hidden" name="csrf" value=csrf.to_string()/>
            <StaffField locale=l id="f-m-from".into() name="from" label=S::MailFrom value=from error=e("from") required=true/>
            <StaffField locale=l id="f-m-reply".into() name="reply_to" label=S::MailReplyTo kind="email" value=reply_to error=e("reply_to")/>
            {choice(l, "f-m-dkim", "dkim", S::DkimKey, options, dkim, e("dkim"))}
            <StaffField locale=l id="f-m-selector".into() name="selector" label=S::DkimSelector value=selector error=e("selector")/>
            <p class="hint">{st(l, S::DkimHint)}" "<a href="/backoffice/branding#dns-h">{st(l, S::DnsRecords)}</a></p>
            <button type="submit">{st(l, S::Save)}</button>
        </form>
    }
}

fn sms(l: Locale, p: &ProvidersView, csrf: &str, f: &Flash) -> impl IntoView {
    let e = |field: &str| f.error_for("sms", field);
    let now = match &p.sms {
        Some(provider) => format!("{} {provider}", st(l, S::CurrentlySet)),
        None => st(l, S::NotSet).to_string(),
    };
    let selected = typed(f, "sms", "provider", p.sms.clone().unwrap_or_else(|| "none".into()));
    let options = vec![
        ("none", st(l, S::NotSet).to_string()),
        ("twilio", "Twilio".to_string()),
        ("messagebird", "MessageBird".to_string()),
    ];
    let plain = |field: &str| typed(f, "sms", field, String::new());
    view! {
        <h2 id="sms-h">{st(l, S::SmsProvider)}</h2>
        <p data-testid="sms-now">{now}</p>
        <StaffFlash locale=l flash=Some(f.clone()) form="sms".to_string()/>
        <form method="post" action="/backoffice/providers/sms" novalidate>
            <input type="hidden" name="csrf" value=csrf.to_string()/>
            {choice(l, "f-s-provider", "provider", S::Provider, options, selected, e("provider"))}
            <p class="hint">{st(l, S::CredentialsHint)}</p>
            <fieldset>
                <legend>"Twilio"</legend>
                <StaffField locale=l id="f-s-sid".into() name="account_sid" label=S::AccountSid value=plain("account_sid") error=e("account_sid")/>
                <StaffField locale=l id="f-s-token".into() name="auth_token" label=S::AuthToken kind="password" error=e("auth_token")/>
                <StaffField locale=l id="f-s-from".into() name="from" label=S::SmsFrom value=plain("from") error=e("from")/>
            </fieldset>
            <fieldset>
                <legend>"MessageBird"</legend>
                <StaffField locale=l id="f-s-key".into() name="access_key" label=S::AccessKey kind="password" error=e("access_key")/>
                <StaffField locale=l id="f-s-orig".into() name="originator" label=S::SmsFrom value=plain("originator") error=e("originator")/>
            </fieldset>
            <button type="submit">{st(l, S::Save)}</button>
        </form>
    }
}

fn payment(l: Locale, p: &ProvidersView, csrf: &str, f: &Flash) -> impl IntoView {
    let e = |field: &str| f.error_for("payment", field);
    let now = match &p.payment {
        Some(pay) => format!("{} {}", st(l, S::CurrentlySet), pay.provider),
        None => st(l, S::NotSet).to_string(),
    };
    let mut options = Vec::new();
    if p.sandbox_allowed {
        options.push(("sandbox", st(l, S::SandboxProvider).to_string()));
    }
    options.extend([("mollie", "Mollie".to_string()), ("stripe", "Stripe".to_string())]);
    let selected = typed(
        f,
        "payment",
        "provider",
        p.payment.as_ref().map(|x| x.provider.clone()).unwrap_or_default(),
    );
    let partial = p.payment.as_ref().is_some_and(|x| x.allow_partial);
    let min = p
        .payment
        .as_ref()
        .map(|x| Money::eur(x.min_partial_cents).format(l))
        .unwrap_or_default();
    let min = typed(f, "payment", "min_partial", min);
    view! {
        <h2 id="payment-h">{st(l, S::PaymentProvider)}</h2>
        <p data-testid="payment-now">{now}</p>
        <StaffFlash locale=l flash=Some(f.clone()) form="payment".to_string()/>
        <form method="post" action="/backoffice/providers/payment" novalidate>
            <input type="hidden" name="csrf" value=csrf.to_string()/>
            {choice(l, "f-p-provider", "provider", S::Provider, options, selected, e("provider"))}
            <p class="hint">{st(l, S::CredentialsHint)}</p>
            <StaffField locale=l id="f-p-key".into() name="api_key" label=S::ApiKey kind="password" error=e("api_key")/>
            <StaffField locale=l id="f-p-secret".into() name="webhook_secret" label=S::WebhookSecret kind="password" error=e("webhook_secret")/>
            <StaffField locale=l id="f-p-prev".into() name="previous_webhook_secret" label=S::PreviousWebhookSecret kind="password"/>
            <div class="field check">
                <input id="f-p-partial" type="checkbox" name="allow_partial" value="1" checked=partial/>
                <label for="f-p-partial">{st(l, S::AllowPartial)}</label>
            </div>
            <StaffField locale=l id="f-p-min".into() name="min_partial" label=S::MinPartial value=min error=e("min_partial")/>
            <button type="submit">{st(l, S::Save)}</button>
        </form>
    }
}

fn print(l: Locale, p: &ProvidersView, csrf: &str, f: &Flash) -> impl IntoView {
    let e = |field: &str| f.error_for("print", field);
    let now = match &p.print_url {
        Some(url) => format!("{} {url}", st(l, S::CurrentlySet)),
        None => st(l, S::PrintSpool).to_string(),
    };
    let url = typed(f, "print", "url", p.print_url.clone().unwrap_or_default());
    view! {
        <h2 id="print-h">{st(l, S::PrintProvider)}</h2>
        <p data-testid="print-now">{now}</p>
        <StaffFlash locale=l flash=Some(f.clone()) form="print".to_string()/>
        <form method="post" action="/backoffice/providers/print" novalidate>
            <input type="hidden" name="csrf" value=csrf.to_string()/>
            <StaffField locale=l id="f-pr-url".into() name="url" label=S::PrintUrl kind="url" value=url error=e("url")/>
            <StaffField locale=l id="f-pr-token".into() name="token" label=S::PrintToken kind="password"/>
            <button type="submit">{st(l, S::Save)}</button>
        </form>
    }
}
