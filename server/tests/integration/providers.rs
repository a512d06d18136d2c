//! Provider settings (admins): mail identity with its DKIM key, SMS, payment and print
//! providers; credentials write-only (never shown, never in the audit log), a blank credential
//! keeps the stored one, and bad input changes nothing.
use crate::backoffice::{as_admin, as_agent};
use crate::support::*;
use settle_core::entities::{audit_event, email_setting, print_setting, sms_setting};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use settle_core::services::{payment_settings, print_settings};

const PAGE: &str = "/backoffice/providers";

async fn save(app: &TestApp, which: &str, fields: &[(&str, &str)]) -> String {
    let csrf = app.csrf(PAGE).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let res = app.post(&format!("{PAGE}/{which}"), &all).await;
    assert_eq!(location(&res), PAGE);
    app.html(PAGE).await
}

#[tokio::test]
async fn an_admin_sets_the_providers_and_credentials_are_never_shown_again() {
    let app = spawn_app().await;
    let tid = app.tenant().await.id;
    as_agent(&app).await;
    assert_eq!(app.get(PAGE).await.status(), 403);
    let csrf = app.csrf("/backoffice").await;
    let res = app
        .post(
            &format!("{PAGE}/print"),
            &[("csrf", csrf.as_str()), ("url", "https://print.example/x")],
        )
        .await;
    assert_eq!(res.status(), 403);

    let admin = app.other_browser();
    as_admin(&admin).await;
    let page = admin.html(PAGE).await;
    assert!(
        page.contains("Koppelingen") && page.contains("met het afzenderadres van het platform"),
        "{page}"
    );

    // Mail identity: a bad From is refused; then a new Ed25519 key, then kept.
    let page = save(
        &admin,
        "mail",
        &[
            ("from", "geen adres"),
            ("reply_to", ""),
            ("dkim", "new_ed25519"),
            ("selector", "s1"),
        ],
    )
    .await;
    assert!(
        page.contains("geldig e-mailadres") && page.contains(r#"value="geen adres""#),
        "{page}"
    );
    assert!(email_setting::Entity::find_by_id(tid)
        .one(&admin.state.db)
        .await
        .unwrap()
        .is_none());
    let page = save(
        &admin,
        "mail",
        &[
            ("from", "Zorg <post@zorg.example>"),
            ("reply_to", "service@zorg.example"),
            ("dkim", "new_ed25519"),
            ("selector", "s1"),
        ],
    )
    .await;
    assert!(page.contains("DKIM s1 (ed25519-sha256)"), "{page}");
    let dns = |html: String| {
        let at = html.find("v=DKIM1").unwrap();
        html[at..at + html[at..].find('<').unwrap()].to_string()
    };
    let record = dns(admin.html("/backoffice/branding").await);
    save(
        &admin,
        "mail",
        &[
            ("from", "Zorg <post@zorg.example>"),
            ("reply_to", ""),
            ("dkim", "keep"),
            ("selector", "s1"),
        ],
    )
    .await;
    assert_eq!(dns(admin.html("/backoffice/branding").await), record, "the same key");
    let row = email_setting::Entity::find_by_id(tid)
        .one(&admin.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.reply_to, row.dkim_domain.as_deref()), (None, Some("zorg.example")));
    let page = save(
        &admin,
        "mail",
        &[
            ("from", "Zorg <post@zorg.example>"),
            ("dkim", "new_rsa"),
            ("selector", "bad selector!"),
        ],
    )
    .await;
    assert!(page.contains("Alleen letters, cijfers en streepjes"), "{page}");

    // SMS: every credential of the chosen provider is needed; the token is never shown.
    let page = save(
        &admin,
        "sms",
        &[
            ("provider", "twilio"),
            ("account_sid", "AC123"),
            ("from", "+31612345678"),
        ],
    )
    .await;
    assert!(
        page.contains(r#"id="f-s-token-error""#) && page.contains(r#"value="AC123""#),
        "{page}"
    );
    assert!(sms_setting::Entity::find_by_id(tid)
        .one(&admin.state.db)
        .await
        .unwrap()
        .is_none());
    let twilio = [
        ("provider", "twilio"),
        ("account_sid", "AC123"),
        ("auth_token", "tok-SECRET-1"),
        ("from", "+31612345678"),
    ];
    let page = save(&admin, "sms", &twilio).await;
    assert!(
        page.contains("Nu ingesteld: twilio") && !page.contains("tok-SECRET-1"),
        "{page}"
    );
    save(&admin, "sms", &[("provider", "none")]).await;
    assert!(sms_setting::Entity::find_by_id(tid)
        .one(&admin.state.db)
        .await
        .unwrap()
        .is_none());

    // Payment: a key is needed the first time; blank keeps it while the policy changes.
    let page = save(
        &admin,
        "payment",
        &[("provider", "mollie"), ("api_key", ""), ("min_partial", "5")],
    )
    .await;
    assert!(page.contains(r#"id="f-p-key-error""#), "{page}");
    let page = save(
        &admin,
        "payment",
        &[
            ("provider", "mollie"),
            ("api_key", "live_SECRETKEY"),
            ("min_partial", "abc"),
        ],
    )
    .await;
    assert!(page.contains(r#"id="f-p-min-error""#), "{page}");
    save(
        &admin,
        "payment",
        &[
            ("provider", "mollie"),
            ("api_key", "live_SECRETKEY"),
            ("min_partial", "5,00"),
        ],
    )
    .await;
    save(
        &admin,
        "payment",
        &[
            ("provider", "mollie"),
            ("api_key", ""),
            ("allow_partial", "1"),
            ("min_partial", "10"),
        ],
    )
    .await;
    let pay = payment_settings::load(&admin.state.db, &admin.state.keys, tid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pay.credentials.api_key, "live_SECRETKEY");
    assert!(pay.allow_partial && pay.min_partial_cents == 1_000);
    let page = save(&admin, "payment", &[("provider", "stripe"), ("api_key", "sk_test_x")]).await;
    assert!(
        page.contains(r#"id="f-p-secret-error""#),
        "stripe needs its webhook secret: {page}"
    );
    assert!(!page.contains("live_SECRETKEY") && !page.contains("sk_test_x"));

    // Print: https only (http just on loopback); a blank token keeps the stored one.
    let page = save(
        &admin,
        "print",
        &[("url", "http://print.example/letters"), ("token", "t")],
    )
    .await;
    assert!(page.contains("Geef een https://-adres."), "{page}");
    assert!(print_setting::Entity::find_by_id(tid)
        .one(&admin.state.db)
        .await
        .unwrap()
        .is_none());
    save(
        &admin,
        "print",
        &[("url", "https://print.example/letters"), ("token", "PRINT-SECRET")],
    )
    .await;
    save(
        &admin,
        "print",
        &[("url", "https://print.example/letters"), ("token", "")],
    )
    .await;
    let print = print_settings::load(&admin.state.db, &admin.state.keys, tid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(print.token.as_deref(), Some("PRINT-SECRET"));
    save(&admin, "print", &[("url", ""), ("token", "")]).await;
    assert!(admin.html(PAGE).await.contains("afdrukmap op de server"));

    // Audited, without a secret.
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("provider_saved"))
        .all(&admin.state.db)
        .await
        .unwrap();
    assert!(audit.len() >= 8, "{}", audit.len());
    for secret in ["tok-SECRET-1", "live_SECRETKEY", "PRINT-SECRET", "PRIVATE KEY"] {
        assert!(
            audit.iter().all(|a| !a.detail.contains(secret)),
            "{secret} in the audit log"
        );
    }
    app.cleanup().await;
}
