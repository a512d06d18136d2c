//! `/`: what the debtor owes in total, what is overdue, and the next due date.
use crate::api::get_dashboard;
use crate::pages::not_found::failure;
use crate::ui::{date, money, use_shell, FlashBox, Frame, Loading};
use leptos::prelude::*;
use settle_domain::i18n::{t, Key};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let shell = use_shell();
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let d = match data.await {
                    Ok(v) => v,
                    Err(e) => return Some(failure(s, &e)),
                };
                let name = s.user.as_ref().map(|u| u.name.clone()).unwrap_or_default();
                let overdue_class = if d.overdue_count > 0 { "stat warn" } else { "stat" };
                let step_up = s.user.as_ref().is_some_and(|u| !u.full_login);
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::DashboardTitle).to_string()>
                        <h1>{t(l, Key::Welcome)}", "{name}</h1>
                        <FlashBox locale=l flash=s.flash.clone() form="dashboard"/>
                        {step_up.then(|| view! { <p class="notice">{t(l, Key::StepUpNotice)}</p> })}
                        {(d.credit.cents > 0).then(|| view! {
                            <p class="notice" data-testid="credit">{t(l, Key::CreditNotice)}" "<strong>{money(l, d.credit)}</strong></p>
                        })}
                        <section class="summary" aria-label=t(l, Key::DashboardTitle)>
                            <div class="stat">
                                <span class="stat-label">{t(l, Key::TotalDue)}</span>
                                <span class="stat-value" data-testid="total-due">{money(l, d.total_due)}</span>
                            </div>
                            <div class=overdue_class>
                                <span class="stat-label">{t(l, Key::OverdueLabel)}</span>
                                <span class="stat-value" data-testid="overdue-total">{money(l, d.overdue_total)}</span>
                                <span class="stat-sub">{d.overdue_count}" × "{t(l, Key::NavInvoices).to_lowercase()}</span>
                            </div>
                            <div class="stat">
                                <span class="stat-label">{t(l, Key::NextDue)}</span>
                                <span class="stat-value">{d.next_due.map(|n| date(l, n)).unwrap_or_else(|| "–".into())}</span>
                                {d.next_due_invoice.clone().map(|n| view! {
                                    <a class="stat-sub" href=format!("/invoices/{n}")>{n.clone()}</a>
                                })}
                            </div>
                        </section>
                        {(d.open_count == 0).then(|| view! { <p>{t(l, Key::NothingDue)}</p> })}
                        <p><a class="button primary" href="/invoices">{t(l, Key::ViewInvoices)}</a></p>
                    </Frame>
                }.into_any())
            })}
        </Suspense>
    }
}
