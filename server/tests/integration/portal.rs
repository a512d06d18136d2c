//! Tenants, scoping, invoice pages, payment links.
use crate::support::*;

#[tokio::test]
async fn the_host_decides_the_tenant_and_unknown_hosts_get_a_bare_404() {
    let app = spawn_app().await;
    let demo = app.html("/login").await;
    assert!(demo.contains("Zorgverzekeraar Demo"));
    assert!(demo.contains("lang=\"nl\""));
    let energie = app
        .client
        .get(app.url("/login"))
        .header("Host", "energie.localhost:3000")
        .send()
        .await
        .unwrap();
    let html = energie.text().await.unwrap();
    assert!(html.contains("Energie Demo") && html.contains("lang=\"de\""));
    let unknown = app
        .client
        .get(app.url("/login"))
        .header("Host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let body = unknown.text().await.unwrap();
    assert!(!body.contains("Demo"), "reveals no tenant");
    app.cleanup().await;
}

#[tokio::test]
async fn debtor_cannot_read_another_debtors_invoice() {
    let app = spawn_app().await;
    app.login("other@settle.test", "demo-password-1").await;
    let res = app.get("/invoices/2026-0002").await;
    assert_eq!(res.status(), 404);
    assert!(!res.text().await.unwrap().contains("13245"));
    assert_eq!(app.get("/invoices/2026-0001/pdf").await.status(), 404);
    assert_eq!(app.get("/invoices/2026-1001").await.status(), 200);
    app.cleanup().await;
}

#[tokio::test]
async fn debtor_cannot_read_another_tenants_invoice_or_use_a_session_there() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let res = app.client.get(app.url("/invoices/R-2026-502")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    // The demo session cookie sent to the energie host does not log in there.
    let res = app
        .client
        .get(app.url("/invoices"))
        .header("Host", "energie.localhost")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    app.cleanup().await;
}

#[tokio::test]
async fn invoice_page_shows_transfer_details_and_an_epc_qr_code() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let html = app.html("/invoices/2026-0002").await;
    assert!(html.contains("NL91 ABNA 0417 1643 00"));
    assert!(html.contains("Zorgverzekeraar Demo N.V."));
    // The QR code is an image of this host: drawn with the tenant's account, the invoice's
    // reference and the open amount.
    let at = html.find("src=\"/qr/epc/").expect("QR image") + 5;
    let src = &html[at..at + html[at..].find('"').unwrap()];
    assert!(src.ends_with("/13245.svg"), "{src}");
    let qr = app.get(src).await;
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    assert!(html.contains("€\u{a0}132,45"));
    let paid = app.html("/invoices/2026-0001").await;
    assert!(paid.contains("Deze factuur is betaald"));
    let pdf = app.get("/invoices/2026-0001/pdf").await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    app.cleanup().await;
}

#[tokio::test]
async fn dashboard_sums_what_is_due_and_overdue() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let html = app.html("/").await;
    // Open: 132,45 + 42,50 + 60,00 + 132,45 + 21,95 = 389,35; overdue: 132,45 + 42,50.
    assert!(html.contains("€\u{a0}389,35"), "total due");
    assert!(html.contains("€\u{a0}174,95"), "overdue");
    app.cleanup().await;
}

#[tokio::test]
async fn language_choice_is_remembered_and_formats_follow_it() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let csrf = app.csrf("/").await;
    let res = app
        .client
        .post(app.url("/lang"))
        .header("Referer", app.url("/invoices/2026-0002"))
        .form(&[("csrf", csrf.as_str()), ("lang", "de")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/invoices/2026-0002");
    let html = app.html("/invoices/2026-0002").await;
    assert!(html.contains("So bezahlen Sie") && html.contains("132,45\u{a0}€"));
    app.cleanup().await;
}

#[tokio::test]
async fn payment_link_shows_one_invoice_with_pay_only_rights() {
    let app = spawn_app().await;
    let path = format!("/pay/{}", settle_core::demo::DEMO_PAY_TOKEN);
    let html = app.html(&path).await;
    assert!(html.contains("2026-0002") && html.contains("J** d* V****"));
    assert!(!html.contains("Jan de Vries"), "no full name on a link page");
    assert_eq!(app.get("/invoices").await.status(), 302, "the link opens nothing else");
    assert_eq!(app.get("/pay/not-a-token").await.status(), 404);
    app.cleanup().await;
}

#[tokio::test]
async fn step_up_code_opens_a_limited_session_and_wrong_codes_burn_it() {
    let app = spawn_app().await;
    let path = format!("/pay/{}", settle_core::demo::DEMO_PAY_TOKEN);
    let csrf = csrf_for(&app.html(&path).await, &format!("{path}/code")).expect("pay form token");
    let res = app.post(&format!("{path}/code"), &[("csrf", &csrf)]).await;
    assert_eq!(location(&res), path);
    let mail = app.last_mail_to("demo@settle.test").await.expect("code mail");
    assert!(
        !mail.subject.chars().any(|c| c.is_ascii_digit()),
        "no code in the subject (it is listed in the data download and the timeline)"
    );
    let code = six_digits(&mail.body_text).expect("the code in the text");
    for _ in 0..5 {
        let wrong = if code == "111111" { "222222" } else { "111111" };
        app.post(&format!("{path}/verify"), &[("csrf", &csrf), ("code", wrong)])
            .await;
    }
    app.post(&format!("{path}/verify"), &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(
        app.get("/invoices").await.status(),
        302,
        "five wrong tries burnt the code"
    );

    app.post(&format!("{path}/code"), &[("csrf", &csrf)]).await;
    let code = six_digits(&app.last_mail_to("demo@settle.test").await.unwrap().body_text).unwrap();
    let res = app
        .post(&format!("{path}/verify"), &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(location(&res), "/");
    let html = app.html("/").await;
    assert!(html.contains("betaallink"), "the step-up session says it is limited");
    assert_eq!(app.get("/invoices").await.status(), 200);
    app.cleanup().await;
}

#[tokio::test]
async fn a_settled_invoice_ends_its_payment_link() {
    use settle_core::entities::invoice;
    use settle_core::sea_orm::sea_query::Expr;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    invoice::Entity::update_many()
        .col_expr(invoice::Column::OpenCents, Expr::value(0i64))
        .col_expr(invoice::Column::Status, Expr::value("paid"))
        .filter(invoice::Column::Number.eq("2026-0002"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let res = app.get(&format!("/pay/{}", settle_core::demo::DEMO_PAY_TOKEN)).await;
    assert_eq!(res.status(), 404);
    app.cleanup().await;
}

#[tokio::test]
async fn manifest_carries_the_tenants_name_and_colour() {
    let app = spawn_app().await;
    let m: serde_json::Value = app.get("/manifest.webmanifest").await.json().await.unwrap();
    assert_eq!(m["name"], "Zorgverzekeraar Demo");
    assert_eq!(m["theme_color"], "#0b5cad");
    app.cleanup().await;
}

#[tokio::test]
async fn the_dev_outbox_exists_only_in_dev_mode() {
    let dev = spawn_app().await;
    assert_eq!(dev.get("/dev/outbox").await.status(), 200);
    dev.cleanup().await;
    let prod = spawn_app_in(settle_core::state::RunMode::Production).await;
    assert_eq!(prod.get("/dev/outbox").await.status(), 404);
    prod.cleanup().await;
}

/// The QR image draws only transfers to the host's own tenant: a bad reference or amount is
/// not found, and nothing in the path can change the beneficiary.
#[tokio::test]
async fn the_epc_qr_image_refuses_bad_references_and_amounts() {
    let app = spawn_app().await;
    let good = settle_domain::rf::RfReference::create("20260002").unwrap();
    let good = good.as_str();
    let ok = app.get(&format!("/qr/epc/{good}/13245.svg")).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["cache-control"],
        "private, max-age=86400",
        "the browser keeps it"
    );
    for bad in [
        format!("/qr/epc/{good}/0.svg"),
        format!("/qr/epc/{good}/-5.svg"),
        format!("/qr/epc/{good}/100000000000.svg"),
        format!("/qr/epc/{good}/12.png"),
        format!("/qr/epc/{good}/abc.svg"),
        "/qr/epc/RF00NOTAREFERENCE/100.svg".to_string(),
        "/qr/epc/NL91ABNA0417164300/100.svg".to_string(),
    ] {
        assert_eq!(app.get(&bad).await.status(), 404, "{bad}");
    }
    app.cleanup().await;
}
