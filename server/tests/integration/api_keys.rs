//! API keys: admins make one (shown once, stored as a hash) and revoke it; the command line
//! does the same; a key works for its own tenant only, and not after it is revoked.
use crate::backoffice::{as_admin, as_agent};
use crate::support::*;
use settle_core::api_keys::{authenticate, Scope};
use settle_core::entities::{api_key, audit_event, tenant};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const PAGE: &str = "/backoffice/api-keys";

fn key_in(page: &str) -> Option<String> {
    let tag = page.find(r#"data-testid="api-key""#)?;
    let at = tag + page[tag..].find('>')? + 1;
    Some(page[at..at + page[at..].find('<')?].to_string())
}

#[tokio::test]
async fn an_admin_makes_a_key_that_is_shown_once_and_revokes_it() {
    let app = spawn_app().await;
    let demo = app.tenant().await.id;
    let energie = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq("energie"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    as_agent(&app).await;
    assert_eq!(app.get(PAGE).await.status(), 403);
    let csrf = app.csrf("/backoffice").await;
    let res = app
        .post(PAGE, &[("csrf", csrf.as_str()), ("name", "x"), ("scope", "write")])
        .await;
    assert_eq!(res.status(), 403);

    let admin = app.other_browser();
    as_admin(&admin).await;
    let page = admin.html(PAGE).await;
    assert!(page.contains("Nog geen sleutels."), "{page}");
    let csrf = csrf_in(&page).unwrap();
    // Bad input: no name, no such right; nothing made.
    admin
        .post(PAGE, &[("csrf", csrf.as_str()), ("name", " "), ("scope", "write")])
        .await;
    assert!(admin.html(PAGE).await.contains(r#"id="f-k-name-error""#));
    admin
        .post(PAGE, &[("csrf", csrf.as_str()), ("name", "ERP"), ("scope", "admin")])
        .await;
    assert!(api_key::Entity::find().all(&admin.state.db).await.unwrap().is_empty());

    let res = admin
        .post(
            PAGE,
            &[("csrf", csrf.as_str()), ("name", "Facturatie"), ("scope", "write")],
        )
        .await;
    assert_eq!(location(&res), PAGE);
    let page = admin.html(PAGE).await;
    let key = key_in(&page).unwrap_or_else(|| panic!("shown once: {page}"));
    assert!(key.starts_with("settle_") && key.len() == 39, "{key}");
    let again = admin.html(PAGE).await;
    assert!(key_in(&again).is_none() && !again.contains(&key), "not shown twice");
    assert!(again.contains(&format!("{}…", &key[..12])) && again.contains("Lezen en schrijven"));
    let row = api_key::Entity::find().one(&admin.state.db).await.unwrap().unwrap();
    assert!(
        !row.key_hash.contains(&key) && row.key_hash.len() == 64,
        "stored as a hash"
    );

    // It works for its own tenant only.
    let now = admin.state.clock.now();
    let caller = authenticate(&admin.state.db, demo, &key, now).await.unwrap().unwrap();
    assert_eq!((caller.key_id, caller.scope), (row.id, Scope::Write));
    assert!(authenticate(&admin.state.db, energie, &key, now)
        .await
        .unwrap()
        .is_none());
    assert!(authenticate(&admin.state.db, demo, "settle_guess", now)
        .await
        .unwrap()
        .is_none());
    assert!(admin.html(PAGE).await.contains("Laatst gebruikt"));

    // Revoked: dead at once; again is an error; another tenant's id is 404.
    let revoke = |id: i64| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            admin
                .post(&format!("{PAGE}/{id}/revoke"), &[("csrf", csrf.as_str())])
                .await
        }
    };
    assert_eq!(location(&revoke(row.id).await), PAGE);
    assert!(admin.html(PAGE).await.contains("Sleutel ingetrokken"));
    assert!(authenticate(&admin.state.db, demo, &key, now).await.unwrap().is_none());
    revoke(row.id).await;
    let (other, _) = settle_core::api_keys::create(&admin.state.db, energie, "Energie ERP", Scope::Read, "cli", now)
        .await
        .unwrap();
    assert_eq!(revoke(other.id).await.status(), 404);
    assert!(api_key::Entity::find_by_id(other.id)
        .one(&admin.state.db)
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none());
    // Audited, never with the key.
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::Action.is_in(["api_key_created", "api_key_revoked"]))
        .all(&admin.state.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 3);
    assert!(audit.iter().all(|a| !a.detail.contains(&key)));
    app.cleanup().await;
}

#[tokio::test]
async fn settle_api_key_prints_the_key_alone_on_its_last_line() {
    let app = spawn_app().await;
    let dir = std::env::temp_dir().join(format!("settle-api-keys-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| settle_cli(&dir, &app.db_url, args);
    let out = run(&[
        "api-key", "create", "--tenant", "demo", "--name", "ERP", "--scope", "read",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let key = stdout.lines().last().unwrap().trim().to_string();
    assert!(key.starts_with("settle_"), "{stdout}");
    let tenant = app.tenant().await.id;
    let now = app.state.clock.now();
    let caller = authenticate(&app.state.db, tenant, &key, now).await.unwrap().unwrap();
    assert_eq!(caller.scope, Scope::Read);
    let list = String::from_utf8_lossy(&run(&["api-key", "list", "--tenant", "demo"]).stdout).to_string();
    assert!(
        list.contains("ERP") && list.contains(&key[..12]) && !list.contains(&key),
        "{list}"
    );
    // Bad input is explained; nothing is made.
    let bad = run(&[
        "api-key", "create", "--tenant", "demo", "--name", "X", "--scope", "admin",
    ]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("read or write"));
    let bad = run(&["api-key", "create", "--tenant", "nope", "--name", "X"]);
    assert!(!bad.status.success());
    let id = caller.key_id.to_string();
    assert!(run(&["api-key", "revoke", "--tenant", "demo", "--id", &id])
        .status
        .success());
    assert!(authenticate(&app.state.db, tenant, &key, now).await.unwrap().is_none());
    assert!(!run(&["api-key", "revoke", "--tenant", "energie", "--id", &id])
        .status
        .success());
    app.cleanup().await;
}
