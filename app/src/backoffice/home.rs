//! `/backoffice`: the work waiting in each queue, and the debtor search; `/backoffice/debtors`
//! lists what a search found.
use super::api::{get_staff_home, search_debtors};
use super::frame::{loaded, StaffFrame};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use settle_domain::i18n::staff::{st, StaffKey as S};
use settle_domain::locale::Locale;

#[component]
fn SearchForm(locale: Locale, q: String) -> impl IntoView {
    let l = locale;
    view! {
        <form method="get" action="/backoffice/debtors" class="card search" role="search">
            <div class="field">
                <label for="f-q">{st(l, S::SearchLabel)}</label>
                <input id="f-q" name="q" type="search" value=q required minlength="2"/>
            </div>
            <button type="submit" class="primary">{st(l, S::Search)}</button>
        </form>
    }
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_staff_home());
    loaded(data, move |s, c| {
        let l = s.locale;
        let tile = move |href: &'static str, label: S, n: u64, id: &'static str| {
            view! {
                <li><a href=href data-testid=id><span class="count">{n.to_string()}</span>" "{st(l, label)}</a></li>
            }
        };
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::NavHome).to_string()>
                        <h1>{st(l, S::NavHome)}</h1>
                        <SearchForm locale=l q=String::new()/>
                        <ul class="tiles">
                            {tile("/backoffice/callbacks", S::QueueCallbacks, c.callbacks, "count-callbacks")}
                            <li><a href="/backoffice/disputes" data-testid="count-disputes">
                                <span class="count">{c.disputes.to_string()}</span>" "{st(l, S::QueueDisputes)}
                                {(c.disputes_overdue > 0).then(|| format!(" ({} {})", st(l, S::QueueOverdue), c.disputes_overdue))}
                            </a></li>
                            {tile("/backoffice/requests", S::QueueRequests, c.requests, "count-requests")}
                            {tile("/backoffice/payments", S::QueueUnmatched, c.unmatched, "count-unmatched")}
                            {tile("/backoffice/delivery", S::QueueDelivery, c.delivery, "count-delivery")}
                        </ul>
                    </StaffFrame>
                }.into_any()
    })
}

#[component]
pub fn DebtorSearchPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("q"), search_debtors);
    loaded(data, move |s, hits| {
        let l = s.locale;
        let q = query.read_untracked().get("q").unwrap_or_default();
        view! {
            <StaffFrame shell=s.clone() title=st(l, S::NavDebtors).to_string()>
                <h1>{st(l, S::NavDebtors)}</h1>
                <SearchForm locale=l q=q.clone()/>
                {if hits.is_empty() {
                    (!q.is_empty()).then(|| view! { <p>{st(l, S::NoHits)}</p> }).into_any()
                } else {
                    view! {
                        <table class="lines" data-testid="hits">
                            <thead><tr>
                                <th scope="col">{st(l, S::Name)}</th>
                                <th scope="col">{st(l, S::CustomerNumber)}</th>
                                <th scope="col">{st(l, S::Email)}</th>
                                <th scope="col">{st(l, S::Phone)}</th>
                            </tr></thead>
                            <tbody>
                                {hits.into_iter().map(|h| view! {
                                    <tr>
                                        <td><a href=format!("/backoffice/debtors/{}", h.id)>{h.name}</a></td>
                                        <td>{h.customer_number}</td>
                                        <td>{h.email.unwrap_or_default()}</td>
                                        <td>{h.phone.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </StaffFrame>
        }
        .into_any()
    })
}
