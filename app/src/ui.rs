//! Shared components: the page frame (header, language switch, footer), form fields with
//! errors tied to them, notices, amounts, dates and invoice status badges.
use crate::shell::ShellResource;
use leptos::prelude::*;
use leptos_meta::{Html, Style, Title};
use settle_domain::i18n::{code_text, t, Key};
use settle_domain::locale::{format_date, Locale};
use settle_domain::money::Money;
use settle_domain::views::{ConsentRow, DisplayStatus, Flash, ShellView};

pub fn use_shell() -> ShellResource {
    expect_context::<ShellResource>()
}

/// A page's own parts: its title (a catalog text) and its main content. A routed page puts them
/// in [`Frame`]; the pages the server renders directly (`server/src/direct_pages.rs`) put the
/// main content into a copy of the frame rendered once per tenant, language and title. The
/// frame sets the document's title, language and style (leptos_meta); the main content sets
/// none of them, as the directly rendered pages give it no meta context.
pub struct Page {
    pub title: String,
    pub main: AnyView,
}

impl Page {
    pub fn new(title: impl Into<String>, main: impl IntoView + 'static) -> Self {
        Self {
            title: title.into(),
            main: main.into_view().into_any(),
        }
    }

    /// The page inside its frame.
    pub fn framed(self, shell: ShellView) -> AnyView {
        let Page { title, main } = self;
        view! { <Frame shell title>{main}</Frame> }.into_any()
    }
}

/// The frame every page sits in; `title` is a catalog text, `children` the page body.
#[component]
pub fn Frame(shell: ShellView, title: String, children: Children) -> impl IntoView {
    let l = shell.locale;
    let tn = shell.tenant.clone();
    let css = format!(":root{{--brand:{};--accent:{};}}", tn.primary, tn.accent);
    let logged_in = shell.user.is_some();
    let csrf = shell.csrf.clone();
    let full_title = title_text(&format!("{title} · {}", tn.name));
    view! {
        <Html attr:lang=l.code()/>
        <Title text=full_title/>
        <Style>{css}</Style>
        <a class="skip" href="#main">{t(l, Key::SkipToContent)}</a>
        <header class="top">
            <a class="brand" href="/">
                <img class="logo" src="/logo.png" alt="" width="40" height="40"/>
                <span class="brand-name">{tn.name.clone()}</span>
            </a>
            <LanguageSwitch locale=l csrf=csrf.clone()/>
        </header>
        {logged_in.then(|| view! {
            <nav class="main-nav" aria-label=t(l, Key::NavOverview)>
                <a href="/">{t(l, Key::NavOverview)}</a>
                <a href="/invoices">{t(l, Key::NavInvoices)}</a>
                <a href="/callback">{t(l, Key::NavCallback)}</a>
                <a href="/profile">{t(l, Key::NavProfile)}</a>
                <form method="post" action="/logout" class="logout">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <button type="submit" class="link-button" data-testid="logout">{t(l, Key::Logout)}</button>
                </form>
            </nav>
        })}
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="bottom">
            <section aria-labelledby="support-h">
                <h2 id="support-h">{t(l, Key::SupportHeading)}</h2>
                <p>
                    {t(l, Key::SupportCall)}": "
                    <a href=format!("tel:{}", tn.support_phone.replace(' ', ""))>{tn.support_phone.clone()}</a>
                    " ("{tn.support_hours.clone()}")"
                </p>
                <p>
                    {t(l, Key::SupportMail)}": "
                    <a href=format!("mailto:{}", tn.support_email)>{tn.support_email.clone()}</a>
                </p>
            </section>
            <p class="legal">{tn.legal_footer.clone()}</p>
        </footer>
        <HydrationMarker/>
    }
}

/// Sets `data-hydrated` on <body> once the page is interactive (end-to-end tests wait for it).
#[island]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Copies a payment detail (IBAN, reference) for a banking app. An island: without JavaScript
/// it stays hidden and the value is plain selectable text beside it.
#[island]
pub fn CopyButton(value: String, label: String, what: String, done: String) -> impl IntoView {
    let (ready, set_ready) = signal(false);
    let (copied, set_copied) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let promise = window().navigator().clipboard().write_text(&value);
            leptos::task::spawn_local(async move {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    set_copied.set(true);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&value, set_copied);
    };
    view! {
        <button type="button" class="copy small" hidden=move || !ready.get() on:click=copy>
            {label}<span class="visually-hidden">" "{what}</span>
        </button>
        <span class="copied" role="status">{move || copied.get().then(|| done.clone())}</span>
    }
}

#[component]
pub fn LanguageSwitch(locale: Locale, csrf: String) -> impl IntoView {
    view! {
        <form method="post" action="/lang" class="lang">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="lang-select" class="visually-hidden">{t(locale, Key::Language)}</label>
            <select id="lang-select" name="lang" data-testid="lang-select">
                {Locale::ALL.iter().map(|o| view! {
                    <option value=o.code() selected=*o == locale>{o.native_name()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="small">{t(locale, Key::ChangeLanguage)}</button>
        </form>
    }
}

/// A labelled input whose error is announced and tied to it with aria-describedby.
#[component]
pub fn Field(
    locale: Locale,
    name: &'static str,
    label: Key,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(default = None)] hint: Option<Key>,
    #[prop(optional)] value: String,
    #[prop(default = None)] error: Option<String>,
    #[prop(optional)] inputmode: &'static str,
    /// Overrides the element id when one page has two fields of the same name.
    #[prop(optional)]
    id: &'static str,
) -> impl IntoView {
    let id = if id.is_empty() {
        format!("f-{name}")
    } else {
        id.to_string()
    };
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(hint_id.clone());
    }
    if error.is_some() {
        described.push(err_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = error.is_some().then_some("true");
    let has_error = error.is_some();
    view! {
        <div class="field" class:has-error=has_error>
            <label for=id.clone()>{t(locale, label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{t(locale, h)}</p> })}
            {error.map(|code| view! {
                <p class="error" id=err_id.clone()>{code_text(locale, &code)}</p>
            })}
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                aria-describedby=described
                aria-invalid=invalid
                required
            />
        </div>
    }
}

/// Form-level error and notice from the flash (errors on fields are shown at the fields).
#[component]
pub fn FlashBox(locale: Locale, flash: Option<Flash>, form: &'static str) -> impl IntoView {
    let flash = flash.filter(|f| f.form == form);
    let notice = flash.as_ref().and_then(|f| f.notice.clone());
    let form_error = flash.as_ref().and_then(|f| f.errors.get("form").cloned());
    let field_errors = flash
        .as_ref()
        .map(|f| f.errors.keys().any(|k| k != "form"))
        .unwrap_or(false);
    view! {
        {notice.map(|n| view! { <div class="notice" role="status" data-testid="notice">{code_text(locale, &n)}</div> })}
        {form_error.map(|e| view! { <div class="alert" role="alert" data-testid="form-error">{code_text(locale, &e)}</div> })}
        {(field_errors).then(|| view! { <div class="alert" role="alert">{t(locale, Key::ErrorSummary)}</div> })}
    }
}

pub fn money(locale: Locale, m: Money) -> String {
    m.format(locale)
}

pub fn date(locale: Locale, d: chrono::NaiveDate) -> String {
    format_date(d, locale)
}

pub fn status_key(s: DisplayStatus) -> Key {
    match s {
        DisplayStatus::Open => Key::StatusOpen,
        DisplayStatus::Overdue => Key::StatusOverdue,
        DisplayStatus::PartlyPaid => Key::StatusPartlyPaid,
        DisplayStatus::Pending => Key::StatusPending,
        DisplayStatus::Paid => Key::StatusPaid,
        DisplayStatus::Cancelled => Key::StatusCancelled,
    }
}

#[component]
pub fn StatusBadge(locale: Locale, status: DisplayStatus) -> impl IntoView {
    let class = match status {
        DisplayStatus::Overdue => "badge overdue",
        DisplayStatus::Paid => "badge paid",
        DisplayStatus::PartlyPaid => "badge partly",
        DisplayStatus::Pending => "badge pending",
        DisplayStatus::Cancelled => "badge cancelled",
        DisplayStatus::Open => "badge open",
    };
    view! { <span class=class>{t(locale, status_key(status))}</span> }
}

/// Rendered while data loads on client-side navigation (SSR waits for data instead).
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-busy="true">"…"</p> }
}

/// Consents given and withdrawn (SMS, counting opens and clicks), newest first: on the
/// debtor's profile and on the debtor's page in the back office.
#[component]
pub fn ConsentList(locale: Locale, rows: Vec<ConsentRow>) -> impl IntoView {
    let l = locale;
    let label = move |row: &ConsentRow| {
        let what = match row.purpose.as_str() {
            "sms" => Key::ConsentSms,
            "voice" => Key::ConsentVoice,
            _ => Key::ConsentTracking,
        };
        let done = if row.granted {
            Key::ConsentGiven
        } else {
            Key::ConsentWithdrawn
        };
        let how = if row.source == "portal" {
            Key::ConsentViaPortal
        } else {
            Key::ConsentViaStaff
        };
        (t(l, what), t(l, done), t(l, how))
    };
    // A list, not a table: four columns do not fit a phone.
    (!rows.is_empty()).then(|| {
        view! {
            <details data-testid="consents">
                <summary>{t(l, Key::ConsentsHeading)}</summary>
                <ul class="consents">
                    {rows.iter().map(|r| {
                        let (what, done, how) = label(r);
                        view! { <li><strong>{what}": "{done}</strong><br/>{when(l, r.at)}" · "{how}</li> }
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}

/// A moment in the tenant's time zone: the date in the reader's language and the time.
pub fn when(l: Locale, at: chrono::NaiveDateTime) -> String {
    format!("{} {}", format_date(at.date(), l), at.format("%H:%M"))
}

/// A page title as `<title>` may hold it. leptos_meta writes the title into the server's HTML
/// as it is (0.8.7 does not escape it), so a name with `</title>` in it would end the title
/// and add markup to the page: the text is escaped here. Pages render on the server only
/// (islands), so the browser never sets the title from this text.
pub fn title_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
