//! `/invoices/{number}/dispute`: the form that raises a dispute (reason, explanation, an
//! optional attachment; a multipart post that works without JavaScript), and the disputes shown
//! on the invoice page with their status and staff's explanation.
use crate::api::get_invoice;
use crate::pages::not_found::failure;
use crate::ui::{date, use_shell, FlashBox, Frame, Loading};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use settle_domain::disputes::REASONS;
use settle_domain::i18n::{code_text, t, Key};
use settle_domain::locale::Locale;
use settle_domain::views::DisputeView;

pub(crate) fn reason_key(reason: &str) -> Key {
    match reason {
        "amount_wrong" => Key::ReasonAmountWrong,
        "already_paid" => Key::ReasonAlreadyPaid,
        "not_received" => Key::ReasonNotReceived,
        _ => Key::ReasonOther,
    }
}

#[component]
pub fn DisputePage() -> impl IntoView {
    let shell = use_shell();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("number").unwrap_or_default(),
        |number| get_invoice(number, None),
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
                let f = s.flash.clone().unwrap_or_default();
                let chosen = f.value_for("dispute", "reason");
                let reason_error = f.error_for("dispute", "reason");
                let text_error = f.error_for("dispute", "text");
                let file_error = f.error_for("dispute", "attachment");
                let reason_described = reason_error.is_some().then_some("f-reason-error");
                let text_described = if text_error.is_some() { "f-text-hint f-text-error" } else { "f-text-hint" };
                let file_described = if file_error.is_some() { "f-attachment-hint f-attachment-error" } else { "f-attachment-hint" };
                let title = format!("{} · {} {}", t(l, Key::DisputeTitle), t(l, Key::InvoiceTitle), number);
                Some(view! {
                    <Frame shell=s.clone() title=title.clone()>
                        <p><a href=format!("/invoices/{number}")>"← "{t(l, Key::InvoiceTitle)}" "{number.clone()}</a></p>
                        <h1>{t(l, Key::DisputeTitle)}</h1>
                        <p>{t(l, Key::DisputeIntro)}</p>
                        <FlashBox locale=l flash=s.flash.clone() form="dispute"/>
                        {if inv.can_dispute {
                            view! {
                                <form method="post" action=format!("/invoices/{number}/dispute") enctype="multipart/form-data" class="card" novalidate>
                                    <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                    <fieldset aria-describedby=reason_described class:has-error=reason_described.is_some()>
                                        <legend>{t(l, Key::DisputeReason)}</legend>
                                        {reason_error.map(|c| view! { <p class="error" id="f-reason-error">{code_text(l, &c)}</p> })}
                                        {REASONS.iter().map(|r| {
                                            let id = format!("f-reason-{r}");
                                            view! {
                                                <div class="check">
                                                    <input type="radio" id=id.clone() name="reason" value=*r checked=chosen == *r/>
                                                    <label for=id>{t(l, reason_key(r))}</label>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </fieldset>
                                    <div class="field" class:has-error=text_error.is_some()>
                                        <label for="f-text">{t(l, Key::DisputeText)}</label>
                                        <p class="hint" id="f-text-hint">{t(l, Key::DisputeTextHint)}</p>
                                        {text_error.clone().map(|c| view! { <p class="error" id="f-text-error">{code_text(l, &c)}</p> })}
                                        <textarea id="f-text" name="text" rows="6" maxlength="2000" aria-describedby=text_described
                                            aria-invalid=text_error.is_some().then_some("true")>{f.value_for("dispute", "text")}</textarea>
                                    </div>
                                    <div class="field" class:has-error=file_error.is_some()>
                                        <label for="f-attachment">{t(l, Key::DisputeAttachment)}</label>
                                        <p class="hint" id="f-attachment-hint">{t(l, Key::DisputeAttachmentHint)}</p>
                                        {file_error.clone().map(|c| view! { <p class="error" id="f-attachment-error">{code_text(l, &c)}</p> })}
                                        <input type="file" id="f-attachment" name="attachment" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                                            aria-describedby=file_described aria-invalid=file_error.is_some().then_some("true")/>
                                    </div>
                                    <button type="submit" class="primary">{t(l, Key::DisputeButton)}</button>
                                </form>
                            }.into_any()
                        } else {
                            view! { <DisputeList locale=l disputes=inv.disputes.clone()/> }.into_any()
                        }}
                    </Frame>
                }.into_any())
            })}
        </Suspense>
    }
}

/// The invoice's disputes: reason, what the debtor wrote, the status and staff's explanation.
#[component]
pub fn DisputeList(locale: Locale, disputes: Vec<DisputeView>) -> impl IntoView {
    let l = locale;
    (!disputes.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="disputes-h" data-testid="disputes">
                <h2 id="disputes-h">{t(l, Key::DisputesHeading)}</h2>
                {disputes.into_iter().map(|d| {
                    let status = match d.status.as_str() {
                        "accepted" => Key::DisputeAccepted,
                        "rejected" => Key::DisputeRejected,
                        _ => Key::DisputeOpen,
                    };
                    let open = d.status == "open";
                    view! {
                        <article class="dispute">
                            <p><strong data-testid="dispute-status">{t(l, status)}</strong>" · "{date(l, d.raised_on)}" · "{t(l, reason_key(&d.reason))}</p>
                            <p class="quote">{d.text.clone()}</p>
                            {d.attachment.clone().map(|a| view! { <p class="hint">"📎 "{a}</p> })}
                            {d.explanation.clone().map(|e| view! { <p data-testid="dispute-explanation">{e}</p> })}
                            {open.then(|| view! { <p class="hint">{t(l, Key::DisputeHeld)}</p> })}
                        </article>
                    }
                }).collect_view()}
            </section>
        }
    })
}
