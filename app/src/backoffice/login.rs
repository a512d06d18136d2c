//! `/backoffice/login` (email and password) and `/backoffice/login/code` (the second step: an
//! authenticator code or a recovery code).
use super::frame::{StaffField, StaffFlash, StaffFrame};
use crate::ui::{use_shell, Loading};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use settle_domain::i18n::staff::{st, StaffKey as S};

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let shell = use_shell();
    let query = use_query_map();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let next = query.read_untracked().get("next").unwrap_or_default();
                let f = s.flash.clone().unwrap_or_default();
                Some(view! {
                    <StaffFrame shell=s.clone() title=st(l, S::LoginTitle).to_string()>
                        <h1>{st(l, S::LoginTitle)}</h1>
                        <StaffFlash locale=l flash=s.flash.clone() form="staff_login".to_string()/>
                        <form method="post" action="/backoffice/login" class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            <input type="hidden" name="next" value=next/>
                            <StaffField locale=l id="f-email".into() name="email" label=S::Email kind="email" autocomplete="username"
                                value=f.value_for("staff_login", "email") error=f.error_for("staff_login", "email") required=true/>
                            <StaffField locale=l id="f-password".into() name="password" label=S::Password kind="password"
                                autocomplete="current-password" error=f.error_for("staff_login", "password") required=true/>
                            <button type="submit" class="primary">{st(l, S::LoginButton)}</button>
                        </form>
                    </StaffFrame>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn StaffCodePage() -> impl IntoView {
    let shell = use_shell();
    let query = use_query_map();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let l = s.locale;
                let next = query.read_untracked().get("next").unwrap_or_default();
                let f = s.flash.clone().unwrap_or_default();
                Some(view! {
                    <StaffFrame shell=s.clone() title=st(l, S::TotpTitle).to_string()>
                        <h1>{st(l, S::TotpTitle)}</h1>
                        <p>{st(l, S::TotpIntro)}</p>
                        <StaffFlash locale=l flash=s.flash.clone() form="staff_code".to_string()/>
                        <form method="post" action="/backoffice/login/code" class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            <input type="hidden" name="next" value=next/>
                            <StaffField locale=l id="f-code".into() name="code" label=S::TotpCode autocomplete="one-time-code"
                                error=f.error_for("staff_code", "code") required=true/>
                            <button type="submit" class="primary">{st(l, S::Confirm)}</button>
                        </form>
                    </StaffFrame>
                })
            })}
        </Suspense>
    }
}
