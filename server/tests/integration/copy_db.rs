//! `settle copy-db`: a SQLite installation moved to an empty Postgres database, verified table
//! by table; the copy serves the same debtors, new rows get new ids, and a database that is not
//! empty is refused.
use crate::support::*;
use settle_core::clock::Clock;
use settle_core::db::{self, DatabaseUrl};
use settle_core::entities::{customer, invoice};
use settle_core::keys::Keys;
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};

#[tokio::test]
async fn a_sqlite_installation_moves_to_postgres_verified_and_serves_the_same_debtors() {
    let dir = std::env::temp_dir().join(format!("settle-copy-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = format!("sqlite://{}?mode=rwc", dir.join("settle.db").display());
    if !postgres() {
        // Only into Postgres: anything else is refused before anything is written.
        let other = format!("sqlite://{}?mode=rwc", dir.join("other.db").display());
        let out = settle_cli(&dir, &source, &["copy-db", "--from", &source, "--to", &other]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("to Postgres"));
        return;
    }
    // An installation with the demo tenants, staff, and an invoice PDF.
    let conn = db::connect(&DatabaseUrl::parse(&source).unwrap()).await.unwrap();
    db::migrate(&conn).await.unwrap();
    settle_core::demo::seed(&conn, start_time()).await.unwrap();
    settle_core::demo_staff::seed(&conn, &Keys::random(), start_time())
        .await
        .unwrap();
    let inv = invoice::Entity::find()
        .filter(invoice::Column::Number.eq("2026-0003"))
        .one(&conn)
        .await
        .unwrap()
        .unwrap();
    let mut with_pdf: invoice::ActiveModel = inv.into();
    with_pdf.pdf = Set(Some(b"%PDF-1.4 premie".to_vec()));
    with_pdf.update(&conn).await.unwrap();
    let invoices = invoice::Entity::find().count(&conn).await.unwrap();
    conn.close().await.unwrap();

    let (target, cleanup) = empty_database().await;
    let out = settle_cli(&dir, &target, &["copy-db", "--from", &source, "--to", &target]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains("every table verified") && !text.contains("settle:"),
        "{text}"
    );
    assert!(!text.contains(":settle@"), "no password printed");

    let app = serve_database(target.clone(), cleanup).await;
    assert_eq!(invoice::Entity::find().count(&app.state.db).await.unwrap(), invoices);
    let pdf = invoice::Entity::find()
        .filter(invoice::Column::Number.eq("2026-0003"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .pdf;
    assert_eq!(pdf.as_deref(), Some(&b"%PDF-1.4 premie"[..]));
    // The same debtor logs in with the same password and sees the same invoices.
    let login = app.login("demo@settle.test", "demo-password-1").await;
    assert_eq!(login.status(), 303);
    assert!(app.html("/invoices").await.contains("2026-0003"));
    // New rows get ids after the copied ones.
    let last = customer::Entity::find()
        .order_by_desc(customer::Column::Id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let now = Clock::fixed(start_time()).now();
    let fresh = customer::ActiveModel {
        tenant_id: Set(last.tenant_id),
        customer_number: Set("COPY-1".into()),
        name: Set("Nieuwe Klant".into()),
        street: Set("Markt 1".into()),
        postcode: Set("1234 AB".into()),
        city: Set("Delft".into()),
        country: Set("NL".into()),
        pref_email: Set(true),
        pref_sms: Set(false),
        pref_letter: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    assert!(fresh.id > last.id);
    // A second copy into a database that is not empty: refused, nothing written.
    let again = settle_cli(&dir, &target, &["copy-db", "--from", &source, "--to", &target]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    assert_eq!(invoice::Entity::find().count(&app.state.db).await.unwrap(), invoices);
    app.cleanup().await;
}
