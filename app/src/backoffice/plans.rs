//! `/backoffice/plans` (admins): the tenant's dunning plans; `/backoffice/plans/{id}`: its
//! steps in one form (a wrong value comes back as typed, with the reason at the field) and the
//! simulator for an invoice.
use super::api::{get_plan, get_plans};
use super::frame::{loaded, StaffField, StaffFlash, StaffFrame};
use crate::ui::date;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use settle_domain::backoffice::StepRow;
use settle_domain::i18n::staff::{st, staff_code_text, StaffKey as S};

/// Empty rows offered for new steps.
const NEW_ROWS: usize = 2;

#[component]
pub fn PlansPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_plans());
    loaded(data, move |s, v| {
        let l = s.locale;
        let f = s.flash.clone().unwrap_or_default();
        let failed = f.form == "policy" && !f.errors.is_empty();
        let p = v.policy.clone();
        let val = |k: &str, current: &str| {
            if failed {
                f.value_for("policy", k)
            } else {
                current.to_string()
            }
        };
        let fields = [
            ("window_opens", S::WindowOpens, val("window_opens", &p.window_opens)),
            ("window_closes", S::WindowCloses, val("window_closes", &p.window_closes)),
            (
                "closed_weekdays",
                S::ClosedWeekdays,
                val("closed_weekdays", &p.closed_weekdays),
            ),
            (
                "holiday_region",
                S::HolidayRegion,
                val("holiday_region", &p.holiday_region),
            ),
            (
                "extra_closed_dates",
                S::ExtraClosed,
                val("extra_closed_dates", &p.extra_closed_dates),
            ),
            (
                "letter_delivery_days",
                S::LetterDays,
                val("letter_delivery_days", &p.letter_delivery_days),
            ),
            (
                "email_delivery_days",
                S::EmailDays,
                val("email_delivery_days", &p.email_delivery_days),
            ),
            ("email_per_day", S::EmailCap, val("email_per_day", &p.email_per_day)),
            ("sms_per_day", S::SmsCap, val("sms_per_day", &p.sms_per_day)),
            (
                "letters_per_day",
                S::LetterCap,
                val("letters_per_day", &p.letters_per_day),
            ),
            (
                "tracking_retention_days",
                S::TrackingRetention,
                val("tracking_retention_days", &p.tracking_retention_days),
            ),
            (
                "closed_debtor_retention_days",
                S::ClosedRetention,
                val("closed_debtor_retention_days", &p.closed_debtor_retention_days),
            ),
            (
                "holdout_percent",
                S::HoldoutPercent,
                val("holdout_percent", &p.holdout_percent),
            ),
        ]
        .map(|(name, label, value)| (name, label, value, f.error_for("policy", name)));
        let checks = [
            ("send_time_optimisation", S::SendTime, p.send_time_optimisation),
            ("click_tracking", S::ClickTracking, p.click_tracking),
            ("open_tracking", S::OpenTracking, p.open_tracking),
            ("learning", S::Learning, p.learning),
        ];
        view! {
            <StaffFrame shell=s.clone() title=st(l, S::NavPlans).to_string()>
                <h1>{st(l, S::NavPlans)}</h1>
                <table class="lines" data-testid="plans"><tbody>
                    {v.plans.into_iter().map(|p| view! {
                        <tr>
                            <td><a href=format!("/backoffice/plans/{}", p.id)>{p.name}</a>{p.is_default.then(|| format!(" ({})", st(l, S::Default)))}</td>
                            <td class="mono">{p.segment}</td>
                            <td>{format!("{} {}", p.steps, st(l, S::Steps).to_lowercase())}</td>
                        </tr>
                    }).collect_view()}
                </tbody></table>
                <section class="card" aria-labelledby="policy-h">
                    <h2 id="policy-h">{st(l, S::ContactPolicy)}</h2>
                    <StaffFlash locale=l flash=s.flash.clone() form="policy".to_string()/>
                    <form method="post" action="/backoffice/policy" novalidate>
                        <input type="hidden" name="csrf" value=s.csrf.clone()/>
                        {fields.into_iter().map(|(name, label, value, error)| view! {
                            <StaffField locale=l id=format!("f-p-{name}") name=name label=label value=value error=error/>
                        }).collect_view()}
                        {checks.into_iter().map(|(name, label, on)| {
                            let id = format!("f-p-{name}");
                            view! {
                                <div class="check">
                                    <input type="checkbox" id=id.clone() name=name value="yes" checked=on/>
                                    <label for=id>{st(l, label)}</label>
                                </div>
                            }
                        }).collect_view()}
                        <button type="submit" class="primary">{st(l, S::Save)}</button>
                    </form>
                </section>
            </StaffFrame>
        }
        .into_any()
    })
}

#[component]
pub fn PlanEditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), query.read().get("invoice")),
        |(id, inv)| get_plan(id, inv),
    );
    loaded(data, move |s, v| {
        let l = s.locale;
        let f = s.flash.clone().unwrap_or_default();
        let failed = f.form == "plan" && !f.errors.is_empty();
        // After a failed save the rows come back as typed; else as stored, plus empty rows.
        let rows: Vec<StepRow> = if failed {
            let n = f.values.get("rows").and_then(|n| n.parse().ok()).unwrap_or(0usize);
            (0..n)
                .map(|i| {
                    let g = |k: &str| f.value_for("plan", &format!("{k}_{i}"));
                    StepRow {
                        id: g("id").parse().ok(),
                        name: g("name"),
                        offset_days: g("offset"),
                        kind: g("kind"),
                        channels: g("channels"),
                        fee: g("fee"),
                        interest: g("interest"),
                        used: false,
                    }
                })
                .collect()
        } else {
            let mut r = v.steps.clone();
            r.extend((0..NEW_ROWS).map(|_| StepRow {
                fee: "none".into(),
                interest: "none".into(),
                channels: "email".into(),
                kind: "reminder".into(),
                ..Default::default()
            }));
            r
        };
        let base = format!("/backoffice/plans/{}", v.id);
        let seg_failed = f.form == "segment" && !f.errors.is_empty();
        let sf = v.segment_form.clone();
        let sv = |k: &str, current: &str| {
            if seg_failed {
                f.value_for("segment", k)
            } else {
                current.to_string()
            }
        };
        let mut segment_fields = vec![
            ("name", S::StepName, sv("name", &sf.name)),
            ("priority", S::Priority, sv("priority", &sf.priority)),
        ];
        if !v.is_default {
            segment_fields.extend([
                ("tags", S::Tags, sv("tags", &sf.tags)),
                ("languages", S::Languages, sv("languages", &sf.languages)),
                ("min_open", S::MinOpen, sv("min_open", &sf.min_open)),
                ("max_open", S::MaxOpen, sv("max_open", &sf.max_open)),
                ("min_reminded", S::MinReminded, sv("min_reminded", &sf.min_reminded)),
            ]);
        }
        let segment_fields: Vec<_> = segment_fields
            .into_iter()
            .map(|(name, label, value)| (name, label, value, f.error_for("segment", name)))
            .collect();
        view! {
                    <StaffFrame shell=s.clone() title=v.name.clone()>
                        <p><a href="/backoffice/plans">"← "{st(l, S::NavPlans)}</a></p>
                        <h1>{v.name.clone()}</h1>
                        <p class="hint">{st(l, S::PlansIntro)}</p>
                        <StaffFlash locale=l flash=s.flash.clone() form="plan".to_string()/>
                        <form method="post" action=base.clone() class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            <table class="lines steps" data-testid="steps">
                                <thead><tr>
                                    <th scope="col">"#"</th><th scope="col">{st(l, S::StepName)}</th><th scope="col">{st(l, S::OffsetDays)}</th>
                                    <th scope="col">{st(l, S::Kind)}</th><th scope="col">{st(l, S::Channels)}</th>
                                    <th scope="col">{st(l, S::Fee)}</th><th scope="col">{st(l, S::Interest)}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().enumerate().map(|(i, r)| {
                                        let err = |k: &str| f.error_for("plan", &format!("{k}_{i}"));
                                        let cell = |k: &'static str, val: String, label: S| {
                                            let id = format!("f-{k}-{i}");
                                            let e = err(k);
                                            let described = e.as_ref().map(|_| format!("{id}-error"));
                                            let (bad, invalid) = (e.is_some(), e.as_ref().map(|_| "true"));
                                            view! {
                                                <td class:has-error=bad>
                                                    <label for=id.clone() class="visually-hidden">{format!("{} {}", st(l, label), i + 1)}</label>
                                                    <input id=id.clone() name=k type="text" value=val aria-describedby=described aria-invalid=invalid/>
                                                    {e.map(|c| view! { <p class="error" id=format!("{id}-error")>{staff_code_text(l, &c)}</p> })}
                                                </td>
                                            }
                                        };
                                        let kind_id = format!("f-kind-{i}");
                                        view! {
                                            <tr>
                                                <td>{(i + 1).to_string()}{r.used.then(|| format!(" ({})", st(l, S::InUse)))}
                                                    <input type="hidden" name="id" value=r.id.map(|x| x.to_string()).unwrap_or_default()/></td>
                                                {cell("name", r.name.clone(), S::StepName)}
                                                {cell("offset", r.offset_days.clone(), S::OffsetDays)}
                                                <td>
                                                    <label for=kind_id.clone() class="visually-hidden">{format!("{} {}", st(l, S::Kind), i + 1)}</label>
                                                    <select id=kind_id name="kind">
                                                        {v.kinds.iter().map(|k| view! { <option value=k.clone() selected=*k == r.kind>{k.clone()}</option> }).collect_view()}
                                                    </select>
                                                </td>
                                                {cell("channels", r.channels.clone(), S::Channels)}
                                                {cell("fee", r.fee.clone(), S::Fee)}
                                                {cell("interest", r.interest.clone(), S::Interest)}
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <button type="submit" class="primary">{st(l, S::SaveSteps)}</button>
                        </form>
                        <section class="card" aria-labelledby="seg-h">
                            <h2 id="seg-h">{st(l, S::ForWhom)}</h2>
                            <p class="hint">{st(l, S::ForWhomIntro)}</p>
                            <StaffFlash locale=l flash=s.flash.clone() form="segment".to_string()/>
                            <form method="post" action=format!("{base}/segment") novalidate>
                                <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                {segment_fields.into_iter().map(|(name, label, value, error)| view! {
                                    <StaffField locale=l id=format!("f-seg-{name}") name=name label=label value=value error=error/>
                                }).collect_view()}
                                <button type="submit">{st(l, S::Save)}</button>
                            </form>
                        </section>
                        <section class="card" aria-labelledby="sim-h">
                            <h2 id="sim-h">{st(l, S::Simulator)}</h2>
                            <p>{st(l, S::SimulatorIntro)}</p>
                            <form method="get" action=base.clone() class="inline">
                                <label for="f-sim">{st(l, S::Invoice)}</label>
                                <input id="f-sim" name="invoice" type="text" value=v.simulated.clone().unwrap_or_default()/>
                                <button type="submit" class="small">{st(l, S::Simulate)}</button>
                            </form>
                            {v.simulation_error.clone().map(|c| view! { <p class="alert" role="alert">{staff_code_text(l, &c)}</p> })}
                            {(v.simulated.is_some() && v.simulation_error.is_none()).then(|| if v.simulation.is_empty() {
                                view! { <p>{st(l, S::NothingWouldGo)}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="lines" data-testid="simulation"><tbody>
                                        {v.simulation.iter().map(|r| view! {
                                            <tr><td>{date(l, r.day)}</td><td>{r.step.clone()}</td><td>{r.kind.clone()}</td><td class="mono">{r.channels.clone()}</td></tr>
                                        }).collect_view()}
                                    </tbody></table>
                                }.into_any()
                            })}
                        </section>
                    </StaffFrame>
                }.into_any()
    })
}
