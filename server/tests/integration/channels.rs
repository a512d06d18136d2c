//! The tenant's own channels: HTML email in its colours with an open pixel, letters handed to a
//! print provider over HTTP, early signals exported once, and statutory interest charged by a
//! step. Real SMTP and HTTP on loopback.
use crate::support::dunning::*;
use crate::support::smtp::smtp_sink;
use crate::support::*;
use chrono::Duration;
use settle_core::channels::Accounts;
use settle_core::dunning::{early_signals, issue, run};
use settle_core::entities::{message_event, outbox, reminder, staff_task};
use settle_core::outbox::{dispatch, Mailer, Senders};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_core::services::print_settings;

#[tokio::test]
async fn a_reminder_email_has_an_html_part_with_a_pay_button_and_counts_one_open() {
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 4_321, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    let mailer = Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap();
    run::once(&app.state.db, &Senders::from(mailer), monday(), Some("demo"), false)
        .await
        .unwrap();
    let mail = messages_of(&app, &inv).await.remove(0);
    let html = mail.body_html.clone().expect("an HTML part");
    assert!(
        html.contains("Nu betalen") && html.contains("#0b5cad"),
        "a button in the tenant's colour"
    );
    assert!(html.contains(&eur(4_321)), "the amount, as in the text");
    assert!(!html.contains("googleapis"), "nothing loaded from elsewhere");
    let received = sink.messages();
    let ours = received
        .iter()
        .find(|m| m.contains(mail.message_id.as_deref().unwrap()))
        .expect("delivered");
    assert!(
        ours.contains("multipart/alternative") && ours.contains("text/html"),
        "text and HTML parts"
    );

    // The pixel: the same image whatever the id, one `opened` event however often it loads.
    let at = html.find("/t/o/").expect("the demo tenant tracks opens");
    let pixel = &html[at..at + html[at..].find('"').unwrap()];
    for _ in 0..2 {
        let res = app.get(pixel).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/gif");
    }
    let forged = app.get("/t/o/999999e.not-a-token").await;
    assert_eq!(forged.status(), 200, "a made-up id looks the same");
    app.state.tracker.flush(&app.state.db).await.unwrap();
    let opened = message_event::Entity::find()
        .filter(message_event::Column::Kind.eq("opened"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(opened.len(), 1, "opened once, and the forged id counted nothing");
    assert_eq!(opened[0].outbox_id, mail.id);
    app.cleanup().await;
}

#[tokio::test]
async fn a_letter_goes_to_the_print_provider_once_and_is_retried_while_it_is_down() {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let provider = MockServer::start().await;
    let url = format!("{}/letters", provider.uri());
    for bad in ["http://print.example/letters", "ftp://x", "not a url"] {
        assert!(
            print_settings::save(&app.state.db, &app.state.keys, monday(), tenant.id, Some(bad), None)
                .await
                .is_err(),
            "{bad}"
        );
    }
    print_settings::save(
        &app.state.db,
        &app.state.keys,
        monday(),
        tenant.id,
        Some(&url),
        Some("print-secret"),
    )
    .await
    .unwrap();

    // 21 days overdue: the 14-day letter, by letter and email.
    let inv = invoice_due(&app, "2026-11-02", 12_345, &EMAIL_ONLY).await;
    plan(&app, monday()).await;
    issue::issue_due(&app.state.db, monday(), None, 100).await.unwrap();
    let senders = Senders {
        mail: Mailer::DevOutbox,
        accounts: Some(Accounts::new(app.state.keys.clone(), reqwest::Client::new())),
        letter_spool: None,
    };
    let letter = |msgs: Vec<outbox::Model>| msgs.into_iter().find(|m| m.channel == "letter").unwrap();
    let ours = letter(messages_of(&app, &inv).await).message_id.unwrap();
    let key = ours.trim_matches(['<', '>']).to_string();
    // The provider is down for our letter's first try (the demo debtors' letters go through).
    Mock::given(method("POST"))
        .and(path("/letters"))
        .and(header("idempotency-key", key.as_str()))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&provider)
        .await;
    Mock::given(method("POST"))
        .and(path("/letters"))
        .and(header("authorization", "Bearer print-secret"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({ "id": "job-42" })))
        .mount(&provider)
        .await;
    dispatch(&app.state.db, &senders, monday(), 100).await.unwrap();
    let first = letter(messages_of(&app, &inv).await);
    assert_eq!(
        (first.status.as_str(), first.attempts),
        ("pending", 1),
        "503: try again later"
    );
    dispatch(&app.state.db, &senders, monday() + Duration::hours(2), 100)
        .await
        .unwrap();
    let done = letter(messages_of(&app, &inv).await);
    assert_eq!(done.status, "sent");
    assert_eq!(done.provider_message_id.as_deref(), Some("job-42"));
    let requests: Vec<_> = provider
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.headers["idempotency-key"] == key.as_str())
        .collect();
    assert_eq!(
        requests.len(),
        2,
        "one failure, one hand-off, with the same key; nothing more"
    );
    for r in &requests {
        assert!(r.body.starts_with(b"%PDF-"), "the letter's PDF");
        assert_eq!(r.headers["x-settle-tenant"], "demo");
    }
    assert_eq!(requests[1].body, done.document.unwrap(), "exactly the kept PDF");
    app.cleanup().await;
}

#[tokio::test]
async fn early_signals_leave_in_one_csv_export_once() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    one_step_plan(
        &app,
        &OneStep {
            tag: "vroeg",
            offset_days: 60,
            kind: "early_signal",
            channels: "email>letter",
            fee: "none",
            interest: "none",
        },
    )
    .await;
    let inv = invoice_due(&app, "2026-09-20", 18_000, &EMAIL_ONLY).await;
    tag_debtor(&app, &inv, "vroeg").await;
    // A formula in a name must not run in the municipality's spreadsheet.
    settle_core::entities::customer::Entity::update_many()
        .col_expr(
            settle_core::entities::customer::Column::Name,
            settle_core::sea_orm::sea_query::Expr::value("=HYPERLINK(\"http://x\")"),
        )
        .filter(settle_core::entities::customer::Column::Id.eq(inv.customer_id))
        .exec(&app.state.db)
        .await
        .unwrap();
    plan(&app, monday()).await;
    issue::issue_due(&app.state.db, monday(), None, 100).await.unwrap();
    let tasks = staff_task::Entity::find()
        .filter(staff_task::Column::Kind.eq("early_signal"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(tasks, 1, "the step leaves a staff task");

    let (n, csv) = early_signals::export(&app.state.db, &tenant.row, monday(), false)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("signal_date;creditor;"), "{csv}");
    assert!(
        lines[1].contains(";180.00;1;2026-09-20;64"),
        "arrears, invoices, oldest due date, days: {csv}"
    );
    assert!(lines[1].contains("'=HYPERLINK"), "the formula is defused: {csv}");
    let (again, csv2) = early_signals::export(&app.state.db, &tenant.row, monday(), false)
        .await
        .unwrap();
    assert_eq!(
        (again, csv2.lines().count()),
        (0, 1),
        "exported once: the next file has the header only"
    );
    let (all, _) = early_signals::export(&app.state.db, &tenant.row, monday(), true)
        .await
        .unwrap();
    assert_eq!(all, 1, "--all exports it again");
    app.cleanup().await;
}

#[tokio::test]
async fn a_step_with_statutory_interest_charges_what_accrued_and_says_so() {
    let app = spawn_app().await;
    one_step_plan(
        &app,
        &OneStep {
            tag: "rente",
            offset_days: 30,
            kind: "final_notice",
            channels: "email",
            fee: "none",
            interest: "nl",
        },
    )
    .await;
    // EUR 1,000 due on 17 August: 98 days at 7% on 23 November = EUR 18.79.
    let inv = invoice_due(&app, "2026-08-17", 100_000, &EMAIL_ONLY).await;
    tag_debtor(&app, &inv, "rente").await;
    plan(&app, monday()).await;
    issue::issue_due(&app.state.db, monday(), None, 100).await.unwrap();
    let rem = reminder::Entity::find()
        .filter(reminder::Column::InvoiceId.eq(inv.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rem.interest_cents, 1_879);
    let after = reload(&app, &inv).await;
    assert_eq!((after.open_cents, after.interest_open_cents), (101_879, 1_879));
    let mail = messages_of(&app, &inv).await.remove(0);
    assert!(
        mail.body_text.contains(&eur(1_879)),
        "the notice states the interest: {}",
        mail.body_text
    );
    assert!(mail.body_text.contains(&eur(101_879)), "and the new total");
    app.cleanup().await;
}

#[tokio::test]
async fn mail_goes_out_from_the_tenants_own_address_signed_with_its_dkim_key() {
    use settle_core::services::email_settings::{self, Algorithm, DkimKey, Identity};
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let key = DkimKey::generate(Algorithm::Rsa).unwrap();
    let tenant_id = tenant.id;
    let save = |from: &'static str, domain: &'static str| {
        let (db, keys, key) = (&app.state.db, &app.state.keys, &key);
        async move {
            email_settings::save(
                db,
                keys,
                monday(),
                tenant_id,
                &Identity {
                    from,
                    reply_to: Some("Klantenservice <service@zorg.example>"),
                    dkim: Some((domain, "s2026", key)),
                },
            )
            .await
        }
    };
    assert!(
        save("not an address", "zorg.example").await.is_err(),
        "a From that is no address"
    );
    assert!(
        save("Zorg <herinnering@zorg.example>", "other.example").await.is_err(),
        "a DKIM domain that does not align with the From"
    );
    assert!(settle_core::entities::email_setting::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .is_empty());
    save("Zorg Demo <herinnering@mail.zorg.example>", "zorg.example")
        .await
        .unwrap();

    let inv = invoice_due(&app, "2026-11-14", 2_500, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    let senders = Senders {
        mail: Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap(),
        accounts: Some(Accounts::new(app.state.keys.clone(), reqwest::Client::new())),
        letter_spool: None,
    };
    run::once(&app.state.db, &senders, monday(), Some("demo"), false)
        .await
        .unwrap();
    let id = messages_of(&app, &inv).await.remove(0).message_id.unwrap();
    let raw = sink
        .raw_messages()
        .into_iter()
        .find(|m| m.contains(&id))
        .expect("delivered");
    assert!(
        raw.contains("From: \"Zorg Demo\" <herinnering@mail.zorg.example>"),
        "{raw}"
    );
    assert!(raw.contains("Reply-To: Klantenservice <service@zorg.example>"), "{raw}");
    assert!(
        raw.contains("X-Envelope-From: <no-reply+b"),
        "bounces still come back to the platform (VERP)"
    );
    assert!(raw.contains("d=zorg.example") && raw.contains("s=s2026"));
    crate::support::dkim::verify(&raw, &key.dns_txt()).expect("the signature verifies");
    let forged_subject = raw.replacen("Subject: ", "Subject: Re: ", 1);
    assert!(
        crate::support::dkim::verify(&forged_subject, &key.dns_txt()).is_err(),
        "a changed subject fails"
    );
    let forged_body = raw.replacen("Beste Test Debtor", "Beste Tess Debtor", 1);
    assert_ne!(forged_body, raw);
    assert!(
        crate::support::dkim::verify(&forged_body, &key.dns_txt()).is_err(),
        "a changed text fails"
    );
    let other = DkimKey::generate(Algorithm::Ed25519).unwrap();
    assert!(
        crate::support::dkim::verify(&raw, &other.dns_txt()).is_err(),
        "another key fails"
    );
    app.cleanup().await;
}

#[test]
fn the_channel_commands_explain_bad_input_and_print_what_to_publish() {
    let dir = std::env::temp_dir().join(format!("settle-channels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/channels.db?mode=rwc", dir.display());
    let settle = |args: &[&str]| settle_cli(&dir, &db, args);
    assert!(settle(&["demo"]).status.success());
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let bad_from = settle(&["email-identity", "--tenant", "demo", "--from", "nope"]);
    assert_eq!(bad_from.status.code(), Some(1));
    assert!(text(&bad_from).contains("--from is not an email address"));
    let unaligned = settle(&[
        "email-identity",
        "--tenant",
        "demo",
        "--from",
        "Zorg <herinnering@zorg.example>",
        "--dkim-domain",
        "other.example",
        "--dkim-selector",
        "s1",
        "--dkim-algorithm",
        "ed25519",
    ]);
    assert!(text(&unaligned).contains("DMARC alignment"));
    let ok = settle(&[
        "email-identity",
        "--tenant",
        "demo",
        "--from",
        "Zorg <herinnering@zorg.example>",
        "--dkim-domain",
        "zorg.example",
        "--dkim-selector",
        "s1",
        "--dkim-algorithm",
        "ed25519",
    ]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("s1._domainkey.zorg.example. IN TXT \"v=DKIM1; k=ed25519; p="));
    let bad_url = settle(&["print-provider", "--tenant", "demo", "--url", "http://print.example/x"]);
    assert_eq!(bad_url.status.code(), Some(1));
    assert!(text(&bad_url).contains("https://"));
    let signals = settle(&["early-signals", "--tenant", "demo"]);
    assert!(signals.status.success());
    assert!(String::from_utf8_lossy(&signals.stdout).starts_with("signal_date;creditor;"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_reminder_that_fails_just_before_closing_time_is_retried_when_the_window_opens() {
    use chrono::{TimeZone, Utc};
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    // Monday 19:59 in Amsterdam: still inside the window, and the mail server is down.
    let late = Utc.with_ymd_and_hms(2026, 11, 23, 18, 59, 0).unwrap();
    plan(&app, late).await;
    issue::issue_due(&app.state.db, late, None, 100).await.unwrap();
    let down = Mailer::from_url("smtp://127.0.0.1:9", "Settle <no-reply@settle.test>").unwrap();
    dispatch(&app.state.db, &Senders::from(down), late, 100).await.unwrap();
    let mail = messages_of(&app, &inv).await.remove(0);
    assert_eq!((mail.status.as_str(), mail.attempts), ("pending", 1));
    assert_eq!(
        mail.next_attempt_at,
        Utc.with_ymd_and_hms(2026, 11, 24, 7, 0, 0).unwrap(),
        "not at 20:00:59 but Tuesday 08:00"
    );
    app.cleanup().await;
}
