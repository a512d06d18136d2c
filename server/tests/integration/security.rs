//! CSRF, cross-site posts, security headers.
use crate::support::*;

#[tokio::test]
async fn a_form_post_without_a_valid_token_changes_nothing() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/login",
            &[
                ("csrf", "forged"),
                ("email", "demo@settle.test"),
                ("password", "demo-password-1"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/login");
    assert!(app.html("/login").await.contains("Het formulier was verlopen"));
    assert_eq!(app.get("/invoices").await.status(), 302, "not logged in");

    // Logged in, the anonymous token is not enough: logout needs the session's token.
    app.login("demo@settle.test", "demo-password-1").await;
    let anon = settle_core::csrf::anon_token(&app.state.keys, 1, app.state.clock.now());
    app.post("/logout", &[("csrf", &anon)]).await;
    assert_eq!(app.get("/invoices").await.status(), 200, "still logged in");
    app.cleanup().await;
}

#[tokio::test]
async fn cross_site_posts_are_refused_before_any_handler() {
    let app = spawn_app().await;
    let csrf = app.csrf("/login").await;
    let res = app
        .client
        .post(app.url("/login"))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "demo@settle.test"),
            ("password", "demo-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(app.url("/login"))
        .header("Origin", "https://evil.example")
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "demo@settle.test"),
            ("password", "demo-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(app.get("/invoices").await.status(), 302);
    app.cleanup().await;
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_the_other_security_headers() {
    let app = spawn_app().await;
    let res = app.get("/login").await;
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self' 'nonce-"));
    assert!(
        csp.contains("object-src 'none'") && csp.contains("base-uri 'none'") && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.get("strict-transport-security").is_none(), "http tenant: no HSTS");
    let nonce = nonce_of(&csp);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry this response's nonce"
    );
    every_script_and_style_carries(&html, &nonce);
    let second = app.get("/login").await;
    assert!(
        !second.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(&nonce),
        "a fresh nonce per response"
    );
    app.cleanup().await;
}

/// The islands' loader is one cached file, not a copy inline in every page; the page names the
/// module and the WebAssembly it loads.
#[tokio::test]
async fn pages_load_the_islands_from_one_cached_loader() {
    let app = spawn_app().await;
    let html = app.html("/login").await;
    assert!(
        html.contains(&format!(
            "<script type=\"module\" src=\"{}\"",
            settle_app::ISLANDS_LOADER
        )),
        "{html}"
    );
    assert!(html.contains("<link rel=\"modulepreload\" href=\"/pkg/settle.js\""));
    assert!(html.contains("as=\"fetch\" type=\"application/wasm\""));
    assert!(!html.contains("hydrateIsland"), "no inline loader");
    let res = app.get(settle_app::ISLANDS_LOADER).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    assert!(res.text().await.unwrap().contains("leptos-island"));
    let again = app
        .client
        .get(app.url(settle_app::ISLANDS_LOADER))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "revalidated by its fingerprint");
    app.cleanup().await;
}

/// The nonce a Content-Security-Policy allows scripts and styles by.
fn nonce_of(csp: &str) -> String {
    let after = csp.split("'nonce-").nth(1).expect("a nonce in the policy");
    after.split('\'').next().unwrap_or_default().to_string()
}

fn every_script_and_style_carries(html: &str, nonce: &str) {
    let tags: Vec<&str> = html
        .split('<')
        .filter(|t| t.starts_with("script") || t.starts_with("style"))
        .map(|t| t.split('>').next().unwrap_or(t))
        .collect();
    assert!(tags.len() >= 2, "the page's own script and style: {tags:?}");
    for tag in tags {
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{tag}");
    }
}

/// The payment-link page is rendered without the router (server/src/direct_pages.rs): the same
/// document, meta tags, nonce, hydration and flash as a routed page.
#[tokio::test]
async fn the_payment_link_page_rendered_directly_has_the_whole_frame() {
    let app = spawn_app().await;
    let res = app.get(&format!("/pay/{}", settle_core::demo::DEMO_PAY_TOKEN)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    let nonce = nonce_of(&csp);
    let html = res.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"nl\""), "{}", &html[..80]);
    assert!(html.contains("<title>Betalen · "), "the title from the page, in <head>");
    assert!(html.contains("--brand:"), "the tenant's colours");
    assert!(html.contains("data-testid=\"pay-online\""));
    assert!(html.contains("<leptos-island"), "the islands hydrate");
    every_script_and_style_carries(&html, &nonce);
    // A token nobody issued: the not-found page, with its status.
    let res = app.get("/pay/not-a-token").await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("data-testid=\"not-found\""));
    // In the visitor's language.
    let res = app
        .client
        .get(app.url(&format!("/pay/{}", settle_core::demo::DEMO_PAY_TOKEN)))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert!(res
        .text()
        .await
        .unwrap()
        .starts_with("<!DOCTYPE html><html lang=\"de\""));
    app.cleanup().await;
}

#[tokio::test]
async fn https_tenants_get_host_prefixed_secure_cookies_and_hsts() {
    use settle_core::entities::tenant;
    use settle_core::sea_orm::sea_query::Expr;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    tenant::Entity::update_many()
        .col_expr(tenant::Column::BaseUrl, Expr::value("https://localhost"))
        .filter(tenant::Column::Slug.eq("demo"))
        .exec(&app.state.db)
        .await
        .unwrap();
    app.state.tenants.clear();
    let res = app.login("demo@settle.test", "demo-password-1").await;
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-settle="))
        .expect("__Host- session cookie");
    assert!(session.contains("Secure") && session.contains("HttpOnly") && session.contains("Path=/"));
    assert!(app
        .get("/login")
        .await
        .headers()
        .contains_key("strict-transport-security"));
    app.cleanup().await;
}

#[tokio::test]
async fn every_data_endpoint_needs_a_login_and_stays_inside_the_debtors_scope() {
    let app = spawn_app().await;
    let paths = ["/api/dashboard", "/api/invoices", "/api/invoice?number=2026-0002"];
    for p in paths {
        assert_eq!(app.get(p).await.status(), 401, "anonymous {p}");
    }
    app.login("other@settle.test", "demo-password-1").await;
    assert_eq!(
        app.get("/api/invoice?number=2026-0002").await.status(),
        404,
        "another debtor's invoice"
    );
    assert_eq!(
        app.get("/api/invoice?number=R-2026-502").await.status(),
        404,
        "another tenant's invoice"
    );
    assert_eq!(app.get("/api/invoice?number=2026-1001").await.status(), 200);
    let list = app.get("/api/invoices").await.text().await.unwrap();
    assert!(list.contains("2026-1001") && !list.contains("2026-0002"));
    assert_eq!(app.get("/api/pay?token=guess").await.status(), 404);
    app.cleanup().await;
}

/// Tens of thousands of debtors open their payment links in one morning: each is limited on
/// its own address, never by the others' (the limit was once one bucket per tenant: after 20
/// views every debtor got an error). Behind a trusted proxy the address is the forwarded one;
/// from anyone else, X-Forwarded-For is ignored.
#[tokio::test]
async fn payment_link_views_are_limited_per_visitor_behind_a_trusted_proxy() {
    let app = spawn_app().await;
    let proxied = app.behind_proxy().await;
    let link = "/pay/demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7";
    let view = |app: &TestApp, ip: String| app.client.get(app.url(link)).header("x-forwarded-for", ip).send();
    for i in 0..40 {
        let res = view(&proxied, format!("203.0.113.{i}")).await.unwrap();
        assert_eq!(res.status(), 200, "visitor {i}");
    }
    let mut one_visitor = Vec::new();
    for _ in 0..30 {
        one_visitor.push(view(&proxied, "198.51.100.7".into()).await.unwrap().status().as_u16());
    }
    assert_eq!(one_visitor[0], 200);
    assert_eq!(*one_visitor.last().unwrap(), 429, "{one_visitor:?}");
    let waiting = view(&proxied, "198.51.100.7".into())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        waiting.contains("Te veel pogingen"),
        "the debtor is told to wait, in Dutch"
    );
    // Straight to the server (no trusted proxy): a made-up X-Forwarded-For does not help.
    let mut direct = Vec::new();
    for i in 0..30 {
        direct.push(view(&app, format!("192.0.2.{i}")).await.unwrap().status().as_u16());
    }
    assert_eq!(*direct.last().unwrap(), 429, "{direct:?}");
    app.cleanup().await;
}

/// TOTP secrets and webhook signing secrets are stored sealed under the secret key: the row
/// holds neither the secret nor its encoding, and only the key that sealed it opens it.
#[tokio::test]
async fn totp_and_webhook_secrets_are_sealed_at_rest() {
    use settle_core::entities::staff_user;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use settle_core::{demo_staff, secrets};
    let app = spawn_app().await;
    let admin = staff_user::Entity::find()
        .filter(staff_user::Column::TotpSealed.is_not_null())
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(!admin.is_empty(), "the demo staff have a second factor");
    for s in &admin {
        let sealed = s.totp_sealed.clone().unwrap();
        for plain in [demo_staff::DEMO_ADMIN_TOTP, demo_staff::DEMO_OPERATOR_TOTP] {
            assert!(
                !sealed.contains(plain),
                "{}: the TOTP secret is not stored as it is",
                s.email
            );
        }
        let opened = secrets::open(&app.state.keys, s.totp_key_id.as_deref().unwrap(), &sealed).unwrap();
        assert!(!opened.is_empty());
        let other = settle_core::keys::Keys::random();
        assert!(
            secrets::open(&other, s.totp_key_id.as_deref().unwrap(), &sealed).is_err(),
            "another key opens nothing"
        );
    }

    let (row, secret) = demo_webhook(&app, &app.state.keys).await;
    assert!(
        !row.secret_sealed.contains(&secret),
        "the signing secret is not stored as it is"
    );
    let opened = secrets::open(&app.state.keys, &row.secret_key_id, &row.secret_sealed).unwrap();
    assert_eq!(String::from_utf8(opened).unwrap(), secret);
    app.cleanup().await;
}

/// Not only pages: every answer carries the security headers, also those given before any
/// page code runs (an unknown host, a cross-site post) and those of the API, the forms, the
/// health checks and a path that does not exist.
#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let csrf = app.csrf("/login").await;
    let answers = vec![
        (
            "unknown host",
            app.client
                .get(app.url("/login"))
                .header("Host", "nobody.example")
                .send()
                .await
                .unwrap(),
        ),
        ("API without a key", app.get("/api/v1/customers").await),
        ("no such path", app.get("/no/such/path").await),
        ("health", app.get("/health/live").await),
        (
            "a form post",
            app.post(
                "/login",
                &[("csrf", csrf.as_str()), ("email", "x@y.z"), ("password", "x")],
            )
            .await,
        ),
        (
            "a cross-site post",
            app.client
                .post(app.url("/login"))
                .header("Sec-Fetch-Site", "cross-site")
                .send()
                .await
                .unwrap(),
        ),
    ];
    for (what, res) in answers {
        for header in ["content-security-policy", "x-content-type-options", "referrer-policy"] {
            assert!(
                res.headers().contains_key(header),
                "{what} ({}): no {header}",
                res.status()
            );
        }
    }
    app.cleanup().await;
}
