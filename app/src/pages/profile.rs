//! `/profile`: the debtor's contact data. Each section is its own form that posts and comes back
//! here with a notice or with errors at its fields; a new email address or mobile number counts
//! once confirmed (link, SMS code).
use crate::api::get_profile;
use crate::ui::{use_shell, ConsentList, Field, FlashBox, Frame, Loading};
use leptos::prelude::*;
use settle_domain::address::{country_name, COUNTRIES};
use settle_domain::i18n::{code_text, t, Key};
use settle_domain::locale::Locale;
use settle_domain::views::{Flash, ProfileView};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let shell = use_shell();
    let profile = Resource::new(|| (), |_| get_profile());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let s = shell.await.ok()?;
                let p = profile.await.ok()?;
                let l = s.locale;
                let flash = s.flash.clone().unwrap_or_default();
                let csrf = s.csrf.clone();
                Some(view! {
                    <Frame shell=s.clone() title=t(l, Key::ProfileTitle).to_string()>
                        <h1>{t(l, Key::ProfileTitle)}</h1>
                        <p>{t(l, Key::ProfileIntro)}</p>
                        {(!p.full_login).then(|| view! {
                            <div class="alert" role="status">{t(l, Key::ProfileFullLogin)}</div>
                        })}
                        {p.representative.clone().map(|(kind, name, instead)| {
                            let label = match kind.as_str() {
                                "administrator" => Key::RepAdministrator,
                                "guardian" => Key::RepGuardian,
                                "debt_counsellor" => Key::RepDebtCounsellor,
                                _ => Key::RepOther,
                            };
                            let how = if instead { Key::RepInstead } else { Key::RepBesides };
                            view! {
                                <section class="card" aria-labelledby="rep-h" data-testid="representative">
                                    <h2 id="rep-h">{t(l, Key::RepHeading)}</h2>
                                    <p><strong>{name}</strong>" ("{t(l, label)}") "{t(l, how)}</p>
                                </section>
                            }
                        })}
                        <Email l=l p=p.clone() flash=flash.clone() csrf=csrf.clone() shell_flash=s.flash.clone()/>
                        <Phone l=l p=p.clone() flash=flash.clone() csrf=csrf.clone() shell_flash=s.flash.clone()/>
                        <Address l=l p=p.clone() flash=flash.clone() csrf=csrf.clone() shell_flash=s.flash.clone()/>
                        <Preferences l=l p=p.clone() flash=flash.clone() csrf=csrf.clone() shell_flash=s.flash.clone()/>
                        <YourData l=l full_login=p.full_login/>
                    </Frame>
                })
            })}
        </Suspense>
    }
}

#[component]
fn Email(l: Locale, p: ProfileView, flash: Flash, csrf: String, shell_flash: Option<Flash>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="email-h">
            <h2 id="email-h">{t(l, Key::EmailHeading)}</h2>
            <p>{t(l, Key::CurrentEmail)}": "<strong data-testid="current-email">{p.email.clone().unwrap_or_default()}</strong></p>
            {p.pending_email.clone().map(|e| view! { <p class="hint">{t(l, Key::PendingConfirmation)}": "{e}</p> })}
            <FlashBox locale=l flash=shell_flash form="profile_email"/>
            {p.full_login.then(|| view! {
                <form method="post" action="/profile/email" novalidate>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <Field locale=l name="email" id="f-new-email" label=Key::NewEmail kind="email" autocomplete="email"
                        value=flash.value_for("profile_email", "email") error=flash.error_for("profile_email", "email")/>
                    <Field locale=l name="password" id="f-current-password" label=Key::CurrentPassword kind="password"
                        autocomplete="current-password" hint=Some(Key::CurrentPasswordHint)
                        error=flash.error_for("profile_email", "password")/>
                    <button type="submit">{t(l, Key::EmailChangeButton)}</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn Phone(l: Locale, p: ProfileView, flash: Flash, csrf: String, shell_flash: Option<Flash>) -> impl IntoView {
    let waiting = p.pending_phone.clone();
    view! {
        <section class="card" aria-labelledby="phone-h">
            <h2 id="phone-h">{t(l, Key::PhoneHeading)}</h2>
            <p>{t(l, Key::CurrentPhone)}": "<strong data-testid="current-phone">{p.phone.clone().unwrap_or_else(|| "–".into())}</strong></p>
            <FlashBox locale=l flash=shell_flash.clone() form="profile_phone"/>
            {p.full_login.then(|| view! {
                <form method="post" action="/profile/phone" novalidate>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <Field locale=l name="phone" label=Key::NewPhone kind="tel" autocomplete="tel" inputmode="tel"
                        hint=Some(Key::PhoneHint) value=flash.value_for("profile_phone", "phone")
                        error=flash.error_for("profile_phone", "phone")/>
                    <button type="submit">{t(l, Key::PhoneCodeButton)}</button>
                </form>
            })}
            {waiting.filter(|_| p.full_login).map(|n| view! {
                <form method="post" action="/profile/phone/verify" novalidate>
                    <p class="hint">{t(l, Key::PendingConfirmation)}": "{n}</p>
                    <FlashBox locale=l flash=shell_flash.clone() form="profile_phone_code"/>
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <Field locale=l name="code" id="f-phone-code" label=Key::Code autocomplete="one-time-code" inputmode="numeric"
                        error=flash.error_for("profile_phone_code", "code")/>
                    <button type="submit">{t(l, Key::VerifyCode)}</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn Address(l: Locale, p: ProfileView, flash: Flash, csrf: String, shell_flash: Option<Flash>) -> impl IntoView {
    let typed = |field: &str, stored: &str| {
        let v = flash.value_for("profile_address", field);
        if flash.form == "profile_address" {
            v
        } else {
            stored.to_string()
        }
    };
    let country = typed("country", &p.country);
    let country_error = flash.error_for("profile_address", "country");
    view! {
        <section class="card" aria-labelledby="address-h">
            <h2 id="address-h">{t(l, Key::AddressHeading)}</h2>
            <FlashBox locale=l flash=shell_flash form="profile_address"/>
            <form method="post" action="/profile/address" novalidate>
                <input type="hidden" name="csrf" value=csrf/>
                <Field locale=l name="street" label=Key::Street autocomplete="street-address"
                    value=typed("street", &p.street) error=flash.error_for("profile_address", "street")/>
                <Field locale=l name="postcode" label=Key::Postcode autocomplete="postal-code"
                    value=typed("postcode", &p.postcode) error=flash.error_for("profile_address", "postcode")/>
                <Field locale=l name="city" label=Key::City autocomplete="address-level2"
                    value=typed("city", &p.city) error=flash.error_for("profile_address", "city")/>
                <div class="field" class:has-error=country_error.is_some()>
                    <label for="f-country">{t(l, Key::Country)}</label>
                    {country_error.clone().map(|c| view! { <p class="error" id="f-country-error">{code_text(l, &c)}</p> })}
                    <select id="f-country" name="country" autocomplete="country"
                        aria-invalid=country_error.is_some().then_some("true")
                        aria-describedby=country_error.is_some().then_some("f-country-error")>
                        {COUNTRIES.iter().map(|c| view! { <option value=*c selected=*c == country>{country_name(c, l)}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" disabled=!p.full_login>{t(l, Key::SaveButton)}</button>
            </form>
        </section>
    }
}

#[component]
fn Preferences(l: Locale, p: ProfileView, flash: Flash, csrf: String, shell_flash: Option<Flash>) -> impl IntoView {
    let channels_error = flash.error_for("profile_prefs", "channels");
    let channels_described = channels_error.is_some().then_some("f-channels-error");
    let consent_error = flash.error_for("profile_prefs", "sms_consent");
    let consent_described = consent_error.is_some().then_some("f-consent-error");
    let voice_error = flash.error_for("profile_prefs", "voice_consent");
    let voice_described = voice_error.is_some().then_some("f-voice-error");
    let language = p.language.clone().unwrap_or_else(|| l.code().to_string());
    let check = |id: &'static str, name: &'static str, key: Key, on: bool| {
        view! {
            <div class="check">
                <input type="checkbox" id=id name=name value="on" checked=on/>
                <label for=id>{t(l, key)}</label>
            </div>
        }
    };
    view! {
        <section class="card" aria-labelledby="prefs-h">
            <h2 id="prefs-h">{t(l, Key::PrefsHeading)}</h2>
            <FlashBox locale=l flash=shell_flash form="profile_prefs"/>
            <form method="post" action="/profile/preferences" novalidate>
                <input type="hidden" name="csrf" value=csrf/>
                // The language of the consent wording on this page, for the consent record.
                <input type="hidden" name="shown_in" value=l.code()/>
                <fieldset aria-describedby=channels_described>
                    <legend class="visually-hidden">{t(l, Key::PrefsHeading)}</legend>
                    {channels_error.map(|c| view! { <p class="error" id="f-channels-error">{code_text(l, &c)}</p> })}
                    {check("f-pref-email", "email", Key::ChannelEmail, p.pref_email)}
                    {check("f-pref-sms", "sms", Key::ChannelSms, p.pref_sms)}
                    {check("f-pref-letter", "letter", Key::ChannelLetter, p.pref_letter)}
                    <p class="hint">{t(l, Key::PrefsNote)}</p>
                </fieldset>
                <div class="check" class:has-error=consent_described.is_some()>
                    {consent_error.map(|c| view! { <p class="error" id="f-consent-error">{code_text(l, &c)}</p> })}
                    <input type="checkbox" id="f-sms-consent" name="sms_consent" value="on" checked=p.pref_sms
                        aria-describedby=consent_described/>
                    <label for="f-sms-consent">{t(l, Key::SmsConsent)}</label>
                </div>
                <div class="check" class:has-error=voice_described.is_some()>
                    {voice_error.map(|c| view! { <p class="error" id="f-voice-error">{code_text(l, &c)}</p> })}
                    <input type="checkbox" id="f-voice-consent" name="voice_consent" value="on" checked=p.voice_consent
                        aria-describedby=voice_described/>
                    <label for="f-voice-consent">{t(l, Key::VoiceConsent)}</label>
                </div>
                {p.tracking_offered.then(|| view! {
                    <div class="check">
                        <input type="hidden" name="tracking_offered" value="1"/>
                        <input type="checkbox" id="f-tracking" name="tracking" value="on" checked=p.tracking/>
                        <label for="f-tracking">{t(l, Key::TrackingConsent)}</label>
                    </div>
                })}
                <div class="field">
                    <label for="f-language">{t(l, Key::Language)}</label>
                    <select id="f-language" name="language">
                        {Locale::ALL.iter().map(|o| view! {
                            <option value=o.code() selected=o.code() == language>{o.native_name()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" disabled=!p.full_login>{t(l, Key::SaveButton)}</button>
            </form>
            <ConsentList locale=l rows=p.consents.clone()/>
        </section>
    }
}

/// Everything Settle holds about the debtor, to download (behind a full login).
#[component]
fn YourData(l: Locale, full_login: bool) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="data-h" data-testid="your-data">
            <h2 id="data-h">{t(l, Key::DataHeading)}</h2>
            <p>{t(l, Key::DataIntro)}</p>
            {full_login.then(|| view! {
                <p class="actions">
                    <a class="button" href="/profile/data.json" download>{t(l, Key::DataJson)}</a>" "
                    <a class="button" href="/profile/data.csv" download>{t(l, Key::DataCsv)}</a>
                </p>
            })}
        </section>
    }
}
