//! `/backoffice/requests` (payment plans and later dates asked for outside the policy: approve,
//! counter-propose, reject) and `/backoffice/delivery` (bounced and failed messages).
use super::api::{get_delivery, get_requests};
use super::frame::{loaded, when, StaffFlash, StaffFrame};
use crate::ui::{date, money};
use leptos::prelude::*;
use settle_domain::backoffice::RequestRow;
use settle_domain::i18n::code_text;
use settle_domain::i18n::staff::{delivery_status_text, st, staff_code_text, StaffKey as S};
use settle_domain::locale::Locale;
use settle_domain::views::Flash;

#[component]
pub fn RequestsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_requests());
    loaded(data, move |s, rows| {
        let l = s.locale;
        let csrf = s.csrf.clone();
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::NavRequests).to_string()>
                        <h1>{st(l, S::QueueRequests)}</h1>
                        <StaffFlash locale=l flash=s.flash.clone() form="requests".to_string()/>
                        {if rows.is_empty() {
                            view! { <p>{st(l, S::NoRequests)}</p> }.into_any()
                        } else {
                            rows.into_iter().map(|r| view! { <RequestCard locale=l row=r csrf=csrf.clone() flash=s.flash.clone()/> }).collect_view().into_any()
                        }}
                    </StaffFrame>
                }.into_any()
    })
}

#[component]
fn RequestCard(locale: Locale, row: RequestRow, csrf: String, flash: Option<Flash>) -> impl IntoView {
    let l = locale;
    let id = row.task_id;
    let plan = row.kind == "plan_request";
    let form = format!("request-{id}");
    let f = flash.clone().unwrap_or_default();
    let err = |field: &str| {
        f.error_for(&form, field)
            .map(|c| view! { <p class="error" role="alert">{staff_code_text(l, &c)}</p> })
    };
    let errors = ["decision", "n", "first", "until", "explanation"].map(err);
    let [decision_err, n_err, first_err, until_err, expl_err] = errors;
    let title = if plan {
        st(l, S::RequestPlan)
    } else {
        st(l, S::RequestDeferral)
    };
    view! {
        <section class="card" data-testid="request" aria-labelledby=format!("r-{id}")>
            <h2 id=format!("r-{id}")>{title}" · "<a href=format!("/backoffice/debtors/{}", row.debtor_id)>{row.debtor.clone()}</a></h2>
            <dl class="facts">
                <dt>{st(l, S::Invoices)}</dt><dd>{row.invoices.join(", ")}</dd>
                <dt>{st(l, S::Amount)}</dt><dd>{money(l, row.total)}</dd>
                {row.instalments.map(|n| view! { <dt>{st(l, S::AskedInstalments)}</dt><dd>{n.to_string()}</dd> })}
                {row.first.map(|d| view! { <dt>{st(l, S::AskedFirst)}</dt><dd>{date(l, d)}</dd> })}
                {row.until.map(|d| view! { <dt>{st(l, S::AskedUntil)}</dt><dd>{date(l, d)}</dd> })}
                <dt>{st(l, S::Raised)}</dt><dd>{when(l, row.created)}</dd>
            </dl>
            {(!row.reasons.is_empty()).then(|| view! {
                <p>{st(l, S::OutsideBecause)}</p>
                <ul>{row.reasons.iter().map(|c| view! { <li>{code_text(l, c)}</li> }).collect_view()}</ul>
            })}
            <StaffFlash locale=l flash=flash.clone() form=form.clone()/>
            <form method="post" action=format!("/backoffice/requests/{id}/decide") novalidate>
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <fieldset>
                    <legend>{st(l, S::Decision)}</legend>
                    {decision_err}
                    {[("approve", S::DecideApprove), ("counter", S::DecideCounter), ("reject", S::DecideReject)]
                        .into_iter()
                        .map(|(v, k)| {
                            let fid = format!("f-req-{id}-{v}");
                            view! {
                                <div class="check">
                                    <input type="radio" id=fid.clone() name="decision" value=v/>
                                    <label for=fid>{st(l, k)}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                {if plan {
                    view! {
                        <div class="field">
                            <label for=format!("f-n-{id}")>{st(l, S::CounterInstalments)}</label>
                            {n_err}
                            <input id=format!("f-n-{id}") name="n" type="number" min="2" max="12" inputmode="numeric"/>
                        </div>
                        <div class="field">
                            <label for=format!("f-first-{id}")>{st(l, S::CounterFirst)}</label>
                            {first_err}
                            <input id=format!("f-first-{id}") name="first" type="date"/>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <div class="field">
                            <label for=format!("f-until-{id}")>{st(l, S::CounterUntil)}</label>
                            {until_err}
                            <input id=format!("f-until-{id}") name="until" type="date"/>
                        </div>
                    }.into_any()
                }}
                <div class="field">
                    <label for=format!("f-rexpl-{id}")>{st(l, S::Explanation)}</label>
                    {expl_err}
                    <textarea id=format!("f-rexpl-{id}") name="explanation" rows="2"></textarea>
                </div>
                <button type="submit" class="primary">{st(l, S::Decide)}</button>
            </form>
        </section>
    }
}

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_delivery());
    loaded(data, move |s, rows| {
        let l = s.locale;
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::Delivery).to_string()>
                        <h1>{st(l, S::Delivery)}</h1>
                        {if rows.is_empty() {
                            view! { <p>{st(l, S::NoDelivery)}</p> }.into_any()
                        } else {
                            view! {
                                <table class="lines" data-testid="delivery">
                                    <thead><tr>
                                        <th scope="col">{st(l, S::When)}</th><th scope="col">{st(l, S::Channel)}</th>
                                        <th scope="col">{st(l, S::Recipient)}</th><th scope="col">{st(l, S::Invoice)}</th>
                                        <th scope="col">{st(l, S::Status)}</th><th scope="col">{st(l, S::Error)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td>{when(l, r.at)}</td>
                                                <td>{r.channel}</td>
                                                <td>{match r.debtor_id {
                                                    Some(id) => view! { <a href=format!("/backoffice/debtors/{id}")>{r.recipient.clone()}</a> }.into_any(),
                                                    None => r.recipient.clone().into_any(),
                                                }}</td>
                                                <td>{r.invoice.unwrap_or_default()}</td>
                                                <td>{delivery_status_text(l, &r.status)}</td>
                                                <td class="detail">{r.error.unwrap_or_default()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    </StaffFrame>
                }.into_any()
    })
}
