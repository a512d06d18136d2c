//! `/pay/{token}`: one invoice with pay-only rights; "this is me" steps up to a session by code.
//!
//! The busiest page of all (a mailing sends tens of thousands of links in a morning), so it is
//! not routed through the Leptos router: the server loads its data first and renders this
//! page's main content into a frame it keeps (`server/src/direct_pages.rs`), with no
//! resources and no streaming.
use crate::pages::invoice::PaymentBox;
use crate::pages::not_found::failure_page;
use crate::ui::{date, money, Field, FlashBox, Page};
use leptos::prelude::*;
use settle_domain::i18n::{t, Key};
use settle_domain::views::{PayView, ShellView};

/// The payment link's page; `None` when the visitor is being sent elsewhere.
pub fn pay_page(shell: &ShellView, pay: Result<PayView, ServerFnError>, token: String) -> Option<Page> {
    let s = shell;
    let l = s.locale;
    let p = match pay {
        Ok(v) => v,
        Err(e) => return failure_page(l, &e),
    };
    let tok = token;
    let flash = s.flash.clone().unwrap_or_default();
    let sent_to = (flash.form == "pay_code")
        .then(|| flash.values.get("destination").cloned())
        .flatten();
    let action_code = format!("/pay/{tok}/code");
    let action_verify = format!("/pay/{tok}/verify");
    let heading = match &p.instalment {
        Some(i) => format!(
            "{}: {} {}/{}",
            t(l, Key::PayTitle),
            t(l, Key::PayInstalment),
            i.seq,
            i.of
        ),
        None => format!(
            "{}: {} {}",
            t(l, Key::PayTitle),
            t(l, Key::InvoiceTitle),
            p.invoice_number
        ),
    };
    let covers = p.instalment.as_ref().map(|i| {
        view! {
            <dt>{t(l, Key::PlanCovers)}</dt><dd>{i.covers.join(", ")}</dd>
        }
    });
    let main = view! {
        <h1>{heading}</h1>
        <dl class="facts">
            {covers}
            <dt>{t(l, Key::PayFor)}</dt><dd>{p.creditor.clone()}</dd>
            <dt>{t(l, Key::PayName)}</dt><dd>{p.masked_name.clone()}</dd>
            <dt>{t(l, Key::DueDate)}</dt><dd>{date(l, p.due_date)}</dd>
            <dt>{t(l, Key::OpenAmount)}</dt><dd>{money(l, p.amount)}</dd>
        </dl>
        {p.online.then(|| view! {
            <section class="card pay-online" aria-labelledby="online-h">
                <h2 id="online-h">{t(l, Key::PayOnlineHeading)}</h2>
                <FlashBox locale=l flash=s.flash.clone() form="pay"/>
                <form method="post" action=format!("/pay/{tok}/checkout")>
                    <input type="hidden" name="csrf" value=p.csrf.clone()/>
                    <button type="submit" class="primary" data-testid="pay-online">{t(l, Key::PayOnline)}</button>
                </form>
            </section>
        })}
        {p.payment.clone().map(|pay| view! { <PaymentBox locale=l payment=pay/> })}
        <section class="card" aria-labelledby="me-h">
            <h2 id="me-h">{t(l, Key::ThisIsMe)}</h2>
            <FlashBox locale=l flash=s.flash.clone() form="pay_code"/>
            {match sent_to {
                None => view! {
                    <p>{t(l, Key::ThisIsMeIntro)}</p>
                    <form method="post" action=action_code>
                        <input type="hidden" name="csrf" value=p.csrf.clone()/>
                        <button type="submit">{t(l, Key::SendCode)}</button>
                    </form>
                }.into_any(),
                Some(dest) => view! {
                    <p>{t(l, Key::CodeSentTo)}" "<strong>{dest.clone()}</strong></p>
                    <form method="post" action=action_verify novalidate>
                        <input type="hidden" name="csrf" value=p.csrf.clone()/>
                        <input type="hidden" name="destination" value=dest.clone()/>
                        <Field locale=l name="code" label=Key::Code autocomplete="one-time-code" inputmode="numeric"
                            error=flash.error_for("pay_code", "code")/>
                        <button type="submit" class="primary">{t(l, Key::VerifyCode)}</button>
                    </form>
                }.into_any(),
            }}
        </section>
    };
    Some(Page::new(t(l, Key::PayTitle), main))
}
