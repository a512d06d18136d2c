//! Consent records (GDPR): a debtor gives and withdraws consent for SMS reminders and for
//! counting opens and clicks on `/profile`; each change is one record (what, when, how, in
//! which language), shown to the debtor and to staff, exported with the debtor's data and
//! erased with the contact data. A "no" to counting takes the pixel and the tracked link out of
//! the next reminder email.
use crate::backoffice::as_agent;
use crate::support::dunning::*;
use crate::support::*;
use settle_core::entities::{consent, customer};
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};

async fn records(app: &TestApp, customer_id: i64) -> Vec<(String, bool, String, String)> {
    consent::Entity::find()
        .filter(consent::Column::CustomerId.eq(customer_id))
        .order_by_asc(consent::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.purpose, r.granted, r.source, r.locale))
        .collect()
}

async fn save_prefs(app: &TestApp, extra: &[(&str, &str)]) -> String {
    let csrf = csrf_for(&app.html("/profile").await, "/profile/preferences").unwrap();
    let mut form = vec![("csrf", csrf.as_str()), ("language", "nl"), ("email", "on")];
    form.extend_from_slice(extra);
    let res = app.post("/profile/preferences", &form).await;
    assert_eq!(location(&res), "/profile");
    app.html("/profile").await
}

fn row(purpose: &str, granted: bool) -> (String, bool, String, String) {
    (purpose.into(), granted, "portal".into(), "nl".into())
}

#[tokio::test]
async fn consents_given_and_withdrawn_on_the_profile_are_recorded_shown_and_exported() {
    let app = spawn_app().await;
    let jan = customer_by_email(&app, "demo@settle.test").await;
    let mut with_phone: customer::ActiveModel = jan.clone().into();
    with_phone.phone_e164 = Set(Some("+31612345678".into()));
    with_phone.update(&app.state.db).await.unwrap();
    app.login("demo@settle.test", "demo-password-1").await;
    let page = app.html("/profile").await;
    assert!(
        page.contains("id=\"f-tracking\"") && page.contains("Tel het wanneer ik een herinnering"),
        "the demo creditor counts opens and clicks, so the debtor may say no: {page}"
    );
    assert!(!page.contains("data-testid=\"consents\""), "no records yet");

    // Bad input (SMS without its consent box) saves nothing and records nothing.
    let page = save_prefs(&app, &[("sms", "on"), ("tracking_offered", "1")]).await;
    assert!(page.contains("Geef toestemming voor sms"));
    assert!(records(&app, jan.id).await.is_empty());
    assert!(customer_now(&app, jan.id).await.tracking_refused_at.is_none());

    // SMS with consent, and no to counting: two records.
    save_prefs(&app, &[("sms", "on"), ("sms_consent", "on"), ("tracking_offered", "1")]).await;
    let now = customer_now(&app, jan.id).await;
    assert!(now.sms_consent_at.is_some() && now.tracking_refused_at.is_some());
    assert_eq!(
        records(&app, jan.id).await,
        vec![row("sms", true), row("tracking", false)]
    );
    // Saving the same choices again records nothing new.
    save_prefs(&app, &[("sms", "on"), ("sms_consent", "on"), ("tracking_offered", "1")]).await;
    assert_eq!(records(&app, jan.id).await.len(), 2);
    // SMS off, counting on again, on a page shown in German: the record names the language
    // of the wording the debtor read.
    let page = save_prefs(
        &app,
        &[("tracking_offered", "1"), ("tracking", "on"), ("shown_in", "de")],
    )
    .await;
    let de = |purpose: &str, granted| (purpose.to_string(), granted, "portal".to_string(), "de".to_string());
    assert_eq!(
        records(&app, jan.id).await,
        vec![
            row("sms", true),
            row("tracking", false),
            de("sms", false),
            de("tracking", true)
        ]
    );
    assert!(customer_now(&app, jan.id).await.tracking_refused_at.is_none());
    let list = &page[page.find("data-testid=\"consents\"").expect("the history is shown")..];
    for text in [
        "Herinneringen per sms",
        "Openen en klikken tellen",
        "Ingetrokken",
        "Gegeven",
        "Online, in het portaal",
    ] {
        assert!(list.contains(text), "{text}: {list}");
    }

    // In the debtor's data download.
    let json = app.get("/profile/data.json").await.text().await.unwrap();
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(data["tables"]["consents"].as_array().map(Vec::len), Some(4), "{json}");

    // Staff see the same history on the debtor's page, in their language.
    as_agent(&app).await;
    let staff = app.html(&format!("/backoffice/debtors/{}", jan.id)).await;
    assert!(
        staff.contains("data-testid=\"consents\"") && staff.contains("Toestemmingen"),
        "{staff}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_creditor_that_counts_nothing_offers_no_box_and_a_forged_choice_records_nothing() {
    use settle_core::entities::dunning_setting;
    use settle_core::sea_orm::sea_query::Expr;
    let app = spawn_app().await;
    dunning_setting::Entity::update_many()
        .col_expr(dunning_setting::Column::ClickTracking, Expr::value(false))
        .col_expr(dunning_setting::Column::OpenTracking, Expr::value(false))
        .filter(dunning_setting::Column::TenantId.eq(app.tenant().await.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let jan = customer_by_email(&app, "demo@settle.test").await;
    app.login("demo@settle.test", "demo-password-1").await;
    assert!(
        !app.html("/profile").await.contains("f-tracking"),
        "nothing is counted, nothing to refuse"
    );
    let page = save_prefs(&app, &[("tracking_offered", "1")]).await;
    assert!(page.contains("Opgeslagen."));
    assert!(records(&app, jan.id).await.is_empty());
    assert!(customer_now(&app, jan.id).await.tracking_refused_at.is_none());
    app.cleanup().await;
}

#[tokio::test]
async fn after_a_no_to_counting_a_reminder_email_has_no_pixel_and_links_straight_to_payment() {
    let app = spawn_app().await;
    let counted = invoice_due(&app, "2026-11-14", 4_321, &EMAIL_ONLY).await;
    let refused = invoice_due(&app, "2026-11-14", 4_321, &EMAIL_ONLY).await;
    let mut who: customer::ActiveModel = customer_now(&app, refused.customer_id).await.into();
    who.tracking_refused_at = Set(Some(start_time()));
    who.update(&app.state.db).await.unwrap();
    let _sink = remind_demo(&app, monday()).await;
    let html_of = |m: &settle_core::entities::outbox::Model| m.body_html.clone().unwrap_or_default();
    let yes = messages_of(&app, &counted).await.remove(0);
    assert!(
        html_of(&yes).contains("/t/o/") && yes.body_text.contains("/t/c/"),
        "the tenant counts"
    );
    let no = messages_of(&app, &refused).await.remove(0);
    assert!(!html_of(&no).contains("/t/o/"), "no pixel");
    assert!(
        !html_of(&no).contains("/t/c/") && !no.body_text.contains("/t/c/"),
        "no tracked link"
    );
    assert!(no.body_text.contains("/pay/"), "the payment link itself");

    // Saying no also stops the counting of emails sent before: their pixel counts nothing.
    let mut later: customer::ActiveModel = customer_now(&app, counted.customer_id).await.into();
    later.tracking_refused_at = Set(Some(start_time()));
    later.update(&app.state.db).await.unwrap();
    let html = html_of(&yes);
    let at = html.find("/t/o/").unwrap();
    let pixel = &html[at..at + html[at..].find('"').unwrap()];
    assert_eq!(app.get(pixel).await.status(), 200);
    app.state.tracker.flush(&app.state.db).await.unwrap();
    let opened = settle_core::entities::message_event::Entity::find()
        .filter(settle_core::entities::message_event::Column::Kind.eq("opened"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(opened, 0, "not counted after the no");
    app.cleanup().await;
}
