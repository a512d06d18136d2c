//! `/backoffice/api-keys` (admins): the tenant's API keys (name, rights, first characters, who
//! made it, last use), a new key shown once, and revoking a key.
use super::api::get_api_keys;
use super::frame::{loaded, when, StaffField, StaffFlash, StaffFrame};
use leptos::prelude::*;
use settle_domain::i18n::staff::{st, StaffKey as S};

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_api_keys());
    loaded(data, move |s, v| {
        let l = s.locale;
        let csrf = s.csrf.clone();
        let f = s.flash.clone().unwrap_or_default();
        let failed = f.form == "api_key" && !f.errors.is_empty();
        let name = if failed {
            f.value_for("api_key", "name")
        } else {
            String::new()
        };
        let scope_label = move |scope: &str| {
            if scope == "write" {
                st(l, S::ScopeWrite)
            } else {
                st(l, S::ScopeRead)
            }
        };
        view! {
            <StaffFrame shell=s.clone() title=st(l, S::NavApiKeys).to_string()>
                <h1>{st(l, S::NavApiKeys)}</h1>
                <p>{st(l, S::ApiKeysIntro)}</p>
                <StaffFlash locale=l flash=s.flash.clone() form="api_keys".to_string()/>
                {v.new_key.clone().map(|key| view! {
                    <section class="card" aria-labelledby="key-once-h" data-testid="api-key-once">
                        <h2 id="key-once-h">{st(l, S::KeyOnceTitle)}</h2>
                        <p>{st(l, S::KeyOnceIntro)}</p>
                        <p><code class="mono" data-testid="api-key">{key}</code></p>
                    </section>
                })}
                {if v.keys.is_empty() {
                    view! { <p>{st(l, S::NoApiKeys)}</p> }.into_any()
                } else {
                    view! {
                        <table class="lines" data-testid="api-keys">
                            <thead><tr>
                                <th scope="col">{st(l, S::KeyName)}</th><th scope="col">{st(l, S::KeyScope)}</th>
                                <th scope="col">{st(l, S::KeyPrefix)}</th><th scope="col">{st(l, S::CreatedBy)}</th>
                                <th scope="col">{st(l, S::LastUsed)}</th><th scope="col">{st(l, S::Actions)}</th>
                            </tr></thead>
                            <tbody>
                                {v.keys.into_iter().map(|k| view! {
                                    <tr>
                                        <td>{k.name.clone()}</td>
                                        <td>{scope_label(&k.scope)}</td>
                                        <td class="mono">{format!("{}…", k.prefix)}</td>
                                        <td>{k.created_by.clone()}", "{when(l, k.created)}</td>
                                        <td>{k.last_used.map(|t| when(l, t)).unwrap_or_default()}</td>
                                        <td>{match k.revoked {
                                            Some(at) => format!("{} {}", st(l, S::Revoked), when(l, at)).into_any(),
                                            None => view! {
                                                <form method="post" action=format!("/backoffice/api-keys/{}/revoke", k.id) class="inline">
                                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                                    <button type="submit" class="small">{st(l, S::Revoke)}" "{k.name.clone()}</button>
                                                </form>
                                            }.into_any(),
                                        }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <section class="card" aria-labelledby="new-key-h">
                    <h2 id="new-key-h">{st(l, S::NewApiKey)}</h2>
                    <StaffFlash locale=l flash=s.flash.clone() form="api_key".to_string()/>
                    <form method="post" action="/backoffice/api-keys" novalidate>
                        <input type="hidden" name="csrf" value=s.csrf.clone()/>
                        <StaffField locale=l id="f-k-name".into() name="name" label=S::KeyName value=name
                            error=f.error_for("api_key", "name") required=true/>
                        <fieldset>
                            <legend>{st(l, S::KeyScope)}</legend>
                            <div class="field check">
                                <input id="f-k-read" type="radio" name="scope" value="read" checked=true/>
                                <label for="f-k-read">{st(l, S::ScopeRead)}</label>
                            </div>
                            <div class="field check">
                                <input id="f-k-write" type="radio" name="scope" value="write"/>
                                <label for="f-k-write">{st(l, S::ScopeWrite)}</label>
                            </div>
                        </fieldset>
                        <button type="submit" class="primary">{st(l, S::NewApiKey)}</button>
                    </form>
                </section>
            </StaffFrame>
        }
        .into_any()
    })
}
