//! `/activate`: first-time activation by customer number + postcode.
use crate::ui::{use_shell, Field, FlashBox, Frame, Loading};
use leptos::prelude::*;
use settle_domain::i18n::{t, Key};

#[component]
pub fn ActivatePage() -> impl IntoView {
    let shell = use_shell();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let flash = s.flash.clone().unwrap_or_default();
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::ActivateTitle).to_string()>
                        <h1>{t(l, Key::ActivateTitle)}</h1>
                        <p>{t(l, Key::ActivateIntro)}</p>
                        <FlashBox locale=l flash=s.flash.clone() form="activate"/>
                        <form method="post" action="/activate" class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            <Field locale=l name="customer_number" label=Key::CustomerNumber hint=Some(Key::CustomerNumberHint)
                                autocomplete="off" value=flash.value_for("activate", "customer_number")
                                error=flash.error_for("activate", "customer_number")/>
                            <Field locale=l name="postcode" label=Key::Postcode autocomplete="postal-code"
                                value=flash.value_for("activate", "postcode") error=flash.error_for("activate", "postcode")/>
                            <button type="submit" class="primary">{t(l, Key::ActivateButton)}</button>
                        </form>
                        <p><a href="/login">{t(l, Key::BackToLogin)}</a></p>
                    </Frame>
                })
            })}
        </Suspense>
    }
}
