//! `/backoffice/payments`: money nobody could match, oldest first; allocate it to one invoice or
//! split it over several, or mark it for refund.
use super::api::get_unmatched;
use super::frame::{loaded, StaffFlash, StaffFrame};
use crate::ui::{date, money};
use leptos::prelude::*;
use settle_domain::backoffice::UnmatchedRow;
use settle_domain::i18n::staff::{st, staff_code_text, StaffKey as S};
use settle_domain::locale::Locale;
use settle_domain::views::Flash;

/// Rows of invoice number and amount a split offers.
const SPLIT_ROWS: usize = 3;

#[component]
pub fn UnmatchedPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_unmatched());
    loaded(data, move |s, rows| {
        let l = s.locale;
        let csrf = s.csrf.clone();
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::QueueUnmatched).to_string()>
                        <h1>{st(l, S::QueueUnmatched)}</h1>
                        <StaffFlash locale=l flash=s.flash.clone() form="payments".to_string()/>
                        {if rows.is_empty() {
                            view! { <p>{st(l, S::NoUnmatched)}</p> }.into_any()
                        } else {
                            rows.into_iter().map(|r| view! { <PaymentCard locale=l row=r csrf=csrf.clone() flash=s.flash.clone()/> }).collect_view().into_any()
                        }}
                    </StaffFrame>
                }.into_any()
    })
}

#[component]
fn PaymentCard(locale: Locale, row: UnmatchedRow, csrf: String, flash: Option<Flash>) -> impl IntoView {
    let l = locale;
    let id = row.id;
    let form = format!("payment-{id}");
    let f = flash.clone().unwrap_or_default();
    let err = |field: &str| {
        f.error_for(&form, field)
            .map(|c| view! { <p class="error" role="alert">{staff_code_text(l, &c)}</p> })
    };
    let (inv_err, amount_err) = (err("invoice"), err("amount"));
    view! {
        <section class="card" data-testid="unmatched" aria-labelledby=format!("p-{id}")>
            <h2 id=format!("p-{id}")>{money(l, row.unallocated)}" · "{date(l, row.received_on)}</h2>
            <dl class="facts">
                <dt>{st(l, S::Amount)}</dt><dd>{money(l, row.amount)}</dd>
                <dt>{st(l, S::Payer)}</dt><dd>{row.name.clone().unwrap_or_default()}" "{row.iban.clone().unwrap_or_default()}</dd>
                <dt>{st(l, S::ReferenceText)}</dt><dd>{row.reference.clone()}</dd>
            </dl>
            {(!row.suggestions.is_empty()).then(|| view! {
                <p>{st(l, S::SuggestedInvoices)}": "
                    {row.suggestions.iter().map(|x| format!("{} ({})", x.number, money(l, x.open))).collect::<Vec<_>>().join(", ")}
                </p>
            })}
            <StaffFlash locale=l flash=flash.clone() form=form.clone()/>
            <form method="post" action=format!("/backoffice/payments/{id}/allocate") novalidate>
                <input type="hidden" name="csrf" value=csrf.clone()/>
                {inv_err}
                {amount_err}
                {(0..SPLIT_ROWS).map(|k| {
                    let first = row.suggestions.first().map(|x| x.number.clone()).filter(|_| k == 0).unwrap_or_default();
                    view! {
                        <div class="split">
                            <div class="field">
                                <label for=format!("f-inv-{id}-{k}")>{st(l, S::AllocateTo)}" "{k + 1}</label>
                                <input id=format!("f-inv-{id}-{k}") name="invoice" type="text" value=first/>
                            </div>
                            <div class="field">
                                <label for=format!("f-amt-{id}-{k}")>{st(l, S::AllocateAmount)}</label>
                                <input id=format!("f-amt-{id}-{k}") name="amount" type="text" inputmode="decimal"/>
                            </div>
                        </div>
                    }
                }).collect_view()}
                <button type="submit" class="primary">{st(l, S::Allocate)}</button>
            </form>
            <form method="post" action=format!("/backoffice/payments/{id}/refund")>
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <button type="submit">{st(l, S::MarkRefund)}</button>
            </form>
        </section>
    }
}
