//! A debtor downloads everything Settle holds about them (`/profile/data.json`, `.csv`):
//! only theirs, no sign-in secrets, behind a full login, audited.
use crate::support::*;
use settle_core::entities::audit_event;
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

#[tokio::test]
async fn a_debtor_downloads_their_data_as_json_and_csv_and_nobody_elses() {
    let app = spawn_app().await;
    for path in ["/profile/data.json", "/profile/data.csv"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 303, "anonymous {path}");
        assert_eq!(res.headers()["location"], "/login?next=/profile");
    }
    let me = customer_by_email(&app, "demo@settle.test").await;
    // A value a spreadsheet would run, in a field the debtor can set.
    let mut m = me.clone().into_active_model();
    m.street = Set("=HYPERLINK(\"http://evil.test\")".into());
    m.update(&app.state.db).await.unwrap();
    // A login link mailed before: a message to the debtor, so it is in their data.
    let csrf = app.csrf("/login").await;
    app.post("/login/link", &[("csrf", csrf.as_str()), ("email", "demo@settle.test")])
        .await;
    app.login("demo@settle.test", "demo-password-1").await;
    assert!(app.html("/profile").await.contains("href=\"/profile/data.json\""));

    let res = app.get("/profile/data.json").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"demo-data-"));
    assert_eq!(res.headers()["cache-control"], "no-store");
    let data: serde_json::Value = res.json().await.unwrap();
    let tables = &data["tables"];
    assert_eq!(tables["customers"][0]["name"], "Jan de Vries");
    let invoices = tables["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 6, "the debtor's six invoices");
    assert!(invoices.iter().all(|i| i["customer_id"] == me.id));
    assert!(
        !tables["invoice_lines"].as_array().unwrap().is_empty(),
        "invoice lines come along"
    );
    assert_eq!(tables["portal_accounts"][0]["email"], "demo@settle.test");
    let mails = tables["outbox"].as_array().unwrap();
    assert!(
        mails
            .iter()
            .any(|m| m["recipient"] == "demo@settle.test" && m["reminder_id"].is_null()),
        "the login link mail is the debtor's too: {mails:?}"
    );
    let text = data.to_string();
    let token = settle_core::demo::DEMO_PAY_TOKEN;
    for secret in [
        "body_text",
        "/pay/",
        token,
        "password_hash",
        "token_hash",
        "$argon2",
        "Petra Jansen",
        "2026-1001",
        "Klaus",
    ] {
        assert!(!text.contains(secret), "the export holds {secret}");
    }

    let res = app.get("/profile/data.csv").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("table;row;field;value\n"), "{csv}");
    assert!(csv.contains("customers;1;name;Jan de Vries\n"));
    assert!(csv.contains("invoices;6;number;"));
    assert!(csv.contains("street;\"'=HYPERLINK("), "a formula is defused: {csv}");
    assert!(!csv.contains(";=HYPERLINK") && !csv.contains("\"=HYPERLINK"));
    assert!(!csv.contains("2026-1001") && !csv.contains("password_hash"));

    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("data_export"))
        .filter(audit_event::Column::CustomerId.eq(me.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 2, "each download is audited");
    // Ten downloads in a row, then a wait (each reads every table of the debtor).
    let mut refused = None;
    for _ in 0..12 {
        let res = app.get("/profile/data.json").await;
        if res.status() == 429 {
            refused = Some(res);
            break;
        }
    }
    let res = refused.expect("the eleventh download in a row waits");
    assert_eq!(res.headers()["retry-after"], "180");
    assert!(res.text().await.unwrap().contains("Te veel pogingen"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_payment_links_code_is_not_enough_to_download_the_data() {
    let app = spawn_app().await;
    step_up_with_pay_link(&app).await;
    let page = app.html("/profile").await;
    assert!(page.contains("data-testid=\"your-data\"") && !page.contains("/profile/data.json"));
    let res = app.get("/profile/data.json").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=/profile");
    app.cleanup().await;
}

/// A new table that belongs to a debtor (directly or through an invoice, plan, checkout,
/// message or payment) must be exported or listed as left out, with a reason.
#[tokio::test]
async fn every_table_of_a_debtors_rows_is_exported_or_knowingly_left_out() {
    use settle_core::sea_orm::{ConnectionTrait, DbBackend, Statement};
    use settle_core::services::data_export::{tables, LEFT_OUT};
    let app = spawn_app().await;
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT DISTINCT m.name AS t FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                              WHERE m.type = 'table' AND p.name IN ('customer_id', 'invoice_id', 'plan_id', \
                              'checkout_id', 'outbox_id', 'payment_id')"
        }
        _ => {
            "SELECT DISTINCT table_name::text AS t FROM information_schema.columns \
              WHERE table_schema = current_schema() AND column_name IN ('customer_id', 'invoice_id', \
              'plan_id', 'checkout_id', 'outbox_id', 'payment_id')"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    assert!(rows.len() > 10);
    let missing: Vec<String> = rows
        .into_iter()
        .map(|row| row.try_get::<String>("", "t").unwrap())
        .filter(|table| !tables().any(|t| t == table) && !LEFT_OUT.iter().any(|(t, _)| t == table))
        .collect();
    assert!(
        missing.is_empty(),
        "{missing:?} hold debtors' rows: export them or say why not"
    );
    app.cleanup().await;
}
