//! Callbacks: a debtor books a free slot from the tenant's hours (Monday to Friday, 09:00-17:00,
//! 30 minutes, two per slot by default), the named invoices' dunning holds until then, full
//! slots are not offered, and the booking can be moved or cancelled until it starts; a callback
//! nobody closed lapses a day later and lifts its hold.
use crate::support::*;
use chrono::Duration;
use settle_core::entities::{callback, callback_slot, invoice, outgoing_event};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_core::services::callbacks;

async fn hold_of(app: &TestApp, number: &str) -> Option<String> {
    invoice::Entity::find()
        .filter(invoice::Column::Number.eq(number))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .dunning_hold
}

async fn booked_in(app: &TestApp, local: &str) -> i32 {
    let tenant = app.tenant().await;
    let at = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").unwrap();
    let utc = at.and_local_timezone(tenant.tz).unwrap().with_timezone(&chrono::Utc);
    callback_slot::Entity::find()
        .filter(callback_slot::Column::SlotStart.eq(utc))
        .one(&app.state.db)
        .await
        .unwrap()
        .map_or(0, |s| s.booked)
}

#[tokio::test]
async fn a_callback_is_booked_holds_its_invoice_and_can_be_moved_and_cancelled() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    // Sunday 22 November, 10:00: the first slot is Monday 09:00.
    let page = app.html("/callback").await;
    assert!(page.contains("value=\"2026-11-23T09:00\""), "{page}");
    assert!(!page.contains("value=\"2026-11-22T"), "no slots on Sunday");
    let csrf = csrf_for(&page, "/callback").unwrap();

    let bad = [("csrf", csrf.as_str()), ("phone", "12"), ("slot", "2026-11-22T10:00")];
    let res = app.post("/callback", &bad).await;
    assert_eq!(location(&res), "/callback");
    let page = app.html("/callback").await;
    assert!(page.contains("Kies een onderwerp."), "{page}");
    assert!(page.contains("Dit is geen geldig telefoonnummer."));
    assert!(page.contains("Kies een van de vrije momenten."));
    assert_eq!(callback::Entity::find().count(&app.state.db).await.unwrap(), 0);

    let good = [
        ("csrf", csrf.as_str()),
        ("topic", "payment"),
        ("phone", "020 123 4567"),
        ("slot", "2026-11-23T09:00"),
        ("invoice", "2026-0002"),
    ];
    let res = app.post("/callback", &good).await;
    assert_eq!(location(&res), "/callback");
    let page = app.html("/callback").await;
    assert!(page.contains("Uw terugbelafspraak staat."));
    assert!(page.contains("23 november 2026 09:00"), "the booking is shown");
    let cb = callback::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((cb.phone.as_str(), cb.invoices.as_str()), ("+31201234567", "2026-0002"));
    assert_eq!(booked_in(&app, "2026-11-23T09:00").await, 1);
    assert_eq!(
        hold_of(&app, "2026-0002").await.as_deref(),
        Some("callback"),
        "the named invoice holds"
    );
    assert_eq!(hold_of(&app, "2026-0003").await, None, "the others do not");
    assert!(app
        .last_mail_to("demo@settle.test")
        .await
        .unwrap()
        .subject
        .contains("wij bellen u op"));
    let requested = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("callback.requested"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(requested, 1);

    // A double submit books nothing more.
    app.post("/callback", &good).await;
    assert!(app.html("/callback").await.contains("U heeft al een terugbelafspraak."));
    assert_eq!(callback::Entity::find().count(&app.state.db).await.unwrap(), 1);

    // Another debtor takes the second place; then 09:00 is full and no longer offered.
    let other = app.other_browser();
    other.login("other@settle.test", "demo-password-1").await;
    let csrf2 = other.csrf("/callback").await;
    other
        .post(
            "/callback",
            &[
                ("csrf", &csrf2),
                ("topic", "plan"),
                ("phone", "06 1234 5678"),
                ("slot", "2026-11-23T09:00"),
            ],
        )
        .await;
    assert_eq!(booked_in(&app, "2026-11-23T09:00").await, 2);
    assert!(
        !other.html("/callback").await.contains("value=\"2026-11-23T09:00\""),
        "a full slot is not offered"
    );

    // Move, then cancel: the places follow, the hold lifts.
    let page = app.html("/callback").await;
    let move_csrf = csrf_for(&page, &format!("/callback/{}/move", cb.id)).unwrap();
    app.post(
        &format!("/callback/{}/move", cb.id),
        &[("csrf", &move_csrf), ("slot", "2026-11-23T10:00")],
    )
    .await;
    assert!(app.html("/callback").await.contains("Uw afspraak is verzet."));
    assert_eq!(
        (
            booked_in(&app, "2026-11-23T09:00").await,
            booked_in(&app, "2026-11-23T10:00").await
        ),
        (1, 1)
    );
    app.post(&format!("/callback/{}/cancel", cb.id), &[("csrf", &move_csrf)])
        .await;
    assert!(app.html("/callback").await.contains("Uw afspraak is geannuleerd."));
    assert_eq!(booked_in(&app, "2026-11-23T10:00").await, 0);
    assert_eq!(hold_of(&app, "2026-0002").await, None, "dunning resumes");
    let again = app
        .post(&format!("/callback/{}/cancel", cb.id), &[("csrf", &move_csrf)])
        .await;
    assert_eq!(location(&again), "/callback");
    assert!(
        app.html("/callback").await.contains("verlopen of al gebruikt"),
        "nothing to cancel twice"
    );
    // Another debtor cannot touch it.
    let foreign = other
        .post(&format!("/callback/{}/cancel", cb.id), &[("csrf", &csrf2)])
        .await;
    assert_eq!(location(&foreign), "/callback");
    app.cleanup().await;
}

#[tokio::test]
async fn a_callback_nobody_closed_lapses_and_lifts_its_hold() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let csrf = app.csrf("/callback").await;
    app.post(
        "/callback",
        &[
            ("csrf", &csrf),
            ("topic", "other"),
            ("phone", "06 1234 5678"),
            ("slot", "2026-11-24T14:30"),
        ],
    )
    .await;
    assert_eq!(
        hold_of(&app, "2026-0003").await.as_deref(),
        Some("callback"),
        "none named: all open invoices"
    );
    let now = app.state.clock.now();
    assert_eq!(
        callbacks::lapse(&app.state.db, now + Duration::days(2)).await.unwrap(),
        0,
        "not a day past yet"
    );
    assert_eq!(
        callbacks::lapse(&app.state.db, now + Duration::days(4)).await.unwrap(),
        1
    );
    assert_eq!(hold_of(&app, "2026-0003").await, None);
    let cb = callback::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(cb.status, "lapsed");
    app.cleanup().await;
}

#[tokio::test]
async fn a_dispute_and_a_callback_on_one_invoice_each_keep_it_held_until_both_end() {
    use settle_core::entities::dispute;
    use settle_core::services::disputes;
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let csrf = app.csrf("/callback").await;
    app.post(
        "/callback",
        &[
            ("csrf", &csrf),
            ("topic", "dispute"),
            ("phone", "06 1234 5678"),
            ("slot", "2026-11-24T14:30"),
            ("invoice", "2026-0002"),
        ],
    )
    .await;
    assert_eq!(hold_of(&app, "2026-0002").await.as_deref(), Some("callback"));
    // A dispute on the same invoice takes over the hold.
    let tenant = app.tenant().await;
    let form = app.html("/invoices/2026-0002/dispute").await;
    let dcsrf = csrf_for(&form, "/invoices/2026-0002/dispute").unwrap();
    let boundary = "b0undary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{dcsrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\namount_wrong\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nTe hoog\r\n--{boundary}--\r\n"
    );
    app.client
        .post(app.url("/invoices/2026-0002/dispute"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(hold_of(&app, "2026-0002").await.as_deref(), Some("disputed"));
    // Cancelling the callback leaves the dispute's hold.
    let cb = callback::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let page = app.html("/callback").await;
    let ccsrf = csrf_for(&page, &format!("/callback/{}/cancel", cb.id)).unwrap();
    app.post(&format!("/callback/{}/cancel", cb.id), &[("csrf", &ccsrf)])
        .await;
    assert_eq!(
        hold_of(&app, "2026-0002").await.as_deref(),
        Some("disputed"),
        "the dispute still holds"
    );
    // Rejecting the dispute then lifts the last hold.
    let d = dispute::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    disputes::resolve(
        &app.state.db,
        &tenant,
        "staff:1",
        d.id,
        disputes::Decision::Reject,
        "Het bedrag klopt.",
        app.state.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(hold_of(&app, "2026-0002").await, None);
    app.cleanup().await;
}
