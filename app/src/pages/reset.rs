//! `/password/reset`: ask for a reset link; with `?token=` (reset or activation link), choose
//! the new password.
use crate::api::get_link_status;
use crate::ui::{use_shell, Field, FlashBox, Frame, Loading};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use settle_domain::i18n::{code_text, t, Key};

#[component]
pub fn ResetPage() -> impl IntoView {
    let shell = use_shell();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let live = Resource::new(token, |tok| async move {
        if tok.is_empty() {
            Ok(false)
        } else {
            get_link_status("password".into(), tok).await
        }
    });
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let live = live.await.unwrap_or(false);
                let l = s.locale;
                let flash = s.flash.clone().unwrap_or_default();
                let tok = token();
                let body = if tok.is_empty() {
                    view! {
                        <h1>{t(l, Key::ResetTitle)}</h1>
                        <p>{t(l, Key::ResetIntro)}</p>
                        <FlashBox locale=l flash=s.flash.clone() form="reset"/>
                        <form method="post" action="/password/reset" class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            <Field locale=l name="email" label=Key::Email kind="email" autocomplete="email"
                                value=flash.value_for("reset", "email") error=flash.error_for("reset", "email")/>
                            <button type="submit" class="primary">{t(l, Key::ResetButton)}</button>
                        </form>
                        <p><a href="/login">{t(l, Key::BackToLogin)}</a></p>
                    }.into_any()
                } else if live {
                    view! {
                        <h1>{t(l, Key::SetPasswordTitle)}</h1>
                        <FlashBox locale=l flash=s.flash.clone() form="set_password"/>
                        <form method="post" action="/password/reset" class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            <input type="hidden" name="token" value=tok/>
                            <Field locale=l name="password" label=Key::NewPassword kind="password" autocomplete="new-password"
                                hint=Some(Key::PasswordHint) error=flash.error_for("set_password", "password")/>
                            <Field locale=l name="confirm" label=Key::ConfirmPassword kind="password" autocomplete="new-password"
                                error=flash.error_for("set_password", "confirm")/>
                            <button type="submit" class="primary">{t(l, Key::SetPasswordButton)}</button>
                        </form>
                    }.into_any()
                } else {
                    view! {
                        <h1>{t(l, Key::SetPasswordTitle)}</h1>
                        <div class="alert" role="alert" data-testid="link-invalid">{code_text(l, "link_invalid")}</div>
                        <p><a href="/password/reset">{t(l, Key::ResetTitle)}</a></p>
                    }.into_any()
                };
                Some(view! { <Frame shell=s.clone() title=t(l, Key::ResetTitle).to_string()>{body}</Frame> })
            })}
        </Suspense>
    }
}
