//! Attacks on accounts and sessions: a session id known before login is worthless after it,
//! a password reset ends every other session, every anonymous form that checks a secret is
//! throttled per address with the same answer for accounts that exist and those that do not,
//! and no `next` parameter leads off the site.
use crate::support::*;
use reqwest::cookie::CookieStore;
use std::sync::Arc;

const DEMO: &str = "demo@settle.test";
const PASSWORD: &str = "demo-password-1";

/// A browser whose cookies the test can read and set.
fn browser() -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (client, jar)
}

fn session_cookie(app: &TestApp, jar: &reqwest::cookie::Jar) -> Option<String> {
    let url = app.url("/").parse().unwrap();
    let header = jar.cookies(&url)?;
    header
        .to_str()
        .ok()?
        .split("; ")
        .find_map(|c| c.strip_prefix(&format!("{}=", settle_server::middleware::SESSION_COOKIE)))
        .map(str::to_string)
}

/// The body of a page, fetched as `request` says.
async fn text_of(request: reqwest::RequestBuilder) -> String {
    request.send().await.unwrap().text().await.unwrap()
}

async fn log_in(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    let page = text_of(client.get(app.url("/login"))).await;
    let csrf = csrf_in(&page).unwrap();
    client
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", DEMO), ("password", PASSWORD)])
        .send()
        .await
        .unwrap()
}

/// A request with exactly this session cookie, from a browser of its own.
async fn invoices_with(app: &TestApp, session: &str) -> u16 {
    let (client, _) = browser();
    client
        .get(app.url("/invoices"))
        .header(
            "cookie",
            format!("{}={session}", settle_server::middleware::SESSION_COOKIE),
        )
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_session_id_known_before_login_is_worthless_after_it() {
    let app = spawn_app().await;
    let (client, jar) = browser();
    assert_eq!(location(&log_in(&app, &client).await), "/");
    let first = session_cookie(&app, &jar).expect("a session after login");
    assert_eq!(invoices_with(&app, &first).await, 200, "the cookie is the session");

    // Someone who planted or read that id before the next login gains nothing by it.
    assert_eq!(location(&log_in(&app, &client).await), "/");
    let second = session_cookie(&app, &jar).unwrap();
    assert_ne!(first, second, "a login renews the session id");
    assert_eq!(
        invoices_with(&app, &first).await,
        302,
        "the old id leads to the login page"
    );
    assert_eq!(invoices_with(&app, &second).await, 200);
    app.cleanup().await;
}

#[tokio::test]
async fn a_password_reset_ends_every_other_session() {
    let app = spawn_app().await;
    let (phone, phone_jar) = browser();
    log_in(&app, &phone).await;
    let on_phone = session_cookie(&app, &phone_jar).unwrap();
    assert_eq!(invoices_with(&app, &on_phone).await, 200);

    // On another device: "forgot password", the emailed link, a new password.
    let csrf = app.csrf("/password/reset").await;
    app.post("/password/reset", &[("csrf", &csrf), ("email", DEMO)]).await;
    let link = link_in(&app.last_mail_to(DEMO).await.unwrap().body_text);
    let token = link.split("token=").nth(1).unwrap().to_string();
    let csrf = app.csrf(&link).await;
    let res = app
        .post(
            "/password/reset",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", "een heel nieuw wachtwoord"),
                ("confirm", "een heel nieuw wachtwoord"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/");
    assert_eq!(app.get("/invoices").await.status(), 200, "the device that reset is in");
    assert_eq!(invoices_with(&app, &on_phone).await, 302, "the phone's session is over");
    app.cleanup().await;
}

/// Posts a form `n` times from one address with a fresh token each time; the last page.
async fn hammer(app: &TestApp, page: &str, action: &str, fields: &[(&str, &str)], n: usize) -> String {
    for _ in 0..n {
        let csrf = app.csrf(page).await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        app.post(action, &form).await;
    }
    app.html(page).await
}

const THROTTLED: &str = "Te veel pogingen";

#[tokio::test]
async fn every_anonymous_secret_check_is_throttled_per_address() {
    // Activation (customer number + postcode), a login link, a letter's code and the staff
    // login: each guess costs, and after a burst the same address is told to wait; another
    // address (asking about another account) is not held up by it.
    type Fields = &'static [(&'static str, &'static str)];
    let cases: [(&str, &str, Fields, Fields); 4] = [
        (
            "/activate",
            "/activate",
            &[("customer_number", "100001"), ("postcode", "9999 ZZ")],
            &[("customer_number", "100002"), ("postcode", "9999 ZZ")],
        ),
        (
            "/login",
            "/login/link",
            &[("email", "nobody@example.nl")],
            &[("email", "somebody@example.nl")],
        ),
        ("/code", "/code", &[("code", "ABCD-EFGH")], &[("code", "HGFE-DCBA")]),
        (
            "/backoffice/login",
            "/backoffice/login",
            &[("email", "nobody@settle.test"), ("password", "wrong-password")],
            &[("email", "somebody@settle.test"), ("password", "wrong-password")],
        ),
    ];
    for (page, action, fields, other) in cases {
        let app = spawn_app().await;
        let first = hammer(&app, page, action, fields, 1).await;
        assert!(!first.contains(THROTTLED), "{action}: the first try is answered");
        let later = hammer(&app, page, action, fields, 25).await;
        assert!(later.contains(THROTTLED), "{action}: 25 tries in a row are throttled");
        let elsewhere = app.behind_proxy().await;
        let from = |r: reqwest::RequestBuilder| r.header("x-forwarded-for", "192.0.2.77");
        let html = text_of(from(elsewhere.client.get(elsewhere.url(page)))).await;
        let csrf = csrf_in(&html).unwrap();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(other);
        let res = from(elsewhere.client.post(elsewhere.url(action)))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{action}: {}", res.status());
        let there = text_of(from(elsewhere.client.get(elsewhere.url(page)))).await;
        assert!(!there.contains(THROTTLED), "{action}: another address goes on");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_login_link_request_answers_the_same_for_known_and_unknown_addresses() {
    let app = spawn_app().await;
    let answer = |email: &'static str| {
        let app = app.other_browser();
        async move {
            let csrf = app.csrf("/login").await;
            let res = app.post("/login/link", &[("csrf", &csrf), ("email", email)]).await;
            (res.status().as_u16(), location(&res), app.html("/login").await)
        }
    };
    let (known_status, known_to, known_page) = answer(DEMO).await;
    let (unknown_status, unknown_to, unknown_page) = answer("nobody@example.nl").await;
    assert_eq!((known_status, known_to), (unknown_status, unknown_to));
    let flash = |page: &str| {
        page.split("role=\"status\"")
            .nth(1)
            .map(|s| s.split("</").next().unwrap_or_default().to_string())
    };
    assert!(flash(&known_page).is_some(), "the request is acknowledged");
    assert_eq!(flash(&known_page), flash(&unknown_page), "the same words either way");
    app.cleanup().await;
}

#[tokio::test]
async fn no_next_parameter_leads_off_the_site() {
    let app = spawn_app().await;
    for next in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        " //evil.example",
    ] {
        let browser = app.other_browser();
        let csrf = browser.csrf("/login").await;
        let res = browser
            .post(
                "/login",
                &[("csrf", &csrf), ("email", DEMO), ("password", PASSWORD), ("next", next)],
            )
            .await;
        // Where a browser goes with that Location: this host, whatever the path.
        let to = location(&res);
        let site = reqwest::Url::parse(&app.url("/")).unwrap();
        let lands = site.join(&to).unwrap();
        assert_eq!(
            (lands.scheme(), lands.host_str(), lands.port()),
            (site.scheme(), site.host_str(), site.port()),
            "{next} led to {to}"
        );
        assert!(!to.starts_with("//") && !to.starts_with("/\\"), "{next} led to {to}");
    }
    app.cleanup().await;
}
