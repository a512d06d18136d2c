//! Pages behind an emailed link (`/login/link?token=`, `/profile/email/confirm?token=`): the GET
//! only shows a button; the POST uses the link, because mail scanners fetch links.
use crate::api::get_link_status;
use crate::ui::{use_shell, FlashBox, Frame, Loading};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use settle_domain::i18n::{code_text, t, Key};

/// What differs between the link pages.
#[derive(Clone, Copy)]
pub struct LinkPage {
    /// The kind `get_link_status` checks.
    pub kind: &'static str,
    pub title: Key,
    pub intro: Key,
    pub button: Key,
    /// Where the button posts (with the token).
    pub action: &'static str,
    /// The flash form errors come back under.
    pub form: &'static str,
}

#[component]
pub fn LinkConfirm(page: LinkPage) -> impl IntoView {
    let shell = use_shell();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let live = Resource::new(token, move |tok| get_link_status(page.kind.into(), tok));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let live = live.await.unwrap_or(false);
                let l = s.locale;
                Some(view! {
                    <Frame shell=s.clone() title=t(l, page.title).to_string()>
                        <h1>{t(l, page.title)}</h1>
                        <FlashBox locale=l flash=s.flash.clone() form=page.form/>
                        {if live {
                            view! {
                                <p>{t(l, page.intro)}</p>
                                <form method="post" action=page.action class="card">
                                    <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                    <input type="hidden" name="token" value=token()/>
                                    <button type="submit" class="primary">{t(l, page.button)}</button>
                                </form>
                            }.into_any()
                        } else {
                            view! {
                                <div class="alert" role="alert" data-testid="link-invalid">{code_text(l, "link_invalid")}</div>
                                <p><a href="/login">{t(l, Key::BackToLogin)}</a></p>
                            }.into_any()
                        }}
                    </Frame>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn LoginLinkPage() -> impl IntoView {
    view! {
        <LinkConfirm page=LinkPage {
            kind: "login",
            title: Key::LinkConfirmTitle,
            intro: Key::LinkConfirmIntro,
            button: Key::LinkConfirmButton,
            action: "/login/link",
            form: "link_confirm",
        }/>
    }
}
