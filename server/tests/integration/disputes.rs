//! Disputes: a debtor raises one about an invoice (multipart form, optional attachment checked by
//! content), the invoice's dunning holds at once, bad input comes back at the fields in Dutch,
//! a second one is refused, staff's rejection reaches the debtor and lifts the hold, and a
//! dispute past its SLA is flagged to staff once.
use crate::support::*;
use chrono::Duration;
use settle_core::entities::{dispute, invoice, outgoing_event, staff_task};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_core::services::disputes;

const NUMBER: &str = "2026-0002";

async fn the_invoice(app: &TestApp) -> invoice::Model {
    invoice::Entity::find()
        .filter(invoice::Column::Number.eq(NUMBER))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_dispute_holds_the_invoices_dunning_and_a_rejection_reaches_the_debtor_and_lifts_it() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let page = app.html(&format!("/invoices/{NUMBER}")).await;
    assert!(
        page.contains(&format!("/invoices/{NUMBER}/dispute")),
        "the invoice offers a dispute"
    );
    let form = app.html(&format!("/invoices/{NUMBER}/dispute")).await;
    assert!(form.contains("enctype=\"multipart/form-data\""));
    let csrf = csrf_for(&form, &format!("/invoices/{NUMBER}/dispute")).unwrap();

    // Nothing chosen, nothing written: both fields say so.
    let res = post_dispute(&app, NUMBER, &[("csrf", &csrf), ("text", "  ")], None).await;
    assert_eq!(location(&res), format!("/invoices/{NUMBER}/dispute"));
    let page = app.html(&format!("/invoices/{NUMBER}/dispute")).await;
    assert!(
        page.contains("Kies wat er aan de hand is.") && page.contains("Dit veld is verplicht."),
        "{page}"
    );
    // An HTML file named .pdf, and a file over 5 MB, are refused by their content and size.
    let fields = [
        ("csrf", csrf.as_str()),
        ("reason", "already_paid"),
        ("text", "Betaald op 3 november."),
    ];
    post_dispute(
        &app,
        NUMBER,
        &fields,
        Some(("bewijs.pdf", b"<html><script>alert(1)</script>")),
    )
    .await;
    let page = app.html(&format!("/invoices/{NUMBER}/dispute")).await;
    assert!(page.contains("Alleen PDF, JPG of PNG."));
    assert!(page.contains("Betaald op 3 november."), "the typed text stays");
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 10, b'x');
    post_dispute(&app, NUMBER, &fields, Some(("groot.pdf", &big))).await;
    assert!(app
        .html(&format!("/invoices/{NUMBER}/dispute"))
        .await
        .contains("groter dan 5 MB"));
    assert_eq!(
        dispute::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "nothing half-written"
    );
    // A forged token changes nothing either.
    let forged = [("csrf", "forged"), ("reason", "other"), ("text", "x")];
    post_dispute(&app, NUMBER, &forged, None).await;
    assert_eq!(dispute::Entity::find().count(&app.state.db).await.unwrap(), 0);

    let res = post_dispute(
        &app,
        NUMBER,
        &fields,
        Some(("C:\\scans\\bewijs.pdf", b"%PDF-1.4\n%proof\n")),
    )
    .await;
    assert_eq!(location(&res), format!("/invoices/{NUMBER}"));
    let page = app.html(&format!("/invoices/{NUMBER}")).await;
    assert!(page.contains("Uw bezwaar is ontvangen."));
    assert!(page.contains("In behandeling") && page.contains("bewijs.pdf"));
    assert!(
        !page.contains(&format!("/invoices/{NUMBER}/dispute\"")),
        "no second dispute offered"
    );
    let d = dispute::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((d.reason.as_str(), d.status.as_str()), ("already_paid", "open"));
    let stored = app.state.upload_dir.join(d.attachment_path.clone().unwrap());
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        b"%PDF-1.4\n%proof\n",
        "kept outside the web root"
    );
    assert_eq!(
        the_invoice(&app).await.dunning_hold.as_deref(),
        Some("disputed"),
        "dunning holds at once"
    );
    let events = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("dispute.opened"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events, 1);

    // A double submit is refused, with a message.
    post_dispute(&app, NUMBER, &fields, None).await;
    assert!(app
        .html(&format!("/invoices/{NUMBER}/dispute"))
        .await
        .contains("loopt al een bezwaar"));
    assert_eq!(dispute::Entity::find().count(&app.state.db).await.unwrap(), 1);

    // Staff reject it, with an explanation the debtor reads; dunning resumes.
    let tenant = app.tenant().await;
    let now = app.state.clock.now();
    assert!(
        disputes::resolve(
            &app.state.db,
            &tenant,
            "staff:1",
            d.id,
            disputes::Decision::Reject,
            " ",
            now
        )
        .await
        .is_err(),
        "a rejection needs a reason"
    );
    disputes::resolve(
        &app.state.db,
        &tenant,
        "staff:1",
        d.id,
        disputes::Decision::Reject,
        "Wij hebben geen betaling ontvangen op 3 november.",
        now,
    )
    .await
    .unwrap();
    assert_eq!(the_invoice(&app).await.dunning_hold, None);
    let mail = app.last_mail_to("demo@settle.test").await.unwrap();
    assert!(mail.subject.contains("afgewezen") && mail.body_text.contains("geen betaling ontvangen"));
    let page = app.html(&format!("/invoices/{NUMBER}")).await;
    assert!(page.contains("Afgewezen") && page.contains("Wij hebben geen betaling ontvangen op 3 november."));
    assert!(
        page.contains(&format!("/invoices/{NUMBER}/dispute")),
        "a new dispute may be raised"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn another_debtors_invoice_is_not_found_and_an_overdue_dispute_is_flagged_once() {
    let app = spawn_app().await;
    app.login("other@settle.test", "demo-password-1").await;
    let csrf = app.csrf("/invoices").await;
    let res = post_dispute(
        &app,
        NUMBER,
        &[("csrf", &csrf), ("reason", "other"), ("text", "niet van mij")],
        None,
    )
    .await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.get(&format!("/invoices/{NUMBER}/dispute")).await.status(), 404);

    let owner = app.other_browser();
    owner.login("demo@settle.test", "demo-password-1").await;
    let csrf = owner.csrf(&format!("/invoices/{NUMBER}/dispute")).await;
    post_dispute(
        &owner,
        NUMBER,
        &[("csrf", &csrf), ("reason", "amount_wrong"), ("text", "Te hoog.")],
        None,
    )
    .await;
    let now = app.state.clock.now();
    assert_eq!(
        disputes::flag_overdue(&app.state.db, now).await.unwrap(),
        0,
        "inside the SLA"
    );
    let late = now + Duration::days(11);
    assert_eq!(disputes::flag_overdue(&app.state.db, late).await.unwrap(), 1);
    assert_eq!(disputes::flag_overdue(&app.state.db, late).await.unwrap(), 0, "once");
    let tasks = staff_task::Entity::find()
        .filter(staff_task::Column::Kind.eq("dispute_overdue"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(tasks, 1);
    app.cleanup().await;
}
