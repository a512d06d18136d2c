//! `/callback`: book a callback (topic, number, a free slot from the tenant's hours, optionally
//! the invoices it is about), and move or cancel one that is booked. Plain forms; slots are a
//! select grouped by day, which phones render as a wheel.
use crate::api::get_callbacks;
use crate::ui::{date, use_shell, Field, FlashBox, Frame, Loading};
use leptos::prelude::*;
use settle_domain::callbacks::TOPICS;
use settle_domain::i18n::{code_text, t, Key};
use settle_domain::locale::Locale;
use settle_domain::views::{Flash, SlotDay};

pub(crate) fn topic_key(topic: &str) -> Key {
    match topic {
        "payment" => Key::TopicPayment,
        "plan" => Key::TopicPlan,
        "dispute" => Key::TopicDispute,
        _ => Key::TopicOther,
    }
}

/// The free slots as a select, grouped by day; `chosen` stays selected after an error.
#[component]
fn SlotSelect(l: Locale, id: &'static str, days: Vec<SlotDay>, chosen: String, error: Option<String>) -> impl IntoView {
    let err_id = format!("{id}-error");
    let described = error.is_some().then(|| err_id.clone());
    view! {
        <div class="field" class:has-error=error.is_some()>
            <label for=id>{t(l, Key::CallbackSlot)}</label>
            {error.clone().map(|c| view! { <p class="error" id=err_id.clone()>{code_text(l, &c)}</p> })}
            <select id=id name="slot" aria-describedby=described aria-invalid=error.is_some().then_some("true")>
                {days.into_iter().map(|d| view! {
                    <optgroup label=date(l, d.date)>
                        {d.slots.into_iter().map(|(value, label)| {
                            let selected = value == chosen;
                            view! { <option value=value selected=selected>{format!("{} {}", date(l, d.date), label)}</option> }
                        }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn CallbackPage() -> impl IntoView {
    let shell = use_shell();
    let data = Resource::new(|| (), |_| get_callbacks());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let v = data.await.ok()?;
                let l = s.locale;
                let f: Flash = s.flash.clone().unwrap_or_default();
                let csrf = s.csrf.clone();
                let topic = f.value_for("callback", "topic");
                let topic_error = f.error_for("callback", "topic");
                let topic_described = topic_error.is_some().then_some("f-topic-error");
                let phone = match f.value_for("callback", "phone") {
                    typed if f.form == "callback" => typed,
                    _ => v.phone.clone().unwrap_or_default(),
                };
                let no_slots = v.days.is_empty();
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::CallbackTitle).to_string()>
                        <h1>{t(l, Key::CallbackTitle)}</h1>
                        <FlashBox locale=l flash=s.flash.clone() form="callback_change"/>
                        {(!v.booked.is_empty()).then(|| view! {
                            <section class="card" aria-labelledby="booked-h" data-testid="booked">
                                <h2 id="booked-h">{t(l, Key::CallbackBooked)}</h2>
                                {v.booked.iter().map(|b| view! {
                                    <article class="dispute">
                                        <p><strong data-testid="booked-when">{format!("{} {}", date(l, b.date), b.time)}</strong>
                                            " · "{t(l, topic_key(&b.topic))}" · "{b.phone.clone()}</p>
                                        <form method="post" action=format!("/callback/{}/move", b.id) novalidate>
                                            <input type="hidden" name="csrf" value=csrf.clone()/>
                                            <SlotSelect l=l id="f-move-slot" days=v.days.clone() chosen=String::new() error=f.error_for("callback_change", "slot")/>
                                            <button type="submit">{t(l, Key::CallbackMove)}</button>
                                        </form>
                                        <form method="post" action=format!("/callback/{}/cancel", b.id)>
                                            <input type="hidden" name="csrf" value=csrf.clone()/>
                                            <button type="submit" class="link-button">{t(l, Key::CallbackCancel)}</button>
                                        </form>
                                    </article>
                                }).collect_view()}
                            </section>
                        })}
                        <p>{t(l, Key::CallbackIntro)}</p>
                        {v.holds_dunning.then(|| view! { <p class="hint">{t(l, Key::CallbackHolds)}</p> })}
                        <FlashBox locale=l flash=s.flash.clone() form="callback"/>
                        {if no_slots {
                            view! { <p class="notice">{t(l, Key::CallbackNoSlots)}</p> }.into_any()
                        } else {
                            view! {
                                <form method="post" action="/callback" class="card" novalidate>
                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                    <fieldset aria-describedby=topic_described class:has-error=topic_described.is_some()>
                                        <legend>{t(l, Key::CallbackTopic)}</legend>
                                        {topic_error.map(|c| view! { <p class="error" id="f-topic-error">{code_text(l, &c)}</p> })}
                                        {TOPICS.iter().map(|tp| {
                                            let id = format!("f-topic-{tp}");
                                            view! {
                                                <div class="check">
                                                    <input type="radio" id=id.clone() name="topic" value=*tp checked=topic == *tp/>
                                                    <label for=id>{t(l, topic_key(tp))}</label>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </fieldset>
                                    <Field locale=l name="phone" id="f-callback-phone" label=Key::CallbackPhone kind="tel" autocomplete="tel"
                                        inputmode="tel" value=phone error=f.error_for("callback", "phone")/>
                                    <SlotSelect l=l id="f-slot" days=v.days.clone() chosen=f.value_for("callback", "slot") error=f.error_for("callback", "slot")/>
                                    {(!v.open_invoices.is_empty()).then(|| view! {
                                        <fieldset>
                                            <legend>{t(l, Key::CallbackInvoices)}</legend>
                                            {f.error_for("callback", "invoices").map(|c| view! { <p class="error">{code_text(l, &c)}</p> })}
                                            {v.open_invoices.iter().map(|n| {
                                                let id = format!("f-cb-inv-{n}");
                                                view! {
                                                    <div class="check">
                                                        <input type="checkbox" id=id.clone() name="invoice" value=n.clone()/>
                                                        <label for=id>{format!("{} {}", t(l, Key::InvoiceTitle), n)}</label>
                                                    </div>
                                                }
                                            }).collect_view()}
                                        </fieldset>
                                    })}
                                    <button type="submit" class="primary">{t(l, Key::CallbackButton)}</button>
                                </form>
                            }.into_any()
                        }}
                    </Frame>
                })
            })}
        </Suspense>
    }
}
