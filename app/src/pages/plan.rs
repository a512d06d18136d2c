//! `/invoices/{number}/plan`: choose the number of instalments and the first date, see the
//! schedule (a GET of this page, so it works without JavaScript), and accept it.
use crate::api::get_plan_page;
use crate::pages::not_found::failure;
use crate::ui::{date, money, use_shell, FlashBox, Frame, Loading};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use settle_domain::i18n::{code_text, t, Key};

#[component]
pub fn PlanPage() -> impl IntoView {
    let shell = use_shell();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                query.read().get_all("also").unwrap_or_default(),
                query.read().get("n"),
                query.read().get("first"),
            )
        },
        |(number, also, n, first)| get_plan_page(number, also, n, first),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let v = match data.await {
                    Ok(v) => v,
                    Err(e) => return Some(failure(s, &e)),
                };
                let number = v.number.clone();
                let (n, first) = v.chosen.map(|(n, f)| (n, f.to_string())).unwrap_or((3, String::new()));
                let others: Vec<_> = v.candidates.iter().filter(|c| c.number != number).cloned().collect();
                let also: Vec<String> = others.iter().filter(|c| c.chosen).map(|c| c.number.clone()).collect();
                let title = format!("{} · {} {}", t(l, Key::PlanTitle), t(l, Key::InvoiceTitle), number);
                Some(view! {
                    <Frame shell=s.clone() title=title>
                        <p><a href=format!("/invoices/{number}")>"← "{t(l, Key::InvoiceTitle)}" "{number.clone()}</a></p>
                        <h1>{t(l, Key::PlanTitle)}</h1>
                        <p>{t(l, Key::PlanIntro)}" "<strong>{money(l, v.total)}</strong></p>
                        <FlashBox locale=l flash=s.flash.clone() form="plan"/>
                        {if v.can_plan {
                            view! {
                                <form method="get" action=format!("/invoices/{number}/plan") class="card">
                                    {(!others.is_empty()).then(|| view! {
                                        <fieldset data-testid="plan-invoices" aria-describedby="f-also-hint">
                                            <legend>{t(l, Key::PlanWhich)}</legend>
                                            <p class="hint" id="f-also-hint">{t(l, Key::PlanWhichHint)}</p>
                                            <div class="check">
                                                <input type="checkbox" id="f-also-self" checked disabled/>
                                                <label for="f-also-self">{format!("{} {} · {}", t(l, Key::InvoiceTitle), number, money(l, v.own_open))}</label>
                                            </div>
                                            {others.iter().map(|c| {
                                                let id = format!("f-also-{}", c.number);
                                                view! {
                                                    <div class="check">
                                                        <input type="checkbox" id=id.clone() name="also" value=c.number.clone() checked=c.chosen/>
                                                        <label for=id>{format!("{} {} · {}", t(l, Key::InvoiceTitle), c.number, money(l, c.open))}</label>
                                                    </div>
                                                }
                                            }).collect_view()}
                                        </fieldset>
                                    })}
                                    <div class="field">
                                        <label for="f-n">{t(l, Key::PlanInstalments)}</label>
                                        <select id="f-n" name="n">
                                            {(2..=v.max_instalments).map(|k| view! { <option value=k.to_string() selected=k == n>{k.to_string()}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="f-first">{t(l, Key::PlanFirst)}</label>
                                        <p class="hint" id="f-first-hint">{t(l, Key::PlanFirstHint)}" "{date(l, v.first_due_max)}"."</p>
                                        <input id="f-first" name="first" type="date" value=first.clone() aria-describedby="f-first-hint" required/>
                                    </div>
                                    <button type="submit">{t(l, Key::PlanShow)}</button>
                                </form>
                                {v.preview.clone().map(|rows| view! {
                                    <section class="card" aria-labelledby="schedule-h">
                                        <h2 id="schedule-h">{t(l, Key::PlanSchedule)}</h2>
                                        <table class="lines" data-testid="schedule">
                                            <tbody>
                                                {rows.into_iter().map(|(d, m)| view! {
                                                    <tr><td>{date(l, d)}</td><td class="num">{money(l, m)}</td></tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        {(!v.outside.is_empty()).then(|| view! {
                                            <div class="notice" role="status">
                                                <p>{t(l, Key::PlanOutside)}</p>
                                                <ul>{v.outside.iter().map(|c| view! { <li>{code_text(l, c)}</li> }).collect_view()}</ul>
                                            </div>
                                        })}
                                        <form method="post" action=format!("/invoices/{number}/plan")>
                                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                            <input type="hidden" name="n" value=n.to_string()/>
                                            <input type="hidden" name="first" value=first.clone()/>
                                            {also.iter().map(|a| view! { <input type="hidden" name="also" value=a.clone()/> }).collect_view()}
                                            <button type="submit" class="primary">
                                                {if v.outside.is_empty() { t(l, Key::PlanAccept) } else { t(l, Key::PlanRequest) }}
                                            </button>
                                        </form>
                                    </section>
                                })}
                            }.into_any()
                        } else {
                            view! { <p class="notice">{t(l, Key::PlanNotPossible)}</p> }.into_any()
                        }}
                    </Frame>
                }.into_any())
            })}
        </Suspense>
    }
}
