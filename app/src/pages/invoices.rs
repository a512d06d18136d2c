//! `/invoices`: every invoice with its status; what needs paying first.
use crate::api::get_invoices;
use crate::pages::not_found::failure;
use crate::ui::{date, money, use_shell, Frame, Loading, StatusBadge};
use leptos::prelude::*;
use settle_domain::i18n::{t, Key};

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let shell = use_shell();
    let data = Resource::new(|| (), |_| get_invoices());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let list = match data.await {
                    Ok(v) => v,
                    Err(e) => return Some(failure(s, &e)),
                };
                let empty = list.is_empty();
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::InvoicesTitle).to_string()>
                        <h1>{t(l, Key::InvoicesTitle)}</h1>
                        {empty.then(|| view! { <p>{t(l, Key::NoInvoices)}</p> })}
                        <ul class="invoice-list" data-testid="invoice-list">
                            {list.into_iter().map(|inv| {
                                let href = format!("/invoices/{}", inv.number);
                                view! {
                                    <li class="invoice-item">
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
                    </Frame>
                }.into_any())
            })}
        </Suspense>
    }
}
