//! "Pay later": within the tenant's days (14 by default) an invoice's due date moves at once and
//! its dunning follows the new date; a second move, or a later date, becomes a request for staff.
use crate::support::*;
use chrono::{TimeZone, Utc};
use settle_core::dunning::planner;
use settle_core::entities::{invoice, outgoing_event, reminder, staff_task};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const NUMBER: &str = "2026-0004";

async fn the_invoice(app: &TestApp) -> invoice::Model {
    invoice::Entity::find()
        .filter(invoice::Column::Number.eq(NUMBER))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_due_date_moves_at_once_within_policy_and_beyond_it_staff_decide() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let before = the_invoice(&app).await;
    let page = app.html(&format!("/invoices/{NUMBER}")).await;
    assert!(page.contains("Later betalen"), "{page}");
    let csrf = csrf_for(&page, &format!("/invoices/{NUMBER}/defer")).unwrap();
    let defer = |until: String| {
        let (app, csrf) = (&app, csrf.clone());
        async move {
            app.post(
                &format!("/invoices/{NUMBER}/defer"),
                &[("csrf", csrf.as_str()), ("until", until.as_str())],
            )
            .await
        }
    };
    for (typed, says) in [
        ("", "Vul een datum in."),
        ("morgen", "Vul een datum in."),
        ("2026-11-20", "Kies een datum na de huidige vervaldatum."),
    ] {
        let res = defer(typed.to_string()).await;
        assert_eq!(location(&res), format!("/invoices/{NUMBER}"));
        assert!(
            app.html(&format!("/invoices/{NUMBER}")).await.contains(says),
            "{typed:?}"
        );
    }
    assert_eq!(the_invoice(&app).await.due_date, before.due_date, "nothing moved");

    let new_due = before.due_date + chrono::Duration::days(8);
    defer(new_due.to_string()).await;
    let page = app.html(&format!("/invoices/{NUMBER}")).await;
    assert!(page.contains("De betaaldatum is gewijzigd."), "{page}");
    let moved = the_invoice(&app).await;
    assert_eq!((moved.due_date, moved.deferred_from), (new_due, Some(before.due_date)));
    assert!(
        page.contains("al eens verzet"),
        "once per invoice; a later date is a request"
    );

    // The schedule follows: a week after the old due date, the +7 reminder is not planned.
    let tenant = app.tenant().await;
    let week_later = Utc.from_utc_datetime(
        &(before.due_date + chrono::Duration::days(7))
            .and_hms_opt(9, 0, 0)
            .unwrap(),
    );
    planner::plan_tenant(&app.state.db, &tenant, week_later, false)
        .await
        .unwrap();
    let plus_seven = reminder::Entity::find()
        .filter(reminder::Column::InvoiceId.eq(moved.id))
        .filter(reminder::Column::Position.eq(2))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(plus_seven, 0);

    // A second move is for staff: a request, once.
    let later = (new_due + chrono::Duration::days(5)).to_string();
    let res = defer(later.clone()).await;
    assert_eq!(location(&res), format!("/invoices/{NUMBER}"));
    assert!(app
        .html(&format!("/invoices/{NUMBER}"))
        .await
        .contains("Uw verzoek is verstuurd."));
    assert_eq!(the_invoice(&app).await.due_date, new_due);
    defer(later).await;
    assert!(app
        .html(&format!("/invoices/{NUMBER}"))
        .await
        .contains("al een verzoek gedaan"));
    let requests = staff_task::Entity::find()
        .filter(staff_task::Column::Kind.eq("deferral_request"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(requests, 1);
    let events = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("deferral.requested"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events, 2, "granted, then pending");
    // Another debtor's invoice does not exist for them.
    let other = app.other_browser();
    other.login("other@settle.test", "demo-password-1").await;
    let csrf2 = other.csrf("/invoices").await;
    let res = other
        .post(
            &format!("/invoices/{NUMBER}/defer"),
            &[("csrf", csrf2.as_str()), ("until", "2026-12-20")],
        )
        .await;
    assert_eq!(res.status(), 404);
    app.cleanup().await;
}
