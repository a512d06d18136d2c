//! Text from outside, at its worst: every script, combining marks and emoji are kept as typed;
//! empty, over-long, control characters and characters that reverse the reading direction
//! are refused at the field with a code; markup is shown as text in the portal, the back
//! office and emails (never run).
use crate::api::{call, key};
use crate::backoffice::as_agent;
use crate::support::dunning::*;
use crate::support::*;
use serde_json::{json, Value};
use settle_core::api_keys::Scope;
use settle_core::entities::customer;
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

const SCRIPT: &str = "</title><script>alert(\"x\")</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const WORLD: &str = "Şükrü Yılmaz-محمد 👩‍👩‍👧 N\u{303}";

fn customer_body(name: Value, street: Value) -> Value {
    json!({
        "name": name,
        "email": "demo@settle.test",
        "address": {"street": street, "postcode": "1011 AB", "city": "Amsterdam", "country": "NL"},
        "language": "nl",
    })
}

#[tokio::test]
async fn api_text_fields_refuse_what_cannot_be_shown_safely_and_keep_every_script() {
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let path = "/api/v1/customers/H-1";
    let cases: Vec<(Value, Value, &str, &str)> = vec![
        (json!(""), json!("Kerkstraat 1"), "name", "required"),
        (json!("x".repeat(201)), json!("Kerkstraat 1"), "name", "too_long"),
        (
            json!("Jan\u{202E}gnp.exe"),
            json!("Kerkstraat 1"),
            "name",
            "characters_invalid",
        ),
        (json!("Jan\u{0}"), json!("Kerkstraat 1"), "name", "characters_invalid"),
        (
            json!("Jan"),
            json!("Kerk\u{2066}straat 1"),
            "address.street",
            "characters_invalid",
        ),
        (json!("Jan"), json!("x".repeat(101)), "address.street", "too_long"),
    ];
    for (name, street, field, code) in cases {
        let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(customer_body(name, street))).await;
        assert_eq!(status, 422, "{field}: {body}");
        assert_eq!(body["errors"][field], code, "{body}");
    }
    let (status, _, body) = call(
        &app,
        "PUT",
        path,
        Some(&write),
        Some(customer_body(json!(42), json!("K 1"))),
    )
    .await;
    assert_eq!(status, 400, "a number for a name: {body}");
    let stored = customer::Entity::find()
        .filter(customer::Column::CustomerNumber.eq("H-1"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing refused was stored");

    let mut good = customer_body(json!(WORLD), json!("Kerkstraat 1"));
    good["email"] = json!("h1@example.nl");
    let (status, _, body) = call(&app, "PUT", path, Some(&write), Some(good)).await;
    assert_eq!(status, 201, "{body}");
    let (_, _, back) = call(&app, "GET", path, Some(&write), None).await;
    assert_eq!(back["name"], WORLD, "kept exactly as sent");
    app.cleanup().await;
}

#[tokio::test]
async fn markup_in_a_name_and_an_address_is_shown_as_text_in_the_portal_back_office_and_email() {
    let app = spawn_app().await;
    let (_, write) = key(&app, Scope::Write).await;
    let name = format!("{SCRIPT} {WORLD}");
    let (status, _, body) = call(
        &app,
        "PUT",
        "/api/v1/customers/100001",
        Some(&write),
        Some(customer_body(json!(name), json!(format!("Damrak 1{IMG}")))),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let jan = customer_by_email(&app, "demo@settle.test").await;
    assert_eq!(jan.name, name);

    let shown_safely = |html: &str, what: &str| {
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x") && html.matches("</title>").count() == 1,
            "{what} runs markup: {html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert"),
            "{what} shows the name as text: {html}"
        );
        assert!(
            html.contains("Şükrü Yılmaz-محمد 👩‍👩‍👧"),
            "{what} keeps every script: {html}"
        );
    };
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", "demo-password-1").await;
    shown_safely(&debtor.html("/").await, "the overview");
    let profile = debtor.html("/profile").await;
    assert!(
        !profile.contains("<img src=x") && profile.contains("&lt;img src=x"),
        "{profile}"
    );

    as_agent(&app).await;
    let page = app.html(&format!("/backoffice/debtors/{}", jan.id)).await;
    shown_safely(&page, "the debtor page");
    let found = app.html("/backoffice/debtors?q=Şükrü").await;
    assert!(
        found.contains(&format!("/backoffice/debtors/{}", jan.id)),
        "found by a Turkish name: {found}"
    );

    // A reminder email to a debtor with such a name: the HTML part shows it as text.
    let inv = invoice_due(&app, "2026-11-14", 4_321, &EMAIL_ONLY).await;
    let mut who: customer::ActiveModel = customer_now(&app, inv.customer_id).await.into();
    who.name = Set(name.clone());
    who.update(&app.state.db).await.unwrap();
    let _sink = remind_demo(&app, monday()).await;
    let mail = messages_of(&app, &inv).await.remove(0);
    assert!(
        mail.body_text.contains(&name),
        "the plain text names the debtor as they are"
    );
    let html = mail.body_html.as_deref().expect("an HTML part");
    assert!(
        !html.contains("<script>alert") && html.contains("&lt;/title&gt;&lt;script&gt;alert"),
        "{html}"
    );
    app.cleanup().await;
}
