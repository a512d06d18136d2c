//! The back office's frame (header with the staff member and role, navigation, language switch)
//! and its small components: notices from the flash, labelled fields with errors tied to them.
use crate::ui::LanguageSwitch;
use leptos::prelude::*;
use leptos_meta::{Html, Title};
use settle_domain::backoffice::StaffView;
use settle_domain::i18n::staff::{st, staff_code_text, StaffKey as S};
use settle_domain::i18n::{t, Key};
use settle_domain::locale::Locale;
use settle_domain::views::{Flash, ShellView};

pub fn role_text(l: Locale, role: &str) -> &'static str {
    match role {
        "admin" => st(l, S::RoleAdmin),
        "operator" => st(l, S::RoleOperator),
        _ => st(l, S::RoleAgent),
    }
}

#[component]
pub fn StaffFrame(shell: ShellView, title: String, children: Children) -> impl IntoView {
    let l = shell.locale;
    let csrf = shell.csrf.clone();
    let full_title = crate::ui::title_text(&format!("{title} · {} · {}", st(l, S::BackOffice), shell.tenant.name));
    let who = shell.staff.clone();
    view! {
        <Html attr:lang=l.code()/>
        <Title text=full_title/>
        <a class="skip" href="#main">{t(l, Key::SkipToContent)}</a>
        <header class="top backoffice">
            <a class="brand" href="/backoffice">
                <span class="brand-name">{st(l, S::BackOffice)}" · "{shell.tenant.name.clone()}</span>
            </a>
            <LanguageSwitch locale=l csrf=csrf.clone()/>
        </header>
        {who.map(|s: StaffView| view! {
            <nav class="main-nav" aria-label=st(l, S::BackOffice)>
                <a href="/backoffice">{st(l, S::NavHome)}</a>
                <a href="/backoffice/debtors">{st(l, S::NavDebtors)}</a>
                <a href="/backoffice/callbacks">{st(l, S::NavCallbacks)}</a>
                <a href="/backoffice/disputes">{st(l, S::NavDisputes)}</a>
                <a href="/backoffice/requests">{st(l, S::NavRequests)}</a>
                <a href="/backoffice/payments">{st(l, S::NavPayments)}</a>
                <a href="/backoffice/statements">{st(l, S::NavStatements)}</a>
                <a href="/backoffice/dashboard">{st(l, S::NavDashboard)}</a>
                {(s.role != "agent").then(|| view! {
                    <a href="/backoffice/templates">{st(l, S::NavTemplates)}</a>
                    <a href="/backoffice/plans">{st(l, S::NavPlans)}</a>
                    <a href="/backoffice/staff">{st(l, S::NavStaff)}</a>
                    <a href="/backoffice/branding">{st(l, S::NavBranding)}</a>
                    <a href="/backoffice/providers">{st(l, S::NavProviders)}</a>
                    <a href="/backoffice/api-keys">{st(l, S::NavApiKeys)}</a>
                    <a href="/backoffice/webhooks">{st(l, S::NavWebhooks)}</a>
                    <a href="/backoffice/audit">{st(l, S::NavAudit)}</a>
                })}
                {(s.role == "operator").then(|| view! {
                    <a href="/backoffice/tenants">{st(l, S::NavTenants)}</a>
                })}
                <span class="who" data-testid="staff-who">{s.name.clone()}" ("{role_text(l, &s.role)}")"</span>
                <form method="post" action="/backoffice/logout" class="logout">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <button type="submit" class="link-button">{st(l, S::Logout)}</button>
                </form>
            </nav>
        })}
        <main id="main" tabindex="-1" class="backoffice">
            {children()}
        </main>
        <crate::ui::HydrationMarker/>
    }
}

/// Notice or form-level error from the flash of `form`.
#[component]
pub fn StaffFlash(locale: Locale, flash: Option<Flash>, form: String) -> impl IntoView {
    let flash = flash.filter(|f| f.form == form);
    let notice = flash.as_ref().and_then(|f| f.notice.clone());
    let form_error = flash.as_ref().and_then(|f| f.errors.get("form").cloned());
    view! {
        {notice.map(|n| view! { <div class="notice" role="status" data-testid="notice">{staff_code_text(locale, &n)}</div> })}
        {form_error.map(|e| view! { <div class="alert" role="alert" data-testid="form-error">{staff_code_text(locale, &e)}</div> })}
    }
}

/// A labelled input (or textarea) with its error announced and tied to it.
#[component]
pub fn StaffField(
    locale: Locale,
    id: String,
    name: &'static str,
    label: S,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let err_id = format!("{id}-error");
    let described = error.is_some().then(|| err_id.clone());
    let invalid = error.is_some().then_some("true");
    let has_error = error.is_some();
    let control = if kind == "textarea" {
        view! {
            <textarea id=id.clone() name=name aria-describedby=described.clone() aria-invalid=invalid required=required rows="3">{value.clone()}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name type=kind value=value.clone()
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                aria-describedby=described.clone() aria-invalid=invalid required=required/>
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=has_error>
            <label for=id.clone()>{st(locale, label)}</label>
            {error.map(|code| view! { <p class="error" id=err_id.clone()>{staff_code_text(locale, &code)}</p> })}
            {control}
        </div>
    }
}

pub use crate::ui::when;

/// What a page shows when its data failed: the login (signed out), "not allowed" (a role too
/// low), or not found.
pub fn staff_failure(shell: ShellView, err: &leptos::prelude::ServerFnError) -> AnyView {
    if err.to_string().contains("forbidden") {
        let l = shell.locale;
        view! {
            <StaffFrame shell=shell.clone() title=st(l, S::Forbidden).to_string()>
                <h1>{st(l, S::Forbidden)}</h1>
            </StaffFrame>
        }
        .into_any()
    } else {
        crate::pages::not_found::failure(shell, err)
    }
}

/// A back-office page: waits for the shell and the page's data, and shows the login, "not
/// allowed" or not-found page when the data failed; else what `render` makes of them.
pub fn loaded<T, R, V>(data: Resource<Result<T, ServerFnError>>, render: R) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    R: Fn(ShellView, T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let shell = crate::ui::use_shell();
    view! {
        <Suspense fallback=crate::ui::Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    let s = shell.await.ok()?;
                    Some(match data.await {
                        Ok(v) => render(s, v).into_any(),
                        Err(e) => staff_failure(s, &e),
                    })
                })
            }}
        </Suspense>
    }
}
