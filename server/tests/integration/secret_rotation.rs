//! Rotating `SETTLE_SECRET_KEY`: `settle secrets reseal` seals every value at rest again under
//! the new key, so the old one can go; what no key opens is left alone and reported.
use crate::support::big_files::scratch_dir;
use crate::support::*;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use settle_core::entities::{staff_user, webhook_endpoint};
use settle_core::keys::Keys;
use settle_core::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use settle_core::{secrets, secrets_rotation};

fn master(byte: u8) -> (String, Keys) {
    let raw = [byte; 64];
    (STANDARD.encode(raw), Keys::derive(&raw).unwrap())
}

#[tokio::test]
async fn a_reseal_moves_every_secret_to_the_new_key_and_the_old_key_can_go() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (old_b64, old) = master(1);
    let (new_b64, new) = master(2);

    // The installation as it was under the old key: the demo staff's second factors and a
    // webhook's signing secret (in the middle of its own rotation, so with a previous one).
    let mut moving = old.clone();
    moving.at_rest_previous.push(app.state.keys.at_rest);
    let first = secrets_rotation::reseal(db, &moving).await.unwrap();
    assert_eq!(first.unopenable(), 0);
    let (hook, secret) = demo_webhook(&app, &old).await;
    let (kid, sealed) = secrets::seal(&old, b"whsec_previous");
    let mut row: webhook_endpoint::ActiveModel = hook.clone().into();
    row.previous_key_id = Set(Some(kid));
    row.previous_sealed = Set(Some(sealed));
    row.update(db).await.unwrap();
    let totps: Vec<(i64, Vec<u8>)> = staff_user::Entity::find()
        .filter(staff_user::Column::TotpSealed.is_not_null())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            let plain = secrets::open(
                &old,
                s.totp_key_id.as_deref().unwrap(),
                s.totp_sealed.as_deref().unwrap(),
            );
            (s.id, plain.unwrap())
        })
        .collect();
    assert!(!totps.is_empty());
    assert!(first.resealed() >= totps.len() as u64);

    let dir = scratch_dir();
    let rotated = [
        ("SETTLE_SECRET_KEY", new_b64.as_str()),
        ("SETTLE_PREVIOUS_SECRET_KEY", old_b64.as_str()),
    ];
    let before = settle_cli_env(&dir, &app.db_url, &["secrets", "status"], None, &rotated);
    let out = String::from_utf8_lossy(&before.stdout).to_string();
    assert!(before.status.success(), "{out}");
    assert!(out.contains("run `settle secrets reseal`"), "{out}");

    let reseal = settle_cli_env(&dir, &app.db_url, &["secrets", "reseal"], None, &rotated);
    let out = String::from_utf8_lossy(&reseal.stdout).to_string();
    assert!(
        reseal.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&reseal.stderr)
    );
    let expected = first.resealed() + 2;
    assert!(
        out.contains(&format!(": {expected}\n")),
        "{expected} values resealed: {out}"
    );

    // Without the old key, every value opens and is what it was.
    let only_new = [("SETTLE_SECRET_KEY", new_b64.as_str())];
    let after = settle_cli_env(&dir, &app.db_url, &["secrets", "status"], None, &only_new);
    let out = String::from_utf8_lossy(&after.stdout).to_string();
    assert!(out.contains("SETTLE_PREVIOUS_SECRET_KEY can be removed"), "{out}");
    let hook = webhook_endpoint::Entity::find_by_id(hook.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let opened = secrets::open(&new, &hook.secret_key_id, &hook.secret_sealed).unwrap();
    assert_eq!(String::from_utf8(opened).unwrap(), secret);
    let previous = secrets::open(
        &new,
        hook.previous_key_id.as_deref().unwrap(),
        hook.previous_sealed.as_deref().unwrap(),
    );
    assert_eq!(previous.unwrap(), b"whsec_previous");
    for (id, plain) in &totps {
        let s = staff_user::Entity::find_by_id(*id).one(db).await.unwrap().unwrap();
        let opened = secrets::open(
            &new,
            s.totp_key_id.as_deref().unwrap(),
            s.totp_sealed.as_deref().unwrap(),
        );
        assert_eq!(&opened.unwrap(), plain, "staff {id}'s second factor survived");
        assert!(secrets::open(
            &old,
            s.totp_key_id.as_deref().unwrap(),
            s.totp_sealed.as_deref().unwrap()
        )
        .is_err());
    }

    // A value sealed by a key nobody has any more: reported, exit 1, and left as it was.
    let (kid, sealed) = secrets::seal(&Keys::random(), b"lost");
    let mut row: webhook_endpoint::ActiveModel = hook.clone().into();
    row.previous_key_id = Set(Some(kid.clone()));
    row.previous_sealed = Set(Some(sealed.clone()));
    row.update(db).await.unwrap();
    let stuck = settle_cli_env(&dir, &app.db_url, &["secrets", "reseal"], None, &only_new);
    assert_eq!(stuck.status.code(), Some(1));
    let err = String::from_utf8_lossy(&stuck.stderr);
    assert!(
        err.contains("1 sealed values no key of this server opens, in webhook_endpoints.previous_sealed (1)"),
        "{err}"
    );
    let status = settle_cli_env(&dir, &app.db_url, &["secrets", "status"], None, &only_new);
    assert_eq!(status.status.code(), Some(1), "status reports it too");
    let hook = webhook_endpoint::Entity::find_by_id(hook.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hook.previous_key_id.as_deref(), Some(kid.as_str()));
    assert_eq!(hook.previous_sealed.as_deref(), Some(sealed.as_str()));
    app.cleanup().await;
}
