//! `/backoffice/webhooks` (admins): the tenant's webhook endpoints with what waits and what
//! failed, a new endpoint (its signing secret shown once); `/backoffice/webhooks/{id}`: one
//! endpoint's delivery log with redelivery, a new secret, and removal.
use super::api::get_webhooks;
use super::frame::{loaded, when, StaffFlash, StaffFrame};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use settle_domain::backoffice::{WebhookDeliveryRow, WebhookRow};
use settle_domain::i18n::staff::{st, StaffKey as S};
use settle_domain::locale::Locale;

fn events_text(l: Locale, events: &[String]) -> String {
    if events.iter().any(|e| e == "*") {
        st(l, S::AllEvents).to_string()
    } else {
        events.join(", ")
    }
}

fn status_text(l: Locale, status: &str) -> &'static str {
    match status {
        "delivered" => st(l, S::DeliveryDelivered),
        "failed" => st(l, S::DeliveryFailed),
        _ => st(l, S::DeliveryPending),
    }
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").and_then(|id| id.parse::<i64>().ok()),
        get_webhooks,
    );
    loaded(data, move |s, v| {
        let l = s.locale;
        let csrf = s.csrf.clone();
        let once = v.secret_once.clone().map(|secret| {
            view! {
                <section class="card" aria-labelledby="secret-once-h" data-testid="webhook-secret-once">
                    <h2 id="secret-once-h">{st(l, S::SecretOnceTitle)}</h2>
                    <p>{st(l, S::SecretOnceIntro)}</p>
                    <p><code class="mono" data-testid="webhook-secret">{secret}</code></p>
                </section>
            }
        });
        let body = match v.log.clone() {
            Some((endpoint, deliveries)) => log_view(l, csrf, endpoint, deliveries).into_any(),
            None => list_view(l, &s, v.endpoints.clone(), v.event_types.clone()).into_any(),
        };
        view! {
            <StaffFrame shell=s.clone() title=st(l, S::NavWebhooks).to_string()>
                <h1>{st(l, S::NavWebhooks)}</h1>
                <StaffFlash locale=l flash=s.flash.clone() form="webhooks".to_string()/>
                {once}
                {body}
            </StaffFrame>
        }
        .into_any()
    })
}

fn list_view(
    l: Locale,
    s: &settle_domain::views::ShellView,
    endpoints: Vec<WebhookRow>,
    types: Vec<String>,
) -> impl IntoView {
    let f = s.flash.clone().unwrap_or_default();
    let failed = f.form == "webhook" && !f.errors.is_empty();
    let url = if failed {
        f.value_for("webhook", "url")
    } else {
        String::new()
    };
    let url_error = f.error_for("webhook", "url");
    let events_error = f.error_for("webhook", "events");
    let events_described = events_error.as_ref().map(|_| "f-w-events-error");
    view! {
        <p>{st(l, S::WebhooksIntro)}</p>
        {if endpoints.is_empty() {
            view! { <p>{st(l, S::NoWebhooks)}</p> }.into_any()
        } else {
            view! {
                <table class="lines" data-testid="webhooks">
                    <thead><tr>
                        <th scope="col">{st(l, S::WebhookUrl)}</th><th scope="col">{st(l, S::WebhookEvents)}</th>
                        <th scope="col">{st(l, S::DeliveryPending)}</th><th scope="col">{st(l, S::DeliveryFailed)}</th>
                        <th scope="col">{st(l, S::DeliveryDelivered)}</th>
                    </tr></thead>
                    <tbody>
                        {endpoints.into_iter().map(|e| view! {
                            <tr>
                                <td><a href=format!("/backoffice/webhooks/{}", e.id)>{e.url.clone()}</a></td>
                                <td>{events_text(l, &e.events)}</td>
                                <td>{e.pending}</td>
                                <td>{e.failed}</td>
                                <td>{e.last_delivered.map(|t| when(l, t)).unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <section class="card" aria-labelledby="new-webhook-h">
            <h2 id="new-webhook-h">{st(l, S::NewWebhook)}</h2>
            <StaffFlash locale=l flash=s.flash.clone() form="webhook".to_string()/>
            <form method="post" action="/backoffice/webhooks" novalidate>
                <input type="hidden" name="csrf" value=s.csrf.clone()/>
                <super::frame::StaffField locale=l id="f-w-url".into() name="url" label=S::WebhookUrl kind="url"
                    value=url error=url_error required=true/>
                <fieldset aria-describedby=events_described>
                    <legend>{st(l, S::WebhookEvents)}</legend>
                    {events_error.map(|e| view! {
                        <p class="error" id="f-w-events-error">{settle_domain::i18n::staff::staff_code_text(l, &e)}</p>
                    })}
                    <div class="field check">
                        <input id="f-w-all" type="checkbox" name="events" value="*"/>
                        <label for="f-w-all">{st(l, S::AllEvents)}</label>
                    </div>
                    {types.into_iter().enumerate().map(|(i, t)| view! {
                        <div class="field check">
                            <input id=format!("f-w-e{i}") type="checkbox" name="events" value=t.clone()/>
                            <label for=format!("f-w-e{i}") class="mono">{t.clone()}</label>
                        </div>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="primary">{st(l, S::NewWebhook)}</button>
            </form>
        </section>
    }
}

fn log_view(l: Locale, csrf: String, e: WebhookRow, deliveries: Vec<WebhookDeliveryRow>) -> impl IntoView {
    let id = e.id;
    let row = {
        let csrf = csrf.clone();
        move |d: WebhookDeliveryRow| {
            view! {
                <tr>
                    <td class="mono">{d.event_type.clone()}</td>
                    <td>{when(l, d.created)}</td>
                    <td>{status_text(l, &d.status)}</td>
                    <td>{d.attempts}</td>
                    <td>{d.answer.clone()}</td>
                    <td>{d.delivered.or(d.next_attempt).map(|t| when(l, t)).unwrap_or_default()}</td>
                    <td>
                        <form method="post" action=format!("/backoffice/webhooks/{id}/deliveries/{}/redeliver", d.id) class="inline">
                            <input type="hidden" name="csrf" value=csrf.clone()/>
                            <button type="submit" class="small">{st(l, S::Redeliver)}" "{d.event_type.clone()}</button>
                        </form>
                    </td>
                </tr>
            }
        }
    };
    view! {
        <p><a href="/backoffice/webhooks">{st(l, S::AllWebhooks)}</a></p>
        <section class="card" aria-labelledby="endpoint-h">
            <h2 id="endpoint-h" class="mono">{e.url.clone()}</h2>
            <p>{st(l, S::WebhookEvents)}": "{events_text(l, &e.events)}</p>
            <form method="post" action=format!("/backoffice/webhooks/{id}/rotate") class="inline">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <button type="submit">{st(l, S::RotateSecret)}</button>
            </form>
            " "
            <form method="post" action=format!("/backoffice/webhooks/{id}/remove") class="inline">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <button type="submit" class="danger">{st(l, S::RemoveWebhook)}</button>
            </form>
        </section>
        <h2>{st(l, S::DeliveryLog)}</h2>
        {if deliveries.is_empty() {
            view! { <p>{st(l, S::NoDeliveries)}</p> }.into_any()
        } else {
            view! {
                <table class="lines" data-testid="webhook-deliveries">
                    <thead><tr>
                        <th scope="col">{st(l, S::EventType)}</th><th scope="col">{st(l, S::When)}</th>
                        <th scope="col">{st(l, S::Status)}</th><th scope="col">{st(l, S::Attempts)}</th>
                        <th scope="col">{st(l, S::LastAnswer)}</th><th scope="col">{st(l, S::NextAttempt)}</th>
                        <th scope="col">{st(l, S::Actions)}</th>
                    </tr></thead>
                    <tbody>{deliveries.into_iter().map(row).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
    }
}
