//! `/profile` form posts: address, preferences, a new email address (and the confirmation of
//! its link), a new mobile number (and its SMS code). Each checks the session and its CSRF
//! token, calls one service and comes back to `/profile` with a notice or the errors.
use crate::forms::{back, caller, codes, csrf_ok, notice, one, see_other, tenant_of};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use settle_app::ssr::{client_ip, identity_scope};
use settle_core::error::ServiceError;
use settle_core::services::profile::{self, Preferences};
use settle_core::state::AppState;

type Data = web::Data<AppState>;

const HERE: &str = "/profile";

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post("/profile/address").to(address))
        .service(post("/profile/preferences").to(preferences))
        .service(post("/profile/email").to(email))
        .service(post("/profile/email/confirm").to(email_confirm))
        .service(post("/profile/phone").to(phone))
        .service(post("/profile/phone/verify").to(phone_verify));
}

/// The checks every profile post shares: a tenant, a session, the CSRF token. `Err` is the
/// response to give instead.
macro_rules! signed_in {
    ($req:expr, $state:expr, $csrf:expr, $form:expr, $values:expr) => {{
        let Some(tenant) = tenant_of(&$req) else {
            return HttpResponse::NotFound().finish();
        };
        let Some(scope) = identity_scope(&$req, &tenant) else {
            return see_other("/login?next=/profile");
        };
        if !csrf_ok(&$req, &$state, &tenant, $csrf) {
            return back(&$state, HERE, $form, $values, one("form", "csrf"));
        }
        (tenant, scope)
    }};
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AddressForm {
    csrf: String,
    street: String,
    postcode: String,
    city: String,
    country: String,
}

async fn address(req: HttpRequest, state: Data, form: web::Form<AddressForm>) -> HttpResponse {
    let f = form.into_inner();
    let values = [
        ("street", f.street.as_str()),
        ("postcode", f.postcode.as_str()),
        ("city", f.city.as_str()),
        ("country", f.country.as_str()),
    ];
    let (_, scope) = signed_in!(req, state, &f.csrf, "profile_address", &values);
    match profile::update_address(&state, &scope, &f.street, &f.postcode, &f.city, &f.country).await {
        Ok(()) => notice(&state, HERE, "profile_address", "saved", &[]),
        Err(e) => back(&state, HERE, "profile_address", &values, codes(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PrefsForm {
    csrf: String,
    language: String,
    email: Option<String>,
    sms: Option<String>,
    letter: Option<String>,
    sms_consent: Option<String>,
    voice_consent: Option<String>,
    /// Present when the form offered the tracking box (an unticked box sends nothing).
    tracking_offered: Option<String>,
    tracking: Option<String>,
    /// The language the form was shown in (its consent wording).
    shown_in: String,
}

async fn preferences(req: HttpRequest, state: Data, form: web::Form<PrefsForm>) -> HttpResponse {
    let f = form.into_inner();
    let (tenant, scope) = signed_in!(req, state, &f.csrf, "profile_prefs", &[]);
    let p = Preferences {
        language: &f.language,
        email: f.email.is_some(),
        sms: f.sms.is_some(),
        letter: f.letter.is_some(),
        sms_consent: f.sms_consent.is_some(),
        voice_consent: f.voice_consent.is_some(),
        tracking: f.tracking_offered.is_some().then_some(f.tracking.is_some()),
        shown_in: settle_domain::locale::Locale::parse(&f.shown_in),
    };
    match profile::update_preferences(&state, &tenant, &scope, &p).await {
        Ok(()) => notice(&state, HERE, "profile_prefs", "saved", &[]),
        Err(e) => back(&state, HERE, "profile_prefs", &[], codes(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmailForm {
    csrf: String,
    email: String,
    password: String,
    token: String,
}

async fn email(req: HttpRequest, state: Data, form: web::Form<EmailForm>) -> HttpResponse {
    let f = form.into_inner();
    let values = [("email", f.email.as_str())];
    let (tenant, scope) = signed_in!(req, state, &f.csrf, "profile_email", &values);
    let ip = client_ip(&req);
    match profile::request_email_change(&state, &caller(&req, &tenant, &ip), &scope, &f.email, &f.password).await {
        Ok(_) => notice(&state, HERE, "profile_email", "email_link_sent", &[]),
        Err(e) => back(&state, HERE, "profile_email", &values, codes(e)),
    }
}

/// The button on the confirmation page; works without a session (the link may be opened on
/// another device), the link itself is the proof.
async fn email_confirm(req: HttpRequest, state: Data, form: web::Form<EmailForm>) -> HttpResponse {
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let here = format!(
        "/profile/email/confirm?token={}",
        settle_app::ssr::urlencode(&form.token)
    );
    if !csrf_ok(&req, &state, &tenant, &form.csrf) {
        return back(&state, &here, "email_confirm", &[], one("form", "csrf"));
    }
    match profile::confirm_email_change(&state, &tenant, &form.token).await {
        Ok(()) => {
            let to = if identity_scope(&req, &tenant).is_some() {
                HERE
            } else {
                "/login"
            };
            let form = if to == HERE { "profile_email" } else { "login" };
            notice(&state, to, form, "email_changed", &[])
        }
        Err(ServiceError::NotFound) => back(&state, &here, "email_confirm", &[], one("form", "link_invalid")),
        Err(e) => back(&state, &here, "email_confirm", &[], codes(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PhoneForm {
    csrf: String,
    phone: String,
    code: String,
}

async fn phone(req: HttpRequest, state: Data, form: web::Form<PhoneForm>) -> HttpResponse {
    let f = form.into_inner();
    let values = [("phone", f.phone.as_str())];
    let (tenant, scope) = signed_in!(req, state, &f.csrf, "profile_phone", &values);
    let ip = client_ip(&req);
    match profile::request_phone_code(&state, &caller(&req, &tenant, &ip), &scope, &f.phone).await {
        Ok(_) => notice(&state, HERE, "profile_phone_code", "phone_code_sent", &[]),
        Err(e) => back(&state, HERE, "profile_phone", &values, codes(e)),
    }
}

async fn phone_verify(req: HttpRequest, state: Data, form: web::Form<PhoneForm>) -> HttpResponse {
    let f = form.into_inner();
    let (tenant, scope) = signed_in!(req, state, &f.csrf, "profile_phone_code", &[]);
    let ip = client_ip(&req);
    match profile::verify_phone_code(&state, &caller(&req, &tenant, &ip), &scope, &f.code).await {
        Ok(()) => notice(&state, HERE, "profile_phone", "phone_saved", &[]),
        Err(e) => back(&state, HERE, "profile_phone_code", &[], codes(e)),
    }
}
