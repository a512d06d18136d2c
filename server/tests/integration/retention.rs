//! Retention: tracking goes after the tenant's period, a closed debtor's contact data after
//! theirs, and name, address and PDFs only once the legal retention of the books has ended.
use crate::backoffice::as_admin;
use crate::support::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use settle_core::entities::{
    customer, dispute, dunning_setting, invoice, message_event, outbox, portal_account, session,
};
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

struct Debtor {
    id: i64,
    outbox_id: i64,
}

/// A debtor with one invoice (`status`, last touched `at`), a portal account, a session, a sent
/// reminder with a delivery event and an open event, all from `at`.
async fn debtor(app: &TestApp, number: &str, status: &str, at: DateTime<Utc>) -> Debtor {
    let db = &app.state.db;
    let tenant = app.tenant().await;
    let c = customer::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_number: Set(number.into()),
        name: Set(format!("Debiteur {number}")),
        email: Set(Some(format!("{number}@example.nl"))),
        phone_e164: Set(Some("+31612345678".into())),
        street: Set("Kerkstraat 1".into()),
        postcode: Set("1011 AA".into()),
        city: Set("Amsterdam".into()),
        country: Set("NL".into()),
        language: Set(Some("nl".into())),
        pref_email: Set(true),
        pref_sms: Set(true),
        pref_letter: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let amount = 10_000;
    let inv = invoice::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_id: Set(c.id),
        number: Set(format!("R-{number}")),
        issue_date: Set(at.date_naive()),
        due_date: Set(at.date_naive() + Duration::days(14)),
        amount_cents: Set(amount),
        open_cents: Set(if status == "open" { amount } else { 0 }),
        currency: Set("EUR".into()),
        status: Set(status.into()),
        description: Set("Premie".into()),
        rf_reference: Set(settle_domain::rf::RfReference::create(&format!("9{}", &number[1..]))
            .unwrap()
            .as_str()
            .to_string()),
        pdf: Set(Some(b"%PDF-1.4 invoice".to_vec())),
        pdf_filename: Set(Some("factuur.pdf".into())),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    portal_account::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_id: Set(c.id),
        email: Set(format!("{number}@example.nl")),
        password_hash: Set(None),
        activated_at: Set(Some(at)),
        disabled: Set(false),
        last_login_at: Set(None),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    session::ActiveModel {
        id: Set(format!("session-{number}")),
        state: Set("{}".into()),
        tenant_id: Set(Some(tenant.id)),
        customer_id: Set(Some(c.id)),
        created_at: Set(start_time()),
        expires_at: Set(start_time() + Duration::hours(1)),
    }
    .insert(db)
    .await
    .unwrap();
    let mail = outbox::ActiveModel {
        tenant_id: Set(tenant.id),
        channel: Set("email".into()),
        recipient: Set(format!("{number}@example.nl")),
        subject: Set(format!("Herinnering R-{number}")),
        body_text: Set(format!("Beste Debiteur {number}, ...")),
        status: Set("sent".into()),
        attempts: Set(1),
        next_attempt_at: Set(at),
        created_at: Set(at),
        sent_at: Set(Some(at)),
        invoice_id: Set(Some(inv.id)),
        customer_id: Set(Some(c.id)),
        document: Set(Some(b"%PDF-1.4 letter".to_vec())),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    for kind in ["delivered", "opened"] {
        message_event::ActiveModel {
            tenant_id: Set(tenant.id),
            outbox_id: Set(mail.id),
            kind: Set(kind.into()),
            detail: Set(format!("{number}@example.nl")),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    Debtor {
        id: c.id,
        outbox_id: mail.id,
    }
}

async fn customer_row(app: &TestApp, id: i64) -> customer::Model {
    customer::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

async fn events(app: &TestApp, d: &Debtor) -> Vec<(String, String)> {
    message_event::Entity::find()
        .filter(message_event::Column::OutboxId.eq(d.outbox_id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.detail))
        .collect()
}

#[tokio::test]
async fn closed_debtors_lose_contact_data_and_later_their_name_but_open_ones_keep_everything() {
    let app = spawn_app().await;
    let now = start_time();
    let db = &app.state.db;
    // Paid 400 days ago (default period 365 days): contact data goes, the books stay.
    let closed = debtor(&app, "D7000001", "paid", now - Duration::days(400)).await;
    // Still owes: untouched, however old.
    let owing = debtor(&app, "D7000002", "open", now - Duration::days(900)).await;
    // Paid recently: untouched.
    let recent = debtor(&app, "D7000003", "paid", now - Duration::days(100)).await;
    // Paid in 2018: more than 7 years after that year ended (NL), everything personal goes.
    let ancient = debtor(
        &app,
        "D7000004",
        "paid",
        Utc.with_ymd_and_hms(2018, 6, 1, 9, 0, 0).unwrap(),
    )
    .await;
    // Paid in 2019: the books keep it to the end of 2026, so only the contact data goes.
    let y2019 = debtor(
        &app,
        "D7000005",
        "paid",
        Utc.with_ymd_and_hms(2019, 12, 30, 9, 0, 0).unwrap(),
    )
    .await;

    // A dispute the ancient debtor raised, with a photo: past the legal retention it goes too.
    let photo = app.state.upload_dir.join("retention/dispute-photo.bin");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    std::fs::write(&photo, b"\x89PNG a photo of the meter").unwrap();
    let ancient_invoice = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(ancient.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let disputed = dispute::ActiveModel {
        tenant_id: Set(ancient_invoice.tenant_id),
        customer_id: Set(ancient.id),
        invoice_id: Set(ancient_invoice.id),
        reason: Set("amount".into()),
        text: Set("De meterstand klopt niet".into()),
        attachment_path: Set(Some("retention/dispute-photo.bin".into())),
        attachment_name: Set(Some("meter.png".into())),
        attachment_type: Set(Some("image/png".into())),
        attachment_size: Set(Some(26)),
        status: Set("rejected".into()),
        sla_due_at: Set(now),
        created_at: Set(now - Duration::days(3000)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();

    let report = settle_core::retention::run(db, &app.state.upload_dir, now)
        .await
        .unwrap();
    assert_eq!((report.contacts_erased, report.people_erased), (3, 1), "{report:?}");
    assert!(!photo.exists(), "the dispute's attachment is deleted");
    let d = dispute::Entity::find_by_id(disputed.id).one(db).await.unwrap().unwrap();
    assert_eq!(
        (d.text.as_str(), d.attachment_path, d.attachment_name),
        ("", None, None),
        "and forgotten"
    );

    let kept = customer_row(&app, y2019.id).await;
    assert_eq!((kept.name.as_str(), kept.email.clone()), ("Debiteur D7000005", None));
    let c = customer_row(&app, closed.id).await;
    assert_eq!((c.email, c.phone_e164), (None, None));
    assert!(c.contact_erased_at.is_some());
    assert_eq!(
        c.name, "Debiteur D7000001",
        "the invoice's name stays for the legal period"
    );
    assert_eq!(c.street, "Kerkstraat 1");
    let inv = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(closed.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(inv.pdf.is_some(), "the invoice PDF is bookkeeping");
    for gone in [
        portal_account::Entity::find()
            .filter(portal_account::Column::CustomerId.eq(closed.id))
            .all(db)
            .await
            .unwrap()
            .len(),
        session::Entity::find()
            .filter(session::Column::CustomerId.eq(closed.id))
            .all(db)
            .await
            .unwrap()
            .len(),
    ] {
        assert_eq!(gone, 0, "account and sessions are gone");
    }
    let mail = outbox::Entity::find_by_id(closed.outbox_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((mail.recipient.as_str(), mail.body_text.as_str()), ("", ""));
    assert_eq!(
        mail.subject, "Herinnering R-D7000001",
        "the timeline still shows what was sent"
    );
    // Opens older than 180 days are gone; the delivery stays, without the address.
    assert_eq!(
        events(&app, &closed).await,
        vec![("delivered".to_string(), String::new())]
    );

    for kept in [&owing, &recent] {
        let c = customer_row(&app, kept.id).await;
        assert!(
            c.email.is_some() && c.contact_erased_at.is_none(),
            "{}",
            c.customer_number
        );
    }
    // The debtor who still owes keeps the delivery proof, but tracking older than 180 days goes.
    assert_eq!(events(&app, &owing).await.len(), 1);
    assert_eq!(events(&app, &recent).await.len(), 2, "recent opens stay");

    let a = customer_row(&app, ancient.id).await;
    assert_eq!(a.name, settle_core::retention::ERASED_NAME);
    assert_eq!((a.street.as_str(), a.city.as_str(), a.email.clone()), ("", "", None));
    let inv = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(ancient.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (inv.pdf, inv.amount_cents),
        (None, 10_000),
        "amounts stay, the PDF goes"
    );
    assert_eq!(
        outbox::Entity::find_by_id(ancient.outbox_id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .document,
        None
    );

    // A second run finds nothing more to do.
    let again = settle_core::retention::run(db, &app.state.upload_dir, now)
        .await
        .unwrap();
    assert_eq!((again.contacts_erased, again.people_erased), (0, 0));
    app.cleanup().await;
}

#[tokio::test]
async fn an_admin_sets_the_retention_periods_and_bad_values_change_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let admin = app.other_browser();
    as_admin(&admin).await;
    let page = admin.html("/backoffice/plans").await;
    assert!(page.contains("Openen en klikken bewaren"), "{page}");
    let csrf = csrf_for(&page, "/backoffice/policy").unwrap();
    let post = |tracking: &'static str, closed: &'static str| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            admin
                .post(
                    "/backoffice/policy",
                    &[
                        ("csrf", csrf.as_str()),
                        ("window_opens", "08:00"),
                        ("window_closes", "20:00"),
                        ("closed_weekdays", "sun"),
                        ("holiday_region", "NL"),
                        ("extra_closed_dates", ""),
                        ("letter_delivery_days", "2"),
                        ("email_delivery_days", "1"),
                        ("email_per_day", "1"),
                        ("sms_per_day", "1"),
                        ("letters_per_day", "1"),
                        ("tracking_retention_days", tracking),
                        ("closed_debtor_retention_days", closed),
                        ("holdout_percent", "10"),
                    ],
                )
                .await
        }
    };
    let saved = || async {
        dunning_setting::Entity::find_by_id(tenant.id)
            .one(&app.state.db)
            .await
            .unwrap()
            .map(|s| (s.tracking_retention_days, s.closed_debtor_retention_days))
    };
    let before = saved().await;
    post("5", "veel").await;
    let page = admin.html("/backoffice/plans").await;
    assert!(page.contains("Een heel getal"), "{page}");
    assert!(page.contains("value=\"veel\""), "the value comes back as typed");
    assert_eq!(saved().await, before, "nothing changed");
    post("30", "3650").await;
    assert_eq!(saved().await, Some((30, 3650)));

    // The next run keeps opens 30 days only.
    let d = debtor(&app, "D7100001", "open", start_time() - Duration::days(40)).await;
    settle_core::retention::run(&app.state.db, &app.state.upload_dir, start_time())
        .await
        .unwrap();
    assert_eq!(events(&app, &d).await.len(), 1, "the 40-day-old open is gone");
    app.cleanup().await;
}
