//! `/backoffice/templates` (admins): every message per step kind, channel and language, shipped
//! or edited; `/backoffice/templates/{kind}/{channel}/{locale}`: the editor with the variables,
//! checks, a preview with sample data, versions with diffs and rollback, and a test to oneself.
use super::api::{get_template, get_templates};
use super::frame::{loaded, when, StaffFlash, StaffFrame};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use settle_domain::i18n::staff::{st, staff_code_text, StaffKey as S};

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_templates());
    loaded(data, move |s, rows| {
        let l = s.locale;
        view! {
            <StaffFrame shell=s.clone() title=st(l, S::NavTemplates).to_string()>
                <h1>{st(l, S::NavTemplates)}</h1>
                <p>{st(l, S::TemplatesIntro)}</p>
                <table class="lines" data-testid="templates">
                    <thead><tr>
                        <th scope="col">{st(l, S::Stage)}</th><th scope="col">{st(l, S::Channel)}</th>
                        <th scope="col">{st(l, S::Language)}</th><th scope="col">{st(l, S::Version)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| {
                            let b = r.variant != "a";
                            let href = format!(
                                "/backoffice/templates/{}/{}/{}{}",
                                r.kind, r.channel, r.locale, if b { "?variant=b" } else { "" }
                            );
                            let version = match (r.version, r.author, r.at) {
                                (Some(v), Some(a), Some(at)) => format!("v{v} · {a} · {}", when(l, at)),
                                (Some(v), _, _) => format!("v{v}"),
                                _ => st(l, S::Shipped).to_string(),
                            };
                            view! {
                                <tr>
                                    <td><a href=href>{r.kind.clone()}</a>{b.then(|| format!(" · {} {}", st(l, S::Variant), r.variant.to_uppercase()))}</td>
                                    <td>{r.channel.clone()}</td>
                                    <td>{r.locale.clone()}</td>
                                    <td>{version}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </StaffFrame>
        }
        .into_any()
    })
}

#[component]
pub fn TemplateEditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("kind").unwrap_or_default(),
                p.get("channel").unwrap_or_default(),
                p.get("locale").unwrap_or_default(),
                query.read().get("variant"),
                query.read().get("diff"),
            )
        },
        |(k, c, l, v, d)| get_template(k, c, l, v, d),
    );
    loaded(data, move |s, v| {
        let l = s.locale;
        // The editor's path; a second wording (variant B) adds `?variant=b` to every address.
        let path = format!("/backoffice/templates/{}/{}/{}", v.kind, v.channel, v.locale);
        let q = if v.variant == "a" {
            String::new()
        } else {
            format!("?variant={}", v.variant)
        };
        let base = format!("{path}{q}");
        let amp = if q.is_empty() { "?" } else { "&" };
        let title = match v.variant.as_str() {
            "a" => format!("{} · {} · {}", v.kind, v.channel, v.locale),
            other => format!(
                "{} · {} · {} · {} {}",
                v.kind,
                v.channel,
                v.locale,
                st(l, S::Variant),
                other.to_uppercase()
            ),
        };
        let sms = v.channel == "sms";
        let err = |field: &str| {
            v.errors.get(field).map(|c| {
                let mut text = staff_code_text(l, c).to_string();
                if let (true, Some(u)) = (c == "template_unknown_variable", v.errors.get("unknown")) {
                    text = format!("{text} {u}");
                }
                view! { <p class="error" role="alert" data-testid=format!("error-{field}")>{text}</p> }
            })
        };
        let (subject_err, body_err) = (err("subject"), err("body"));
        let (subject_bad, body_bad) = (subject_err.is_some(), body_err.is_some());
        view! {
                    <StaffFrame shell=s.clone() title=title.clone()>
                        <p><a href="/backoffice/templates">"← "{st(l, S::NavTemplates)}</a></p>
                        <h1>{title.clone()}</h1>
                        <StaffFlash locale=l flash=s.flash.clone() form="template".to_string()/>
                        {v.is_draft.then(|| view! { <p class="notice" role="status">{st(l, S::DraftNotSaved)}</p> })}
                        <form method="post" action=base.clone() class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            {(!sms).then(|| view! {
                                <div class="field" class:has-error=subject_bad>
                                    <label for="f-subject">{st(l, S::Subject)}</label>
                                    {subject_err}
                                    <input id="f-subject" name="subject" type="text" value=v.subject.clone()/>
                                </div>
                            })}
                            <div class="field" class:has-error=body_bad>
                                <label for="f-body">{st(l, S::Body)}</label>
                                {body_err}
                                <textarea id="f-body" name="body" rows="16" class="mono">{v.body.clone()}</textarea>
                            </div>
                            <div class="buttons">
                                <button type="submit" name="action" value="preview">{st(l, S::Preview)}</button>
                                <button type="submit" name="action" value="save" class="primary">{st(l, S::Save)}</button>
                                <button type="submit" name="action" value="test">{st(l, S::SendTest)}</button>
                            </div>
                        </form>
                        <details class="card">
                            <summary>{st(l, S::Variables)}</summary>
                            <dl class="facts">
                                {v.variables.iter().map(|(n, d)| view! { <dt class="mono">{format!("{{{{ {n} }}}}")}</dt><dd>{d.clone()}</dd> }).collect_view()}
                            </dl>
                        </details>
                        {v.preview_text.clone().map(|text| view! {
                            <section class="card" aria-labelledby="preview-h" id="preview" data-testid="preview">
                                <h2 id="preview-h">{st(l, S::Preview)}</h2>
                                {v.preview_subject.clone().filter(|s| !s.is_empty()).map(|s| view! { <p><strong>{s}</strong></p> })}
                                <pre class="preview-text">{text}</pre>
                                {v.sms_segments.map(|n| view! { <p data-testid="segments">{st(l, S::Segments)}": "{n.to_string()}</p> })}
                                {(v.channel == "email").then(|| view! {
                                    <iframe src=format!("{path}/preview.html{q}") title=st(l, S::Preview) class="email-preview"></iframe>
                                })}
                                {(v.channel == "letter").then(|| view! {
                                    <p><a href=format!("{path}/preview.pdf{q}") data-testid="letter-preview">{st(l, S::LetterPreview)}</a></p>
                                })}
                            </section>
                        })}
                        <section class="card" aria-labelledby="versions-h">
                            <h2 id="versions-h">{st(l, S::Versions)}</h2>
                            {if v.versions.is_empty() {
                                view! { <p>{st(l, S::Shipped)}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="lines" data-testid="versions">
                                        <tbody>
                                            {v.versions.iter().map(|x| view! {
                                                <tr>
                                                    <td>{format!("v{}", x.version)}{x.active.then(|| format!(" ({})", st(l, S::Active)))}</td>
                                                    <td>{x.author.clone()}</td>
                                                    <td>{when(l, x.at)}</td>
                                                    <td><a href=format!("{base}{amp}diff={}", x.version)>{st(l, S::Diff)}</a></td>
                                                    <td>{(!x.active).then(|| view! {
                                                        <form method="post" action=base.clone()>
                                                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                                            <input type="hidden" name="version" value=x.version.to_string()/>
                                                            <button type="submit" name="action" value="rollback" class="small">{st(l, S::Rollback)}</button>
                                                        </form>
                                                    })}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <form method="post" action=base.clone()>
                                        <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                        <button type="submit" name="action" value="reset" class="small">{st(l, S::ResetShipped)}</button>
                                    </form>
                                }.into_any()
                            }}
                            {v.diff.clone().map(|(from, to, lines)| view! {
                                <h3>{format!("v{from} → v{to}")}</h3>
                                <pre class="diff" data-testid="diff">
                                    {lines.into_iter().map(|d| {
                                        let class = match d.tag { '+' => "add", '-' => "del", _ => "same" };
                                        view! { <span class=class>{format!("{} {}\n", d.tag, d.text)}</span> }
                                    }).collect_view()}
                                </pre>
                            })}
                        </section>
                    </StaffFrame>
                }.into_any()
    })
}
