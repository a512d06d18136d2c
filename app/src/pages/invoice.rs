//! `/invoices/{number}`: lines, dates, status, amount due and how to pay (IBAN, reference, QR).
use crate::api::get_invoice;
use crate::pages::dispute::DisputeList;
use crate::pages::not_found::failure;
use crate::ui::{date, money, use_shell, CopyButton, Field, FlashBox, Frame, Loading, StatusBadge};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use settle_domain::i18n::{t, Key};
use settle_domain::locale::Locale;
use settle_domain::views::{DisplayStatus, Flash, OnlinePayment, PaymentInstructions, PlanView};

#[component]
pub fn InvoicePage() -> impl IntoView {
    let shell = use_shell();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                query.read().get("amount"),
            )
        },
        |(number, amount)| get_invoice(number, amount),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let inv = match data.await {
                    Ok(v) => v,
                    Err(e) => return Some(failure(s, &e)),
                };
                let number = inv.summary.number.clone();
                let title = format!("{} {}", t(l, Key::InvoiceTitle), number);
                Some(view! {
                    <Frame shell=s.clone() title=title.clone()>
                        <p><a href="/invoices">"← "{t(l, Key::BackToInvoices)}</a></p>
                        <h1>{title.clone()}</h1>
                        <p>{inv.description.clone()}" "<StatusBadge locale=l status=inv.summary.status/></p>
                        <FlashBox locale=l flash=s.flash.clone() form="invoice"/>
                        <DisputeList locale=l disputes=inv.disputes.clone()/>
                        {inv.plan.clone().map(|p| view! {
                            <PlanBox locale=l plan=p number=number.clone() csrf=s.csrf.clone()
                                online=inv.online.is_some() flash=s.flash.clone()/>
                        })}
                        <dl class="facts">
                            <dt>{t(l, Key::IssueDate)}</dt><dd>{date(l, inv.summary.issue_date)}</dd>
                            <dt>{t(l, Key::DueDate)}</dt><dd>{date(l, inv.summary.due_date)}</dd>
                            <dt>{t(l, Key::Amount)}</dt><dd>{money(l, inv.summary.amount)}</dd>
                            <dt>{t(l, Key::OpenAmount)}</dt><dd data-testid="open-amount">{money(l, inv.summary.open)}</dd>
                        </dl>
                        <h2>{t(l, Key::LinesHeading)}</h2>
                        <table class="lines">
                            <tbody>
                                {inv.lines.iter().map(|line| view! {
                                    <tr><td>{line.description.clone()}</td><td class="num">{money(l, line.amount)}</td></tr>
                                }).collect_view()}
                            </tbody>
                            <tfoot>
                                <tr><th scope="row">{t(l, Key::Total)}</th><td class="num">{money(l, inv.summary.amount)}</td></tr>
                            </tfoot>
                        </table>
                        {inv.has_pdf.then(|| view! {
                            <p><a href=format!("/invoices/{number}/pdf") rel="external" download>{t(l, Key::DownloadPdf)}</a></p>
                        })}
                        {(inv.summary.status == DisplayStatus::Pending).then(|| view! {
                            <p class="notice" role="status">{t(l, Key::PaymentPendingText)}</p>
                        })}
                        {inv.online.clone().map(|o| view! {
                            <OnlineBox locale=l number=number.clone() csrf=s.csrf.clone() online=o flash=s.flash.clone()/>
                        })}
                        {match inv.payment.clone() {
                            Some(p) => view! { <PaymentBox locale=l payment=p/> }.into_any(),
                            None if inv.summary.status == DisplayStatus::Pending => ().into_any(),
                            None => view! { <p class="notice">{t(l, Key::PaidThankYou)}</p> }.into_any(),
                        }}
                        {inv.can_defer.then(|| view! {
                            <Defer locale=l number=number.clone() csrf=s.csrf.clone() until=inv.defer_until
                                deferred_from=inv.deferred_from flash=s.flash.clone()/>
                        })}
                        {(inv.can_defer && inv.plan.is_none()).then(|| view! {
                            <p><a href=format!("/invoices/{number}/plan") data-testid="plan-link">{t(l, Key::PlanLink)}</a></p>
                        })}
                        {inv.can_dispute.then(|| view! {
                            <p><a href=format!("/invoices/{number}/dispute") data-testid="dispute-link">{t(l, Key::DisputeLink)}</a></p>
                        })}
                    </Frame>
                }.into_any())
            })}
        </Suspense>
    }
}

/// Pay online now: the whole amount, or (where the tenant allows it) a part, which also sets the
/// amount in the transfer details and QR code below.
#[component]
fn OnlineBox(
    locale: Locale,
    number: String,
    csrf: String,
    online: OnlinePayment,
    flash: Option<Flash>,
) -> impl IntoView {
    let l = locale;
    let f = flash.clone().unwrap_or_default();
    view! {
        <section class="card pay-online" aria-labelledby="online-h">
            <h2 id="online-h">{t(l, Key::PayOnlineHeading)}</h2>
            <FlashBox locale=l flash=flash.clone() form="pay"/>
            <form method="post" action="/pay/checkout">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="from" value="detail"/>
                <input type="hidden" name="invoice" value=number.clone()/>
                <button type="submit" class="primary" data-testid="pay-online">{t(l, Key::PayOnline)}</button>
            </form>
            {online.partial.map(|(min, max)| {
                let hint = format!("{} {} – {}", t(l, Key::PayPartHint), money(l, min), money(l, max));
                view! {
                    <h3>{t(l, Key::PayPartHeading)}</h3>
                    <form method="post" action="/pay/checkout" novalidate>
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="from" value="detail"/>
                        <input type="hidden" name="invoice" value=number.clone()/>
                        <Field locale=l name="amount" label=Key::PayPartAmount inputmode="decimal"
                            value=f.value_for("pay", "amount") error=f.error_for("pay", "amount")/>
                        <p class="hint">{hint}</p>
                        <div class="buttons">
                            <button type="submit" data-testid="pay-part">{t(l, Key::PayPartButton)}</button>
                            <button type="submit" formmethod="get" formaction="" formnovalidate>{t(l, Key::HowToPay)}</button>
                        </div>
                    </form>
                }
            })}
        </section>
    }
}

/// The invoice's payment plan: its instalments, and how to pay the next one.
#[component]
fn PlanBox(
    locale: Locale,
    plan: PlanView,
    number: String,
    csrf: String,
    online: bool,
    flash: Option<Flash>,
) -> impl IntoView {
    let l = locale;
    let requested = plan.status == "requested";
    let pay = (online && plan.next.is_some()).then(|| {
        view! {
            <FlashBox locale=l flash=flash.clone() form="pay_instalment"/>
            <form method="post" action=format!("/invoices/{number}/plan/pay")>
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <button type="submit" class="primary" data-testid="pay-instalment">{t(l, Key::PlanPayInstalment)}</button>
            </form>
        }
    });
    view! {
        <section class="card" aria-labelledby="plan-h" data-testid="plan">
            <h2 id="plan-h">{t(l, Key::PlanHeading)}</h2>
            {requested.then(|| view! { <p class="notice">{t(l, Key::PlanRequested)}</p> })}
            {(plan.covers.len() > 1).then(|| view! {
                <p>{t(l, Key::PlanCovers)}</p>
                <ul data-testid="plan-covers">
                    {plan.covers.iter().map(|c| view! { <li><a href=format!("/invoices/{c}")>{c.clone()}</a></li> }).collect_view()}
                </ul>
            })}
            <table class="lines">
                <tbody>
                    {plan.instalments.iter().map(|i| view! {
                        <tr>
                            <td>{date(l, i.due)}</td>
                            <td class="mono">{i.reference.clone()}</td>
                            <td class="num">{money(l, i.amount)}{i.paid.then(|| view! { " ✓ "<span class="visually-hidden">{t(l, Key::PlanPaid)}</span> })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {pay}
        </section>
        {plan.next.clone().map(|p| view! { <h2>{t(l, Key::PlanNext)}</h2><PaymentBox locale=l payment=p/> })}
    }
}

/// "Pay later": a new payment date, at once up to `until`, else as a request.
#[component]
fn Defer(
    locale: Locale,
    number: String,
    csrf: String,
    until: Option<chrono::NaiveDate>,
    deferred_from: Option<chrono::NaiveDate>,
    flash: Option<Flash>,
) -> impl IntoView {
    let l = locale;
    let f = flash.clone().unwrap_or_default();
    let note = deferred_from
        .map(|d| view! { <p class="hint" data-testid="deferred">{t(l, Key::DeferredNote)}" "{date(l, d)}"."</p> });
    let hint = match until {
        Some(max) => format!("{} {}.", t(l, Key::DeferUntilHint), date(l, max)),
        None => t(l, Key::DeferRequestHint).to_string(),
    };
    let form = {
        view! {
            <section class="card" aria-labelledby="defer-h">
                <h2 id="defer-h">{t(l, Key::DeferHeading)}</h2>
                <p>{t(l, Key::DeferIntro)}</p>
                <FlashBox locale=l flash=flash.clone() form="defer"/>
                <form method="post" action=format!("/invoices/{number}/defer") novalidate>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <Field locale=l name="until" label=Key::DeferUntil kind="date"
                        value=f.value_for("defer", "until") error=f.error_for("defer", "until")/>
                    <p class="hint">{hint}</p>
                    <button type="submit">{t(l, Key::DeferButton)}</button>
                </form>
            </section>
        }
    };
    view! { {note} {form} }
}

/// Bank transfer details with copyable values and the EPC QR code.
#[component]
pub fn PaymentBox(locale: Locale, payment: PaymentInstructions) -> impl IntoView {
    let l = locale;
    view! {
        <section class="card pay" aria-labelledby="pay-h">
            <h2 id="pay-h">{t(l, Key::HowToPay)}</h2>
            <p>{t(l, Key::TransferIntro)}</p>
            <dl class="facts">
                <dt>{t(l, Key::AmountToPay)}</dt><dd data-testid="pay-amount">{money(l, payment.amount)}</dd>
                <dt>{t(l, Key::Beneficiary)}</dt><dd>{payment.beneficiary.clone()}</dd>
                <dt>{t(l, Key::Iban)}</dt>
                <dd><span class="mono" data-testid="pay-iban">{payment.iban.clone()}</span>" "
                    <CopyButton value=payment.iban.replace(' ', "") label=t(l, Key::Copy).to_string()
                        what=t(l, Key::Iban).to_string() done=t(l, Key::Copied).to_string()/></dd>
                {payment.bic.clone().map(|b| view! { <dt>{t(l, Key::Bic)}</dt><dd class="mono">{b}</dd> })}
                <dt>{t(l, Key::Reference)}</dt>
                <dd><span class="mono" data-testid="pay-reference">{payment.reference.clone()}</span>" "
                    <CopyButton value=payment.reference.replace(' ', "") label=t(l, Key::Copy).to_string()
                        what=t(l, Key::Reference).to_string() done=t(l, Key::Copied).to_string()/></dd>
            </dl>
            <p>{t(l, Key::QrIntro)}</p>
            <figure class="qr" data-testid="epc-qr">
                <img src=payment.qr_url.clone() alt=t(l, Key::QrAlt) width="220" height="220" loading="lazy"/>
            </figure>
        </section>
    }
}
