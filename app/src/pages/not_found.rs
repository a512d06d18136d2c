//! The one "not found" page, also shown for anything the visitor may not see.
use crate::ui::{use_shell, Frame, Loading};
use leptos::prelude::*;
use settle_domain::i18n::{t, Key};
use settle_domain::views::ShellView;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_actix::ResponseOptions>() {
        opts.set_status(actix_web::http::StatusCode::NOT_FOUND);
    }
    let shell = use_shell();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                Some(view! { <NotFoundBody shell=s/> })
            })}
        </Suspense>
    }
}

#[component]
pub fn NotFoundBody(shell: ShellView) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_actix::ResponseOptions>() {
        opts.set_status(actix_web::http::StatusCode::NOT_FOUND);
    }
    let l = shell.locale;
    view! {
        <Frame shell=shell.clone() title=t(l, Key::NotFoundTitle).to_string()>
            <h1 data-testid="not-found">{t(l, Key::NotFoundTitle)}</h1>
            <p>{t(l, Key::NotFoundText)}</p>
            <p><a href="/">{t(l, Key::ToHome)}</a></p>
        </Frame>
    }
}

/// Too many attempts from this address: 429, and when to try again.
#[component]
pub fn RateLimitedBody(shell: ShellView) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_actix::ResponseOptions>() {
        opts.set_status(actix_web::http::StatusCode::TOO_MANY_REQUESTS);
    }
    let l = shell.locale;
    view! {
        <Frame shell=shell.clone() title=t(l, Key::RateLimitedTitle).to_string()>
            <h1 data-testid="rate-limited">{t(l, Key::RateLimitedTitle)}</h1>
            <p role="alert">{t(l, Key::ErrRateLimited)}</p>
        </Frame>
    }
}

/// What a data page shows when its data did not come: nothing while a login redirect is on its
/// way, a wait-and-retry page when throttled, else the not-found page (forbidden looks the same).
pub fn failure(shell: ShellView, err: &ServerFnError) -> AnyView {
    if err.to_string().contains("unauthenticated") {
        ().into_any()
    } else if err.to_string().contains("rate_limited") {
        view! { <RateLimitedBody shell=shell/> }.into_any()
    } else {
        view! { <NotFoundBody shell=shell/> }.into_any()
    }
}
