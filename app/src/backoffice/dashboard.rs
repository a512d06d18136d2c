//! `/backoffice/dashboard`: open and overdue, DSO, money collected per way of paying, payment
//! after each step and channel, and the SLAs, for a date range; charts are server-rendered SVG
//! with the figures beside them in tables (readable without JavaScript and by screen readers).
use super::api::get_dashboard;
use super::frame::{loaded, StaffFrame};
use crate::ui::money;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use settle_domain::i18n::staff::{band_text, st, StaffKey as S};
use settle_domain::locale::{format_decimal, Locale};

fn how_text(l: Locale, how: &str) -> String {
    match how {
        "online" => st(l, S::HowOnline).into(),
        "plan" => st(l, S::HowPlan).into(),
        "transfer" => st(l, S::HowTransfer).into(),
        "staff" => st(l, S::HowStaff).into(),
        "api" => st(l, S::HowApi).into(),
        other => other.into(),
    }
}

/// Horizontal bars, one per (label, value), scaled to the largest.
#[component]
fn Bars(label: String, rows: Vec<(String, f64, String)>) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1.0);
    let height = rows.len() * 28 + 4;
    view! {
        <svg class="bars" viewBox=format!("0 0 600 {height}") role="img" aria-label=label.clone() width="100%">
            <title>{label.clone()}</title>
            {rows.into_iter().enumerate().map(|(i, (name, v, shown))| {
                let y = i * 28 + 2;
                let w = (v / max * 330.0).max(1.0);
                view! {
                    <g>
                        <text x="0" y=y + 18 font-size="14">{name}</text>
                        <rect x="200" y=y + 4 width=format!("{w:.1}") height="20" class="bar"></rect>
                        <text x=format!("{:.1}", 206.0 + w) y=y + 18 font-size="14">{shown}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (q.get("from"), q.get("to"), q.get("days"))
        },
        |(f, t, d)| get_dashboard(f, t, d),
    );
    loaded(data, move |s, v| {
        let l = s.locale;
        let csv = format!(
            "/backoffice/dashboard.csv?from={}&to={}&days={}",
            v.from, v.to, v.window_days
        );
        let collected: Vec<(String, f64, String)> = v
            .collected
            .iter()
            .map(|(h, m)| (how_text(l, h), m.cents as f64, money(l, *m)))
            .collect();
        let conversion: Vec<(String, f64, String)> = v
            .conversion
            .iter()
            .map(|c| {
                let pct = if c.sent == 0 {
                    0.0
                } else {
                    c.paid as f64 * 100.0 / c.sent as f64
                };
                (format!("{} · {}", c.step, c.channel), pct, format!("{pct:.0}%"))
            })
            .collect();
        let (cb_all, cb_done, cb_cancelled, cb_missed) = v.callbacks;
        let (d_all, d_ok, d_late, d_open) = v.disputes;
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::NavDashboard).to_string()>
                        <h1>{st(l, S::NavDashboard)}</h1>
                        <form method="get" action="/backoffice/dashboard" class="card inline">
                            <label for="f-from">{st(l, S::From)}</label>
                            <input id="f-from" name="from" type="date" value=v.from.to_string()/>
                            <label for="f-to">{st(l, S::To)}</label>
                            <input id="f-to" name="to" type="date" value=v.to.to_string()/>
                            <label for="f-days">{st(l, S::WindowDays)}</label>
                            <input id="f-days" name="days" type="number" min="1" max="90" value=v.window_days.to_string()/>
                            <button type="submit" class="small">{st(l, S::Show)}</button>
                        </form>
                        <dl class="facts" data-testid="figures">
                            <dt>{st(l, S::OpenNow)}</dt><dd>{format!("{} · {}", v.open_count, money(l, v.open))}</dd>
                            <dt>{st(l, S::OverdueNow)}</dt><dd>{format!("{} · {}", v.overdue_count, money(l, v.overdue))}</dd>
                            <dt>{st(l, S::Invoiced)}</dt><dd>{money(l, v.invoiced)}</dd>
                            <dt>{st(l, S::Dso)}</dt><dd data-testid="dso">{v.dso_days.map(|d| d.to_string()).unwrap_or_else(|| "–".into())}</dd>
                        </dl>
                        <section class="card" aria-labelledby="collected-h">
                            <h2 id="collected-h">{st(l, S::Collected)}</h2>
                            <Bars label=st(l, S::Collected).to_string() rows=collected.clone()/>
                            <table class="lines" data-testid="collected"><tbody>
                                {collected.iter().map(|(n, _, shown)| view! { <tr><td>{n.clone()}</td><td class="num">{shown.clone()}</td></tr> }).collect_view()}
                            </tbody></table>
                        </section>
                        <section class="card" aria-labelledby="conv-h">
                            <h2 id="conv-h">{st(l, S::Conversion)}</h2>
                            <Bars label=st(l, S::Conversion).to_string() rows=conversion/>
                            <table class="lines" data-testid="conversion">
                                <thead><tr><th scope="col">{st(l, S::Stage)}</th><th scope="col">{st(l, S::Channel)}</th>
                                    <th scope="col" class="num">{st(l, S::Sent)}</th><th scope="col" class="num">{st(l, S::PaidAfter)}</th></tr></thead>
                                <tbody>
                                    {v.conversion.iter().map(|c| view! {
                                        <tr><td>{c.step.clone()}</td><td>{c.channel.clone()}</td><td class="num">{c.sent.to_string()}</td><td class="num">{c.paid.to_string()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <h3>{st(l, S::ByBand)}</h3>
                            <table class="lines" data-testid="by-band">
                                <thead><tr><th scope="col">{st(l, S::ByBand)}</th>
                                    <th scope="col" class="num">{st(l, S::Sent)}</th><th scope="col" class="num">{st(l, S::PaidAfter)}</th></tr></thead>
                                <tbody>
                                    {v.by_band.iter().map(|b| view! {
                                        <tr><td>{band_text(l, &b.band)}</td><td class="num">{b.sent.to_string()}</td><td class="num">{b.paid.to_string()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {(!v.by_variant.is_empty()).then(|| view! {
                                <h3>{st(l, S::ByVariant)}</h3>
                                <table class="lines" data-testid="by-variant">
                                    <thead><tr><th scope="col">{st(l, S::Stage)}</th><th scope="col">{st(l, S::Variant)}</th>
                                        <th scope="col" class="num">{st(l, S::Sent)}</th><th scope="col" class="num">{st(l, S::PaidAfter)}</th></tr></thead>
                                    <tbody>
                                        {v.by_variant.iter().map(|x| view! {
                                            <tr><td>{x.step.clone()}</td><td>{x.variant.to_uppercase()}</td><td class="num">{x.sent.to_string()}</td><td class="num">{x.paid.to_string()}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            })}
                        </section>
                        <section class="card" aria-labelledby="lift-h" data-testid="lift">
                            <h2 id="lift-h">{st(l, S::LiftHeading)}</h2>
                            {match &v.lift {
                                None => view! { <p>{st(l, S::LiftNone)}</p> }.into_any(),
                                Some(x) => {
                                    let pct = |p: f64| format!("{} %", format_decimal(p, l, false));
                                    view! {
                                        <dl class="facts">
                                            <dt>{st(l, S::LiftLearner)}</dt>
                                            <dd>{format!("{} · {}", x.learner_debtors, pct(x.learner_percent))}</dd>
                                            <dt>{st(l, S::LiftHoldout)}</dt>
                                            <dd>{format!("{} · {}", x.holdout_debtors, pct(x.holdout_percent))}</dd>
                                            <dt>{st(l, S::LiftPoints)}</dt>
                                            <dd data-testid="lift-points">{format!(
                                                "{} ({} … {})",
                                                format_decimal(x.points, l, true),
                                                format_decimal(x.low, l, true),
                                                format_decimal(x.high, l, true)
                                            )}</dd>
                                        </dl>
                                    }.into_any()
                                }
                            }}
                        </section>
                        <section class="card">
                            <p>{st(l, S::CallbackSla)}": "<span data-testid="callback-sla">{format!("{cb_all} · {cb_done} · {cb_cancelled} · {cb_missed}")}</span></p>
                            <p>{st(l, S::DisputeSla)}": "<span data-testid="dispute-sla">{format!("{d_all} · {d_ok} · {d_late} · {d_open}")}</span></p>
                        </section>
                        <p><a href=csv rel="external" download>{st(l, S::DownloadCsv)}</a></p>
                    </StaffFrame>
                }.into_any()
    })
}
