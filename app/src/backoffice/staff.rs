//! `/backoffice/staff` (admins): the tenant's staff, adding one, disabling or enabling an
//! account, a new second factor; a new secret and its recovery codes are shown once.
use super::api::get_staff_page;
use super::frame::{loaded, role_text, when, StaffField, StaffFlash, StaffFrame};
use leptos::prelude::*;
use settle_domain::backoffice::SecondFactorOnce;
use settle_domain::i18n::staff::{st, StaffKey as S};

#[component]
pub fn StaffPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_staff_page());
    loaded(data, move |s, v| {
        let l = s.locale;
        let f = s.flash.clone().unwrap_or_default();
        let csrf = s.csrf.clone();
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::NavStaff).to_string()>
                        <h1>{st(l, S::NavStaff)}</h1>
                        <StaffFlash locale=l flash=s.flash.clone() form="staff".to_string()/>
                        <SecondFactorOnceCard locale=l once=v.once.clone()/>
                        <table class="lines" data-testid="staff">
                            <thead><tr>
                                <th scope="col">{st(l, S::Name)}</th><th scope="col">{st(l, S::Email)}</th><th scope="col">{st(l, S::Role)}</th>
                                <th scope="col">{st(l, S::SecondFactor)}</th><th scope="col">{st(l, S::LastLogin)}</th><th scope="col">{st(l, S::Actions)}</th>
                            </tr></thead>
                            <tbody>
                                {v.staff.into_iter().map(|m| {
                                    let base = format!("/backoffice/staff/{}", m.id);
                                    view! {
                                        <tr>
                                            <td>{m.name.clone()}{m.disabled.then(|| format!(" ({})", st(l, S::Disabled)))}</td>
                                            <td>{m.email.clone()}</td>
                                            <td>{role_text(l, &m.role)}</td>
                                            <td>{if m.second_factor { st(l, S::Yes) } else { st(l, S::No) }}</td>
                                            <td>{m.last_login.map(|t| when(l, t)).unwrap_or_default()}</td>
                                            <td>{(!m.me).then(|| view! {
                                                <form method="post" action=format!("{base}/{}", if m.disabled { "enable" } else { "disable" }) class="inline">
                                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                                    <button type="submit" class="small">{if m.disabled { st(l, S::Enable) } else { st(l, S::Disable) }}</button>
                                                </form>
                                                <form method="post" action=format!("{base}/second-factor") class="inline">
                                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                                    <button type="submit" class="small">{st(l, S::NewSecondFactor)}</button>
                                                </form>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <section class="card" aria-labelledby="add-h">
                            <h2 id="add-h">{st(l, S::AddStaff)}</h2>
                            <StaffFlash locale=l flash=s.flash.clone() form="staff_add".to_string()/>
                            <form method="post" action="/backoffice/staff" novalidate>
                                <input type="hidden" name="csrf" value=csrf.clone()/>
                                <StaffField locale=l id="f-s-name".into() name="name" label=S::Name
                                    value=f.value_for("staff_add", "name") error=f.error_for("staff_add", "name") required=true/>
                                <StaffField locale=l id="f-s-email".into() name="email" label=S::Email kind="email"
                                    value=f.value_for("staff_add", "email") error=f.error_for("staff_add", "email") required=true/>
                                <div class="field">
                                    <label for="f-s-role">{st(l, S::Role)}</label>
                                    <select id="f-s-role" name="role">
                                        <option value="agent">{st(l, S::RoleAgent)}</option>
                                        <option value="admin">{st(l, S::RoleAdmin)}</option>
                                    </select>
                                </div>
                                <StaffField locale=l id="f-s-password".into() name="password" label=S::InitialPassword kind="password"
                                    autocomplete="new-password" error=f.error_for("staff_add", "password") required=true/>
                                <div class="check">
                                    <input type="checkbox" id="f-s-2fa" name="second_factor" value="yes" checked/>
                                    <label for="f-s-2fa">{st(l, S::WithSecondFactor)}</label>
                                </div>
                                <button type="submit" class="primary">{st(l, S::Add)}</button>
                            </form>
                        </section>
                    </StaffFrame>
                }.into_any()
    })
}

/// A second factor just set up, shown this once: QR code, key and recovery codes.
#[component]
pub fn SecondFactorOnceCard(locale: settle_domain::locale::Locale, once: Option<SecondFactorOnce>) -> impl IntoView {
    let l = locale;
    once.map(|o| {
        view! {
            <section class="card" aria-labelledby="once-h" data-testid="second-factor-once">
                <h2 id="once-h">{st(l, S::OnceTitle)}" · "{o.email.clone()}</h2>
                <p>{st(l, S::OnceIntro)}</p>
                <div class="qr" inner_html=o.qr_svg.clone()></div>
                <p>{st(l, S::Key)}": "<code data-testid="totp-secret">{o.secret.clone()}</code></p>
                <p>{st(l, S::RecoveryCodes)}":"</p>
                <ul class="mono">{o.recovery_codes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
            </section>
        }
    })
}
