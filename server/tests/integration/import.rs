//! Bulk import of customers and invoices, from the command line and through the API: CSV with
//! `;` or `,` and JSON Lines, every rejected row reported with its line, all-or-nothing.
use crate::support::*;
use serde_json::{json, Value};
use settle_core::api_keys::{self, Scope};
use settle_core::entities::customer;
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn count_customers(app: &TestApp, prefix: &str) -> u64 {
    customer::Entity::find()
        .filter(customer::Column::CustomerNumber.starts_with(prefix))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn settle_import_reads_csv_reports_every_rejected_row_and_can_write_nothing() {
    let app = spawn_app().await;
    let dir = std::env::temp_dir().join(format!("settle-import-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = "customer_number;name;email;phone;street;postcode;city;country;language;tags\n\
               IMP-1;Anna Jansen;anna@example.nl;;Markt 1;1234 AB;Delft;NL;nl;vip|zorg\n\
               IMP-2;Bert Smit;;;Markt 2;12;Delft;NL;nl;\n\
               IMP-3;Carla Bos;carla@example.nl;06 1234 5678;Markt 3;1234 AB;Delft;NL;;\n";
    std::fs::write(dir.join("c.csv"), csv).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["import", "customers", "--tenant", "demo", "c.csv"];
        args.extend_from_slice(extra);
        settle_cli(&dir, &app.db_url, &args)
    };
    let out = run(&["--all-or-nothing"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!out.status.success());
    assert!(
        text.contains("line 3: address.postcode: postcode_invalid") && text.contains("Nothing was written"),
        "{text}"
    );
    assert_eq!(count_customers(&app, "IMP-").await, 0);
    let out = run(&[]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("3 rows; 2 created, 0 updated, 1 rejected"), "{text}");
    assert_eq!(count_customers(&app, "IMP-").await, 2);
    let anna = customer::Entity::find()
        .filter(customer::Column::CustomerNumber.eq("IMP-1"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((anna.tags.as_str(), anna.postcode.as_str()), ("vip,zorg", "1234 AB"));
    let out = run(&["--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["updated"].clone(), report["rejected_count"].clone()),
        (json!(2), json!(1))
    );
    app.cleanup().await;
}

#[tokio::test]
async fn invoices_import_through_the_api_as_json_lines_or_csv() {
    let app = spawn_app().await;
    let tenant = app.tenant().await.id;
    let (_, key) = api_keys::create(&app.state.db, tenant, "erp", Scope::Write, "cli", app.state.clock.now())
        .await
        .unwrap();
    let post = |path: &'static str, idem: &'static str, body: String| {
        let (app, key) = (&app, key.clone());
        async move {
            let res = app
                .client
                .post(app.url(path))
                .bearer_auth(&key)
                .header("idempotency-key", idem)
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let line = |number: &str, customer: &str| {
        json!({
            "number": number, "customer_number": customer, "issue_date": "2026-11-01", "due_date": "2026-11-15",
            "description": "Premie", "lines": [{"description": "Premie", "amount": "99.95"}]
        })
        .to_string()
    };
    let jsonl = format!(
        "{}\n{}\n\n{}\n",
        line("IMP-F1", "100001"),
        line("IMP-F2", "nobody"),
        "{not json"
    );
    let (status, report) = post("/api/v1/imports/invoices?all_or_nothing=true", "i-1", jsonl.clone()).await;
    assert_eq!((status, report["written"].clone()), (200, json!(false)), "{report}");
    assert_eq!(
        report["rejected"][0],
        json!({"line": 2, "errors": {"customer_number": "customer_unknown"}})
    );
    assert_eq!(report["rejected"][1]["line"], 4);
    let (_, report) = post("/api/v1/imports/invoices", "i-2", jsonl).await;
    assert_eq!(
        (report["created"].clone(), report["rejected_count"].clone()),
        (json!(1), json!(2))
    );
    let f1 = invoice_no(&app, "IMP-F1").await;
    assert_eq!((f1.amount_cents, f1.status.as_str()), (9_995, "open"));
    assert!(f1.rf_reference.starts_with("RF"));
    // CSV with commas; a due date before the issue date is refused.
    let csv = "number,customer_number,issue_date,due_date,amount,description\n\
               IMP-F3,100002,2026-11-01,2026-11-29,12.50,Premie december\n\
               IMP-F4,100002,2026-11-20,2026-11-01,10,Premie\n";
    let (_, report) = post("/api/v1/imports/invoices", "i-3", csv.to_string()).await;
    assert_eq!(report["created"], 1, "{report}");
    assert_eq!(
        report["rejected"][0],
        json!({"line": 3, "errors": {"due_date": "due_before_issue"}})
    );
    assert_eq!(post("/api/v1/imports/payments", "i-4", String::new()).await.0, 404);
    app.cleanup().await;
}

#[tokio::test]
async fn a_large_invoice_file_is_written_in_batches_with_repeats_updated_and_references_unique() {
    use settle_core::entities::{invoice, invoice_line, payment_reference};
    let app = spawn_app().await;
    let dir = std::env::temp_dir().join(format!("settle-import-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = String::from("number;customer_number;issue_date;due_date;amount;description\n");
    for i in 0..2_500 {
        csv.push_str(&format!("IMP-B{i};100001;2026-11-01;2026-11-30;1.00;Premie\n"));
    }
    // Line 2502 repeats an earlier number: the later row wins. Line 2503's number makes the
    // same RF reference as IMP-B7's. Line 2504 names nobody.
    csv.push_str("IMP-B5;100001;2026-11-01;2026-11-30;2.50;Premie gecorrigeerd\n");
    csv.push_str("IMP-B-7;100001;2026-11-01;2026-11-30;3.00;Premie\n");
    csv.push_str("IMP-B9999;nobody;2026-11-01;2026-11-30;3.00;Premie\n");
    std::fs::write(dir.join("i.csv"), csv).unwrap();
    let out = settle_cli(
        &dir,
        &app.db_url,
        &["import", "invoices", "--tenant", "demo", "i.csv", "--json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            &report["rows"],
            &report["created"],
            &report["updated"],
            &report["rejected_count"]
        ),
        (&json!(2_503), &json!(2_501), &json!(1), &json!(1)),
        "{report}"
    );
    assert_eq!(
        report["rejected"][0],
        json!({"line": 2504, "errors": {"customer_number": "customer_unknown"}})
    );
    let db = &app.state.db;
    let imported = invoice::Entity::find()
        .filter(invoice::Column::Number.starts_with("IMP-B"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(imported.len(), 2_501);
    let five = imported.iter().find(|i| i.number == "IMP-B5").unwrap();
    assert_eq!(
        (five.amount_cents, five.description.as_str()),
        (250, "Premie gecorrigeerd")
    );
    let seven = imported.iter().find(|i| i.number == "IMP-B7").unwrap();
    let other = imported.iter().find(|i| i.number == "IMP-B-7").unwrap();
    assert_ne!(seven.rf_reference, other.rf_reference);
    // Every invoice can be paid by its reference and shows its line.
    for inv in [five, seven, other, imported.last().unwrap()] {
        let reference = payment_reference::Entity::find()
            .filter(payment_reference::Column::Reference.eq(inv.rf_reference.as_str()))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(reference.invoice_id, Some(inv.id));
        let lines = invoice_line::Entity::find()
            .filter(invoice_line::Column::InvoiceId.eq(inv.id))
            .all(db)
            .await
            .unwrap();
        assert_eq!(lines.iter().map(|l| l.amount_cents).sum::<i64>(), inv.amount_cents);
    }
    let references = payment_reference::Entity::find()
        .filter(payment_reference::Column::InvoiceId.is_in(imported.iter().map(|i| i.id)))
        .count(db)
        .await
        .unwrap();
    assert_eq!(references, 2_501);
    app.cleanup().await;
}
