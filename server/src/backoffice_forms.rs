//! The back office's form posts: notes, pausing and resuming dunning, payment links, and the
//! callback and dispute queues. Each checks the staff session and its CSRF token, calls one
//! service and redirects back with a notice or the errors.
use crate::forms::{back, codes, csrf_ok, notice, see_other, tenant_of};
use crate::payments::{field, form_pairs};
use actix_web::{web, HttpRequest, HttpResponse};
use settle_app::ssr::{identity_staff, urlencode};
use settle_core::backoffice::{actions, payments, queues, requests};
use settle_core::error::ServiceError;
use settle_core::staff::StaffScope;
use settle_core::state::AppState;
use settle_core::tenant::TenantCtx;
use std::sync::Arc;

type Data = web::Data<AppState>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::forms::post;
    cfg.service(post("/backoffice/debtors/{id}/note").to(note))
        .service(post("/backoffice/debtors/{id}/contact").to(contact))
        .service(post("/backoffice/debtors/{id}/representative").to(representative))
        .service(post("/backoffice/debtors/{id}/returned-letter").to(returned_letter))
        .service(post("/backoffice/debtors/{id}/erase").to(erase))
        .service(post("/backoffice/debtors/{id}/invoices/{number}/{action}").to(invoice_action))
        .service(post("/backoffice/callbacks/{id}/{action}").to(callback_action))
        .service(post("/backoffice/disputes/{id}/decide").to(decide))
        .service(post("/backoffice/payments/{id}/{action}").to(payment_action))
        .service(post("/backoffice/requests/{id}/decide").to(decide_request))
        .service(post("/backoffice/staff").to(add_staff))
        .service(post("/backoffice/branding").to(branding))
        .service(post("/backoffice/plans/{id}").to(save_plan))
        .service(post("/backoffice/plans/{id}/segment").to(save_segment))
        .service(post("/backoffice/policy").to(save_policy))
        .service(post("/backoffice/staff/{id}/{action}").to(staff_action))
        .service(
            web::resource("/backoffice/dashboard.csv")
                .guard(actix_web::guard::Get())
                .to(dashboard_csv),
        );
}

/// The staff member (else the login page, coming back to `here`) with a good CSRF token (else
/// back to `here` with the error on `form`).
pub(crate) async fn staff_in(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
    here: &str,
    form: &str,
) -> Result<(Arc<TenantCtx>, StaffScope), Box<HttpResponse>> {
    let tenant = tenant_of(req).ok_or_else(|| Box::new(HttpResponse::NotFound().finish()))?;
    let Some((scope, _)) = identity_staff(req, state, &tenant).await else {
        return Err(Box::new(see_other(&format!(
            "/backoffice/login?next={}",
            urlencode(here)
        ))));
    };
    if !csrf_ok(req, state, &tenant, token) {
        return Err(Box::new(back(
            state,
            here,
            form,
            &[],
            crate::forms::one("form", "csrf"),
        )));
    }
    Ok((tenant, scope))
}

/// Not found (another tenant's id, or none) is a 404; errors go back to `form`, the notice of
/// success to the page's `page_form` (a queue card may be gone by then).
fn answer_on(
    state: &AppState,
    r: Result<(), ServiceError>,
    here: &str,
    form: &str,
    page_form: &str,
    done: &str,
) -> HttpResponse {
    answer_keeping(state, r, here, (form, page_form), done, &[], &[])
}

pub(crate) fn answer(
    state: &AppState,
    r: Result<(), ServiceError>,
    here: &str,
    form: &str,
    done: &str,
) -> HttpResponse {
    answer_on(state, r, here, form, form, done)
}

/// The same, and a refused form comes back with what was typed in `fields` (never a password).
/// `forms`: where errors show, and where the notice of success shows.
pub(crate) fn answer_keeping(
    state: &AppState,
    r: Result<(), ServiceError>,
    here: &str,
    (form, page_form): (&str, &str),
    done: &str,
    pairs: &[(String, String)],
    fields: &[&str],
) -> HttpResponse {
    match r {
        Ok(()) => notice(state, here, page_form, done, &[]),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(ServiceError::Forbidden) => HttpResponse::Forbidden().finish(),
        Err(e) => {
            let keep: Vec<(&str, &str)> = fields.iter().map(|k| (*k, field(pairs, k))).collect();
            back(state, here, form, &keep, codes(e))
        }
    }
}

async fn note(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let here = format!("/backoffice/debtors/{id}");
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "note").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = actions::add_note(&state.db, &scope, *id, field(&pairs, "note"), state.clock.now()).await;
    answer(&state, r, &here, "note", "note_saved")
}

async fn erase(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let here = format!("/backoffice/debtors/{id}");
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "erase").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let confirmed = field(&pairs, "confirm") == "yes";
    let r = actions::erase_contact(&state.db, &scope, *id, confirmed, state.clock.now()).await;
    answer(&state, r, &here, "erase", "contact_erased")
}

async fn invoice_action(
    req: HttpRequest,
    state: Data,
    path: web::Path<(i64, String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (id, number, action) = path.into_inner();
    let pairs = form_pairs(&body);
    let here = format!("/backoffice/debtors/{id}");
    let (tenant, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "invoice").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let now = state.clock.now();
    let (r, done) = match action.as_str() {
        "pause" => (
            actions::pause(&state.db, &scope, id, &number, field(&pairs, "reason"), now).await,
            "paused",
        ),
        "resume" => (
            actions::resume(&state.db, &tenant, &scope, id, &number, now).await,
            "resumed",
        ),
        "link" => (
            actions::resend_link(&state.db, &tenant, &scope, id, &number, field(&pairs, "channel"), now).await,
            "link_sent_to_debtor",
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    answer(&state, r, &here, "invoice", done)
}

async fn callback_action(
    req: HttpRequest,
    state: Data,
    path: web::Path<(i64, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    let pairs = form_pairs(&body);
    let here = "/backoffice/callbacks";
    let form = format!("callback-{id}");
    let (tenant, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), here, &form).await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let (r, done) = match action.as_str() {
        "claim" => (queues::claim(&state, &scope, id).await, "claimed"),
        "outcome" => (
            queues::outcome(
                &state,
                &tenant,
                &scope,
                id,
                field(&pairs, "outcome"),
                field(&pairs, "note"),
                field(&pairs, "promised_on"),
            )
            .await,
            "callback_closed",
        ),
        "move" => (
            queues::reschedule(&state, &tenant, &scope, id, field(&pairs, "slot")).await,
            "callback_rescheduled",
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    answer_on(&state, r, here, &form, "callback", done)
}

async fn decide(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let here = "/backoffice/disputes";
    let form = format!("dispute-{id}");
    let (tenant, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), here, &form).await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = queues::decide(
        &state,
        &tenant,
        &scope,
        *id,
        field(&pairs, "decision"),
        field(&pairs, "credit"),
        field(&pairs, "explanation"),
    )
    .await;
    answer_on(&state, r, here, &form, "dispute", "dispute_decided")
}

async fn payment_action(
    req: HttpRequest,
    state: Data,
    path: web::Path<(i64, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    let pairs = form_pairs(&body);
    let here = "/backoffice/payments";
    let form = format!("payment-{id}");
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), here, &form).await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let now = state.clock.now();
    let (r, done) = match action.as_str() {
        "allocate" => {
            let numbers = pairs.iter().filter(|(k, _)| k == "invoice").map(|(_, v)| v.clone());
            let amounts = pairs.iter().filter(|(k, _)| k == "amount").map(|(_, v)| v.clone());
            let parts: Vec<(String, String)> = numbers.zip(amounts.chain(std::iter::repeat(String::new()))).collect();
            (
                payments::allocate(&state.db, &scope, id, &parts, now).await,
                "payment_allocated",
            )
        }
        "refund" => (
            payments::mark_for_refund(&state.db, &scope, id, now).await,
            "payment_refund",
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    answer_on(&state, r, here, &form, "payments", done)
}

async fn decide_request(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let here = "/backoffice/requests";
    let form = format!("request-{id}");
    let (tenant, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), here, &form).await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let d = requests::Decide {
        decision: field(&pairs, "decision"),
        n: field(&pairs, "n"),
        first: field(&pairs, "first"),
        until: field(&pairs, "until"),
        explanation: field(&pairs, "explanation"),
    };
    let r = requests::decide(&state, &tenant, &scope, *id, &d).await;
    answer_on(&state, r, here, &form, "requests", "request_decided")
}

async fn returned_letter(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    use settle_core::backoffice::returned_letters;
    let pairs = form_pairs(&body);
    let here = format!("/backoffice/debtors/{id}");
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "returned").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = match field(&pairs, "letter").trim().parse::<i64>() {
        Ok(letter) => {
            let reason = field(&pairs, "reason");
            returned_letters::register(&state.db, &scope, *id, letter, reason, state.clock.now()).await
        }
        Err(_) => Err(ServiceError::invalid("letter", "letter_unknown")),
    };
    answer_on(&state, r, &here, "returned", "debtor", "letter_returned")
}

async fn contact(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let here = format!("/backoffice/debtors/{id}");
    let (tenant, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "contact").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let c = actions::Contact {
        email: field(&pairs, "email"),
        phone: field(&pairs, "phone"),
        street: field(&pairs, "street"),
        postcode: field(&pairs, "postcode"),
        city: field(&pairs, "city"),
        country: field(&pairs, "country"),
        legal_stop: field(&pairs, "legal_stop"),
    };
    let r = actions::correct_contact(&state.db, &tenant, &scope, *id, &c, state.clock.now()).await;
    let fields = ["email", "phone", "street", "postcode", "city", "country", "legal_stop"];
    answer_keeping(
        &state,
        r,
        &here,
        ("contact", "debtor"),
        "contact_corrected",
        &pairs,
        &fields,
    )
}

#[derive(serde::Deserialize)]
struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
    days: Option<i64>,
}

/// The dashboard's figures as a CSV download.
async fn dashboard_csv(req: HttpRequest, state: Data, q: web::Query<RangeQuery>) -> HttpResponse {
    use settle_core::backoffice::dashboard;
    let Some(tenant) = tenant_of(&req) else {
        return HttpResponse::NotFound().finish();
    };
    let Some((scope, _)) = identity_staff(&req, &state, &tenant).await else {
        return see_other("/backoffice/login?next=/backoffice/dashboard");
    };
    let now = state.clock.now();
    let Ok((from, to)) = dashboard::range(tenant.today(now), q.from.as_deref(), q.to.as_deref()) else {
        return HttpResponse::BadRequest().finish();
    };
    let result = dashboard::view(&state.db, &tenant, &scope, from, to, q.days.unwrap_or(7), now).await;
    match result.and_then(|v| dashboard::csv(&v)) {
        Ok(bytes) => HttpResponse::Ok()
            .insert_header(("content-type", "text/csv; charset=utf-8"))
            .insert_header((
                "content-disposition",
                format!("attachment; filename=\"settle-{}-{from}-{to}.csv\"", tenant.slug),
            ))
            .body(bytes),
        Err(e) => {
            tracing::error!(error = %e, "dashboard export failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

pub(crate) fn show_once(req: &HttpRequest, once: &settle_domain::backoffice::SecondFactorOnce) {
    use actix_session::SessionExt;
    let _ = req.get_session().insert(settle_app::ssr::SECOND_FACTOR_ONCE, once);
}

async fn add_staff(req: HttpRequest, state: Data, body: web::Bytes) -> HttpResponse {
    let pairs = form_pairs(&body);
    let here = "/backoffice/staff";
    let (tenant, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), here, "staff_add").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let m = settle_core::staff::manage::NewMember {
        email: field(&pairs, "email"),
        name: field(&pairs, "name"),
        role: field(&pairs, "role"),
        password: field(&pairs, "password"),
        second_factor: field(&pairs, "second_factor") == "yes" || field(&pairs, "role") == "admin",
    };
    match settle_core::staff::manage::add(&state, &tenant, &scope, &m).await {
        Ok(once) => {
            if let Some(o) = &once {
                show_once(&req, o);
            }
            notice(&state, here, "staff", "staff_added", &[])
        }
        Err(ServiceError::Forbidden) => HttpResponse::Forbidden().finish(),
        Err(e) => back(
            &state,
            here,
            "staff_add",
            &[("name", m.name), ("email", m.email)],
            codes(e),
        ),
    }
}

async fn staff_action(req: HttpRequest, state: Data, path: web::Path<(i64, String)>, body: web::Bytes) -> HttpResponse {
    use settle_core::staff::manage;
    let (id, action) = path.into_inner();
    let pairs = form_pairs(&body);
    let here = "/backoffice/staff";
    let (tenant, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), here, "staff").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let r = match action.as_str() {
        "disable" => manage::set_disabled(&state, &scope, id, true).await,
        "enable" => manage::set_disabled(&state, &scope, id, false).await,
        "second-factor" => manage::new_second_factor(&state, &tenant, &scope, id)
            .await
            .map(|o| show_once(&req, &o)),
        _ => return HttpResponse::NotFound().finish(),
    };
    answer(&state, r, here, "staff", "staff_updated")
}

async fn representative(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    use settle_core::services::representatives::{self, NewRepresentative};
    let pairs = form_pairs(&body);
    let here = format!("/backoffice/debtors/{id}");
    let (tenant, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "representative").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let debtor = match actions::debtor(&state.db, &scope, *id).await {
        Ok(d) => d,
        Err(_) => return HttpResponse::NotFound().finish(),
    };
    let now = state.clock.now();
    let opt = |k: &str| Some(field(&pairs, k).trim()).filter(|v| !v.is_empty());
    let (r, done) = if field(&pairs, "action") == "remove" {
        (
            representatives::remove(&state.db, tenant.id, &scope.actor(), &debtor.customer_number, now)
                .await
                .map(|_| ()),
            "representative_removed",
        )
    } else {
        let address = opt("street").map(|street| {
            (
                street,
                field(&pairs, "postcode"),
                field(&pairs, "city"),
                field(&pairs, "country"),
            )
        });
        let r = NewRepresentative {
            kind: field(&pairs, "kind"),
            name: field(&pairs, "name"),
            email: opt("email"),
            phone: opt("phone"),
            address,
            instead: field(&pairs, "instead") == "yes",
        };
        (
            representatives::set(&state.db, &tenant, &scope.actor(), &debtor.customer_number, &r, now).await,
            "representative_saved",
        )
    };
    let fields = ["name", "email", "phone", "street", "postcode", "city", "country"];
    answer_keeping(&state, r, &here, ("representative", "debtor"), done, &pairs, &fields)
}

async fn branding(req: HttpRequest, state: Data, body: web::Bytes) -> HttpResponse {
    use settle_core::backoffice::branding::{save, Branding};
    let pairs = form_pairs(&body);
    let here = "/backoffice/branding";
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), here, "branding").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let b = Branding {
        display_name: field(&pairs, "display_name"),
        primary: field(&pairs, "primary"),
        accent: field(&pairs, "accent"),
        support_phone: field(&pairs, "support_phone"),
        support_email: field(&pairs, "support_email"),
        support_hours: field(&pairs, "support_hours"),
        legal_footer: field(&pairs, "legal_footer"),
        sender_address: field(&pairs, "sender_address"),
        sender_name: field(&pairs, "sender_name"),
    };
    let r = save(&state, &scope, &b).await;
    let fields = [
        "display_name",
        "primary",
        "accent",
        "support_phone",
        "support_email",
        "support_hours",
        "legal_footer",
        "sender_address",
        "sender_name",
    ];
    answer_keeping(
        &state,
        r,
        here,
        ("branding", "branding"),
        "branding_saved",
        &pairs,
        &fields,
    )
}

async fn save_plan(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    use settle_core::backoffice::plan_editor;
    use settle_domain::backoffice::StepRow;
    let pairs = form_pairs(&body);
    let here = format!("/backoffice/plans/{id}");
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "plan").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let all = |k: &str| -> Vec<String> { pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect() };
    let (ids, names, offsets, kinds) = (all("id"), all("name"), all("offset"), all("kind"));
    let (channels, fees, interests) = (all("channels"), all("fee"), all("interest"));
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    let rows: Vec<StepRow> = (0..names.len().min(plan_editor::MAX_STEPS + 5))
        .map(|i| StepRow {
            id: at(&ids, i).parse().ok(),
            name: at(&names, i),
            offset_days: at(&offsets, i),
            kind: at(&kinds, i),
            channels: at(&channels, i),
            fee: at(&fees, i),
            interest: at(&interests, i),
            used: false,
        })
        .collect();
    match plan_editor::save(&state, &scope, *id, &rows).await {
        Ok(()) => notice(&state, &here, "plan", "plan_saved", &[]),
        Err(ServiceError::NotFound) => HttpResponse::NotFound().finish(),
        Err(ServiceError::Forbidden) => HttpResponse::Forbidden().finish(),
        Err(e) => {
            // The rows as typed, in the order the service numbered them (empty new rows dropped).
            let kept: Vec<&StepRow> = rows
                .iter()
                .filter(|r| !r.name.trim().is_empty() || r.id.is_some())
                .collect();
            let mut values: Vec<(String, String)> = vec![("rows".into(), kept.len().to_string())];
            for (i, r) in kept.iter().enumerate() {
                for (k, v) in [
                    ("id", r.id.map(|x| x.to_string()).unwrap_or_default()),
                    ("name", r.name.clone()),
                    ("offset", r.offset_days.clone()),
                    ("kind", r.kind.clone()),
                    ("channels", r.channels.clone()),
                    ("fee", r.fee.clone()),
                    ("interest", r.interest.clone()),
                ] {
                    values.push((format!("{k}_{i}"), v));
                }
            }
            let refs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            back(&state, &here, "plan", &refs, codes(e))
        }
    }
}

async fn save_policy(req: HttpRequest, state: Data, body: web::Bytes) -> HttpResponse {
    use settle_domain::backoffice::PolicyForm;
    let pairs = form_pairs(&body);
    let here = "/backoffice/plans";
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), here, "policy").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let text = |k: &str| field(&pairs, k).to_string();
    let f = PolicyForm {
        window_opens: text("window_opens"),
        window_closes: text("window_closes"),
        closed_weekdays: text("closed_weekdays"),
        holiday_region: text("holiday_region"),
        extra_closed_dates: text("extra_closed_dates"),
        letter_delivery_days: text("letter_delivery_days"),
        email_delivery_days: text("email_delivery_days"),
        email_per_day: text("email_per_day"),
        sms_per_day: text("sms_per_day"),
        letters_per_day: text("letters_per_day"),
        send_time_optimisation: field(&pairs, "send_time_optimisation") == "yes",
        click_tracking: field(&pairs, "click_tracking") == "yes",
        open_tracking: field(&pairs, "open_tracking") == "yes",
        tracking_retention_days: text("tracking_retention_days"),
        closed_debtor_retention_days: text("closed_debtor_retention_days"),
        learning: field(&pairs, "learning") == "yes",
        holdout_percent: text("holdout_percent"),
    };
    let r = settle_core::backoffice::contact_policy::save(&state, &scope, &f).await;
    let fields = [
        "window_opens",
        "window_closes",
        "closed_weekdays",
        "holiday_region",
        "extra_closed_dates",
        "letter_delivery_days",
        "email_delivery_days",
        "email_per_day",
        "sms_per_day",
        "letters_per_day",
        "tracking_retention_days",
        "closed_debtor_retention_days",
        "holdout_percent",
    ];
    answer_keeping(&state, r, here, ("policy", "policy"), "policy_saved", &pairs, &fields)
}

async fn save_segment(req: HttpRequest, state: Data, id: web::Path<i64>, body: web::Bytes) -> HttpResponse {
    use settle_domain::backoffice::SegmentForm;
    let pairs = form_pairs(&body);
    let here = format!("/backoffice/plans/{id}");
    let (_, scope) = match staff_in(&req, &state, field(&pairs, "csrf"), &here, "segment").await {
        Ok(ok) => ok,
        Err(res) => return *res,
    };
    let text = |k: &str| field(&pairs, k).to_string();
    let f = SegmentForm {
        name: text("name"),
        priority: text("priority"),
        tags: text("tags"),
        languages: text("languages"),
        min_open: text("min_open"),
        max_open: text("max_open"),
        min_reminded: text("min_reminded"),
    };
    let r = settle_core::backoffice::plan_editor::save_segment(&state, &scope, *id, &f).await;
    let fields = [
        "name",
        "priority",
        "tags",
        "languages",
        "min_open",
        "max_open",
        "min_reminded",
    ];
    answer_keeping(
        &state,
        r,
        &here,
        ("segment", "segment"),
        "segment_saved",
        &pairs,
        &fields,
    )
}
