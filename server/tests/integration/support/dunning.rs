//! Dunning fixtures: a fixed Monday, debtors with one open invoice, and the rows the engine
//! writes for an invoice.
use super::TestApp;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use settle_core::dunning::planner;
use settle_core::entities::{customer, invoice, outbox, reminder};
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use settle_domain::locale::Locale;
use settle_domain::money::Money;
use settle_domain::rf::RfReference;
use std::sync::atomic::{AtomicU32, Ordering};

/// Monday 23 November 2026, 10:00 in Amsterdam: inside the sending window.
pub fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

pub fn eur(cents: i64) -> String {
    Money::eur(cents).format(Locale::Nl)
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub struct Debtor {
    pub email: Option<&'static str>,
    pub phone: Option<&'static str>,
}

pub const EMAIL_ONLY: Debtor = Debtor {
    email: Some("debtor@example.nl"),
    phone: None,
};

/// A new debtor of the demo tenant with one open invoice.
pub async fn invoice_due(app: &TestApp, due: &str, open_cents: i64, who: &Debtor) -> invoice::Model {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let tenant = app.tenant().await;
    let now = app.state.clock.now();
    let email = who.email.map(|e| e.replace('@', &format!("+{n}@")));
    let cust = customer::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_number: Set(format!("T{n:05}")),
        name: Set(format!("Test Debtor {n}")),
        email: Set(email),
        phone_e164: Set(who.phone.map(String::from)),
        street: Set("Teststraat 1".into()),
        postcode: Set("1234 AB".into()),
        city: Set("Utrecht".into()),
        country: Set("NL".into()),
        language: Set(Some("nl".into())),
        pref_email: Set(true),
        pref_sms: Set(true),
        pref_letter: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    invoice_for(app, cust.id, n, due, open_cents).await
}

/// Another open invoice of a debtor, numbered `T-{n}` (`n` unique among the test's invoices).
pub async fn invoice_for(app: &TestApp, customer_id: i64, n: u32, due: &str, open_cents: i64) -> invoice::Model {
    let tenant = app.tenant().await;
    let now = app.state.clock.now();
    let due = day(due);
    invoice::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_id: Set(customer_id),
        number: Set(format!("T-{n}")),
        issue_date: Set(due - Duration::days(14)),
        due_date: Set(due),
        amount_cents: Set(open_cents),
        open_cents: Set(open_cents),
        currency: Set("EUR".into()),
        status: Set("open".into()),
        description: Set("Premie".into()),
        rf_reference: Set(RfReference::create(&format!("{}77{n}", tenant.id))
            .unwrap()
            .as_str()
            .to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap()
}

pub async fn reminders_of(app: &TestApp, inv: &invoice::Model) -> Vec<reminder::Model> {
    reminder::Entity::find()
        .filter(reminder::Column::InvoiceId.eq(inv.id))
        .all(&app.state.db)
        .await
        .unwrap()
}

pub async fn messages_of(app: &TestApp, inv: &invoice::Model) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::InvoiceId.eq(inv.id))
        .order_by_asc(outbox::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
}

pub async fn reload(app: &TestApp, inv: &invoice::Model) -> invoice::Model {
    invoice::Entity::find_by_id(inv.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

pub async fn plan(app: &TestApp, at: DateTime<Utc>) -> planner::PassReport {
    let tenant = app.tenant().await;
    planner::plan_tenant(&app.state.db, &tenant, at, false).await.unwrap()
}

/// One step of a test plan that applies to debtors tagged `tag` only.
pub struct OneStep {
    pub tag: &'static str,
    pub offset_days: i32,
    pub kind: &'static str,
    pub channels: &'static str,
    pub fee: &'static str,
    pub interest: &'static str,
}

/// A plan of one step, ahead of the demo plan for debtors with the step's tag; its id.
pub async fn one_step_plan(app: &TestApp, s: &OneStep) -> i64 {
    use settle_core::entities::{dunning_plan, dunning_step};
    let tenant = app.tenant().await;
    let plan = dunning_plan::ActiveModel {
        tenant_id: Set(tenant.id),
        name: Set(format!("Test {}", s.tag)),
        priority: Set(1),
        is_default: Set(false),
        segment: Set(format!(r#"{{"tags_any":["{}"]}}"#, s.tag)),
        created_at: Set(monday()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    dunning_step::ActiveModel {
        tenant_id: Set(tenant.id),
        plan_id: Set(plan.id),
        position: Set(1),
        name: Set(s.kind.into()),
        offset_days: Set(s.offset_days),
        kind: Set(s.kind.into()),
        channels: Set(s.channels.into()),
        fee: Set(s.fee.into()),
        interest: Set(s.interest.into()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    plan.id
}

/// Gives the invoice's debtor a tag (segments match on tags).
pub async fn tag_debtor(app: &TestApp, inv: &invoice::Model, tag: &str) {
    use settle_core::sea_orm::sea_query::Expr;
    customer::Entity::update_many()
        .col_expr(customer::Column::Tags, Expr::value(tag))
        .filter(customer::Column::Id.eq(inv.customer_id))
        .exec(&app.state.db)
        .await
        .unwrap();
}

/// One dunning round for the demo tenant at `at`, its emails over real SMTP to a loopback
/// sink, which is returned.
pub async fn remind_demo(app: &TestApp, at: DateTime<Utc>) -> super::smtp::Sink {
    use settle_core::outbox::{Mailer, Senders};
    let sink = super::smtp::smtp_sink().await;
    let mailer = Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").expect("mailer");
    settle_core::dunning::run::once(&app.state.db, &Senders::from(mailer), at, Some("demo"), false)
        .await
        .expect("dunning round");
    sink
}

/// Three online payments by the invoice's debtor at 17:10-17:12 UTC (around 19:00 in Amsterdam
/// in summer time): a payment habit send-time optimisation follows.
pub async fn evening_payment_habit(app: &TestApp, inv: &invoice::Model) {
    use settle_core::entities::payment;
    for (i, date) in ["2026-08-05", "2026-09-03", "2026-10-02"].iter().enumerate() {
        let at = Utc.from_utc_datetime(&day(date).and_hms_opt(17, 10 + i as u32, 0).unwrap());
        payment::ActiveModel {
            tenant_id: Set(inv.tenant_id),
            customer_id: Set(Some(inv.customer_id)),
            source: Set("provider".into()),
            dedup_key: Set(format!("habit-{}-{i}", inv.id)),
            amount_cents: Set(1_000),
            currency: Set("EUR".into()),
            received_on: Set(at.date_naive()),
            reference_text: Set(String::new()),
            match_state: Set("matched".into()),
            unallocated_cents: Set(0),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&app.state.db)
        .await
        .unwrap();
    }
}

/// A bank transfer paying what is open on the invoice, booked at `at`.
pub async fn pay_by_transfer(app: &TestApp, inv: &invoice::Model, at: DateTime<Utc>) {
    use settle_core::services::booking::{book, Incoming, Source};
    let open = reload(app, inv).await.open_cents;
    book(
        &app.state.db,
        inv.tenant_id,
        at,
        vec![Incoming {
            source: Source::Statement,
            dedup_key: format!("transfer-{}-{}", inv.id, at.timestamp()),
            amount_cents: open,
            currency: "EUR".into(),
            received_on: at.date_naive(),
            debtor_name: None,
            debtor_iban: None,
            reference_text: inv.number.clone(),
            end_to_end_id: None,
            checkout_id: None,
            invoices: vec![inv.id],
        }],
    )
    .await
    .unwrap();
}

/// The demo tenant's Twilio account (for SMS and calls), its API at `base_url` (a mock).
pub async fn twilio_account(app: &TestApp, base_url: &str, sid: &str, token: &str, from: &str) {
    let tenant = app.tenant().await;
    let creds = serde_json::json!({ "account_sid": sid, "auth_token": token, "from": from });
    settle_core::services::sms_settings::save(
        &app.state.db,
        &app.state.keys,
        monday(),
        tenant.id,
        "twilio",
        Some(base_url),
        &creds,
    )
    .await
    .unwrap();
}

/// Senders that use each tenant's own accounts (SMS, calls) over `http`, mail to the dev outbox.
pub fn tenant_senders(app: &TestApp, http: reqwest::Client) -> settle_core::outbox::Senders {
    settle_core::outbox::Senders {
        mail: settle_core::outbox::Mailer::DevOutbox,
        accounts: Some(settle_core::channels::Accounts::new(app.state.keys.clone(), http)),
        letter_spool: None,
    }
}
