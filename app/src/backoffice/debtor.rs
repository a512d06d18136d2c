//! `/backoffice/debtors/{id}`: everything about one debtor in one place, with the actions staff
//! take on it (a note, pausing or resuming dunning per invoice, a fresh payment link).
use super::api::get_debtor;
use super::frame::{loaded, when, StaffField, StaffFlash, StaffFrame};
use super::returned_letter::{AddressInvalid, ReturnedLetterForm};
use crate::ui::{date, money, StatusBadge};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use settle_domain::backoffice::{DebtorPageView, StaffInvoiceRow, TimelineEntry};
use settle_domain::i18n::staff::{choice_text, hold_text, kind_text, st, staff_code_text, StaffKey as S};
use settle_domain::locale::Locale;
use settle_domain::views::Flash;

#[component]
pub fn DebtorPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), get_debtor);
    loaded(data, move |s, d| {
        let l = s.locale;
        let csrf = s.csrf.clone();
        let flash = s.flash.clone();
        view! {
            <StaffFrame shell=s.clone() title=d.name.clone()>
                <h1>{d.name.clone()}" · "{d.customer_number.clone()}</h1>
                <StaffFlash locale=l flash=flash.clone() form="debtor".to_string()/>
                <AddressInvalid locale=l since=d.address_invalid/>
                <ContactCard locale=l d=d.clone()/>
                <CorrectForm locale=l d=d.clone() csrf=csrf.clone() flash=flash.clone()/>
                <ReturnedLetterForm locale=l d=d.clone() csrf=csrf.clone() flash=flash.clone()/>
                <RepresentativeForm locale=l d=d.clone() csrf=csrf.clone() flash=flash.clone()/>
                <InvoiceTable locale=l d=d.clone() csrf=csrf.clone() flash=flash.clone()/>
                <DisputesAndCallbacks locale=l d=d.clone()/>
                {s.staff.as_ref().is_some_and(|st| st.role != "agent").then(|| view! {
                    <EraseForm locale=l d=d.clone() csrf=csrf.clone() flash=flash.clone()/>
                })}
                <section class="card" aria-labelledby="notes-h">
                    <h2 id="notes-h">{st(l, S::Notes)}</h2>
                    <StaffFlash locale=l flash=flash.clone() form="note".to_string()/>
                    <form method="post" action=format!("/backoffice/debtors/{}/note", d.id) novalidate>
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <StaffField locale=l id="f-note".into() name="note" label=S::NoteLabel kind="textarea"
                            error=flash.clone().unwrap_or_default().error_for("note", "note") required=true/>
                        <button type="submit">{st(l, S::NoteButton)}</button>
                    </form>
                </section>
                <Timeline locale=l d=d.clone()/>
            </StaffFrame>
        }
        .into_any()
    })
}

#[component]
fn ContactCard(locale: Locale, d: DebtorPageView) -> impl IntoView {
    let l = locale;
    let none = st(l, S::None_);
    view! {
        <section class="card" aria-labelledby="contact-h">
            <h2 id="contact-h">{st(l, S::Contact)}</h2>
            <dl class="facts" data-testid="contact">
                <dt>{st(l, S::Email)}</dt><dd>{d.email.clone().unwrap_or_else(|| none.into())}</dd>
                <dt>{st(l, S::Phone)}</dt><dd>{d.phone.clone().unwrap_or_else(|| none.into())}</dd>
                <dt>{st(l, S::Address)}</dt><dd>{d.address.clone()}</dd>
                <dt>{st(l, S::Language)}</dt><dd>{d.language.clone().unwrap_or_else(|| none.into())}</dd>
                <dt>{st(l, S::Channels)}</dt><dd>{d.channels.join(", ")}</dd>
                <dt>{st(l, S::Representative)}</dt><dd>{d.representative.clone().unwrap_or_else(|| none.into())}</dd>
                <dt>{st(l, S::LegalStop)}</dt><dd>{d.legal_stop.clone().unwrap_or_else(|| none.into())}</dd>
            </dl>
            <crate::ui::ConsentList locale=l rows=d.consents.clone()/>
            {(!d.changes.is_empty()).then(|| view! {
                <details>
                    <summary>{st(l, S::Changes)}</summary>
                    <table class="lines">
                        <thead><tr>
                            <th scope="col">{st(l, S::When)}</th><th scope="col">{st(l, S::Field)}</th>
                            <th scope="col">{st(l, S::Before)}</th><th scope="col">{st(l, S::After)}</th><th scope="col">{st(l, S::By)}</th>
                        </tr></thead>
                        <tbody>
                            {d.changes.iter().map(|c| view! {
                                <tr><td>{when(l, c.at)}</td><td>{c.field.clone()}</td><td>{c.old.clone().unwrap_or_default()}</td>
                                <td>{c.new.clone().unwrap_or_default()}</td><td>{c.by.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            })}
        </section>
    }
}

#[component]
fn InvoiceTable(locale: Locale, d: DebtorPageView, csrf: String, flash: Option<Flash>) -> impl IntoView {
    let l = locale;
    view! {
        <section class="card" aria-labelledby="inv-h">
            <h2 id="inv-h">{st(l, S::Invoices)}</h2>
            <StaffFlash locale=l flash=flash.clone() form="invoice".to_string()/>
            <table class="lines" data-testid="invoices">
                <thead><tr>
                    <th scope="col">{st(l, S::Invoice)}</th><th scope="col">{st(l, S::Due)}</th>
                    <th scope="col" class="num">{st(l, S::Open)}</th><th scope="col">{st(l, S::Status)}</th>
                    <th scope="col">{st(l, S::Hold)}</th><th scope="col">{st(l, S::Stage)}</th><th scope="col">{st(l, S::Actions)}</th>
                </tr></thead>
                <tbody>
                    {d.invoices.iter().map(|i| view! {
                        <tr data-invoice=i.number.clone()>
                            <td>{i.number.clone()}</td>
                            <td>{date(l, i.due)}</td>
                            <td class="num">{money(l, i.open)}</td>
                            <td><StatusBadge locale=l status=i.status/></td>
                            <td>{i.hold.as_deref().map(|h| match &i.hold_reason {
                                Some(r) => format!("{}: {r}", hold_text(l, h)),
                                None => hold_text(l, h).to_string(),
                            }).unwrap_or_default()}</td>
                            <td>{i.stage.clone().unwrap_or_default()}</td>
                            <td><InvoiceActions locale=l debtor=d.id row=i.clone() csrf=csrf.clone()/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn InvoiceActions(locale: Locale, debtor: i64, row: StaffInvoiceRow, csrf: String) -> impl IntoView {
    let l = locale;
    let base = format!("/backoffice/debtors/{debtor}/invoices/{}", row.number);
    if !row.status.is_payable() {
        return ().into_any();
    }
    let paused = row.hold.as_deref() == Some("paused");
    let reason_id = format!("f-reason-{}", row.number);
    view! {
        {if paused {
            view! {
                <form method="post" action=format!("{base}/resume")>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <button type="submit" class="small">{st(l, S::Resume)}</button>
                </form>
            }.into_any()
        } else {
            view! {
                <details>
                    <summary>{st(l, S::Pause)}</summary>
                    <form method="post" action=format!("{base}/pause") novalidate>
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <label for=reason_id.clone()>{st(l, S::PauseReason)}</label>
                        <input id=reason_id name="reason" type="text" required maxlength="500"/>
                        <button type="submit" class="small">{st(l, S::Pause)}</button>
                    </form>
                </details>
            }.into_any()
        }}
        <form method="post" action=format!("{base}/link") class="inline">
            <input type="hidden" name="csrf" value=csrf.clone()/>
            <button type="submit" name="channel" value="email" class="small">{st(l, S::ResendEmail)}</button>
            <button type="submit" name="channel" value="sms" class="small">{st(l, S::ResendSms)}</button>
        </form>
    }
    .into_any()
}

#[component]
fn DisputesAndCallbacks(locale: Locale, d: DebtorPageView) -> impl IntoView {
    let l = locale;
    view! {
        {(!d.disputes.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="disp-h">
                <h2 id="disp-h">{st(l, S::Disputes)}</h2>
                <ul>
                    {d.disputes.iter().map(|x| view! {
                        <li>{when(l, x.raised)}" · "{st(l, S::Invoice)}" "{x.invoice.clone()}" · "{settle_domain::i18n::t(l, crate::pages::dispute::reason_key(&x.reason))}" · "{x.status.clone()}
                            {x.overdue.then(|| format!(" · {}", st(l, S::Overdue)))}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!d.callbacks.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="cb-h">
                <h2 id="cb-h">{st(l, S::Callbacks)}</h2>
                <ul>
                    {d.callbacks.iter().map(|c| view! {
                        <li>{when(l, c.slot)}" · "{settle_domain::i18n::t(l, crate::pages::callback::topic_key(&c.topic))}" · "{c.phone.clone()}" · "{c.status.clone()}
                            {c.outcome.clone().map(|o| format!(" · {o}"))}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// A timeline entry's "what": a cohort in words, else as recorded (a channel, an event, an action).
fn what_text(l: Locale, e: &TimelineEntry) -> String {
    match (e.kind.as_str(), e.what.as_str()) {
        ("choice", "learner") => st(l, S::CohortLearner).to_string(),
        ("choice", _) => st(l, S::CohortHoldout).to_string(),
        _ => e.what.clone(),
    }
}

/// A learner's choice is explained with its evidence, in the reader's language.
fn detail_text(l: Locale, e: &TimelineEntry) -> String {
    match &e.choice {
        Some(c) => choice_text(l, c),
        None => e.detail.clone(),
    }
}

#[component]
fn Timeline(locale: Locale, d: DebtorPageView) -> impl IntoView {
    let l = locale;
    view! {
        <section class="card" aria-labelledby="tl-h">
            <h2 id="tl-h">{st(l, S::Timeline)}</h2>
            <table class="lines" data-testid="timeline">
                <thead><tr>
                    <th scope="col">{st(l, S::When)}</th><th scope="col">{st(l, S::What)}</th>
                    <th scope="col">{st(l, S::Invoice)}</th><th scope="col">{st(l, S::Detail)}</th>
                </tr></thead>
                <tbody>
                    {d.timeline.iter().map(|e| view! {
                        <tr data-kind=e.kind.clone()>
                            <td>{when(l, e.at)}</td>
                            <td>{kind_text(l, &e.kind)}": "{what_text(l, e)}</td>
                            <td>{e.invoice.clone().unwrap_or_default()}</td>
                            <td class="detail">{detail_text(l, e)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn CorrectForm(locale: Locale, d: DebtorPageView, csrf: String, flash: Option<Flash>) -> impl IntoView {
    let l = locale;
    let f = flash.clone().unwrap_or_default();
    let failed = f.form == "contact" && !f.errors.is_empty();
    let v = |field: &str, current: String| if failed { f.value_for("contact", field) } else { current };
    let e = |field: &str| f.error_for("contact", field);
    let stop = v("legal_stop", d.legal_stop.clone().unwrap_or_default());
    view! {
        <details class="card" open=failed>
            <summary>{st(l, S::Correct)}</summary>
            <StaffFlash locale=l flash=flash.clone() form="contact".to_string()/>
            <form method="post" action=format!("/backoffice/debtors/{}/contact", d.id) novalidate>
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <StaffField locale=l id="f-c-email".into() name="email" label=S::Email kind="email"
                    value=v("email", d.email.clone().unwrap_or_default()) error=e("email")/>
                <StaffField locale=l id="f-c-phone".into() name="phone" label=S::Phone kind="tel"
                    value=v("phone", d.phone.clone().unwrap_or_default()) error=e("phone")/>
                <StaffField locale=l id="f-c-street".into() name="street" label=S::Street
                    value=v("street", d.street.clone()) error=e("street") required=true/>
                <StaffField locale=l id="f-c-postcode".into() name="postcode" label=S::Postcode
                    value=v("postcode", d.postcode.clone()) error=e("postcode") required=true/>
                <StaffField locale=l id="f-c-city".into() name="city" label=S::City
                    value=v("city", d.city.clone()) error=e("city") required=true/>
                <StaffField locale=l id="f-c-country".into() name="country" label=S::Country
                    value=v("country", d.country.clone()) error=e("country") required=true/>
                <div class="field">
                    <label for="f-c-stop">{st(l, S::LegalStop)}</label>
                    <select id="f-c-stop" name="legal_stop">
                        {[("", S::None_), ("debt_restructuring", S::StopDebtRestructuring), ("insolvency", S::StopInsolvency),
                          ("debt_counselling", S::StopDebtCounselling), ("deceased", S::StopDeceased)]
                            .into_iter()
                            .map(|(val, k)| view! { <option value=val selected=stop == val>{st(l, k)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit">{st(l, S::Save)}</button>
            </form>
        </details>
    }
}

#[component]
fn RepresentativeForm(locale: Locale, d: DebtorPageView, csrf: String, flash: Option<Flash>) -> impl IntoView {
    use settle_domain::i18n::{t, Key};
    let l = locale;
    let f = flash.clone().unwrap_or_default();
    let failed = f.form == "representative" && !f.errors.is_empty();
    let e = |field: &str| f.error_for("representative", field);
    let v = |field: &str| f.value_for("representative", field);
    let action = format!("/backoffice/debtors/{}/representative", d.id);
    view! {
        <details class="card" open=failed>
            <summary>{st(l, S::SetRepresentative)}</summary>
            <StaffFlash locale=l flash=flash.clone() form="representative".to_string()/>
            <form method="post" action=action.clone() novalidate>
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <div class="field">
                    <label for="f-r-kind">{st(l, S::RepKind)}</label>
                    <select id="f-r-kind" name="kind">
                        {[("administrator", Key::RepAdministrator), ("guardian", Key::RepGuardian), ("debt_counsellor", Key::RepDebtCounsellor), ("other", Key::RepOther)]
                            .into_iter()
                            .map(|(val, k)| view! { <option value=val>{t(l, k)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <StaffField locale=l id="f-r-name".into() name="name" label=S::Name value=v("name") error=e("name") required=true/>
                <StaffField locale=l id="f-r-email".into() name="email" label=S::Email kind="email" value=v("email") error=e("email")/>
                <StaffField locale=l id="f-r-phone".into() name="phone" label=S::Phone kind="tel" value=v("phone") error=e("phone")/>
                <StaffField locale=l id="f-r-street".into() name="street" label=S::Street value=v("street") error=e("street")/>
                <StaffField locale=l id="f-r-postcode".into() name="postcode" label=S::Postcode value=v("postcode") error=e("postcode")/>
                <StaffField locale=l id="f-r-city".into() name="city" label=S::City value=v("city") error=e("city")/>
                <StaffField locale=l id="f-r-country".into() name="country" label=S::Country value=v("country") error=e("country")/>
                <div class="check">
                    <input type="checkbox" id="f-r-instead" name="instead" value="yes"/>
                    <label for="f-r-instead">{st(l, S::RepInstead)}</label>
                </div>
                <button type="submit" name="action" value="set">{st(l, S::Save)}</button>
                {d.representative.is_some().then(|| view! {
                    <button type="submit" name="action" value="remove">{st(l, S::RemoveRepresentative)}</button>
                })}
            </form>
        </details>
    }
}

/// An erasure request (GDPR article 17), for admins: contact data goes now, bookkeeping stays.
#[component]
fn EraseForm(locale: Locale, d: DebtorPageView, csrf: String, flash: Option<Flash>) -> impl IntoView {
    let l = locale;
    let f = flash.clone().unwrap_or_default();
    let failed = f.form == "erase";
    let error = f.error_for("erase", "confirm");
    view! {
        <details class="card" open=failed data-testid="erase">
            <summary>{st(l, S::EraseHeading)}</summary>
            <StaffFlash locale=l flash=flash.clone() form="erase".to_string()/>
            {match d.contact_erased {
                Some(at) => view! { <p>{st(l, S::ErasedOn)}" "{date(l, at.date())}</p> }.into_any(),
                None => view! {
                    <p>{st(l, S::EraseIntro)}</p>
                    <form method="post" action=format!("/backoffice/debtors/{}/erase", d.id) novalidate>
                        <input type="hidden" name="csrf" value=csrf/>
                        <div class=if error.is_some() { "check has-error" } else { "check" }>
                            <input type="checkbox" id="f-erase-confirm" name="confirm" value="yes"
                                aria-invalid=error.is_some().then_some("true")
                                aria-describedby=error.is_some().then_some("f-erase-confirm-error")/>
                            <label for="f-erase-confirm">{st(l, S::EraseConfirm)}</label>
                            {error.clone().map(|code| view! { <p id="f-erase-confirm-error" class="error">{staff_code_text(l, &code)}</p> })}
                        </div>
                        <button type="submit">{st(l, S::EraseButton)}</button>
                    </form>
                }.into_any(),
            }}
        </details>
    }
}
