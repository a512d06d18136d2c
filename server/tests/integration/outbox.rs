//! The dispatcher delivers over real SMTP (a loopback listener), retries with backoff when the
//! server is away, and loses nothing.
use crate::support::*;
use settle_core::entities::outbox as row;
use settle_core::outbox::{dispatch_due, enqueue_email, Email, Mailer};
use settle_core::sea_orm::EntityTrait;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server that accepts one session and returns the first message it received.
async fn smtp_listener() -> (u16, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        let (r, mut w) = sock.into_split();
        let mut lines = BufReader::new(r).lines();
        w.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    // One message is all this listener waits for: a pooled connection
                    // stays open after it.
                    w.write_all(b"250 queued\r\n").await.unwrap();
                    break;
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let cmd = line.to_ascii_uppercase();
            if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                w.write_all(b"250-test\r\n250 8BITMIME\r\n").await.unwrap();
            } else if cmd.starts_with("DATA") {
                in_data = true;
                w.write_all(b"354 go\r\n").await.unwrap();
            } else if cmd.starts_with("QUIT") {
                w.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                w.write_all(b"250 ok\r\n").await.unwrap();
            }
        }
        data
    });
    (port, handle)
}

#[tokio::test]
async fn queued_mail_is_delivered_over_smtp_once() {
    let app = spawn_app().await;
    let now = app.state.clock.now();
    let id = enqueue_email(
        &app.state.db,
        now,
        Email {
            tenant_id: 1,
            customer_id: None,
            to: "demo@settle.test",
            subject: "Test subject".into(),
            body_text: "Hallo".into(),
            dedupe_key: None,
        },
    )
    .await
    .unwrap();
    let (port, received) = smtp_listener().await;
    let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{port}"), "Settle <no-reply@settle.test>").unwrap();
    // Only our message is due at this instant; demo seeding queues nothing.
    let sent = dispatch_due(&app.state.db, &mailer, now).await.unwrap();
    assert_eq!(sent, 1);
    let data = received.await.unwrap();
    assert!(data.contains("Subject: Test subject") && data.contains("Hallo"));
    let stored = row::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(stored.status, "sent");
    assert_eq!(
        dispatch_due(&app.state.db, &mailer, now).await.unwrap(),
        0,
        "never twice"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_unreachable_smtp_server_means_retry_later_not_loss() {
    let app = spawn_app().await;
    let now = app.state.clock.now();
    let id = enqueue_email(
        &app.state.db,
        now,
        Email {
            tenant_id: 1,
            customer_id: None,
            to: "demo@settle.test",
            subject: "Retry me".into(),
            body_text: "x".into(),
            dedupe_key: None,
        },
    )
    .await
    .unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{closed}"), "Settle <no-reply@settle.test>").unwrap();
    assert_eq!(dispatch_due(&app.state.db, &mailer, now).await.unwrap(), 0);
    let stored = row::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(stored.status, "pending");
    assert_eq!(stored.attempts, 1);
    assert!(stored.next_attempt_at > now, "backs off");
    assert!(stored.last_error.is_some());
    app.cleanup().await;
}
