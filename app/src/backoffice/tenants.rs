//! `/backoffice/tenants` (operators): every creditor on the platform with its hosts and size,
//! and a form for a new one with its first admin, whose second factor is shown once.
use super::api::get_tenants;
use super::frame::{loaded, StaffField, StaffFlash, StaffFrame};
use super::providers::choice;
use super::staff::SecondFactorOnceCard;
use leptos::prelude::*;
use settle_domain::i18n::staff::{st, StaffKey as S};
use settle_domain::locale::Locale;
use settle_domain::views::Flash;

#[component]
pub fn TenantsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_tenants());
    loaded(data, move |s, v| {
        let l = s.locale;
        let f = s.flash.clone().unwrap_or_default();
        view! {
            <StaffFrame shell=s.clone() title=st(l, S::NavTenants).to_string()>
                <h1>{st(l, S::NavTenants)}</h1>
                <StaffFlash locale=l flash=s.flash.clone() form="tenants".to_string()/>
                <SecondFactorOnceCard locale=l once=v.once.clone()/>
                <table class="lines" data-testid="tenants">
                    <thead><tr>
                        <th scope="col">{st(l, S::Name)}</th><th scope="col">{st(l, S::Hosts)}</th>
                        <th scope="col">{st(l, S::Language)}</th><th scope="col">{st(l, S::Debtors)}</th>
                        <th scope="col">{st(l, S::OpenInvoices)}</th><th scope="col">{st(l, S::NavStaff)}</th>
                    </tr></thead>
                    <tbody>
                        {v.tenants.into_iter().map(|t| view! {
                            <tr>
                                <td>{t.name.clone()}" ("<span class="mono">{t.slug.clone()}</span>")"</td>
                                <td>
                                    <a href=format!("{}/backoffice", t.base_url)>{t.base_url.clone()}</a><br/>
                                    <span class="mono detail">{t.hosts.join(", ")}</span>
                                </td>
                                <td>{t.locale.clone()}</td>
                                <td>{t.debtors}</td>
                                <td>{t.open_invoices}</td>
                                <td>{t.staff}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <NewTenantForm locale=l csrf=s.csrf.clone() flash=f/>
            </StaffFrame>
        }
        .into_any()
    })
}

#[component]
fn NewTenantForm(locale: Locale, csrf: String, flash: Flash) -> impl IntoView {
    let l = locale;
    let failed = flash.form == "tenant" && !flash.errors.is_empty();
    let v = |field: &str| {
        if failed {
            flash.value_for("tenant", field)
        } else {
            String::new()
        }
    };
    let e = |field: &str| flash.error_for("tenant", field);
    view! {
        <details class="card" open=failed>
            <summary>{st(l, S::NewTenant)}</summary>
            <StaffFlash locale=l flash=Some(flash.clone()) form="tenant".to_string()/>
            <form method="post" action="/backoffice/tenants" novalidate>
                <input type="hidden" name="csrf" value=csrf/>
                <StaffField locale=l id="f-t-slug".into() name="slug" label=S::Slug value=v("slug") error=e("slug") required=true/>
                <StaffField locale=l id="f-t-name".into() name="name" label=S::DisplayName value=v("name") error=e("name") required=true/>
                <StaffField locale=l id="f-t-url".into() name="base_url" label=S::BaseUrl kind="url" value=v("base_url") error=e("base_url") required=true/>
                <StaffField locale=l id="f-t-hosts".into() name="hosts" label=S::Hosts value=v("hosts") error=e("hosts")/>
                {choice(l, "f-t-country", "country", S::CountryOfLaw,
                    vec![("NL", "Nederland".into()), ("DE", "Deutschland".into())], v("country"), e("country"))}
                {choice(l, "f-t-locale", "locale", S::Language,
                    vec![("nl", "Nederlands".into()), ("de", "Deutsch".into()), ("en", "English".into())], v("locale"), e("locale"))}
                <StaffField locale=l id="f-t-legal".into() name="legal_name" label=S::LegalName value=v("legal_name") error=e("legal_name") required=true/>
                <StaffField locale=l id="f-t-iban".into() name="iban" label=S::Iban value=v("iban") error=e("iban") required=true/>
                <StaffField locale=l id="f-t-bic".into() name="bic" label=S::Bic value=v("bic") error=e("bic")/>
                <StaffField locale=l id="f-t-address".into() name="address" label=S::SenderAddress value=v("address") error=e("address") required=true/>
                <StaffField locale=l id="f-t-semail".into() name="support_email" label=S::SupportEmail kind="email" value=v("support_email") error=e("support_email") required=true/>
                <StaffField locale=l id="f-t-sphone".into() name="support_phone" label=S::SupportPhone kind="tel" value=v("support_phone") error=e("support_phone") required=true/>
                <fieldset>
                    <legend>{st(l, S::FirstAdmin)}</legend>
                    <StaffField locale=l id="f-t-aemail".into() name="admin_email" label=S::Email kind="email" value=v("admin_email") error=e("admin_email") required=true/>
                    <StaffField locale=l id="f-t-aname".into() name="admin_name" label=S::Name value=v("admin_name") error=e("admin_name") required=true/>
                    <StaffField locale=l id="f-t-apw".into() name="admin_password" label=S::InitialPassword kind="password" error=e("admin_password") required=true/>
                </fieldset>
                <button type="submit" class="primary">{st(l, S::CreateTenant)}</button>
            </form>
        </details>
    }
}
