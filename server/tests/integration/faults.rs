//! Providers misbehaving while the dispatcher sends: a mail server that says "try later",
//! refuses a recipient or answers too slowly; an SMS provider that fails with 500 or never
//! answers. After each: nothing lost, nothing sent twice (beyond the one documented resend,
//! with the same Message-ID), and a refused address handled like a bounce.
use crate::support::dunning::*;
use crate::support::smtp::{smtp_sink, Sink};
use crate::support::*;
use chrono::Duration;
use settle_core::dunning::run;
use settle_core::entities::{message_event, outbox};
use settle_core::outbox::{Mailer, Senders};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FROM: &str = "Settle <no-reply@settle.test>";

async fn round(app: &TestApp, senders: &Senders, at: chrono::DateTime<chrono::Utc>) {
    run::once(&app.state.db, senders, at, Some("demo"), false)
        .await
        .unwrap();
}

async fn row(app: &TestApp, id: i64) -> outbox::Model {
    outbox::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn events(app: &TestApp, id: i64) -> Vec<String> {
    message_event::Entity::find()
        .filter(message_event::Column::OutboxId.eq(id))
        .order_by_asc(message_event::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// How many copies of this message the mail server holds.
fn copies(sink: &Sink, msg: &outbox::Model) -> usize {
    let mid = msg.message_id.clone().unwrap();
    sink.messages().iter().filter(|m| m.contains(&mid)).count()
}

async fn the_email(app: &TestApp, inv: &settle_core::entities::invoice::Model) -> outbox::Model {
    messages_of(app, inv)
        .await
        .into_iter()
        .find(|m| m.channel == "email")
        .expect("an email was queued")
}

#[tokio::test]
async fn a_mail_server_that_says_try_later_gets_the_message_later_and_once() {
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    sink.refuse_every_recipient(Some("451 4.7.1 Greylisted, please try again later"));
    let senders = Senders::from(Mailer::from_url(&sink.url(), FROM).unwrap());

    round(&app, &senders, monday()).await;
    let mail = the_email(&app, &inv).await;
    assert_eq!(
        (mail.status.as_str(), mail.attempts),
        ("pending", 1),
        "kept for a retry"
    );
    let error = mail.last_error.clone().unwrap_or_default();
    assert!(error.contains("451 4.7.1"), "the reply code is kept: {error}");
    assert!(!error.contains('@'), "the error never carries the address: {error}");
    assert!(mail.next_attempt_at > monday(), "retried after a backoff");
    assert_eq!(copies(&sink, &mail), 0);

    sink.refuse_every_recipient(None);
    round(&app, &senders, monday() + Duration::hours(2)).await;
    round(&app, &senders, monday() + Duration::hours(4)).await;
    let mail = row(&app, mail.id).await;
    assert_eq!(mail.status, "sent");
    assert_eq!(copies(&sink, &mail), 1, "delivered once");
    assert_eq!(events(&app, mail.id).await, ["deferred", "sent"]);
    app.cleanup().await;
}

#[tokio::test]
async fn a_mail_server_that_refuses_the_recipient_is_a_bounce_and_the_reminder_falls_back() {
    let app = spawn_app().await;
    one_step_plan(
        &app,
        &OneStep {
            tag: "refused-test",
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
    let gone = invoice_due(&app, "2026-11-14", 5_000, &who).await;
    tag_debtor(&app, &gone, "refused-test").await;
    let fine = invoice_due(&app, "2026-11-14", 6_000, &EMAIL_ONLY).await;
    let address = customer_now(&app, gone.customer_id).await.email.unwrap();
    let sink = smtp_sink().await;
    sink.refuse_recipient(&address, &format!("550 5.1.1 <{address}>: Recipient address rejected"));
    let senders = Senders::from(Mailer::from_url(&sink.url(), FROM).unwrap());

    round(&app, &senders, monday()).await;
    let refused = the_email(&app, &gone).await;
    assert_eq!(
        (refused.status.as_str(), refused.attempts),
        ("failed", 1),
        "not tried again: the server said the mailbox does not exist"
    );
    assert!(
        !refused.last_error.clone().unwrap_or_default().contains(&address),
        "{:?}",
        refused.last_error
    );
    assert_eq!(events(&app, refused.id).await, ["failed", "bounced"]);
    let debtor = customer_now(&app, gone.customer_id).await;
    assert!(debtor.email_invalid_at.is_some(), "the address is marked invalid");
    let channels: Vec<String> = messages_of(&app, &gone).await.into_iter().map(|m| m.channel).collect();
    assert!(
        channels.contains(&"letter".to_string()),
        "falls back to a letter: {channels:?}"
    );
    assert!(
        channels.contains(&"sms".to_string()),
        "asks for a new address by SMS: {channels:?}"
    );
    let other = the_email(&app, &fine).await;
    assert_eq!(other.status, "sent", "another debtor's mail is not held up");
    assert_eq!(copies(&sink, &other), 1);

    round(&app, &senders, monday() + Duration::days(1)).await;
    assert_eq!(
        row(&app, refused.id).await.attempts,
        1,
        "a refused recipient is never retried"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_relay_that_refuses_everything_keeps_the_mail_and_marks_no_address() {
    // Our relay, not the debtor's mailbox: the operator fixes it while the messages wait.
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    sink.refuse_every_recipient(Some("554 5.7.1 Relay access denied"));
    let senders = Senders::from(Mailer::from_url(&sink.url(), FROM).unwrap());

    round(&app, &senders, monday()).await;
    let mail = the_email(&app, &inv).await;
    assert_eq!((mail.status.as_str(), mail.attempts), ("pending", 1));
    assert!(customer_now(&app, inv.customer_id).await.email_invalid_at.is_none());
    assert_eq!(events(&app, mail.id).await, ["deferred"]);

    sink.refuse_every_recipient(None);
    round(&app, &senders, monday() + Duration::hours(2)).await;
    assert_eq!(row(&app, mail.id).await.status, "sent");
    assert_eq!(copies(&sink, &mail), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn a_mail_server_slower_than_the_timeout_gets_the_message_again_with_the_same_message_id() {
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    // It keeps the message but acknowledges it only after the sender has given up.
    sink.acknowledge_after(std::time::Duration::from_secs(4));
    let mailer = Mailer::from_url_timeout(&sink.url(), FROM, std::time::Duration::from_secs(1)).unwrap();
    let senders = Senders::from(mailer);

    round(&app, &senders, monday()).await;
    let mail = the_email(&app, &inv).await;
    assert_eq!(
        (mail.status.as_str(), mail.attempts),
        ("pending", 1),
        "{:?}",
        mail.last_error
    );
    assert_eq!(copies(&sink, &mail), 1, "the server has it; Settle cannot know");

    sink.acknowledge_after(std::time::Duration::ZERO);
    round(&app, &senders, monday() + Duration::hours(2)).await;
    round(&app, &senders, monday() + Duration::hours(4)).await;
    let mail = row(&app, mail.id).await;
    assert_eq!(mail.status, "sent");
    assert_eq!(
        copies(&sink, &mail),
        2,
        "sent once more, at most, with the same Message-ID, so the receiving side drops it"
    );
    app.cleanup().await;
}

/// A debtor with email and phone, a Twilio account at `provider`, and the email going to the dev
/// outbox: the SMS is what the test watches.
async fn sms_setup(app: &TestApp, provider: &MockServer, timeout: std::time::Duration) -> (Senders, i64) {
    twilio_account(app, &provider.uri(), "AC123", "tw-secret", "+3197010000000").await;
    let who = Debtor {
        email: Some("sms@example.nl"),
        phone: Some("+31612345678"),
    };
    let inv = invoice_due(app, "2026-11-14", 5_000, &who).await;
    let http = reqwest::Client::builder().timeout(timeout).build().unwrap();
    (tenant_senders(app, http), inv.id)
}

async fn the_sms(app: &TestApp, invoice_id: i64) -> outbox::Model {
    outbox::Entity::find()
        .filter(outbox::Column::InvoiceId.eq(invoice_id))
        .filter(outbox::Column::Channel.eq("sms"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("an SMS was queued")
}

const TWILIO_PATH: &str = "/2010-04-01/Accounts/AC123/Messages.json";

#[tokio::test]
async fn an_sms_provider_failing_with_500_gets_the_message_later_and_once() {
    let app = spawn_app().await;
    let provider = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TWILIO_PATH))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .up_to_n_times(1)
        .mount(&provider)
        .await;
    Mock::given(method("POST"))
        .and(path(TWILIO_PATH))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({ "sid": "SM0500" })))
        .mount(&provider)
        .await;
    let (senders, invoice_id) = sms_setup(&app, &provider, std::time::Duration::from_secs(10)).await;

    round(&app, &senders, monday()).await;
    let sms = the_sms(&app, invoice_id).await;
    assert_eq!((sms.status.as_str(), sms.attempts), ("pending", 1));
    let error = sms.last_error.clone().unwrap_or_default();
    assert!(error.contains("HTTP 500") && !error.contains("5678"), "{error}");

    round(&app, &senders, monday() + Duration::hours(2)).await;
    round(&app, &senders, monday() + Duration::hours(4)).await;
    let sms = row(&app, sms.id).await;
    assert_eq!(
        (sms.status.as_str(), sms.provider_message_id.as_deref()),
        ("sent", Some("SM0500"))
    );
    assert_eq!(
        provider.received_requests().await.unwrap().len(),
        2,
        "one failure, one send"
    );
    assert_eq!(events(&app, sms.id).await, ["deferred", "sent"]);
    app.cleanup().await;
}

#[tokio::test]
async fn an_sms_provider_that_never_answers_holds_up_nothing_and_gets_the_message_later() {
    let app = spawn_app().await;
    let provider = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TWILIO_PATH))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({ "sid": "SMslow" }))
                .set_delay(std::time::Duration::from_secs(30)),
        )
        .up_to_n_times(1)
        .mount(&provider)
        .await;
    Mock::given(method("POST"))
        .and(path(TWILIO_PATH))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({ "sid": "SM0002" })))
        .mount(&provider)
        .await;
    let (senders, invoice_id) = sms_setup(&app, &provider, std::time::Duration::from_secs(1)).await;

    let started = std::time::Instant::now();
    round(&app, &senders, monday()).await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "the round gave up on the provider instead of waiting for it"
    );
    let sms = the_sms(&app, invoice_id).await;
    assert_eq!(
        (sms.status.as_str(), sms.attempts),
        ("pending", 1),
        "{:?}",
        sms.last_error
    );
    assert!(sms.last_error.clone().unwrap_or_default().contains("timed out"));
    // The email of the same reminder went out regardless.
    let email = outbox::Entity::find()
        .filter(outbox::Column::InvoiceId.eq(invoice_id))
        .filter(outbox::Column::Channel.eq("email"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(email.status, "dev");

    round(&app, &senders, monday() + Duration::hours(2)).await;
    let sms = row(&app, sms.id).await;
    assert_eq!(
        (sms.status.as_str(), sms.provider_message_id.as_deref()),
        ("sent", Some("SM0002"))
    );
    app.cleanup().await;
}
