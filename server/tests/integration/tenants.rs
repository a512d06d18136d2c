//! Operators create tenants: checked field by field, all or nothing, with the first dunning plan
//! of the country and a first admin who signs in on the new host with the second factor shown
//! once. Admins of a tenant may not.
use crate::backoffice::as_admin;
use crate::support::*;
use settle_core::demo_staff::DEMO_OPERATOR_TOTP;
use settle_core::entities::{dunning_plan, tenant};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_core::staff::totp;

const PAGE: &str = "/backoffice/tenants";

fn code(app: &TestApp, secret: &str) -> String {
    totp::code_at(
        &totp::parse_base32(secret).unwrap(),
        app.state.clock.now().timestamp() as u64,
    )
}

async fn as_operator(app: &TestApp) {
    let csrf = app.csrf("/backoffice/login").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "operator@settle.test"),
        ("password", "demo-password-1"),
    ];
    app.post("/backoffice/login", &form).await;
    let csrf = app.csrf("/backoffice/login/code").await;
    let res = app
        .post(
            "/backoffice/login/code",
            &[("csrf", csrf.as_str()), ("code", &code(app, DEMO_OPERATOR_TOTP))],
        )
        .await;
    assert_eq!(location(&res), "/backoffice");
}

/// One request to the app as if to `host` (the tenant is resolved from the Host header).
async fn on_host(
    client: &reqwest::Client,
    app: &TestApp,
    host: &str,
    path: &str,
    form: Option<&[(&str, &str)]>,
) -> reqwest::Response {
    let req = match form {
        Some(f) => client.post(app.url(path)).form(f),
        None => client.get(app.url(path)),
    };
    req.header("host", host).send().await.unwrap()
}

#[tokio::test]
async fn an_operator_creates_a_tenant_whose_admin_signs_in_on_its_host() {
    let app = spawn_app().await;
    as_admin(&app).await;
    assert_eq!(app.get(PAGE).await.status(), 403);
    assert!(!app.html("/backoffice").await.contains(PAGE));

    let op = app.other_browser();
    as_operator(&op).await;
    let page = op.html(PAGE).await;
    assert!(
        page.contains("energie.localhost") && page.contains("localhost"),
        "{page}"
    );
    let csrf = csrf_in(&page).unwrap();
    let tenants = || async { tenant::Entity::find().count(&op.state.db).await.unwrap() };
    let before = tenants().await;
    let good = [
        ("slug", "zorgnoord"),
        ("name", "Zorg Noord"),
        ("base_url", "http://zorgnoord.test"),
        ("hosts", ""),
        ("country", "NL"),
        ("locale", "nl"),
        ("legal_name", "Zorg Noord U.A."),
        ("iban", "NL91 ABNA 0417 1643 00"),
        ("bic", ""),
        ("address", "Postbus 5, 9700 AA Groningen"),
        ("support_email", "service@zorgnoord.test"),
        ("support_phone", "050 123 4567"),
        ("admin_email", "beheer@zorgnoord.test"),
        ("admin_name", "Noor Beheer"),
        ("admin_password", "noord-wachtwoord-1"),
    ];
    let post = |changes: Vec<(&'static str, &'static str)>| {
        let (op, csrf) = (&op, csrf.clone());
        let mut form: Vec<(&str, &str)> = good.to_vec();
        for (k, v) in changes {
            form.iter_mut().filter(|(f, _)| *f == k).for_each(|p| p.1 = v);
        }
        async move {
            let mut all = vec![("csrf", csrf.as_str())];
            all.extend(form);
            let res = op.post(PAGE, &all).await;
            assert_eq!(location(&res), PAGE);
            op.html(PAGE).await
        }
    };
    // Bad input, each named at its field, typed values kept (never the password), nothing made.
    let page = post(vec![
        ("slug", "Zorg Noord!"),
        ("base_url", "http://zorgnoord.test/portaal"),
        ("iban", "NL00 0000"),
        ("admin_password", "kort"),
    ])
    .await;
    for id in ["f-t-slug-error", "f-t-url-error", "f-t-iban-error", "f-t-apw-error"] {
        assert!(page.contains(&format!(r#"id="{id}""#)), "{id}: {page}");
    }
    assert!(page.contains(r#"value="Zorg Noord U.A.""#) && !page.contains("kort\""));
    let page = post(vec![("slug", "demo")]).await;
    assert!(page.contains("Deze korte naam bestaat al."), "{page}");
    let page = post(vec![("hosts", "zorgnoord.test, localhost")]).await;
    assert!(page.contains("hoort al bij een andere klant"), "{page}");
    assert_eq!(tenants().await, before);

    // Created: its host, its first plan, its admin's second factor shown once.
    let page = post(vec![]).await;
    assert!(page.contains("Aangemaakt.") && page.contains("Zorg Noord"), "{page}");
    let at = page.find(r#"data-testid="totp-secret">"#).unwrap() + 26;
    let secret = page[at..at + page[at..].find('<').unwrap()].to_string();
    assert!(!op.html(PAGE).await.contains(&secret), "shown once");
    let new = op
        .state
        .tenants
        .resolve(&op.state.db, "zorgnoord.test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (new.slug.as_str(), new.base_url.as_str()),
        ("zorgnoord", "http://zorgnoord.test")
    );
    let plans = dunning_plan::Entity::find()
        .filter(dunning_plan::Column::TenantId.eq(new.id))
        .count(&op.state.db)
        .await
        .unwrap();
    assert_eq!(plans, 1);

    // The admin signs in on the new host (and only there) with password and second factor.
    let browser = client();
    let login = on_host(&browser, &op, "zorgnoord.test", "/backoffice/login", None)
        .await
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&login).unwrap();
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "beheer@zorgnoord.test"),
        ("password", "noord-wachtwoord-1"),
    ];
    let res = on_host(&browser, &op, "zorgnoord.test", "/backoffice/login", Some(&form)).await;
    assert_eq!(location(&res), "/backoffice/login/code");
    let page = on_host(&browser, &op, "zorgnoord.test", "/backoffice/login/code", None)
        .await
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page).unwrap();
    let typed = code(&op, &secret);
    let form = [("csrf", csrf.as_str()), ("code", typed.as_str())];
    let res = on_host(&browser, &op, "zorgnoord.test", "/backoffice/login/code", Some(&form)).await;
    assert_eq!(location(&res), "/backoffice");
    let home = on_host(&browser, &op, "zorgnoord.test", "/backoffice", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(home.contains("Noor Beheer") && home.contains("Zorg Noord"), "{home}");
    // Not a user of the demo tenant.
    let other = app.other_browser();
    let csrf = other.csrf("/backoffice/login").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "beheer@zorgnoord.test"),
        ("password", "noord-wachtwoord-1"),
    ];
    assert_eq!(
        location(&other.post("/backoffice/login", &form).await),
        "/backoffice/login"
    );
    app.cleanup().await;
}
