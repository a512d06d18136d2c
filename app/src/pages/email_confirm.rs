//! `/profile/email/confirm?token=`: the page behind the link sent to a new email address.
use crate::pages::link::{LinkConfirm, LinkPage};
use leptos::prelude::*;
use settle_domain::i18n::Key;

#[component]
pub fn EmailConfirmPage() -> impl IntoView {
    view! {
        <LinkConfirm page=LinkPage {
            kind: "email",
            title: Key::EmailConfirmTitle,
            intro: Key::EmailConfirmIntro,
            button: Key::EmailConfirmButton,
            action: "/profile/email/confirm",
            form: "email_confirm",
        }/>
    }
}
