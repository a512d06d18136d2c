//! The dunning engine end to end on a fake clock: plans become reminders, reminders become
//! messages with their own payment links, a real SMTP sink receives them, holds and payments
//! stop them, catch-up never bursts, and concurrent or crashed dispatchers send each once.
use crate::support::dunning::*;
use crate::support::smtp::smtp_sink;
use crate::support::*;
use chrono::{Duration, TimeZone, Utc};
use settle_core::dunning::{issue, run};
use settle_core::entities::{customer, invoice, outbox, reminder, staff_task};
use settle_core::outbox::{dispatch, Mailer, Senders};
use settle_core::sea_orm::sea_query::Expr;
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use settle_domain::dunning::steps::{message_may_go, StepKind};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn a_reminder_arrives_over_smtp_with_its_own_payment_link_and_proof() {
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 123_456, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    let mailer = Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap();

    run::once(
        &app.state.db,
        &Senders::from(mailer.clone()),
        monday(),
        Some("demo"),
        false,
    )
    .await
    .unwrap();

    let rems = reminders_of(&app, &inv).await;
    assert_eq!(rems.len(), 1, "one step: the reminder at +7");
    assert_eq!((rems[0].position, rems[0].status.as_str()), (2, "issued"));
    let msgs = messages_of(&app, &inv).await;
    assert_eq!(msgs.len(), 1, "email only: the debtor has no phone number");
    let mail = &msgs[0];
    assert_eq!(mail.status, "sent");
    assert!(mail.body_text.contains(&eur(123_456)), "{}", mail.body_text);
    let html = mail.body_html.clone().expect("an HTML part");
    let digest = hex::encode(Sha256::digest(format!(
        "{}\n\n{}\n\n{html}",
        mail.subject, mail.body_text
    )));
    assert_eq!(
        mail.content_sha256.as_deref(),
        Some(digest.as_str()),
        "the proof matches the content"
    );
    let message_id = mail.message_id.clone().unwrap();
    let received = sink.messages();
    let ours: Vec<&String> = received.iter().filter(|m| m.contains(&message_id)).collect();
    assert_eq!(ours.len(), 1, "delivered once over SMTP");
    assert!(ours[0].contains("Reply-To:"), "replies reach the tenant's support");
    assert!(ours[0].contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));

    // One click in the mail client stops reminder emails; a person gets a page first.
    let unsubscribe = mail
        .list_unsubscribe
        .clone()
        .expect("a plain reminder may be opted out of");
    let path = unsubscribe.split_once("/u/").map(|(_, t)| format!("/u/{t}")).unwrap();
    assert!(ours[0].contains(&path), "the header carries the link");
    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Geen herinneringen meer per e-mail"));
    let click = app
        .client
        .post(app.url(&path))
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(click.status(), 200);
    let cust = customer::Entity::find_by_id(inv.customer_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!cust.pref_email, "no more reminder emails");
    let told: Vec<serde_json::Value> = events_of(&app)
        .await
        .into_iter()
        .filter(|(k, _)| k == "customer.updated")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(
        told,
        [serde_json::json!({"customer_number": cust.customer_number, "changes": {"email_reminders": false}})]
    );
    assert_eq!(
        app.client
            .post(app.url("/u/not-a-token"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // The demo tenant counts clicks (consent): the link goes through /t/c/ to the payment link,
    // which opens the invoice, pay-only.
    let link = link_in(&mail.body_text);
    let tracked = link.split_once("/t/c/").map(|(_, id)| format!("/t/c/{id}")).unwrap();
    let hop = app.get(&tracked).await;
    assert_eq!(hop.status(), 302);
    let target = location(&hop);
    let pay = target.split_once("/pay/").map(|(_, t)| format!("/pay/{t}")).unwrap();
    assert_eq!(app.get(&pay).await.status(), 200);
    assert_eq!(app.get("/t/c/1e.made-up-token").await.status(), 302, "no oracle");
    assert_eq!(
        app.state.tracker.flush(&app.state.db).await.unwrap(),
        1,
        "only the genuine click counts"
    );

    // The same round again plans and sends nothing more.
    run::once(
        &app.state.db,
        &Senders::from(mailer.clone()),
        monday(),
        Some("demo"),
        false,
    )
    .await
    .unwrap();
    assert_eq!(reminders_of(&app, &inv).await.len(), 1);
    assert_eq!(messages_of(&app, &inv).await.len(), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn catch_up_plans_the_fourteen_day_letter_first_and_costs_only_after_its_term() {
    let app = spawn_app().await;
    // 49 days overdue: the +7, +14, 14-day letter (+21) and final notice (+40) have all passed.
    let inv = invoice_due(&app, "2026-10-05", 25_000, &EMAIL_ONLY).await;
    run::once(&app.state.db, &Mailer::DevOutbox.into(), monday(), Some("demo"), false)
        .await
        .unwrap();

    let rems = reminders_of(&app, &inv).await;
    assert_eq!(rems.len(), 1, "one step after downtime, not a burst");
    assert_eq!(
        rems[0].kind,
        StepKind::FourteenDayLetter.as_str(),
        "never past the 14-day letter"
    );
    // Letter posted Monday: delivered Wednesday 25 November (2 working days), term ends 9 December.
    assert_eq!(rems[0].term_ends, Some(day("2026-12-09")));
    assert_eq!(rems[0].costs_cents, 4_000, "BIK minimum on EUR 250");
    let channels: Vec<String> = messages_of(&app, &inv).await.into_iter().map(|m| m.channel).collect();
    assert_eq!(channels, ["letter", "email"]);
    let email = messages_of(&app, &inv)
        .await
        .into_iter()
        .find(|m| m.channel == "email")
        .unwrap();
    assert_eq!(email.list_unsubscribe, None, "the 14-day letter cannot be opted out of");
    assert!(
        email.body_text.contains(&eur(4_000)) && email.body_text.contains("9 december 2026"),
        "{}",
        email.body_text
    );
    let letter = messages_of(&app, &inv)
        .await
        .into_iter()
        .find(|m| m.channel == "letter")
        .unwrap();
    let pdf = letter.document.clone().expect("the letter's PDF is kept");
    assert!(pdf.starts_with(b"%PDF-"));
    // The print spool gets the same PDF, named by the message.
    let spool = std::env::temp_dir().join(format!("settle-spool-{}", inv.id));
    let senders = Senders {
        mail: Mailer::DevOutbox,
        accounts: None,
        letter_spool: Some(spool.clone()),
    };
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("pending"))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(monday()))
        .filter(outbox::Column::Id.eq(letter.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    dispatch(&app.state.db, &senders, monday(), 100).await.unwrap();
    let file = spool.join("demo").join(format!("r{}.letter.demo.pdf", rems[0].id));
    assert_eq!(std::fs::read(&file).unwrap(), pdf);
    let _ = std::fs::remove_dir_all(&spool);
    let after_letter = reload(&app, &inv).await;
    assert_eq!(
        (after_letter.open_cents, after_letter.costs_pending_cents),
        (25_000, 4_000),
        "costs are announced, not yet owed"
    );

    // During the term nothing further goes out.
    run::once(
        &app.state.db,
        &Mailer::DevOutbox.into(),
        Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap(),
        Some("demo"),
        false,
    )
    .await
    .unwrap();
    assert_eq!(reminders_of(&app, &inv).await.len(), 1);

    // The day after the term: the costs are owed and the most advanced step, the hand-over, is due.
    run::once(
        &app.state.db,
        &Mailer::DevOutbox.into(),
        Utc.with_ymd_and_hms(2026, 12, 10, 9, 0, 0).unwrap(),
        Some("demo"),
        false,
    )
    .await
    .unwrap();
    let after_term = reload(&app, &inv).await;
    assert_eq!((after_term.open_cents, after_term.costs_open_cents), (29_000, 4_000));
    let kinds: Vec<String> = reminders_of(&app, &inv).await.into_iter().map(|r| r.kind).collect();
    assert_eq!(kinds, ["fourteen_day_letter", "hand_over"]);
    assert_eq!(after_term.dunning_hold.as_deref(), Some("handed_over"));
    let tasks = staff_task::Entity::find()
        .filter(staff_task::Column::InvoiceId.eq(inv.id))
        .filter(staff_task::Column::Kind.eq("hand_over"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(tasks, 1, "staff get a hand-over task");
    let told: Vec<serde_json::Value> = events_of(&app)
        .await
        .into_iter()
        .filter(|(k, _)| k == "invoice.handed_over")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(
        (&told[0]["invoice_number"], &told[0]["open_cents"]),
        (&serde_json::json!(inv.number), &serde_json::json!(29_000))
    );
    let hand_over = reminders_of(&app, &inv).await[1].id;
    let notice = messages_of(&app, &inv)
        .await
        .into_iter()
        .filter(|m| m.reminder_id == Some(hand_over) && m.status == "dev")
        .count();
    assert_eq!(notice, 1, "the hand-over notice goes out despite its own hold");
    app.cleanup().await;
}

#[tokio::test]
async fn no_step_overtakes_one_still_waiting_for_the_window() {
    let app = spawn_app().await;
    // 49 days overdue: the 14-day letter is due, and so is the final notice after it.
    let inv = invoice_due(&app, "2026-10-05", 25_000, &EMAIL_ONLY).await;
    // Sunday night: the letter is planned but waits for Monday 08:00.
    plan(&app, Utc.with_ymd_and_hms(2026, 11, 22, 22, 0, 0).unwrap()).await;
    run::once(&app.state.db, &Mailer::DevOutbox.into(), monday(), Some("demo"), false)
        .await
        .unwrap();
    let kinds: Vec<String> = reminders_of(&app, &inv).await.into_iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        ["fourteen_day_letter"],
        "the final notice waits for the letter's term"
    );
    let tuesday = monday() + Duration::days(1);
    run::once(&app.state.db, &Mailer::DevOutbox.into(), tuesday, Some("demo"), false)
        .await
        .unwrap();
    assert_eq!(reminders_of(&app, &inv).await.len(), 1, "still inside the term");
    app.cleanup().await;
}

#[tokio::test]
async fn a_payment_or_dispute_between_planning_and_sending_stops_the_message() {
    let app = spawn_app().await;
    let paid = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let disputed = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    plan(&app, monday()).await;
    assert_eq!(reminders_of(&app, &paid).await[0].status, "planned");

    // Paid after planning: the reminder is cancelled when it is claimed.
    invoice::Entity::update_many()
        .col_expr(invoice::Column::Status, Expr::value("paid"))
        .col_expr(invoice::Column::OpenCents, Expr::value(0))
        .filter(invoice::Column::Id.eq(paid.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    issue::issue_due(&app.state.db, monday(), None, 100).await.unwrap();
    let r = &reminders_of(&app, &paid).await[0];
    assert_eq!((r.status.as_str(), r.reason.as_deref()), ("cancelled", Some("settled")));
    assert!(messages_of(&app, &paid).await.is_empty());

    // Disputed after issuing, before sending: the queued message is cancelled at its claim.
    assert_eq!(messages_of(&app, &disputed).await[0].status, "pending");
    invoice::Entity::update_many()
        .col_expr(invoice::Column::DunningHold, Expr::value("disputed"))
        .filter(invoice::Column::Id.eq(disputed.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    dispatch(&app.state.db, &Mailer::DevOutbox.into(), monday(), 100)
        .await
        .unwrap();
    assert_eq!(messages_of(&app, &disputed).await[0].status, "cancelled");
    app.cleanup().await;
}

#[tokio::test]
async fn the_dispatchers_hold_check_in_sql_matches_the_domain_rule() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let mut cases = Vec::new();
    for status in ["open", "pending", "paid", "cancelled"] {
        for hold in [
            None,
            Some("disputed"),
            Some("payment_plan"),
            Some("handed_over"),
            Some("paused"),
        ] {
            for legal in [None, Some("deceased")] {
                for kind in [StepKind::Reminder, StepKind::HandOver] {
                    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
                    invoice::Entity::update_many()
                        .col_expr(invoice::Column::Status, Expr::value(status))
                        .col_expr(invoice::Column::DunningHold, Expr::value(hold))
                        .filter(invoice::Column::Id.eq(inv.id))
                        .exec(&app.state.db)
                        .await
                        .unwrap();
                    customer::Entity::update_many()
                        .col_expr(customer::Column::LegalStop, Expr::value(legal))
                        .filter(customer::Column::Id.eq(inv.customer_id))
                        .exec(&app.state.db)
                        .await
                        .unwrap();
                    let rem = reminder::ActiveModel {
                        tenant_id: Set(tenant.id),
                        invoice_id: Set(inv.id),
                        customer_id: Set(inv.customer_id),
                        plan_id: Set(0),
                        step_id: Set(0),
                        position: Set(1),
                        kind: Set(kind.as_str().into()),
                        status: Set("issued".into()),
                        due_on: Set(inv.due_date),
                        send_after: Set(monday()),
                        planned_at: Set(monday()),
                        ..Default::default()
                    }
                    .insert(&app.state.db)
                    .await
                    .unwrap();
                    outbox::ActiveModel {
                        tenant_id: Set(tenant.id),
                        channel: Set("email".into()),
                        recipient: Set("x@example.nl".into()),
                        subject: Set("s".into()),
                        body_text: Set("b".into()),
                        status: Set("pending".into()),
                        attempts: Set(0),
                        next_attempt_at: Set(monday()),
                        invoice_id: Set(Some(inv.id)),
                        customer_id: Set(Some(inv.customer_id)),
                        reminder_id: Set(Some(rem.id)),
                        created_at: Set(monday()),
                        ..Default::default()
                    }
                    .insert(&app.state.db)
                    .await
                    .unwrap();
                    cases.push((
                        inv,
                        message_may_go(kind, status, hold, legal),
                        format!("{status} {hold:?} {legal:?} {kind:?}"),
                    ));
                }
            }
        }
    }
    dispatch(&app.state.db, &Mailer::DevOutbox.into(), monday(), 1_000)
        .await
        .unwrap();
    for (inv, may_go, case) in &cases {
        let m = &messages_of(&app, inv).await[0];
        assert_eq!(
            m.status == "dev",
            *may_go,
            "{case} ({}): message {}",
            inv.number,
            m.status
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn two_engines_at_once_plan_and_send_each_message_once() {
    let app = spawn_app().await;
    let mut invoices = Vec::new();
    for _ in 0..12 {
        invoices.push(invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await);
    }
    let sink = smtp_sink().await;
    let a = Senders::from(Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap());
    let b = Senders::from(Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap());
    let db = &app.state.db;
    let (ra, rb) = tokio::join!(
        run::once(db, &a, monday(), Some("demo"), false),
        run::once(db, &b, monday(), Some("demo"), false)
    );
    // On SQLite one of two writers may have to give up on a busy database; its work is done
    // by the other or by the next round, never twice.
    assert!(ra.is_ok() || rb.is_ok());
    run::once(db, &a, monday(), Some("demo"), false).await.unwrap();
    let received = sink.messages();
    for inv in &invoices {
        let rems = reminders_of(&app, inv).await;
        assert_eq!(rems.len(), 1, "planned once");
        let msgs = messages_of(&app, inv).await;
        assert_eq!(msgs.len(), 1, "issued once");
        let id = msgs[0].message_id.clone().unwrap();
        assert_eq!(
            received.iter().filter(|m| m.contains(&id)).count(),
            1,
            "sent once: {id}"
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_crash_mid_send_resends_once_with_the_same_message_id() {
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    plan(&app, monday()).await;
    issue::issue_due(&app.state.db, monday(), None, 100).await.unwrap();
    let msg = messages_of(&app, &inv).await.remove(0);
    // A dispatcher claimed it and died before recording the result.
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("sending"))
        .col_expr(
            outbox::Column::NextAttemptAt,
            Expr::value(monday() + Duration::minutes(5)),
        )
        .filter(outbox::Column::Id.eq(msg.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let sink = smtp_sink().await;
    let mailer = Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap();
    let id = msg.message_id.unwrap();
    let ours = || sink.messages().iter().filter(|m| m.contains(&id)).count();
    dispatch(
        &app.state.db,
        &Senders::from(mailer.clone()),
        monday() + Duration::minutes(1),
        100,
    )
    .await
    .unwrap();
    assert_eq!(ours(), 0, "the lease still holds");
    assert_eq!(messages_of(&app, &inv).await[0].status, "sending");
    dispatch(
        &app.state.db,
        &Senders::from(mailer.clone()),
        monday() + Duration::minutes(6),
        100,
    )
    .await
    .unwrap();
    assert_eq!(ours(), 1, "resent once the lease ran out, with the same Message-ID");
    dispatch(
        &app.state.db,
        &Senders::from(mailer.clone()),
        monday() + Duration::minutes(60),
        100,
    )
    .await
    .unwrap();
    assert_eq!(ours(), 1);
    assert_eq!(messages_of(&app, &inv).await[0].status, "sent");
    app.cleanup().await;
}

#[tokio::test]
async fn a_dry_run_prints_the_plan_and_writes_nothing() {
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let round = run::once(&app.state.db, &Mailer::DevOutbox.into(), monday(), Some("demo"), true)
        .await
        .unwrap();
    let planned = &round.passes[0].planned;
    assert!(planned.iter().any(|p| p.invoice_id == inv.id && p.kind == "reminder"));
    assert!(reminders_of(&app, &inv).await.is_empty());
    assert_eq!(reload(&app, &inv).await.dunning_plan_id, None);
    app.cleanup().await;
}

#[tokio::test]
async fn nothing_goes_out_on_sunday_night_and_a_legal_stop_silences_the_debtor() {
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let stopped = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    customer::Entity::update_many()
        .col_expr(customer::Column::LegalStop, Expr::value("debt_restructuring"))
        .filter(customer::Column::Id.eq(stopped.customer_id))
        .exec(&app.state.db)
        .await
        .unwrap();
    // Sunday 22 November, 23:00 in Amsterdam.
    let sunday_night = Utc.with_ymd_and_hms(2026, 11, 22, 22, 0, 0).unwrap();
    run::once(
        &app.state.db,
        &Mailer::DevOutbox.into(),
        sunday_night,
        Some("demo"),
        false,
    )
    .await
    .unwrap();
    let r = &reminders_of(&app, &inv).await[0];
    assert_eq!(r.status, "planned");
    assert_eq!(
        r.send_after,
        Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap(),
        "Monday 08:00"
    );
    assert!(messages_of(&app, &inv).await.is_empty());
    assert!(
        reminders_of(&app, &stopped).await.is_empty(),
        "no plan for a debtor in WSNP"
    );
    app.cleanup().await;
}

#[test]
fn settle_remind_refuses_a_bad_instant_and_an_unknown_tenant() {
    let dir = std::env::temp_dir().join(format!("settle-remind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/remind.db?mode=rwc", dir.display());
    let settle = |args: &[&str]| settle_cli(&dir, &db, args);
    let bad = settle(&["remind", "--once", "--at", "tomorrow"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("RFC 3339"));
    let unknown = settle(&["remind", "--once", "--tenant", "nope"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no tenant"));
    let junk = settle(&["ingest-bounce"]);
    assert_eq!(junk.status.code(), Some(0), "an MTA must never bounce the bounce");
    assert!(String::from_utf8_lossy(&junk.stdout).contains("ignored"));
    let ok = settle(&["remind", "--once", "--at", "2026-11-23T10:00:00+01:00", "--dry-run"]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("dry run"));
}

#[tokio::test]
async fn an_sms_reminder_goes_through_the_tenants_provider_and_its_delivery_report_counts() {
    use settle_core::channels::sms::twilio_signature;
    use settle_core::entities::message_event;
    use settle_core::services::sms_settings;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let app = spawn_app().await;
    let provider = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2010-04-01/Accounts/AC123/Messages.json"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({ "sid": "SM0001" })))
        .mount(&provider)
        .await;
    let tenant = app.tenant().await;
    let bad = serde_json::json!({ "account_sid": "AC123" });
    assert!(
        sms_settings::save(
            &app.state.db,
            &app.state.keys,
            monday(),
            tenant.id,
            "twilio",
            None,
            &bad
        )
        .await
        .is_err(),
        "incomplete credentials are refused"
    );
    twilio_account(&app, &provider.uri(), "AC123", "tw-secret", "+3197010000000").await;
    let who = Debtor {
        email: Some("sms@example.nl"),
        phone: Some("+31612345678"),
    };
    let inv = invoice_due(&app, "2026-11-14", 5_000, &who).await;
    let senders = tenant_senders(&app, reqwest::Client::new());
    run::once(&app.state.db, &senders, monday(), Some("demo"), false)
        .await
        .unwrap();

    let sms = messages_of(&app, &inv)
        .await
        .into_iter()
        .find(|m| m.channel == "sms")
        .unwrap();
    assert_eq!(
        (sms.status.as_str(), sms.provider_message_id.as_deref()),
        ("sent", Some("SM0001"))
    );
    let sent = provider.received_requests().await.unwrap();
    let form = String::from_utf8_lossy(&sent[0].body).to_string();
    assert!(
        form.contains("To=%2B31612345678") && form.contains("%2Fpay%2F"),
        "{form}"
    );

    let events = |kind: &'static str| {
        let db = app.state.db.clone();
        async move {
            message_event::Entity::find()
                .filter(message_event::Column::OutboxId.eq(sms.id))
                .filter(message_event::Column::Kind.eq(kind))
                .count(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(events("sent").await, 1);
    let report: Vec<(String, String)> = vec![
        ("MessageSid".into(), "SM0001".into()),
        ("MessageStatus".into(), "delivered".into()),
    ];
    let forged = app
        .client
        .post(app.url("/webhooks/sms/twilio"))
        .header("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl")
        .form(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(events("delivered").await, 0, "a forged report changes nothing");
    let signature = twilio_signature("tw-secret", &tenant.link("/webhooks/sms/twilio"), &report).unwrap();
    let real = app
        .client
        .post(app.url("/webhooks/sms/twilio"))
        .header("X-Twilio-Signature", signature)
        .form(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(real.status(), 200);
    assert_eq!(events("delivered").await, 1);
    // A failed SMS is told to the creditor's systems as a bounce.
    let failed: Vec<(String, String)> = vec![
        ("MessageSid".into(), "SM0001".into()),
        ("MessageStatus".into(), "undelivered".into()),
    ];
    let signature = twilio_signature("tw-secret", &tenant.link("/webhooks/sms/twilio"), &failed).unwrap();
    let res = app
        .client
        .post(app.url("/webhooks/sms/twilio"))
        .header("X-Twilio-Signature", signature)
        .form(&failed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(events("failed").await, 1);
    let told: Vec<serde_json::Value> = events_of(&app)
        .await
        .into_iter()
        .filter(|(k, _)| k == "message.bounced")
        .map(|(_, d)| d)
        .collect();
    assert_eq!((told.len(), &told[0]["channel"]), (1, &serde_json::json!("sms")));
    app.cleanup().await;
}

#[tokio::test]
async fn a_hard_bounce_marks_the_address_falls_back_to_a_letter_and_asks_for_a_new_address_by_sms() {
    use settle_core::dunning::bounces::{apply, parse_dsn, Applied};
    use settle_core::entities::message_event;
    let app = spawn_app().await;
    // A plan for tagged debtors only: a reminder at +7 by email, else by letter.
    let plan_id = one_step_plan(
        &app,
        &OneStep {
            tag: "bounce-test",
            offset_days: 7,
            kind: "reminder",
            channels: "email>letter",
            fee: "none",
            interest: "none",
        },
    )
    .await;
    let who = Debtor {
        email: Some("gone@example.nl"),
        phone: Some("+31612345678"),
    };
    let inv = invoice_due(&app, "2026-11-14", 5_000, &who).await;
    tag_debtor(&app, &inv, "vip, bounce-test").await;
    let sink = smtp_sink().await;
    let mailer = Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap();
    run::once(
        &app.state.db,
        &Senders::from(mailer.clone()),
        monday(),
        Some("demo"),
        false,
    )
    .await
    .unwrap();
    let rems = reminders_of(&app, &inv).await;
    assert_eq!(
        (rems.len(), rems[0].plan_id),
        (1, plan_id),
        "the segment chose the tagged plan"
    );
    let email = messages_of(&app, &inv).await.remove(0);
    assert_eq!(email.channel, "email");
    let received = sink.messages();
    let sent = received
        .iter()
        .find(|m| m.contains(email.message_id.as_deref().unwrap()))
        .unwrap();
    let verp = format!("no-reply+b{}@settle.test", email.id);
    assert!(sent.contains(&verp), "VERP return path: {sent}");

    let dsn = format!(
        "From: MAILER-DAEMON@mx.example.net\nTo: {verp}\nSubject: Undelivered\n\nContent-Type: message/delivery-status\n\n\
         Final-Recipient: rfc822; gone@example.nl\nAction: delayed\nStatus: 4.2.2\n"
    );
    let soft = parse_dsn(&dsn).unwrap();
    assert_eq!(apply(&app.state.db, &soft, monday()).await.unwrap(), Applied::Deferred);
    let hard = parse_dsn(&dsn.replace("Status: 4.2.2", "Status: 5.1.1")).unwrap();
    assert_eq!(
        apply(&app.state.db, &hard, monday()).await.unwrap(),
        Applied::Bounced { fallbacks: 2 }
    );
    let cust = customer::Entity::find_by_id(inv.customer_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(cust.email_invalid_at.is_some(), "the address is marked invalid");
    let kinds: Vec<String> = message_event::Entity::find()
        .filter(message_event::Column::OutboxId.eq(email.id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["sent", "deferred", "bounced"]);
    let bounced: Vec<serde_json::Value> = events_of(&app)
        .await
        .into_iter()
        .filter(|(k, _)| k == "message.bounced")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(bounced.len(), 1, "only the hard bounce is told");
    assert_eq!(
        (
            &bounced[0]["channel"],
            &bounced[0]["reason"],
            &bounced[0]["invoice_number"]
        ),
        (
            &serde_json::json!("email"),
            &serde_json::json!("5.1.1"),
            &serde_json::json!(inv.number)
        )
    );
    let channels: Vec<(String, String)> = messages_of(&app, &inv)
        .await
        .into_iter()
        .map(|m| (m.channel, m.body_text))
        .collect();
    assert_eq!(channels.len(), 3);
    assert_eq!(channels[1].0, "letter", "the plan falls back to the next channel");
    assert_eq!(channels[2].0, "sms");
    assert!(channels[2].1.contains("e-mailadres") && channels[2].1.contains("/pay/"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_set_based_planner_decides_exactly_like_the_domain_rule() {
    use settle_core::dunning::planner::{decision_rust, decision_sql};
    use settle_core::dunning::plans;
    use settle_core::entities::{dunning_plan, dunning_step};
    use settle_core::sea_orm::{ConnectionTrait, Statement};
    use settle_domain::dunning::steps::{day_number, from_day_number, Progress};

    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let db = &app.state.db;
    // A plan with every rule in play: a pre-due step, required letters, a step that needs
    // EUR 100 of arrears, and a hand-over.
    let plan = dunning_plan::ActiveModel {
        tenant_id: Set(tenant.id),
        name: Set("Everything".into()),
        priority: Set(1),
        is_default: Set(false),
        segment: Set(r#"{"tags_any":["nobody-has-this"]}"#.into()),
        created_at: Set(monday()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let steps = [
        (-3, "reminder"),
        (7, "reminder"),
        (14, "zvw_letter"),
        (21, "fourteen_day_letter"),
        (30, "disconnection_notice"),
        (40, "final_notice"),
        (60, "hand_over"),
    ];
    for (i, (offset, kind)) in steps.iter().enumerate() {
        dunning_step::ActiveModel {
            tenant_id: Set(tenant.id),
            plan_id: Set(plan.id),
            position: Set(i as i32 + 1),
            name: Set(format!("step {i}")),
            offset_days: Set(*offset),
            kind: Set((*kind).into()),
            channels: Set("email".into()),
            fee: Set("none".into()),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    let loaded = plans::load(db, tenant.id).await.unwrap();
    let the_plan = loaded.by_id.get(&plan.id).unwrap();
    let today = day("2026-11-23");
    let mut seed: u64 = 0x005e_771e;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut cases = Vec::new();
    for _ in 0..150 {
        let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
        let due = today - Duration::days(next(120) as i64 - 10);
        let open = [5_000, 9_999, 10_000, 250_000][next(4) as usize];
        let last = [None, Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), Some(7)][next(8) as usize];
        let term = (next(3) == 0).then(|| day_number(today) + next(20) as i32 - 10);
        invoice::Entity::update_many()
            .col_expr(invoice::Column::DueDate, Expr::value(due))
            .col_expr(invoice::Column::OpenCents, Expr::value(open))
            .col_expr(invoice::Column::DunningPlanId, Expr::value(plan.id))
            .col_expr(invoice::Column::DueDay, Expr::value(day_number(due)))
            .col_expr(invoice::Column::DunningPosition, Expr::value(last))
            .col_expr(invoice::Column::DunningTermDay, Expr::value(term))
            .col_expr(invoice::Column::DunningNextDay, Expr::value(day_number(today)))
            .filter(invoice::Column::Id.eq(inv.id))
            .exec(db)
            .await
            .unwrap();
        let progress = Progress {
            last_position: last,
            term_ends: term.map(from_day_number),
        };
        cases.push((inv.id, decision_rust(the_plan, due, open, &progress, today)));
    }
    let sql = decision_sql(&loaded, &Default::default(), tenant.id, day_number(today));
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    let by_invoice: std::collections::HashMap<i64, (Option<i32>, Option<i32>)> = rows
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("", "invoice_id").unwrap();
            let position: Option<i32> = r.try_get("", "position").unwrap();
            let next: Option<i32> = r.try_get("", "next_day").unwrap();
            (id, (position, next))
        })
        .collect();
    let mut sends = 0;
    for (id, rust) in &cases {
        assert_eq!(by_invoice.get(id), Some(rust), "invoice {id}");
        sends += usize::from(rust.0.is_some());
    }
    assert!(
        sends > 20 && sends < 150,
        "the cases cover both sending and waiting: {sends}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_reminder_waits_for_the_hour_the_debtor_usually_pays() {
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    crate::support::dunning::evening_payment_habit(&app, &inv).await;
    run::once(&app.state.db, &Mailer::DevOutbox.into(), monday(), Some("demo"), false)
        .await
        .unwrap();
    let r = &reminders_of(&app, &inv).await[0];
    assert_eq!(r.status, "planned");
    assert_eq!(
        r.send_after,
        Utc.with_ymd_and_hms(2026, 11, 23, 18, 0, 0).unwrap(),
        "19:00 local"
    );
    assert!(
        r.reason.as_deref().unwrap_or_default().contains("around 19:00"),
        "{:?}",
        r.reason
    );
    assert!(messages_of(&app, &inv).await.is_empty());
    let evening = Utc.with_ymd_and_hms(2026, 11, 23, 18, 0, 0).unwrap();
    run::once(&app.state.db, &Mailer::DevOutbox.into(), evening, Some("demo"), false)
        .await
        .unwrap();
    assert_eq!(messages_of(&app, &inv).await.len(), 1, "sent at the debtor's hour");
    app.cleanup().await;
}

#[tokio::test]
async fn an_email_providers_events_need_the_token_and_a_bounce_recovers_like_a_dsn() {
    use settle_core::entities::message_event;
    use settle_core::state::RunMode;
    let app = spawn_app_with(RunMode::Dev, |s| s.email_webhook_token = Some("hook-secret".into())).await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    run::once(&app.state.db, &Mailer::DevOutbox.into(), monday(), Some("demo"), false)
        .await
        .unwrap();
    let mail = messages_of(&app, &inv).await.remove(0);
    let post = |auth: &'static str, body: serde_json::Value| {
        app.client
            .post(app.url("/webhooks/email"))
            .header("Authorization", auth)
            .json(&body)
            .send()
    };
    let delivered = serde_json::json!({ "message_id": mail.message_id, "event": "delivered" });
    assert_eq!(post("Bearer wrong", delivered.clone()).await.unwrap().status(), 401);
    let junk = serde_json::json!({ "what": "ever" });
    assert_eq!(post("Bearer hook-secret", junk).await.unwrap().status(), 400);
    assert_eq!(post("Bearer hook-secret", delivered).await.unwrap().status(), 200);
    let bounced = serde_json::json!({ "message_id": mail.message_id, "event": "bounced", "status": "5.1.1" });
    assert_eq!(post("Bearer hook-secret", bounced).await.unwrap().status(), 200);
    let kinds: Vec<String> = message_event::Entity::find()
        .filter(message_event::Column::OutboxId.eq(mail.id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["sent", "delivered", "bounced"]);
    let cust = customer::Entity::find_by_id(inv.customer_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(cust.email_invalid_at.is_some());
    app.cleanup().await;
}
