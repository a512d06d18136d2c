//! Representatives: a bewindvoerder or guardian set by staff receives the debtor's dunning
//! messages instead of the debtor, or as well; the debtor sees who on `/profile`.
use crate::support::dunning::*;
use crate::support::smtp::smtp_sink;
use crate::support::*;
use settle_core::dunning::run;
use settle_core::entities::customer;
use settle_core::outbox::{Mailer, Senders};
use settle_core::sea_orm::EntityTrait;
use settle_core::services::representatives::{self, NewRepresentative};

fn rep<'a>(email: Option<&'a str>, instead: bool) -> NewRepresentative<'a> {
    NewRepresentative {
        kind: "administrator",
        name: "Mr. A. Bakker",
        email,
        phone: None,
        address: Some(("Postbus 12", "3500 AA", "Utrecht", "NL")),
        instead,
    }
}

#[tokio::test]
async fn a_representative_gets_the_reminder_instead_of_or_besides_the_debtor() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let now = app.state.clock.now();
    let instead = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let besides = invoice_due(&app, "2026-11-14", 6_000, &EMAIL_ONLY).await;
    let number = |id: i64| {
        let db = app.state.db.clone();
        async move { customer::Entity::find_by_id(id).one(&db).await.unwrap().unwrap() }
    };
    let first = number(instead.customer_id).await;
    let second = number(besides.customer_id).await;

    // Bad input is refused field by field.
    let bad = NewRepresentative {
        kind: "friend",
        name: " ",
        email: Some("not an address"),
        phone: None,
        address: Some(("", "0000", "X", "NL")),
        instead: true,
    };
    let err = representatives::set(&app.state.db, &tenant, "staff:1", &first.customer_number, &bad, now)
        .await
        .unwrap_err();
    let settle_core::error::ServiceError::Invalid(fields) = err else {
        panic!("invalid")
    };
    for f in ["kind", "name", "email", "street", "postcode"] {
        assert!(fields.contains_key(f), "{f}: {fields:?}");
    }
    let nothing = NewRepresentative {
        email: None,
        address: None,
        ..rep(None, true)
    };
    assert!(
        representatives::set(&app.state.db, &tenant, "staff:1", &first.customer_number, &nothing, now)
            .await
            .is_err()
    );

    representatives::set(
        &app.state.db,
        &tenant,
        "staff:1",
        &first.customer_number,
        &rep(Some("bewind@example.nl"), true),
        now,
    )
    .await
    .unwrap();
    representatives::set(
        &app.state.db,
        &tenant,
        "staff:1",
        &second.customer_number,
        &rep(Some("mentor@example.nl"), false),
        now,
    )
    .await
    .unwrap();
    let sink = smtp_sink().await;
    let mailer = Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap();
    run::once(&app.state.db, &Senders::from(mailer), monday(), Some("demo"), false)
        .await
        .unwrap();
    let to = |inv: &settle_core::entities::invoice::Model| {
        let app = &app;
        let id = inv.id;
        async move {
            let mut r: Vec<String> = messages_of(
                app,
                &settle_core::entities::invoice::Entity::find_by_id(id)
                    .one(&app.state.db)
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .await
            .into_iter()
            .map(|m| m.recipient)
            .collect();
            r.sort();
            r
        }
    };
    assert_eq!(
        to(&instead).await,
        vec!["bewind@example.nl".to_string()],
        "instead of the debtor"
    );
    let both = to(&besides).await;
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both.contains(&"mentor@example.nl".to_string()) && both.iter().any(|r| r.starts_with("debtor+")));
    // The representative's copy says whose debt it is; the debtor's own does not.
    let rep_copy = messages_of(
        &app,
        &settle_core::entities::invoice::Entity::find_by_id(besides.id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap(),
    )
    .await
    .into_iter()
    .find(|m| m.recipient == "mentor@example.nl")
    .unwrap();
    let client = format!(
        "Betreft uw cliënt: {}, Klantnummer {}",
        second.name, second.customer_number
    );
    assert!(rep_copy.body_text.starts_with(&client), "{}", rep_copy.body_text);
    assert!(rep_copy.subject.ends_with(&format!(" · {}", second.name)));
    let delivered = sink.messages();
    assert!(delivered
        .iter()
        .any(|m| m.contains("bewind@example.nl") && m.contains(".rep.demo@settle>")));
    assert!(
        !delivered
            .iter()
            .any(|m| m.contains("bewind@example.nl") && m.contains("List-Unsubscribe:")),
        "no opt-out for the debtor's mail"
    );

    // Removed: the debtor is written to again.
    assert!(
        representatives::remove(&app.state.db, tenant.id, "staff:1", &first.customer_number, now)
            .await
            .unwrap()
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_debtor_sees_their_representative_on_the_profile() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    representatives::set(
        &app.state.db,
        &tenant,
        "staff:1",
        "100001",
        &rep(Some("bewind@example.nl"), true),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    app.login("demo@settle.test", "demo-password-1").await;
    let page = app.html("/profile").await;
    assert!(
        page.contains("Uw vertegenwoordiger") && page.contains("Mr. A. Bakker"),
        "{page}"
    );
    assert!(page.contains("ontvangt onze berichten in plaats van u."));
    app.cleanup().await;
}
