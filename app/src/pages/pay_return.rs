//! `/pay/return/{checkout}`: where the provider sends the browser back; shows the real outcome
//! (paid, pending, failed, cancelled) with a way to try again.
use crate::api::get_checkout;
use crate::pages::not_found::failure;
use crate::ui::{money, use_shell, FlashBox, Frame, Loading};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;
use settle_domain::i18n::{t, Key};
use settle_domain::views::PaymentOutcome;

#[component]
pub fn PayReturnPage() -> impl IntoView {
    let shell = use_shell();
    let params = use_params_map();
    let id = move || params.read().get("checkout").unwrap_or_default();
    let data = Resource::new(id, get_checkout);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let c = match data.await {
                    Ok(v) => v,
                    Err(e) => return Some(failure(s, &e)),
                };
                let (key, class) = match c.outcome {
                    PaymentOutcome::Paid => (Key::OutcomePaid, "notice"),
                    PaymentOutcome::Pending => (Key::OutcomePending, "notice"),
                    PaymentOutcome::Failed => (Key::OutcomeFailed, "alert"),
                    PaymentOutcome::Cancelled => (Key::OutcomeCancelled, "alert"),
                    PaymentOutcome::Open => (Key::OutcomeOpen, "notice"),
                };
                let retry = matches!(c.outcome, PaymentOutcome::Failed | PaymentOutcome::Cancelled);
                let action = format!("/pay/return/{}/retry", id());
                let logged_in = s.user.is_some();
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::ReturnTitle).to_string()>
                        // Pending: look again in a few seconds, with or without JavaScript.
                        {(c.outcome == PaymentOutcome::Pending).then(|| view! { <Meta http_equiv="refresh" content="5"/> })}
                        <h1>{t(l, Key::ReturnTitle)}</h1>
                        <dl class="facts">
                            <dt>{t(l, Key::PayFor)}</dt><dd>{c.creditor.clone()}</dd>
                            <dt>{t(l, Key::Amount)}</dt><dd>{money(l, c.amount)}</dd>
                        </dl>
                        <p class=class role="status" data-testid="outcome" data-outcome=format!("{:?}", c.outcome).to_lowercase()>{t(l, key)}</p>
                        <FlashBox locale=l flash=s.flash.clone() form="pay"/>
                        {c.checkout_url.clone().map(|u| view! {
                            <p><a class="button primary" href=u rel="external">{t(l, Key::ContinuePayment)}</a></p>
                        })}
                        {retry.then(|| view! {
                            <form method="post" action=action>
                                <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                <button type="submit" class="primary" data-testid="try-again">{t(l, Key::TryAgain)}</button>
                            </form>
                        })}
                        {logged_in.then(|| view! { <p><a href="/invoices">{t(l, Key::BackToInvoices)}</a></p> })}
                    </Frame>
                }.into_any())
            })}
        </Suspense>
    }
}
