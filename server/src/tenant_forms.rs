//! `POST /backoffice/tenants` (operators): a new tenant with its first admin, whose second
//! factor is shown once on the tenants page.
use crate::backoffice_forms::{answer_keeping, show_once, staff_in};
use crate::payments::{field, form_pairs};
use actix_web::{web, HttpRequest, HttpResponse};
use settle_core::backoffice::tenants::{self, NewTenant};
use settle_core::state::AppState;

const HERE: &str = "/backoffice/tenants";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::forms::post(HERE).to(create));
}

async fn create(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let f = |name: &str| field(&pairs, name);
    let (_, scope) = match staff_in(&req, &state, f("csrf"), HERE, "tenant").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let t = NewTenant {
        slug: f("slug"),
        name: f("name"),
        base_url: f("base_url"),
        hosts: f("hosts"),
        country: f("country"),
        locale: f("locale"),
        legal_name: f("legal_name"),
        iban: f("iban"),
        bic: f("bic"),
        address: f("address"),
        support_email: f("support_email"),
        support_phone: f("support_phone"),
        admin_email: f("admin_email"),
        admin_name: f("admin_name"),
        admin_password: f("admin_password"),
    };
    let r = tenants::create(&state, &scope, &t)
        .await
        .map(|once| show_once(&req, &once));
    let keep = [
        "slug",
        "name",
        "base_url",
        "hosts",
        "country",
        "locale",
        "legal_name",
        "iban",
        "bic",
        "address",
        "support_email",
        "support_phone",
        "admin_email",
        "admin_name",
    ];
    answer_keeping(&state, r, HERE, ("tenant", "tenants"), "tenant_created", &pairs, &keep)
}
