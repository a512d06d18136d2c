//! The one "not found" page, also shown for anything the visitor may not see.
use crate::ui::{use_shell, Loading, Page};
use leptos::prelude::*;
use settle_domain::i18n::{t, Key};
use settle_domain::locale::Locale;
use settle_domain::views::ShellView;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(404);
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
    not_found_page(shell.locale).framed(shell)
}

/// The not-found page (404).
pub fn not_found_page(l: Locale) -> Page {
    set_status(404);
    Page::new(
        t(l, Key::NotFoundTitle),
        view! {
            <h1 data-testid="not-found">{t(l, Key::NotFoundTitle)}</h1>
            <p>{t(l, Key::NotFoundText)}</p>
            <p><a href="/">{t(l, Key::ToHome)}</a></p>
        },
    )
}

/// Too many attempts from this address: 429, and when to try again.
pub fn rate_limited_page(l: Locale) -> Page {
    set_status(429);
    Page::new(
        t(l, Key::RateLimitedTitle),
        view! {
            <h1 data-testid="rate-limited">{t(l, Key::RateLimitedTitle)}</h1>
            <p role="alert">{t(l, Key::ErrRateLimited)}</p>
        },
    )
}

/// What a data page shows when its data did not come: nothing while a login redirect is on its
/// way, a wait-and-retry page when throttled, else the not-found page (forbidden looks the same).
pub fn failure_page(l: Locale, err: &ServerFnError) -> Option<Page> {
    let err = err.to_string();
    if err.contains("unauthenticated") {
        None
    } else if err.contains("rate_limited") {
        Some(rate_limited_page(l))
    } else {
        Some(not_found_page(l))
    }
}

/// [`failure_page`] in its frame.
pub fn failure(shell: ShellView, err: &ServerFnError) -> AnyView {
    match failure_page(shell.locale, err) {
        Some(page) => page.framed(shell),
        None => ().into_any(),
    }
}

/// The response's status code, on the server (in the browser there is no response to set).
#[allow(unused_variables)]
fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(opts), Ok(status)) = (
        use_context::<leptos_actix::ResponseOptions>(),
        actix_web::http::StatusCode::from_u16(code),
    ) {
        opts.set_status(status);
    }
}
