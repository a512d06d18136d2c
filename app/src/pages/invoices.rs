//! `/invoices`: every invoice with its status; what needs paying first.
//!
//! A debtor's most visited page, so, like the payment-link page, it is not routed through the
//! Leptos router: the server loads the shell and the list side by side and renders this page's
//! main content into a frame it keeps (`server/src/direct_pages.rs`).
use crate::pages::not_found::failure_page;
use crate::ui::{date, money, FlashBox, Page, StatusBadge};
use leptos::prelude::*;
use settle_domain::i18n::{t, Key};
use settle_domain::views::{InvoiceSummary, ShellView};

/// The signed-in debtor's invoice list; `None` when the visitor is being sent to the login.
pub fn invoices_page(shell: &ShellView, list: Result<Vec<InvoiceSummary>, ServerFnError>) -> Option<Page> {
    let s = shell;
    let l = s.locale;
    let list = match list {
        Ok(v) => v,
        Err(e) => return failure_page(l, &e),
    };
    let empty = list.is_empty();
    let any_payable = list.iter().any(|i| i.status.is_payable());
    let csrf = s.csrf.clone();
    let main = view! {
        <h1>{t(l, Key::InvoicesTitle)}</h1>
        {empty.then(|| view! { <p>{t(l, Key::NoInvoices)}</p> })}
        <FlashBox locale=l flash=s.flash.clone() form="pay"/>
        <form method="post" action="/pay/checkout">
        <input type="hidden" name="csrf" value=csrf/>
        <input type="hidden" name="from" value="list"/>
        <ul class="invoice-list" data-testid="invoice-list">
            {list.into_iter().map(|inv| {
                let href = format!("/invoices/{}", inv.number);
                let box_id = format!("sel-{}", inv.number);
                let label = format!("{} {} {}", t(l, Key::SelectInvoice), t(l, Key::InvoiceTitle), inv.number);
                view! {
                    <li class="invoice-item">
                        {inv.status.is_payable().then(|| view! {
                            <input type="checkbox" class="inv-select" name="invoice" value=inv.number.clone()
                                id=box_id.clone() aria-label=label.clone()/>
                        })}
                        <a href=href class="invoice-link">
                            <span class="inv-number">{t(l, Key::InvoiceTitle)}" "{inv.number.clone()}</span>
                            <StatusBadge locale=l status=inv.status/>
                            <span class="inv-amount">{money(l, if inv.status.is_payable() { inv.open } else { inv.amount })}</span>
                            <span class="inv-due">{t(l, Key::DueDate)}": "{date(l, inv.due_date)}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
        {any_payable.then(|| view! {
            <button type="submit" class="primary" data-testid="pay-selected">{t(l, Key::PaySelected)}</button>
        })}
        </form>
    };
    Some(Page::new(t(l, Key::InvoicesTitle), main))
}
