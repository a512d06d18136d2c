//! `/backoffice/callbacks` (by slot: claim, move, log the outcome) and `/backoffice/disputes`
//! (accept with a correction, or reject with an explanation the debtor reads).
use super::api::{get_callback_queue, get_dispute_queue};
use super::frame::{loaded, when, StaffFlash, StaffFrame};
use crate::ui::money;
use leptos::prelude::*;
use settle_domain::backoffice::{CallbackRow, DisputeQueueRow};
use settle_domain::i18n::staff::{st, staff_code_text, StaffKey as S};
use settle_domain::locale::Locale;
use settle_domain::views::Flash;

#[component]
pub fn CallbackQueuePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_callback_queue());
    loaded(data, move |s, rows| {
        let l = s.locale;
        let csrf = s.csrf.clone();
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::NavCallbacks).to_string()>
                        <h1>{st(l, S::NavCallbacks)}</h1>
                        <StaffFlash locale=l flash=s.flash.clone() form="callback".to_string()/>
                        {if rows.is_empty() {
                            view! { <p>{st(l, S::NoCallbacks)}</p> }.into_any()
                        } else {
                            rows.into_iter().map(|r| view! { <CallbackCard locale=l row=r csrf=csrf.clone() flash=s.flash.clone()/> }).collect_view().into_any()
                        }}
                    </StaffFrame>
                }.into_any()
    })
}

#[component]
fn CallbackCard(locale: Locale, row: CallbackRow, csrf: String, flash: Option<Flash>) -> impl IntoView {
    let l = locale;
    let base = format!("/backoffice/callbacks/{}", row.id);
    let id = row.id;
    let form = format!("callback-{id}");
    let f = flash.clone().unwrap_or_default();
    let err = |field: &str| {
        f.error_for(&form, field)
            .map(|c| view! { <p class="error" role="alert">{staff_code_text(l, &c)}</p> })
    };
    let (outcome_err, promised_err, note_err) = (err("outcome"), err("promised_on"), err("note"));
    let free = row.claimed_by.is_none();
    view! {
        <section class="card callback" data-testid="callback" aria-labelledby=format!("cb-{id}")>
            <h2 id=format!("cb-{id}")>{when(l, row.slot)}" · "<a href=format!("/backoffice/debtors/{}", row.debtor_id)>{row.debtor.clone()}</a></h2>
            <dl class="facts">
                <dt>{st(l, S::Topic)}</dt><dd>{settle_domain::i18n::t(l, crate::pages::callback::topic_key(&row.topic))}</dd>
                <dt>{st(l, S::Phone)}</dt><dd><a href=format!("tel:{}", row.phone)>{row.phone.clone()}</a></dd>
                <dt>{st(l, S::ClaimedBy)}</dt><dd>{row.claimed_by.clone().unwrap_or_else(|| st(l, S::None_).into())}</dd>
            </dl>
            <StaffFlash locale=l flash=flash.clone() form=form.clone()/>
            {free.then(|| view! {
                <form method="post" action=format!("{base}/claim")>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <button type="submit" class="primary">{st(l, S::Claim)}</button>
                </form>
            })}
            {(free || row.mine).then(|| view! {
                <form method="post" action=format!("{base}/outcome") novalidate>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <fieldset>
                        <legend>{st(l, S::Outcome)}</legend>
                        {outcome_err}
                        {[("reached", S::OutcomeReached), ("not_reached", S::OutcomeNotReached), ("promise", S::OutcomePromise)]
                            .into_iter()
                            .map(|(v, k)| {
                                let fid = format!("f-outcome-{id}-{v}");
                                view! {
                                    <div class="check">
                                        <input type="radio" id=fid.clone() name="outcome" value=v/>
                                        <label for=fid>{st(l, k)}</label>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for=format!("f-promised-{id}")>{st(l, S::PromisedOn)}</label>
                        {promised_err}
                        <input id=format!("f-promised-{id}") name="promised_on" type="date"/>
                    </div>
                    <div class="field">
                        <label for=format!("f-cbnote-{id}")>{st(l, S::OutcomeNote)}</label>
                        {note_err}
                        <textarea id=format!("f-cbnote-{id}") name="note" rows="2"></textarea>
                    </div>
                    <button type="submit">{st(l, S::Close)}</button>
                </form>
                <form method="post" action=format!("{base}/move") novalidate class="inline">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <label for=format!("f-slot-{id}")>{st(l, S::Reschedule)}</label>
                    <input id=format!("f-slot-{id}") name="slot" type="datetime-local"/>
                    <button type="submit" class="small">{st(l, S::RescheduleButton)}</button>
                </form>
            })}
        </section>
    }
}

#[component]
pub fn DisputeQueuePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_dispute_queue());
    loaded(data, move |s, rows| {
        let l = s.locale;
        let csrf = s.csrf.clone();
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::NavDisputes).to_string()>
                        <h1>{st(l, S::NavDisputes)}</h1>
                        <StaffFlash locale=l flash=s.flash.clone() form="dispute".to_string()/>
                        {if rows.is_empty() {
                            view! { <p>{st(l, S::NoDisputes)}</p> }.into_any()
                        } else {
                            rows.into_iter().map(|r| view! { <DisputeCard locale=l row=r csrf=csrf.clone() flash=s.flash.clone()/> }).collect_view().into_any()
                        }}
                    </StaffFrame>
                }.into_any()
    })
}

#[component]
fn DisputeCard(locale: Locale, row: DisputeQueueRow, csrf: String, flash: Option<Flash>) -> impl IntoView {
    let l = locale;
    let d = row.dispute.clone();
    let id = d.id;
    let form = format!("dispute-{id}");
    let f = flash.clone().unwrap_or_default();
    let err = |field: &str| {
        f.error_for(&form, field)
            .map(|c| view! { <p class="error" role="alert">{staff_code_text(l, &c)}</p> })
    };
    let (decision_err, credit_err, expl_err) = (err("decision"), err("credit"), err("explanation"));
    view! {
        <section class="card dispute" data-testid="dispute" aria-labelledby=format!("d-{id}")>
            <h2 id=format!("d-{id}")>{st(l, S::Invoice)}" "{d.invoice.clone()}" · "
                <a href=format!("/backoffice/debtors/{}", row.debtor_id)>{row.debtor.clone()}</a>
                {d.overdue.then(|| view! { " "<span class="badge overdue">{st(l, S::Overdue)}</span> })}
            </h2>
            <dl class="facts">
                <dt>{st(l, S::Raised)}</dt><dd>{when(l, d.raised)}</dd>
                <dt>{st(l, S::Reason)}</dt><dd>{settle_domain::i18n::t(l, crate::pages::dispute::reason_key(&d.reason))}</dd>
                <dt>{st(l, S::Open)}</dt><dd>{money(l, row.open)}</dd>
            </dl>
            <blockquote>{d.text.clone()}</blockquote>
            <StaffFlash locale=l flash=flash.clone() form=form.clone()/>
            <form method="post" action=format!("/backoffice/disputes/{id}/decide") novalidate>
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <fieldset>
                    <legend>{st(l, S::Decision)}</legend>
                    {decision_err}
                    {[("accept", S::DecideAccept), ("cancel", S::DecideCancel), ("credit", S::DecideCredit), ("reject", S::DecideReject)]
                        .into_iter()
                        .map(|(v, k)| {
                            let fid = format!("f-decision-{id}-{v}");
                            view! {
                                <div class="check">
                                    <input type="radio" id=fid.clone() name="decision" value=v/>
                                    <label for=fid>{st(l, k)}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <div class="field">
                    <label for=format!("f-credit-{id}")>{st(l, S::CreditAmount)}</label>
                    {credit_err}
                    <input id=format!("f-credit-{id}") name="credit" type="text" inputmode="decimal"/>
                </div>
                <div class="field">
                    <label for=format!("f-expl-{id}")>{st(l, S::Explanation)}</label>
                    {expl_err}
                    <textarea id=format!("f-expl-{id}") name="explanation" rows="3"></textarea>
                </div>
                <button type="submit" class="primary">{st(l, S::Decide)}</button>
            </form>
        </section>
    }
}
