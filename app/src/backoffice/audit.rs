//! `/backoffice/audit` (admins): the audit log, newest first, filtered by who acted.
use super::api::get_audit;
use super::frame::{loaded, when, StaffFrame};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use settle_domain::i18n::staff::{st, StaffKey as S};

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || (query.read().get("who"), query.read().get("before")),
        |(who, before)| get_audit(who, before),
    );
    loaded(data, move |s, page| {
        let l = s.locale;
        let who = query.read_untracked().get("who").unwrap_or_default();
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::NavAudit).to_string()>
                        <h1>{st(l, S::NavAudit)}</h1>
                        <form method="get" action="/backoffice/audit" class="inline">
                            <label for="f-who">{st(l, S::AuditWho)}</label>
                            <select id="f-who" name="who">
                                {[("", S::AuditAll), ("staff", S::AuditStaff), ("debtor", S::AuditDebtors), ("system", S::AuditSystem)]
                                    .into_iter()
                                    .map(|(v, k)| view! { <option value=v selected=who == v>{st(l, k)}</option> })
                                    .collect_view()}
                            </select>
                            <button type="submit" class="small">{st(l, S::Show)}</button>
                        </form>
                        <table class="lines" data-testid="audit">
                            <thead><tr>
                                <th scope="col">{st(l, S::When)}</th><th scope="col">{st(l, S::AuditWho)}</th>
                                <th scope="col">{st(l, S::What)}</th><th scope="col">{st(l, S::Debtor)}</th><th scope="col">{st(l, S::Detail)}</th>
                            </tr></thead>
                            <tbody>
                                {page.rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td>{when(l, r.at)}</td>
                                        <td>{r.actor}</td>
                                        <td>{r.action}</td>
                                        <td>{r.debtor.map(|(id, name)| view! { <a href=format!("/backoffice/debtors/{id}")>{name}</a> })}</td>
                                        <td class="detail">{r.detail}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {page.next_before.map(|b| view! {
                            <p><a href=format!("/backoffice/audit?who={who}&before={b}")>{st(l, S::Older)}</a></p>
                        })}
                    </StaffFrame>
                }.into_any()
    })
}
