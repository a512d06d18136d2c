//! `/profile`: a debtor keeps their contact data current. Bad input comes back at the field in
//! Dutch with the data intact; good input is saved, kept in the change history with old and new
//! value, and reported to the creditor as `customer.updated`; a new email address or mobile
//! number counts only once confirmed.
use crate::support::*;
use settle_core::entities::{customer, outbox, outgoing_event, portal_account};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use settle_core::services::profile;

async fn demo_debtor(app: &TestApp) -> customer::Model {
    customer_by_email(app, "demo@settle.test").await
}

async fn reload(app: &TestApp, id: i64) -> customer::Model {
    customer_now(app, id).await
}

async fn updated_events(app: &TestApp) -> Vec<String> {
    outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("customer.updated"))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.payload)
        .collect()
}

#[tokio::test]
async fn the_address_and_preferences_are_checked_saved_kept_in_history_and_reported() {
    let app = spawn_app().await;
    let before = demo_debtor(&app).await;
    // Not logged in: to the login page, nothing changes.
    let anon = app.post("/profile/address", &[("street", "X")]).await;
    assert!(location(&anon).starts_with("/login"));

    app.login("demo@settle.test", "demo-password-1").await;
    let page = app.html("/profile").await;
    assert!(page.contains(&before.street) && page.contains("Mijn gegevens"));
    let csrf = csrf_for(&page, "/profile/address").unwrap();

    let bad = [
        ("csrf", csrf.as_str()),
        ("street", "Nieuwe Gracht 5"),
        ("postcode", "0123 AB"),
        ("city", " "),
        ("country", "NL"),
    ];
    let res = app.post("/profile/address", &bad).await;
    assert_eq!(location(&res), "/profile");
    let page = app.html("/profile").await;
    assert!(
        page.contains("Deze postcode klopt niet voor het gekozen land."),
        "{page}"
    );
    assert!(page.contains("Dit veld is verplicht."));
    assert!(page.contains("value=\"Nieuwe Gracht 5\""), "the typed street stays");
    assert_eq!(reload(&app, before.id).await.street, before.street, "nothing saved");

    let good = [
        ("csrf", csrf.as_str()),
        ("street", "Nieuwe  Gracht 5"),
        ("postcode", "3512lk"),
        ("city", "Utrecht"),
        ("country", "NL"),
    ];
    let res = app.post("/profile/address", &good).await;
    assert_eq!(location(&res), "/profile");
    assert!(app.html("/profile").await.contains("Opgeslagen."));
    let after = reload(&app, before.id).await;
    assert_eq!(
        (after.street.as_str(), after.postcode.as_str(), after.city.as_str()),
        ("Nieuwe Gracht 5", "3512 LK", "Utrecht")
    );
    let history = profile::history(&app.state.db, after.tenant_id, after.id)
        .await
        .unwrap();
    let street = history.iter().find(|h| h.field == "street").expect("kept in history");
    assert_eq!(street.old_value.as_deref(), Some(before.street.as_str()));
    assert_eq!(street.new_value.as_deref(), Some("Nieuwe Gracht 5"));
    assert_eq!(street.actor, "debtor");
    assert!(
        updated_events(&app).await.iter().any(|p| p.contains("3512 LK")),
        "the creditor is told"
    );

    // Preferences: at least one channel, and SMS only with consent.
    let csrf = csrf_for(&app.html("/profile").await, "/profile/preferences").unwrap();
    let res = app
        .post("/profile/preferences", &[("csrf", &csrf), ("language", "nl")])
        .await;
    assert_eq!(location(&res), "/profile");
    assert!(app.html("/profile").await.contains("Kies ten minste één manier."));
    app.post(
        "/profile/preferences",
        &[("csrf", &csrf), ("language", "de"), ("email", "on"), ("sms", "on")],
    )
    .await;
    assert!(app.html("/profile").await.contains("Geef toestemming voor sms"));
    let unchanged = reload(&app, before.id).await;
    assert_eq!(unchanged.language, before.language, "a refused form saves nothing");
    app.post(
        "/profile/preferences",
        &[("csrf", &csrf), ("language", "de"), ("letter", "on")],
    )
    .await;
    let prefs = reload(&app, before.id).await;
    assert_eq!(
        (
            prefs.pref_email,
            prefs.pref_sms,
            prefs.pref_letter,
            prefs.language.as_deref()
        ),
        (false, false, true, Some("de"))
    );
    assert!(
        app.html("/profile").await.contains("Gespeichert."),
        "and the page speaks German now"
    );
    // Another tenant's debtor or a forged token changes nothing.
    let res = app
        .post(
            "/profile/preferences",
            &[("csrf", "forged"), ("language", "en"), ("email", "on")],
        )
        .await;
    assert_eq!(location(&res), "/profile");
    assert_eq!(reload(&app, before.id).await.language.as_deref(), Some("de"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_new_email_address_counts_once_its_link_is_followed_and_the_old_one_is_told() {
    let app = spawn_app().await;
    let me = demo_debtor(&app).await;
    app.login("demo@settle.test", "demo-password-1").await;
    let csrf = csrf_for(&app.html("/profile").await, "/profile/email").unwrap();
    let res = app
        .post(
            "/profile/email",
            &[
                ("csrf", &csrf),
                ("email", "nieuw@example.nl"),
                ("password", "wrong-password"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/profile");
    let page = app.html("/profile").await;
    assert!(page.contains("Dit wachtwoord klopt niet."), "{page}");
    assert!(page.contains("value=\"nieuw@example.nl\""));
    app.post(
        "/profile/email",
        &[
            ("csrf", &csrf),
            ("email", "not an address"),
            ("password", "demo-password-1"),
        ],
    )
    .await;
    assert!(app.html("/profile").await.contains("id=\"f-new-email-error\""));
    app.post(
        "/profile/email",
        &[
            ("csrf", &csrf),
            ("email", "Nieuw@Example.nl"),
            ("password", "demo-password-1"),
        ],
    )
    .await;
    assert!(app.html("/profile").await.contains("bevestigingslink"));
    let waiting = reload(&app, me.id).await;
    assert_eq!(
        waiting.email.as_deref(),
        Some("demo@settle.test"),
        "not before confirmation"
    );
    assert_eq!(waiting.pending_email.as_deref(), Some("nieuw@example.nl"));
    let told = app.last_mail_to("demo@settle.test").await.unwrap();
    assert!(
        told.body_text.contains("n****@example.nl"),
        "the old address is told: {}",
        told.body_text
    );
    let confirm = app
        .last_mail_to("nieuw@example.nl")
        .await
        .expect("a link to the new address");
    let path = link_in(&confirm.body_text);
    assert!(path.starts_with("/profile/email/confirm?token="));

    // Opened on another device: a button, then the address is the new one, and the login.
    let other = app.other_browser();
    let html = other.html(&path).await;
    let csrf = csrf_for(&html, "/profile/email/confirm").expect("a button, not an action on GET");
    let token = path.split("token=").nth(1).unwrap();
    let res = other
        .post("/profile/email/confirm", &[("csrf", &csrf), ("token", token)])
        .await;
    assert_eq!(location(&res), "/login");
    let done = reload(&app, me.id).await;
    assert_eq!(
        (done.email.as_deref(), done.pending_email),
        (Some("nieuw@example.nl"), None)
    );
    let account = portal_account::Entity::find()
        .filter(portal_account::Column::CustomerId.eq(me.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.email, "nieuw@example.nl");
    let again = other
        .post("/profile/email/confirm", &[("csrf", &csrf), ("token", token)])
        .await;
    assert!(
        location(&again).starts_with("/profile/email/confirm"),
        "a link works once"
    );
    assert!(updated_events(&app)
        .await
        .iter()
        .any(|p| p.contains("nieuw@example.nl")));
    let fresh = other.login("nieuw@example.nl", "demo-password-1").await;
    assert_eq!(location(&fresh), "/");
    app.cleanup().await;
}

#[tokio::test]
async fn a_new_mobile_number_needs_the_code_sent_to_it_by_sms() {
    let app = spawn_app().await;
    let me = demo_debtor(&app).await;
    app.login("demo@settle.test", "demo-password-1").await;
    let csrf = csrf_for(&app.html("/profile").await, "/profile/phone").unwrap();
    for (typed, says) in [
        ("020 123 4567", "Dit is geen mobiel nummer"),
        ("12345", "Dit is geen geldig telefoonnummer."),
        ("", "Dit veld is verplicht."),
    ] {
        let res = app.post("/profile/phone", &[("csrf", &csrf), ("phone", typed)]).await;
        assert_eq!(location(&res), "/profile");
        let page = app.html("/profile").await;
        assert!(page.contains(says), "{typed:?}: {page}");
    }
    app.post("/profile/phone", &[("csrf", &csrf), ("phone", "06 1234 5678")])
        .await;
    let sms = outbox::Entity::find()
        .filter(outbox::Column::Channel.eq("sms"))
        .filter(outbox::Column::Recipient.eq("+31612345678"))
        .order_by_desc(outbox::Column::Id)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a code by SMS to the new number");
    let code: String = sms.body_text.chars().filter(char::is_ascii_digit).take(6).collect();
    assert_eq!(
        reload(&app, me.id).await.phone_e164,
        me.phone_e164,
        "not before the code"
    );
    let page = app.html("/profile").await;
    assert!(page.contains("sms gestuurd"));
    let csrf = csrf_for(&page, "/profile/phone/verify").expect("the code form");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    app.post("/profile/phone/verify", &[("csrf", &csrf), ("code", wrong)])
        .await;
    assert!(app.html("/profile").await.contains("Deze code klopt niet."));
    app.post("/profile/phone/verify", &[("csrf", &csrf), ("code", &code)])
        .await;
    let saved = reload(&app, me.id).await;
    assert_eq!(
        (saved.phone_e164.as_deref(), saved.pending_phone),
        (Some("+31612345678"), None)
    );
    assert!(app.html("/profile").await.contains("+31612345678"));
    let history = profile::history(&app.state.db, saved.tenant_id, saved.id)
        .await
        .unwrap();
    assert!(history
        .iter()
        .any(|h| h.field == "phone" && h.new_value.as_deref() == Some("+31612345678")));
    app.cleanup().await;
}

#[tokio::test]
async fn a_step_up_from_a_payment_link_sees_the_profile_but_cannot_change_it() {
    let app = spawn_app().await;
    let me = demo_debtor(&app).await;
    step_up_with_pay_link(&app).await;
    let page = app.html("/profile").await;
    assert!(page.contains("Log in met uw wachtwoord of een inloglink"), "{page}");
    assert!(!page.contains("action=\"/profile/email\""), "no email form");
    let csrf = csrf_for(&page, "/profile/address").unwrap();
    app.post(
        "/profile/address",
        &[
            ("csrf", &csrf),
            ("street", "Elders 1"),
            ("postcode", "1011 AB"),
            ("city", "Amsterdam"),
            ("country", "NL"),
        ],
    )
    .await;
    assert!(app
        .html("/profile")
        .await
        .contains("Log opnieuw in om dit te wijzigen."));
    assert_eq!(reload(&app, me.id).await.street, me.street);
    app.cleanup().await;
}
