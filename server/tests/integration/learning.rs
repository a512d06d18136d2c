//! Next best action in the dispatcher: the learner picks the part of the day a reminder goes out
//! from what each part achieved in the plan, within the contact window; the holdout gets the
//! fixed plan; each choice is explained in the debtor's timeline; the figures come from the
//! credited outcomes; the dashboard shows the lift.
use crate::backoffice::as_agent;
use crate::support::dunning::{
    evening_payment_habit, invoice_due, messages_of, monday, pay_by_transfer, reminders_of, EMAIL_ONLY,
};
use crate::support::*;
use chrono::{Duration, TimeZone, Utc};
use settle_core::dunning::{learning, run};
use settle_core::entities::{dunning_plan, dunning_setting, learned_arm};
use settle_core::outbox::Mailer;
use settle_core::sea_orm::sea_query::Expr;
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

async fn learn(app: &TestApp, on: bool, holdout: i32) {
    let tenant = app.tenant().await;
    dunning_setting::Entity::update_many()
        .col_expr(dunning_setting::Column::Learning, Expr::value(on))
        .col_expr(dunning_setting::Column::HoldoutPercent, Expr::value(holdout))
        .filter(dunning_setting::Column::TenantId.eq(tenant.id))
        .exec(&app.state.db)
        .await
        .unwrap();
}

/// What each part of the day achieved in the demo's default plan, as of Monday morning.
async fn seed_arms(app: &TestApp, arms: &[(&str, i64, i64)]) -> i64 {
    let tenant = app.tenant().await;
    let plan = dunning_plan::Entity::find()
        .filter(dunning_plan::Column::TenantId.eq(tenant.id))
        .filter(dunning_plan::Column::IsDefault.eq(true))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    for (band, won, lost) in arms {
        learned_arm::ActiveModel {
            tenant_id: Set(tenant.id),
            plan_id: Set(plan.id),
            arm: Set((*band).into()),
            won: Set(*won),
            lost: Set(*lost),
            updated_at: Set(monday()),
        }
        .insert(&app.state.db)
        .await
        .unwrap();
    }
    plan.id
}

async fn round(app: &TestApp, at: chrono::DateTime<Utc>) {
    run::once(&app.state.db, &Mailer::DevOutbox.into(), at, Some("demo"), false)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_learner_sends_in_the_part_of_the_day_that_pays_and_the_timeline_says_why() {
    let app = spawn_app().await;
    learn(&app, true, 0).await;
    seed_arms(
        &app,
        &[
            ("morning", 1, 99),
            ("afternoon", 2, 98),
            ("evening", 90, 10),
            ("night", 500, 1),
        ],
    )
    .await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let early = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    // Monday 10:00 in Amsterdam: due now, but the evening pays.
    round(&app, monday()).await;
    // One debtor pays at noon, before their reminder's time: it never goes out.
    pay_by_transfer(&app, &early, monday() + Duration::hours(3)).await;
    let r = &reminders_of(&app, &inv).await[0];
    let five_pm = Utc.with_ymd_and_hms(2026, 11, 23, 16, 0, 0).unwrap();
    assert_eq!((r.status.as_str(), r.send_after), ("planned", five_pm), "17:00 local");
    assert_eq!(r.cohort.as_deref(), Some("learner"));
    let choice: serde_json::Value = serde_json::from_str(r.choice.as_deref().unwrap()).unwrap();
    assert_eq!(choice["band"], "evening");
    // The night pays best of all but lies outside the contact window (08:00-20:00): never offered.
    assert!(!r.choice.as_deref().unwrap().contains("night"), "{choice}");
    assert!(messages_of(&app, &inv).await.is_empty(), "nothing sent in the morning");
    // At five it goes, keeping its choice (not drawn again).
    round(&app, five_pm).await;
    assert_eq!(messages_of(&app, &inv).await.len(), 1);
    let r = &reminders_of(&app, &inv).await[0];
    assert_eq!(r.status, "issued");
    assert!(r.choice.as_deref().unwrap().contains("evening"));
    assert!(messages_of(&app, &early).await.is_empty());
    assert_eq!(reminders_of(&app, &early).await[0].reason.as_deref(), Some("settled"));
    // A week later the evening is credited with that payment: the learner's decision to wait
    // counts with its outcome, not as nothing.
    let tenant = app.tenant().await;
    learning::refresh_if_stale(&app.state.db, &tenant, monday() + Duration::days(8))
        .await
        .unwrap();
    let learned = learning::learned(&app.state.db, tenant.id).await.unwrap();
    let plan = reminders_of(&app, &early).await[0].plan_id;
    assert_eq!(learned[&(plan, "evening".to_string())].won, 1, "{learned:?}");
    as_agent(&app).await;
    let page = app.html(&format!("/backoffice/debtors/{}", inv.customer_id)).await;
    for want in [
        "<tr data-kind=\"choice\">",
        ">lerend<",
        "Gekozen tijdstip: Avond (17-22 uur)",
        "Betaald of regeling binnen 7 dagen",
        "Avond (17-22 uur) 90 % (van 100)",
        "Ochtend (6-12 uur) 1 % (van 100)",
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn the_holdout_gets_the_fixed_plan_and_learning_off_changes_nothing() {
    let app = spawn_app().await;
    learn(&app, true, 100).await;
    seed_arms(&app, &[("morning", 1, 99), ("evening", 90, 10)]).await;
    let held = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    // The debtor usually pays at 19:00: the holdout ignores that too (the fixed plan).
    evening_payment_habit(&app, &held).await;
    round(&app, monday()).await;
    assert_eq!(messages_of(&app, &held).await.len(), 1, "sent when the plan says");
    let r = &reminders_of(&app, &held).await[0];
    assert_eq!((r.cohort.as_deref(), r.choice.as_deref()), (Some("holdout"), None));
    // Learning off: no cohort, sent as before.
    learn(&app, false, 100).await;
    let plain = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    round(&app, monday() + Duration::hours(1)).await;
    assert_eq!(messages_of(&app, &plain).await.len(), 1);
    assert_eq!(reminders_of(&app, &plain).await[0].cohort, None);
    as_agent(&app).await;
    let page = app.html(&format!("/backoffice/debtors/{}", held.customer_id)).await;
    assert!(
        page.contains("vaste groep: het plan zonder leren, om het effect te meten"),
        "{page}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_figures_come_from_credited_outcomes_and_the_dashboard_shows_the_lift() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    learn(&app, true, 50).await;
    // The morning pays: at 10:00 the learner sends at once, like the holdout.
    let plan = seed_arms(&app, &[("morning", 90, 10), ("afternoon", 0, 100), ("evening", 0, 100)]).await;
    let mut invoices = Vec::new();
    for _ in 0..12 {
        invoices.push(invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await);
    }
    // Over real SMTP: only messages that went out count.
    crate::support::dunning::remind_demo(&app, monday()).await;
    // Every learner's debtor pays the next day; nobody of the holdout does.
    let paid_on = monday() + Duration::days(1);
    let mut learners = 0;
    for inv in &invoices {
        assert_eq!(messages_of(&app, inv).await.len(), 1, "sent at 10:00");
        let r = &reminders_of(&app, inv).await[0];
        if r.cohort.as_deref() != Some("learner") {
            assert_eq!(r.cohort.as_deref(), Some("holdout"));
            continue;
        }
        learners += 1;
        pay_by_transfer(&app, inv, paid_on).await;
    }
    let held = 12 - learners;
    assert!(learners > 0 && held > 0, "both cohorts: {learners} learners");

    // The demo's own debtors were reminded in the same round (and paid nothing).
    let cohorts = settle_core::entities::reminder::Entity::find()
        .filter(settle_core::entities::reminder::Column::TenantId.eq(tenant.id))
        .filter(settle_core::entities::reminder::Column::Cohort.is_not_null())
        .all(&app.state.db)
        .await
        .unwrap();
    let count = |c: &str| {
        let mut who: Vec<i64> = cohorts
            .iter()
            .filter(|r| r.cohort.as_deref() == Some(c))
            .map(|r| r.customer_id)
            .collect();
        who.sort_unstable();
        who.dedup();
        who.len() as u64
    };
    let (all_learners, all_held) = (count("learner"), count("holdout"));
    let others = all_learners + all_held - 12;

    // Two hours on, the figures are read again, but the messages are too young to judge: none
    // counts yet.
    let at = monday() + Duration::hours(2);
    assert!(learning::refresh_if_stale(&app.state.db, &tenant, at).await.unwrap());
    let learned = learning::learned(&app.state.db, tenant.id).await.unwrap();
    let morning = learned[&(plan, "morning".to_string())];
    assert_eq!((morning.won, morning.lost), (0, 0), "a week to be paid first");
    // Eight days on, every message went out in the morning; the learners' were followed by
    // payment.
    let at = monday() + Duration::days(8);
    assert!(learning::refresh_if_stale(&app.state.db, &tenant, at).await.unwrap());
    let learned = learning::learned(&app.state.db, tenant.id).await.unwrap();
    let rec = |band: &str| learned.get(&(plan, band.to_string())).copied().unwrap_or_default();
    // Lost: the holdout's, and the demo's own debtors' (reminded in the same round).
    assert_eq!(rec("morning").won, learners);
    assert!(rec("morning").lost >= held + others, "{:?}", rec("morning"));
    assert_eq!((rec("evening").won, rec("evening").lost), (0, 0), "no evidence left");
    assert!(
        !learning::refresh_if_stale(&app.state.db, &tenant, at).await.unwrap(),
        "fresh figures are not read again"
    );

    as_agent(&app).await;
    let csv = app
        .get("/backoffice/dashboard.csv?from=2026-11-01&to=2026-11-30&days=7")
        .await
        .text()
        .await
        .unwrap();
    // Debtors count when a message of theirs went out (the demo's letters have no sender
    // here): at least the twelve, at most every debtor given a cohort.
    let value = |key: &str| -> f64 {
        csv.lines()
            .find_map(|l| l.strip_prefix(&format!("lift;{key};")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key}: {csv}"))
    };
    let (n_learners, n_held) = (value("learner_debtors"), value("holdout_debtors"));
    assert!((learners as f64..=all_learners as f64).contains(&n_learners), "{csv}");
    assert!((held as f64..=all_held as f64).contains(&n_held), "{csv}");
    assert_eq!(value("holdout_percent"), 0.0);
    let points = learners as f64 * 100.0 / n_learners;
    assert!((value("points") - points).abs() < 0.051, "{points}: {csv}");
    let page = app
        .html("/backoffice/dashboard?from=2026-11-01&to=2026-11-30&days=7")
        .await;
    assert!(page.contains("Leren: effect tegenover de vaste groep"), "{page}");
    let shown = format!("{points:+.1} (").replace('.', ",");
    assert!(page.contains(&shown), "{shown}: {page}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_second_wording_is_tried_and_the_one_that_pays_wins() {
    use settle_core::entities::message_template;
    let app = spawn_app().await;
    let admin = app.other_browser();
    crate::backoffice::as_admin(&admin).await;
    let b = "/backoffice/templates/reminder/email/nl?variant=b";
    let fixed = "/backoffice/templates/fourteen_day_letter/letter/nl?variant=b";
    let list = admin.html("/backoffice/templates").await;
    assert!(list.contains(b) && list.contains("variant B"), "{list}");
    assert!(!list.contains(fixed), "a notice the law words has one wording");
    assert_eq!(admin.get(fixed).await.status(), 404);
    let page = admin.html(b).await;
    assert!(page.contains("reminder · email · nl · variant B"), "{page}");
    let csrf = csrf_for(&page, b).unwrap();
    let body = "Hoi {{ name }},\n\nFactuur {{ invoice }} ({{ amount }}) staat nog open. Even betalen?\n{{ link }}\n\n{{ tenant }}";
    let save = |path: &'static str, subject: &'static str| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            admin
                .post(
                    path,
                    &[
                        ("csrf", csrf.as_str()),
                        ("action", "save"),
                        ("subject", subject),
                        ("body", body),
                    ],
                )
                .await
        }
    };
    assert_eq!(save(fixed, "Anders: {{ invoice }}").await.status(), 404);
    // A mistake is named at the field; nothing saved.
    save(b, "Even een seintje: {{ factuur }}").await;
    assert!(admin.html(b).await.contains("Onbekende variabele: factuur"));
    assert!(message_template::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .is_empty());
    let res = save(b, "Even een seintje: {{ invoice }}").await;
    assert_eq!(location(&res), b);
    let rows = message_template::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].variant.as_str(), rows[0].active),
        ("b", true),
        "variant A untouched"
    );

    // Learning on: the morning is now, and wording B pays more.
    learn(&app, true, 0).await;
    seed_arms(
        &app,
        &[
            ("morning", 90, 10),
            ("afternoon", 0, 100),
            ("evening", 0, 100),
            ("variant:a", 10, 190),
            ("variant:b", 90, 110),
        ],
    )
    .await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    crate::support::dunning::remind_demo(&app, monday()).await;
    let sent = messages_of(&app, &inv).await;
    assert_eq!(sent[0].subject, format!("Even een seintje: {}", inv.number));
    let r = &reminders_of(&app, &inv).await[0];
    assert_eq!(r.variant.as_deref(), Some("b"));

    as_agent(&app).await;
    let page = app.html(&format!("/backoffice/debtors/{}", inv.customer_id)).await;
    for want in ["Gekozen tekst: B", "A 5 % (van 200)", "B 45 % (van 200)"] {
        assert!(page.contains(want), "{want}: {page}");
    }
    let csv = app
        .get("/backoffice/dashboard.csv?from=2026-11-01&to=2026-11-30&days=7")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("sent_in_variant;") && l.contains(" b;")),
        "{csv}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_choice_over_the_daily_cap_is_kept_for_the_next_attempt() {
    use crate::support::dunning::invoice_for;
    let app = spawn_app().await;
    learn(&app, true, 0).await;
    seed_arms(&app, &[("morning", 90, 10), ("afternoon", 0, 100), ("evening", 0, 100)]).await;
    // Two invoices of one debtor: at most one email a day.
    let first = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let second = invoice_for(&app, first.customer_id, 9_001, "2026-11-14", 3_000).await;
    round(&app, monday()).await;
    let (a, b) = (
        &reminders_of(&app, &first).await[0],
        &reminders_of(&app, &second).await[0],
    );
    let waiting = if a.status == "planned" { a } else { b };
    assert_eq!(
        [a.status.as_str(), b.status.as_str()]
            .iter()
            .filter(|s| **s == "issued")
            .count(),
        1,
        "one email today"
    );
    assert_eq!(waiting.cohort.as_deref(), Some("learner"));
    let kept = waiting
        .choice
        .clone()
        .expect("the choice is kept with the postponed reminder");
    // The next days, once the cap allows, it goes out as decided then (the figures have been
    // read again meanwhile: a new decision would show other evidence).
    for day in 1..=3 {
        round(&app, Utc.with_ymd_and_hms(2026, 11, 23 + day, 7, 0, 0).unwrap()).await;
    }
    let inv = if waiting.invoice_id == first.id {
        &first
    } else {
        &second
    };
    let r = &reminders_of(&app, inv).await[0];
    assert_eq!(r.status, "issued");
    assert_eq!(r.choice.as_deref(), Some(kept.as_str()));
    assert_eq!(messages_of(&app, inv).await.len(), 1);
    app.cleanup().await;
}
