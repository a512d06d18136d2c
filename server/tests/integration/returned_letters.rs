//! A letter that came back undelivered: staff register it, no letter goes to that address until
//! it is corrected (reminders use the other channels), and it is listed as a delivery problem.
use crate::backoffice::as_agent;
use crate::support::dunning::*;
use crate::support::*;
use settle_core::dunning::run;
use settle_core::entities::{customer, invoice, message_event, outbox};
use settle_core::outbox::Mailer;
use settle_core::sea_orm::sea_query::Expr;
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

async fn debtor(app: &TestApp, id: i64) -> customer::Model {
    customer::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_returned_letter_stops_letters_to_the_address_until_it_is_corrected() {
    let app = spawn_app().await;
    // 49 days overdue: the 14-day letter goes out by letter and email.
    let inv = invoice_due(&app, "2026-10-05", 25_000, &EMAIL_ONLY).await;
    run::once(&app.state.db, &Mailer::DevOutbox.into(), monday(), Some("demo"), false)
        .await
        .unwrap();
    let letter = messages_of(&app, &inv)
        .await
        .into_iter()
        .find(|m| m.channel == "letter")
        .unwrap();
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("sent"))
        .filter(outbox::Column::Id.eq(letter.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let id = inv.customer_id;
    let here = format!("/backoffice/debtors/{id}");
    as_agent(&app).await;
    let page = app.html(&here).await;
    assert!(
        page.contains("Brief retour ontvangen") && page.contains(&format!(r#"value="{}""#, letter.id)),
        "{page}"
    );
    let csrf = csrf_in(&page).unwrap();
    let register = |letter: String, reason: &'static str| {
        let (app, csrf, here) = (&app, csrf.clone(), here.clone());
        async move {
            app.post(
                &format!("{here}/returned-letter"),
                &[("csrf", csrf.as_str()), ("letter", letter.as_str()), ("reason", reason)],
            )
            .await
        }
    };
    // Bad input: another debtor's message, no number, no reason; nothing changes.
    let other = outbox::Entity::find()
        .filter(outbox::Column::CustomerId.ne(id))
        .one(&app.state.db)
        .await
        .unwrap();
    if let Some(other) = other {
        register(other.id.to_string(), "moved").await;
        assert!(app
            .html(&here)
            .await
            .contains("Kies een verzonden brief van deze klant."));
    }
    register("abc".into(), "moved").await;
    assert!(app
        .html(&here)
        .await
        .contains("Kies een verzonden brief van deze klant."));
    register(letter.id.to_string(), "").await;
    assert!(app.html(&here).await.contains(r#"id="f-r-reason-error""#));
    assert!(debtor(&app, id).await.address_invalid_at.is_none());

    let res = register(letter.id.to_string(), "moved").await;
    assert_eq!(location(&res), here);
    let page = app.html(&here).await;
    assert!(
        page.contains("Retour vastgelegd") && page.contains("Brief onbestelbaar retour sinds"),
        "{page}"
    );
    let back = outbox::Entity::find_by_id(letter.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.status, "returned");
    let events = message_event::Entity::find()
        .filter(message_event::Column::OutboxId.eq(letter.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.kind == "returned" && e.detail == "moved"));
    let told: Vec<(String, serde_json::Value)> = events_of(&app)
        .await
        .into_iter()
        .filter(|(k, _)| k == "message.bounced")
        .collect();
    assert_eq!(
        (told.len(), &told[0].1["channel"], &told[0].1["kind"]),
        (1, &serde_json::json!("letter"), &serde_json::json!("returned"))
    );
    assert!(app.html("/backoffice/delivery").await.contains("Brief retour"));
    register(letter.id.to_string(), "moved").await;
    assert!(app.html(&here).await.contains("al als retour vastgelegd"));

    // The next letter of this debtor does not go out; the email of the same step does.
    let second = invoice::ActiveModel {
        tenant_id: Set(inv.tenant_id),
        customer_id: Set(id),
        number: Set(format!("{}-b", inv.number)),
        issue_date: Set(inv.issue_date),
        due_date: Set(inv.due_date),
        amount_cents: Set(25_000),
        open_cents: Set(25_000),
        currency: Set("EUR".into()),
        status: Set("open".into()),
        description: Set("Premie".into()),
        rf_reference: Set("RF18539007547034".into()),
        created_at: Set(inv.created_at),
        updated_at: Set(inv.created_at),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    // Two days on: the debtor's daily cap of the first run no longer applies.
    let later = monday() + chrono::Duration::days(2);
    run::once(&app.state.db, &Mailer::DevOutbox.into(), later, Some("demo"), false)
        .await
        .unwrap();
    let channels: Vec<String> = messages_of(&app, &second)
        .await
        .into_iter()
        .map(|m| m.channel)
        .collect();
    assert_eq!(channels, ["email"]);

    // Corrected by staff: letters may go there again.
    let c = debtor(&app, id).await;
    app.post(
        &format!("{here}/contact"),
        &[
            ("csrf", csrf.as_str()),
            ("email", c.email.as_deref().unwrap_or_default()),
            ("phone", ""),
            ("street", "Nieuwe Gracht 5"),
            ("postcode", "3512 LA"),
            ("city", "Utrecht"),
            ("country", "NL"),
            ("legal_stop", ""),
        ],
    )
    .await;
    let c = debtor(&app, id).await;
    assert_eq!(c.street, "Nieuwe Gracht 5");
    assert!(c.address_invalid_at.is_none());
    assert!(!app.html(&here).await.contains("Brief onbestelbaar retour sinds"));
    app.cleanup().await;
}
