//! `/login`: email + password, or a login link by email; links to activation and reset.
use crate::ui::{use_shell, Field, FlashBox, Frame, Loading};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use settle_domain::i18n::{t, Key};

#[component]
pub fn LoginPage() -> impl IntoView {
    let shell = use_shell();
    let query = use_query_map();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let next = query.read_untracked().get("next").unwrap_or_default();
                let flash = s.flash.clone().unwrap_or_default();
                let csrf = s.csrf.clone();
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::LoginTitle).to_string()>
                        <h1>{t(l, Key::LoginTitle)}</h1>
                        <p>{t(l, Key::LoginIntro)}</p>
                        <FlashBox locale=l flash=s.flash.clone() form="login"/>
                        <form method="post" action="/login" class="card" novalidate>
                            <input type="hidden" name="csrf" value=csrf.clone()/>
                            <input type="hidden" name="next" value=next/>
                            <Field locale=l name="email" label=Key::Email kind="email" autocomplete="username"
                                value=flash.value_for("login", "email") error=flash.error_for("login", "email")/>
                            <Field locale=l name="password" label=Key::Password kind="password" autocomplete="current-password"
                                error=flash.error_for("login", "password")/>
                            <button type="submit" class="primary">{t(l, Key::LoginButton)}</button>
                            <p><a href="/password/reset">{t(l, Key::ForgotPassword)}</a></p>
                        </form>
                        <section class="card" aria-labelledby="link-h">
                            <h2 id="link-h">{t(l, Key::LinkHeading)}</h2>
                            <p>{t(l, Key::LinkIntro)}</p>
                            <FlashBox locale=l flash=s.flash.clone() form="link"/>
                            <form method="post" action="/login/link" novalidate>
                                <input type="hidden" name="csrf" value=csrf.clone()/>
                                <Field locale=l name="email" id="f-link-email" label=Key::Email kind="email" autocomplete="email"
                                    value=flash.value_for("link", "email") error=flash.error_for("link", "email")/>
                                <button type="submit">{t(l, Key::LinkButton)}</button>
                            </form>
                        </section>
                        <p>{t(l, Key::FirstTime)}" "<a href="/activate">{t(l, Key::ActivateLink)}</a></p>
                        <p><a href="/code">{t(l, Key::LetterCodeLink)}</a></p>
                    </Frame>
                })
            })}
        </Suspense>
    }
}
