//! `/code`: a debtor with a paper letter types its code and lands on that invoice's payment page.
use crate::ui::{use_shell, Field, FlashBox, Frame, Loading};
use leptos::prelude::*;
use settle_domain::i18n::{t, Key};

#[component]
pub fn LetterCodePage() -> impl IntoView {
    let shell = use_shell();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let flash = s.flash.clone().unwrap_or_default();
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::LetterCodeTitle).to_string()>
                        <h1>{t(l, Key::LetterCodeTitle)}</h1>
                        <p>{t(l, Key::LetterCodeIntro)}</p>
                        <FlashBox locale=l flash=s.flash.clone() form="letter_code"/>
                        <form method="post" action="/code" class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            <Field locale=l name="code" label=Key::LetterCodeLabel hint=Some(Key::LetterCodeHint)
                                autocomplete="off" value=flash.value_for("letter_code", "code")
                                error=flash.error_for("letter_code", "code")/>
                            <button type="submit" class="primary">{t(l, Key::LetterCodeButton)}</button>
                        </form>
                    </Frame>
                })
            })}
        </Suspense>
    }
}
