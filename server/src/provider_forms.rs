//! The provider settings page's posts (`/backoffice/providers/{mail,sms,payment,print}`,
//! admins). A refused form comes back with what was typed, never with a credential.
use crate::backoffice_forms::{answer_keeping, staff_in};
use crate::payments::{field, form_pairs};
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::backoffice::providers::{self, MailForm, PaymentForm};
use settle_core::state::AppState;

const HERE: &str = "/backoffice/providers";

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post("/backoffice/providers/{which}").to(save));
}

async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    which: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let pairs = form_pairs(&body);
    let f = |name: &str| field(&pairs, name);
    let which = which.into_inner();
    let (_, scope) = match staff_in(&req, &state, f("csrf"), HERE, &which).await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let (r, keep): (_, &[&str]) = match which.as_str() {
        "mail" => {
            let form = MailForm {
                from: f("from"),
                reply_to: f("reply_to"),
                dkim: f("dkim"),
                selector: f("selector"),
            };
            (
                providers::save_mail(&state, &scope, &form).await,
                &["from", "reply_to", "dkim", "selector"],
            )
        }
        "sms" => {
            let names = ["account_sid", "auth_token", "from", "access_key", "originator"];
            let fields: Vec<(&str, &str)> = names.iter().map(|n| (*n, f(n))).collect();
            let r = providers::save_sms(&state, &scope, f("provider"), &fields).await;
            (r, &["provider", "account_sid", "from", "originator"])
        }
        "payment" => {
            let form = PaymentForm {
                provider: f("provider"),
                api_key: f("api_key"),
                webhook_secret: f("webhook_secret"),
                previous_webhook_secret: f("previous_webhook_secret"),
                allow_partial: !f("allow_partial").is_empty(),
                min_partial: f("min_partial"),
            };
            (
                providers::save_payment(&state, &scope, &form).await,
                &["provider", "min_partial"],
            )
        }
        "print" => (
            providers::save_print(&state, &scope, f("url"), f("token")).await,
            &["url"],
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    answer_keeping(&state, r, HERE, (&which, &which), "provider_saved", &pairs, keep)
}
