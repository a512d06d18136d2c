//! Payment plans: within policy a debtor's schedule binds at once (dunning holds, each
//! instalment has its own RF reference and payment link); one plan may cover several invoices,
//! and its payments spread over them; outside the policy the proposal goes to staff; a plan
//! short after the grace days breaks and dunning resumes.
use crate::support::dunning::eur;
use crate::support::*;
use chrono::Duration;
use settle_core::entities::{outgoing_event, payment_plan, plan_instalment, plan_invoice, staff_task};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use settle_core::services::booking::{self, Incoming, Source};
use settle_core::services::{plans, references};

#[tokio::test]
async fn a_plan_binds_at_once_its_instalments_have_references_and_a_short_plan_breaks() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    assert!(app
        .html("/invoices/2026-0002")
        .await
        .contains("/invoices/2026-0002/plan"));
    let page = app.html("/invoices/2026-0002/plan?n=3&first=2026-12-01").await;
    assert!(page.contains(&eur(4_415)), "three equal instalments: {page}");
    assert!(page.contains("1 december 2026") && page.contains("1 februari 2027"));
    let csrf = csrf_for(&page, "/invoices/2026-0002/plan").unwrap();
    // Nonsense never reaches the plan.
    for (n, first) in [
        ("1", "2026-12-01"),
        ("13", "2026-12-01"),
        ("3", "gisteren"),
        ("3", "2026-11-01"),
    ] {
        let res = app
            .post(
                "/invoices/2026-0002/plan",
                &[("csrf", csrf.as_str()), ("n", n), ("first", first)],
            )
            .await;
        assert!(location(&res).starts_with("/invoices/2026-0002/plan"), "{n} {first}");
    }
    assert_eq!(payment_plan::Entity::find().count(&app.state.db).await.unwrap(), 0);

    let res = app
        .post(
            "/invoices/2026-0002/plan",
            &[("csrf", csrf.as_str()), ("n", "3"), ("first", "2026-12-01")],
        )
        .await;
    assert_eq!(location(&res), "/invoices/2026-0002");
    let inv = invoice_no(&app, "2026-0002").await;
    assert_eq!(
        inv.dunning_hold.as_deref(),
        Some("payment_plan"),
        "dunning holds at once"
    );
    let plan = payment_plan::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(plan.status, "active");
    let parts = plan_instalment::Entity::find()
        .filter(plan_instalment::Column::PlanId.eq(plan.id))
        .order_by_asc(plan_instalment::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        parts.iter().map(|p| p.amount_cents).sum::<i64>(),
        inv.open_cents,
        "adds up exactly"
    );
    let tenant = app.tenant().await;
    for p in &parts {
        let r = references::resolve(&app.state.db, tenant.id, std::slice::from_ref(&p.rf_reference))
            .await
            .unwrap();
        assert_eq!(
            r.invoices_of.get(&p.rf_reference),
            Some(&vec![inv.id]),
            "a statement line with it pays the invoice"
        );
    }
    let page = app.html("/invoices/2026-0002").await;
    assert!(page.contains("Uw betalingsregeling is afgesloten."));
    assert!(page.contains("Zo betaalt u de volgende termijn") && page.contains(&eur(4_415)));
    let grouped = settle_domain::rf::RfReference::parse(&parts[0].rf_reference)
        .unwrap()
        .grouped();
    assert!(page.contains(&grouped), "the next instalment's own reference");
    app.post(
        "/invoices/2026-0002/plan",
        &[("csrf", csrf.as_str()), ("n", "3"), ("first", "2026-12-01")],
    )
    .await;
    assert_eq!(
        payment_plan::Entity::find().count(&app.state.db).await.unwrap(),
        1,
        "a double submit adds nothing"
    );

    // Each instalment is reminded once a few days before its date.
    let before_first = chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(
        (parts[0].due_date - Duration::days(2)).and_hms_opt(9, 0, 0).unwrap(),
        chrono::Utc,
    );
    assert_eq!(plans::remind(&app.state.db, before_first).await.unwrap(), 1);
    assert_eq!(plans::remind(&app.state.db, before_first).await.unwrap(), 0, "once");
    let mail = app.last_mail_to("demo@settle.test").await.unwrap();
    assert!(mail.subject.contains("termijn 1 van 3"), "{}", mail.subject);
    assert!(mail.body_text.contains(&grouped) && mail.body_text.contains(&eur(4_415)));

    // The reminder carries the instalment's own payment link: it pays that instalment online,
    // without a login, and dies once the instalment is paid.
    let link = link_in(&mail.body_text);
    assert!(link.starts_with("/pay/"), "{link}");
    let anon = app.other_browser();
    let pay_page = anon.html(&link).await;
    assert!(
        pay_page.contains("Termijn 1/3") && pay_page.contains(&eur(4_415)) && pay_page.contains(&grouped),
        "{pay_page}"
    );
    let csrf = csrf_for(&pay_page, &format!("{link}/checkout")).unwrap();
    let res = anon.post(&format!("{link}/checkout"), &[("csrf", csrf.as_str())]).await;
    sandbox_click(&anon, &path_of(&location(&res)), "pay").await;
    assert_eq!(
        invoice_no(&app, "2026-0002").await.open_cents,
        inv.open_cents - parts[0].amount_cents,
        "the instalment's amount, not the invoice's"
    );
    assert_eq!(anon.get(&link).await.status(), 404, "paid: the link is dead");
    assert!(app
        .html("/invoices/2026-0002")
        .await
        .contains("Zo betaalt u de volgende termijn"));

    // A week past the second date's grace with nothing more, the plan breaks.
    let after_first = chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(
        (parts[0].due_date + Duration::days(10)).and_hms_opt(9, 0, 0).unwrap(),
        chrono::Utc,
    );
    assert_eq!(
        plans::check(&app.state.db, after_first).await.unwrap(),
        0,
        "paid so far"
    );
    // The day after the second date, short: a notice with the last day before the plan ends.
    let second_late = chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(
        (parts[1].due_date + Duration::days(1)).and_hms_opt(9, 0, 0).unwrap(),
        chrono::Utc,
    );
    assert_eq!(plans::remind(&app.state.db, second_late).await.unwrap(), 1);
    let notice = app.last_mail_to("demo@settle.test").await.unwrap();
    assert!(
        notice.subject.contains("termijn 2 van 3 is nog niet betaald"),
        "{}",
        notice.subject
    );
    let after_second = after_first + Duration::days(31);
    assert_eq!(plans::check(&app.state.db, after_second).await.unwrap(), 1);
    assert_eq!(
        invoice_no(&app, "2026-0002").await.dunning_hold,
        None,
        "dunning resumes"
    );
    let broken = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("plan.broken"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(broken, 1);
    app.cleanup().await;
}

#[tokio::test]
async fn a_plan_outside_the_policy_is_a_request_for_staff() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    // EUR 42.50 is under the EUR 50 minimum of the default policy.
    let page = app.html("/invoices/2026-0003/plan?n=2&first=2026-12-01").await;
    assert!(
        page.contains("buiten onze standaardregeling") && page.contains("Het bedrag is te laag"),
        "{page}"
    );
    let csrf = csrf_for(&page, "/invoices/2026-0003/plan").unwrap();
    let res = app
        .post(
            "/invoices/2026-0003/plan",
            &[("csrf", csrf.as_str()), ("n", "2"), ("first", "2026-12-01")],
        )
        .await;
    assert_eq!(location(&res), "/invoices/2026-0003");
    assert!(app
        .html("/invoices/2026-0003")
        .await
        .contains("Uw aanvraag is verstuurd."));
    let plan = payment_plan::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(plan.status, "requested");
    assert_eq!(
        invoice_no(&app, "2026-0003").await.dunning_hold,
        None,
        "no hold before staff agree"
    );
    let tasks = staff_task::Entity::find()
        .filter(staff_task::Column::Kind.eq("plan_request"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1);
    assert!(
        tasks[0].detail.contains("plan_total_too_small"),
        "staff see why: {}",
        tasks[0].detail
    );
    // Another debtor's invoice is not theirs to plan.
    let other = app.other_browser();
    other.login("other@settle.test", "demo-password-1").await;
    assert_eq!(other.get("/invoices/2026-0003/plan").await.status(), 404);
    app.cleanup().await;
}

/// Books a bank transfer quoting `rf`, as a statement import would.
async fn transfer(app: &TestApp, rf: &str, cents: i64, key: &str) {
    let tenant = app.tenant().await;
    let resolved = references::resolve(&app.state.db, tenant.id, &[rf.to_string()])
        .await
        .unwrap();
    booking::book(
        &app.state.db,
        tenant.id,
        app.state.clock.now(),
        vec![Incoming {
            source: Source::Statement,
            dedup_key: key.into(),
            amount_cents: cents,
            currency: "EUR".into(),
            received_on: app.state.clock.now().date_naive(),
            debtor_name: None,
            debtor_iban: None,
            reference_text: rf.into(),
            end_to_end_id: None,
            checkout_id: None,
            invoices: resolved.invoices_of.get(rf).cloned().unwrap_or_default(),
        }],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn one_plan_covers_several_invoices_and_its_payments_spread_over_them() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let page = app
        .html("/invoices/2026-0003/plan?also=2026-0002&n=3&first=2026-12-01")
        .await;
    // EUR 132.45 + EUR 42.50 in three: 58.31, 58.31, 58.33.
    assert!(
        page.contains("Welke facturen?") && page.contains(&eur(5_831)) && page.contains(&eur(5_833)),
        "{page}"
    );
    let csrf = csrf_for(&page, "/invoices/2026-0003/plan").unwrap();
    let form = |also: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("n", "3".to_string()),
            ("first", "2026-12-01".to_string()),
            ("also", also.to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post("/invoices/2026-0003/plan", &pairs).await
        }
    };
    // Another debtor's invoice cannot be slipped in: not found, and nothing is written.
    assert_eq!(post(form("2026-1002")).await.status(), 404);
    assert_eq!(post(form("2026-9999")).await.status(), 404);
    assert_eq!(payment_plan::Entity::find().count(&app.state.db).await.unwrap(), 0);

    let res = post(form("2026-0002")).await;
    assert_eq!(location(&res), "/invoices/2026-0003");
    for n in ["2026-0002", "2026-0003"] {
        assert_eq!(
            invoice_no(&app, n).await.dunning_hold.as_deref(),
            Some("payment_plan"),
            "{n}"
        );
    }
    // The same invoices again, or one of them alone: one live plan per invoice.
    post(form("2026-0002")).await;
    let csrf2 = csrf_for(&app.html("/invoices/2026-0002/plan").await, "/invoices/2026-0002/plan");
    assert!(csrf2.is_none(), "no plan form for an invoice already in one");
    assert_eq!(payment_plan::Entity::find().count(&app.state.db).await.unwrap(), 1);
    let detail = app.html("/invoices/2026-0002").await;
    assert!(
        detail.contains("data-testid=\"plan-covers\"") && detail.contains("/invoices/2026-0003"),
        "{detail}"
    );

    let plan = payment_plan::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let parts = plan_instalment::Entity::find()
        .filter(plan_instalment::Column::PlanId.eq(plan.id))
        .order_by_asc(plan_instalment::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(parts.iter().map(|p| p.amount_cents).sum::<i64>(), 17_495);
    // EUR 140 quoting the first instalment: the older invoice (2026-0002) is paid, the rest goes
    // to 2026-0003; two instalments are done.
    transfer(&app, &parts[0].rf_reference, 14_000, "stmt-1").await;
    assert_eq!(invoice_no(&app, "2026-0002").await.status, "paid");
    assert_eq!(invoice_no(&app, "2026-0003").await.open_cents, 4_250 - 755);
    let detail = app.html("/invoices/2026-0003").await;
    assert_eq!(detail.matches(" ✓ ").count(), 2, "{detail}");
    assert!(detail.contains(&eur(3_495)), "the third instalment's rest: {detail}");
    // The rest, quoting the third: everything is paid and the plan completes.
    transfer(&app, &parts[2].rf_reference, 3_495, "stmt-2").await;
    assert_eq!(invoice_no(&app, "2026-0003").await.status, "paid");
    assert_eq!(plans::check(&app.state.db, app.state.clock.now()).await.unwrap(), 0);
    let plan = payment_plan::Entity::find_by_id(plan.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(plan.status, "completed");
    let live = plan_invoice::Entity::find()
        .filter(plan_invoice::Column::Live.eq(true))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(live, 0, "the invoices left the plan");
    app.cleanup().await;
}
