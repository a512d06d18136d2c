//! `/profile/email/confirm?token=`: the page behind the link sent to a new email address. The
//! GET only shows a button; the POST confirms, because mail scanners fetch links.
use crate::api::get_link_status;
use crate::ui::{use_shell, FlashBox, Frame, Loading};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use settle_domain::i18n::{code_text, t, Key};

#[component]
pub fn EmailConfirmPage() -> impl IntoView {
    let shell = use_shell();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let live = Resource::new(token, |tok| get_link_status("email".into(), tok));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let live = live.await.unwrap_or(false);
                let l = s.locale;
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::EmailConfirmTitle).to_string()>
                        <h1>{t(l, Key::EmailConfirmTitle)}</h1>
                        <FlashBox locale=l flash=s.flash.clone() form="email_confirm"/>
                        {if live {
                            view! {
                                <p>{t(l, Key::EmailConfirmIntro)}</p>
                                <form method="post" action="/profile/email/confirm" class="card">
                                    <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                    <input type="hidden" name="token" value=token()/>
                                    <button type="submit" class="primary">{t(l, Key::EmailConfirmButton)}</button>
                                </form>
                            }.into_any()
                        } else {
                            view! {
                                <div class="alert" role="alert" data-testid="link-invalid">{code_text(l, "link_invalid")}</div>
                            }.into_any()
                        }}
                    </Frame>
                })
            })}
        </Suspense>
    }
}
