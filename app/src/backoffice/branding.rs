//! `/backoffice/branding` (admins): name, colours with their contrast on white, support contact
//! and hours, legal footer, with a preview of the portal header; and the DNS records for mail.
use super::api::get_branding;
use super::frame::{loaded, StaffField, StaffFlash, StaffFrame};
use leptos::prelude::*;
use leptos_meta::Style;
use settle_domain::i18n::staff::{dns_status_text, st, staff_code_text, StaffKey as S};

#[component]
pub fn BrandingPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_branding());
    loaded(data, move |s, b| {
        let l = s.locale;
        let f = s.flash.clone().unwrap_or_default();
        let failed = f.form == "branding" && !f.errors.is_empty();
        let v = |field: &str, current: &str| {
            if failed {
                f.value_for("branding", field)
            } else {
                current.to_string()
            }
        };
        let e = |field: &str| f.error_for("branding", field);
        let ratio = |c: Option<f64>| {
            c.map(|c| format!("{}: {c:.1}:1", st(l, S::ContrastOnWhite)))
                .unwrap_or_default()
        };
        let (v_name, v_primary, v_accent) = (
            v("display_name", &b.display_name),
            v("primary", &b.primary),
            v("accent", &b.accent),
        );
        let (v_phone, v_email) = (
            v("support_phone", &b.support_phone),
            v("support_email", &b.support_email),
        );
        let (v_hours, v_footer) = (v("support_hours", &b.support_hours), v("legal_footer", &b.legal_footer));
        let (v_address, e_address) = (v("sender_address", &b.sender_address), e("sender_address"));
        let sender_name = b.sender_name.clone().map(|n| (v("sender_name", &n), e("sender_name")));
        let (e_name, e_primary, e_accent) = (e("display_name"), e("primary"), e("accent"));
        let (e_phone, e_email, e_hours, e_footer) = (
            e("support_phone"),
            e("support_email"),
            e("support_hours"),
            e("legal_footer"),
        );
        let logo_error = f.error_for("logo", "logo").map(|c| staff_code_text(l, &c).to_string());
        let (r_primary, r_accent) = (ratio(b.primary_contrast), ratio(b.accent_contrast));
        // Colours reach CSS only after the #RRGGBB check in the shell.
        let css = format!(
            ".brand-preview{{background:{};color:#fff;padding:1rem;border-radius:10px}}",
            s.tenant.primary
        );
        view! {
                    <StaffFrame shell=s.clone() title=st(l, S::NavBranding).to_string()>
                        <Style>{css}</Style>
                        <h1>{st(l, S::NavBranding)}</h1>
                        <StaffFlash locale=l flash=s.flash.clone() form="branding".to_string()/>
                        <p class="brand-preview" data-testid="brand-preview">{b.display_name.clone()}</p>
                        <form method="post" action="/backoffice/branding" class="card" novalidate>
                            <input type="hidden" name="csrf" value=s.csrf.clone()/>
                            <StaffField locale=l id="f-b-name".into() name="display_name" label=S::DisplayName
                                value=v_name error=e_name required=true/>
                            <StaffField locale=l id="f-b-primary".into() name="primary" label=S::Primary
                                value=v_primary error=e_primary required=true/>
                            <p class="hint">{r_primary}</p>
                            <StaffField locale=l id="f-b-accent".into() name="accent" label=S::Accent
                                value=v_accent error=e_accent required=true/>
                            <p class="hint">{r_accent}</p>
                            <StaffField locale=l id="f-b-phone".into() name="support_phone" label=S::SupportPhone kind="tel"
                                value=v_phone error=e_phone required=true/>
                            <StaffField locale=l id="f-b-email".into() name="support_email" label=S::SupportEmail kind="email"
                                value=v_email error=e_email required=true/>
                            <StaffField locale=l id="f-b-hours".into() name="support_hours" label=S::SupportHours
                                value=v_hours error=e_hours/>
                            <StaffField locale=l id="f-b-address".into() name="sender_address" label=S::SenderAddress
                                value=v_address error=e_address required=true/>
                            {sender_name.map(|(value, error)| view! {
                                <StaffField locale=l id="f-b-sender".into() name="sender_name" label=S::SenderName
                                    value=value error=error/>
                            })}
                            <StaffField locale=l id="f-b-footer".into() name="legal_footer" label=S::LegalFooter kind="textarea"
                                value=v_footer error=e_footer/>
                            <button type="submit" class="primary">{st(l, S::Save)}</button>
                        </form>
                        <section class="card" aria-labelledby="logo-h">
                            <h2 id="logo-h">{st(l, S::Logo)}</h2>
                            <StaffFlash locale=l flash=s.flash.clone() form="logo".to_string()/>
                            <p><img class="logo-preview" src="/logo.png" alt=st(l, S::CurrentLogo) data-testid="current-logo"/></p>
                            <form method="post" action="/backoffice/branding/logo" enctype="multipart/form-data">
                                <input type="hidden" name="csrf" value=s.csrf.clone()/>
                                <div class="field" class:has-error=logo_error.is_some()>
                                    <label for="f-logo">{st(l, S::LogoFile)}</label>
                                    <p class="hint" id="f-logo-hint">{st(l, S::LogoHint)}</p>
                                    {logo_error.clone().map(|m| view! { <p class="error" id="f-logo-err">{m}</p> })}
                                    <input id="f-logo" name="logo" type="file" required accept="image/png,image/svg+xml,.png,.svg"
                                        aria-describedby=if logo_error.is_some() { "f-logo-hint f-logo-err" } else { "f-logo-hint" }
                                        aria-invalid=logo_error.is_some().then_some("true")/>
                                </div>
                                <button type="submit">{st(l, S::Upload)}</button>
                            </form>
                        </section>
                        <section class="card" aria-labelledby="dns-h">
                            <h2 id="dns-h">{st(l, S::DnsRecords)}</h2>
                            {if b.dns.is_empty() {
                                view! { <p>{st(l, S::NoMailIdentity)}</p> }.into_any()
                            } else {
                                view! {
                                    <p>{st(l, S::DnsIntro)}</p>
                                    <table class="lines" data-testid="dns">
                                        <thead><tr>
                                            <th scope="col">{st(l, S::DnsPurpose)}</th><th scope="col">{st(l, S::DnsName)}</th>
                                            <th scope="col">{st(l, S::DnsValue)}</th><th scope="col">{st(l, S::DnsStatus)}</th>
                                        </tr></thead>
                                        <tbody>
                                        {b.dns.iter().map(|r| {
                                            let status = r.status.as_deref().map(|s| (s.to_string(), dns_status_text(l, s)));
                                            view! {
                                                <tr>
                                                    <td>{r.purpose.clone()}" ("{r.kind.clone()}")"</td>
                                                    <td class="mono">{r.name.clone()}</td>
                                                    <td class="mono detail">{r.value.clone()}</td>
                                                    <td data-testid=format!("dns-{}", r.purpose.to_lowercase())>
                                                        {status.map(|(code, text)| view! { <span class=format!("dns-status dns-{code}")>{text}</span> })}
                                                        {r.found.clone().map(|f| view! { <br/><span class="detail">{st(l, S::DnsFound)}": "<span class="mono">{f}</span></span> })}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    </StaffFrame>
                }.into_any()
    })
}
