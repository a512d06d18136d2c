//! Login, activation, login links, password reset, throttling, sessions.
use crate::support::*;
use chrono::Duration;

#[tokio::test]
async fn debtor_logs_in_and_reaches_their_invoices() {
    let app = spawn_app().await;
    let res = app.login("demo@settle.test", "demo-password-1").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/");
    let html = app.html("/invoices").await;
    assert!(html.contains("2026-0002"), "invoice list shows the debtor's invoices");
    assert!(html.contains("Achterstallig"));
    app.cleanup().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app.login("demo@settle.test", "wrong-password").await;
    let unknown = app.login("nobody@settle.test", "wrong-password").await;
    assert_eq!(wrong.status(), 303);
    assert_eq!(location(&wrong), location(&unknown));
    let page = app.html("/login").await;
    assert!(page.contains("E-mailadres of wachtwoord klopt niet."));
    // Not logged in.
    let res = app.get("/invoices").await;
    assert_eq!(res.status(), 302);
    assert!(location(&res).starts_with("/login?next=/invoices"));
    app.cleanup().await;
}

#[tokio::test]
async fn login_returns_to_the_page_asked_for_but_never_elsewhere() {
    let app = spawn_app().await;
    let csrf = app.csrf("/login").await;
    let res = app
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("email", "demo@settle.test"),
                ("password", "demo-password-1"),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/");
    let app2 = spawn_app().await;
    let csrf = app2.csrf("/login").await;
    let res = app2
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("email", "demo@settle.test"),
                ("password", "demo-password-1"),
                ("next", "/invoices/2026-0003"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/invoices/2026-0003");
    app.cleanup().await;
    app2.cleanup().await;
}

#[tokio::test]
async fn repeated_failures_on_one_account_are_throttled() {
    let app = spawn_app().await;
    for _ in 0..10 {
        app.login("demo@settle.test", "wrong-password").await;
    }
    app.login("demo@settle.test", "demo-password-1").await;
    let page = app.html("/login").await;
    assert!(
        page.contains("Te veel pogingen"),
        "the right password is refused while throttled"
    );
    assert_eq!(app.get("/invoices").await.status(), 302);
    app.cleanup().await;
}

#[tokio::test]
async fn activation_sends_a_link_only_when_number_and_postcode_match() {
    let app = spawn_app().await;
    let csrf = app.csrf("/activate").await;
    let res = app
        .post(
            "/activate",
            &[("csrf", &csrf), ("customer_number", "100003"), ("postcode", "9999 ZZ")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let mismatch_page = app.html("/activate").await;
    assert_eq!(app.mails_to("kees@settle.test").await, 0);
    app.post(
        "/activate",
        &[("csrf", &csrf), ("customer_number", "100003"), ("postcode", "1234ab")],
    )
    .await;
    let match_page = app.html("/activate").await;
    assert!(match_page.contains("Als de gegevens kloppen"));
    assert!(
        mismatch_page.contains("Als de gegevens kloppen"),
        "same answer either way"
    );
    let mail = app.last_mail_to("kees@settle.test").await.expect("activation mail");
    let link = link_in(&mail.body_text);
    assert!(link.starts_with("/password/reset?token="));

    // Too-short password: field error, nothing changes; then a good one logs in.
    let csrf = app.csrf(&link).await;
    let token = link.split("token=").nth(1).unwrap().to_string();
    app.post(
        "/password/reset",
        &[
            ("csrf", &csrf),
            ("token", &token),
            ("password", "kort"),
            ("confirm", "kort"),
        ],
    )
    .await;
    assert!(app.html(&link).await.contains("minstens 8 tekens"));
    let res = app
        .post(
            "/password/reset",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("password", "paarse olifant"),
                ("confirm", "paarse olifant"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/");
    assert!(app.html("/").await.contains("Kees Bakker"));
    // The link is single use.
    assert!(app.html(&link).await.contains("link-invalid"));
    app.cleanup().await;
}

#[tokio::test]
async fn activation_rejects_malformed_input_with_field_errors() {
    let app = spawn_app().await;
    let csrf = app.csrf("/activate").await;
    app.post(
        "/activate",
        &[("csrf", &csrf), ("customer_number", "<script>"), ("postcode", "")],
    )
    .await;
    let page = app.html("/activate").await;
    assert!(page.contains("f-customer_number-error"));
    assert!(page.contains("&lt;script&gt;"), "the typed value comes back, escaped");
    assert!(!page.contains("<script>\""), "never as markup");
    assert_eq!(app.mails_to("kees@settle.test").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn login_link_is_not_used_by_a_get_works_once_and_expires() {
    let app = spawn_app().await;
    let csrf = app.csrf("/login").await;
    app.post("/login/link", &[("csrf", &csrf), ("email", "DEMO@settle.test ")])
        .await;
    assert!(app.html("/login").await.contains("inloglink gestuurd"));
    let link = link_in(&app.last_mail_to("demo@settle.test").await.expect("mail").body_text);
    let token = link.split("token=").nth(1).unwrap().to_string();
    // A mail scanner's GET twice: the link still works afterwards.
    app.get(&link).await;
    let page = app.html(&link).await;
    assert!(page.contains("Nu inloggen"));
    let csrf = csrf_in(&page).unwrap();
    let res = app.post("/login/link", &[("csrf", &csrf), ("token", &token)]).await;
    assert_eq!(location(&res), "/");
    assert_eq!(app.get("/invoices").await.status(), 200);

    // Used once: a second client cannot use it again.
    let other = crate::support::client();
    let page = other.get(app.url(&link)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("link-invalid"));

    // A fresh link expires after 10 minutes.
    let fresh_client = crate::support::client();
    let csrf = csrf_in(
        &fresh_client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    fresh_client
        .post(app.url("/login/link"))
        .form(&[("csrf", csrf.as_str()), ("email", "demo@settle.test")])
        .send()
        .await
        .unwrap();
    let link = link_in(&app.last_mail_to("demo@settle.test").await.unwrap().body_text);
    app.state.clock.advance(Duration::minutes(11));
    let page = fresh_client
        .get(app.url(&link))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("link-invalid"));
    app.cleanup().await;
}

#[tokio::test]
async fn unknown_email_gets_the_same_link_answer_and_no_mail() {
    let app = spawn_app().await;
    let csrf = app.csrf("/login").await;
    let res = app
        .post("/login/link", &[("csrf", &csrf), ("email", "nobody@settle.test")])
        .await;
    assert_eq!(location(&res), "/login");
    assert!(app.html("/login").await.contains("inloglink gestuurd"));
    assert_eq!(app.mails_to("nobody@settle.test").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn idle_sessions_expire_and_logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    assert_eq!(app.get("/invoices").await.status(), 200);
    app.state.clock.advance(Duration::minutes(31));
    assert_eq!(
        app.get("/invoices").await.status(),
        302,
        "30 idle minutes end the session"
    );

    app.login("demo@settle.test", "demo-password-1").await;
    let csrf = app.csrf("/").await;
    let res = app.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(location(&res), "/login");
    assert_eq!(app.get("/invoices").await.status(), 302);
    use settle_core::entities::session;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let live = session::Entity::find()
        .filter(session::Column::ExpiresAt.gt(app.state.clock.now()))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(live, 0, "the session row is gone, not just the cookie");
    app.cleanup().await;
}

/// A page view writes nothing to the database (the idle timeout is the session row's expiry,
/// refreshed at most once a minute), yet an active debtor stays signed in past 30 minutes.
#[tokio::test]
async fn page_views_write_no_session_and_activity_keeps_the_session() {
    use settle_core::entities::session;
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    let rows = || async {
        session::Entity::find()
            .filter(session::Column::CustomerId.is_not_null())
            .all(&app.state.db)
            .await
            .unwrap()
    };
    assert_eq!(app.get("/invoices").await.status(), 200);
    let before = rows().await;
    assert_eq!(before.len(), 1);
    for _ in 0..3 {
        assert_eq!(app.get("/invoices").await.status(), 200);
    }
    assert_eq!(rows().await, before, "viewing pages rewrote the session");
    // Active every 20 minutes for an hour: still signed in.
    for _ in 0..3 {
        app.state.clock.advance(Duration::minutes(20));
        assert_eq!(app.get("/invoices").await.status(), 200);
    }
    app.cleanup().await;
}

/// The header's name and the account's language come with the session (one query): fresh on
/// every page (a creditor's rename shows at once) and never written into the session row.
#[tokio::test]
async fn the_debtors_name_and_language_come_with_the_session_and_are_never_stored_in_it() {
    use actix_session::storage::SessionStore;
    use settle_core::entities::{customer, session};
    use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
    use settle_core::services::auth::SessionDebtor;
    let app = spawn_app().await;
    let me = customer::Entity::find()
        .filter(customer::Column::Email.eq("demo@settle.test"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    app.login("demo@settle.test", "demo-password-1").await;
    let page = app.html("/").await;
    assert!(page.contains(&me.name), "the dashboard greets the debtor by name");
    assert!(page.contains("lang=\"nl\""));
    let mut renamed = me.clone().into_active_model();
    renamed.name = Set("Anna van Renamed".into());
    renamed.language = Set(Some("en".into()));
    renamed.update(&app.state.db).await.unwrap();
    let page = app.html("/").await;
    assert!(page.contains("Anna van Renamed"), "a rename shows on the next page");
    assert!(page.contains("lang=\"en\""), "so does the account's language");

    // The store: a loaded session carries the copy; writing it back leaves the copy out.
    let store = settle_server::session_store::DbSessionStore::new(
        app.state.hot.clone(),
        app.state.clock.clone(),
        app.state.session_refreshes.clone(),
    );
    let ttl = actix_web::cookie::time::Duration::minutes(30);
    let identity = serde_json::to_string(&format!("{}:{}:full", me.tenant_id, me.id)).unwrap();
    let state = std::collections::HashMap::from([("actix_identity.user_id".to_string(), identity)]);
    let key = store.save(state, &ttl).await.unwrap();
    let loaded = store.load(&key).await.unwrap().unwrap();
    let copy: SessionDebtor = serde_json::from_str(&loaded[SessionDebtor::KEY]).unwrap();
    assert_eq!(
        (copy.name.as_str(), copy.language.as_deref()),
        ("Anna van Renamed", Some("en"))
    );
    let key = store.update(key, loaded, &ttl).await.unwrap();
    for row in session::Entity::find().all(&app.state.db).await.unwrap() {
        assert!(
            !row.state.contains(SessionDebtor::KEY) && !row.state.contains("Renamed"),
            "{}",
            row.state
        );
    }
    let loaded = store.load(&key).await.unwrap().expect("the session");

    // Logged out elsewhere while a request that changes the session was under way: that
    // request's write starts a fresh session, signed out.
    store.delete(&key).await.unwrap();
    let fresh = store.update(key, loaded, &ttl).await.unwrap();
    let state = store.load(&fresh).await.unwrap().expect("a fresh session");
    assert!(
        !state.contains_key("actix_identity.user_id"),
        "a write after the logout does not sign the debtor in again"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn logout_by_get_does_nothing() {
    let app = spawn_app().await;
    app.login("demo@settle.test", "demo-password-1").await;
    app.get("/logout").await;
    assert_eq!(app.get("/invoices").await.status(), 200);
    app.cleanup().await;
}

#[tokio::test]
async fn link_and_reset_forms_explain_bad_input_at_the_field() {
    let app = spawn_app().await;
    let csrf = app.csrf("/login").await;
    app.post("/login/link", &[("csrf", &csrf), ("email", "demo at settle")])
        .await;
    let page = app.html("/login").await;
    assert!(
        page.contains("id=\"f-link-email-error\""),
        "error tied to the link form's field"
    );
    assert!(page.contains("value=\"demo at settle\""), "typed value kept");

    app.post("/password/reset", &[("csrf", &csrf), ("email", "")]).await;
    assert!(app.html("/password/reset").await.contains("f-email-error"));

    // Mismatched confirmation on a live reset link: nothing changes, the link stays usable.
    app.post("/password/reset", &[("csrf", &csrf), ("email", "demo@settle.test")])
        .await;
    let link = link_in(&app.last_mail_to("demo@settle.test").await.unwrap().body_text);
    let token = link.split("token=").nth(1).unwrap().to_string();
    let csrf = app.csrf(&link).await;
    app.post(
        "/password/reset",
        &[
            ("csrf", &csrf),
            ("token", &token),
            ("password", "nieuw wachtwoord"),
            ("confirm", "ander wachtwoord"),
        ],
    )
    .await;
    let page = app.html(&link).await;
    assert!(page.contains("De wachtwoorden zijn niet gelijk."));
    assert_eq!(
        location(&app.login("demo@settle.test", "demo-password-1").await),
        "/",
        "old password still works"
    );
    app.cleanup().await;
}

/// The purge removes sessions that ended over ten minutes ago (a refresh may still be on its way
/// from another instance's memory until then) and those past the 12 hours; loading an ended
/// session fails at once either way.
#[tokio::test]
async fn the_purge_removes_sessions_ended_a_while_ago() {
    use chrono::Duration;
    use settle_core::entities::session;
    use settle_core::sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = spawn_app().await;
    let now = app.state.clock.now();
    let row = |id: &str, created: i64, expires: i64| session::ActiveModel {
        id: Set(id.into()),
        state: Set("{}".into()),
        tenant_id: Set(None),
        customer_id: Set(None),
        created_at: Set(now + Duration::minutes(created)),
        expires_at: Set(now + Duration::minutes(expires)),
    };
    for (id, created, expires) in [
        ("live", -10, 20),
        ("just-ended", -35, -5),
        ("ended-long-ago", -45, -15),
        ("past-12-hours", -12 * 60 - 1, 20),
    ] {
        row(id, created, expires).insert(&app.state.db).await.unwrap();
    }
    let purged = settle_server::session_store::purge_expired(&app.state.db, now)
        .await
        .unwrap();
    assert_eq!(purged, 2);
    let mut left: Vec<String> = session::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .filter(|id| ["live", "just-ended", "ended-long-ago", "past-12-hours"].contains(&id.as_str()))
        .collect();
    left.sort();
    assert_eq!(left, ["just-ended", "live"]);
    app.cleanup().await;
}
