//! Postgres row-level security: the application role sees and writes only the tenant its work
//! runs for, and every tenant table is covered. (On SQLite there is no row security; the rest of
//! the suite runs every request through the application role on Postgres.)
use crate::support::{postgres, request_state, spawn_app};
use chrono::Utc;
use settle_core::entities::{customer, idempotency_key, tenant};
use settle_core::row_security::{as_tenant, check_app_role};
use settle_core::sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Set, Statement,
};
use std::time::{Duration, Instant};

/// Ends the connections `role` has open to this database; how many.
async fn owner_ends_backends_of(owner: &DatabaseConnection, role: &str) -> i64 {
    owner
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS ended FROM pg_stat_activity \
             WHERE datname = current_database() AND usename = $1",
            [role.into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "ended")
        .unwrap()
}

/// The first two demo tenants, each with how many debtors it has (some).
async fn two_tenants(owner: &DatabaseConnection) -> ((i64, u64), (i64, u64)) {
    let tenants = tenant::Entity::find().all(owner).await.unwrap();
    assert!(tenants.len() >= 2, "the demo has several tenants");
    let mut sizes = Vec::new();
    for t in &tenants[..2] {
        let debtors = customer::Entity::find()
            .filter(customer::Column::TenantId.eq(t.id))
            .count(owner)
            .await
            .unwrap();
        assert!(debtors > 0);
        sizes.push((t.id, debtors));
    }
    (sizes[0], sizes[1])
}

#[tokio::test]
async fn the_application_role_sees_only_its_tenant() {
    if !postgres() {
        return;
    }
    let app = spawn_app().await;
    let owner = &app.state.system_db;
    let ((a, a_debtors), (b, b_debtors)) = two_tenants(owner).await;

    let served = request_state(&app.state, &app.db_url).await;
    let db = &served.db;
    // A role that did not migrate would see nothing as the owner: refused as one.
    let refused = settle_core::row_security::check_owner_role(db).await.unwrap_err();
    assert!(refused.to_string().contains("SETTLE_DATABASE_URL"), "{refused}");
    // Outside any tenant: nothing.
    assert_eq!(customer::Entity::find().count(db).await.unwrap(), 0);
    as_tenant(a, async {
        // All of its own, none of another's, even when asked for by tenant.
        assert_eq!(customer::Entity::find().count(db).await.unwrap(), a_debtors);
        let theirs = customer::Entity::find()
            .filter(customer::Column::TenantId.eq(b))
            .count(db)
            .await
            .unwrap();
        assert_eq!(theirs, 0);
        // Another tenant's rows can be neither changed nor written.
        let changed = db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE customers SET name = 'x' WHERE tenant_id = $1",
                [b.into()],
            ))
            .await
            .unwrap();
        assert_eq!(changed.rows_affected(), 0);
        let foreign = idempotency_key::ActiveModel {
            tenant_id: Set(b),
            api_key_id: Set(1),
            idem_key: Set("k".into()),
            request_hash: Set("h".into()),
            status: Set(0),
            content_type: Set(String::new()),
            body: Set(String::new()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap_err();
        assert!(foreign.to_string().contains("row-level security"), "{foreign}");
        // Nor can it make an operator (an account of no tenant), turn its own admin into one,
        // change another tenant, or point a host at itself.
        let raw = |sql: &str, values: Vec<settle_core::sea_orm::Value>| {
            db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values))
        };
        let operator = raw(
            "INSERT INTO staff_users (tenant_id, email, name, role, password_hash, created_at) \
             VALUES (NULL, 'op@evil.test', 'x', 'operator', 'x', now())",
            vec![],
        )
        .await
        .unwrap_err();
        assert!(operator.to_string().contains("row-level security"), "{operator}");
        let unbound = raw(
            "UPDATE staff_users SET tenant_id = NULL WHERE tenant_id = $1",
            vec![a.into()],
        )
        .await
        .unwrap_err();
        assert!(unbound.to_string().contains("tenant cannot change"), "{unbound}");
        let other = raw(
            "UPDATE tenants SET base_url = 'https://evil.test' WHERE id = $1",
            vec![b.into()],
        )
        .await
        .unwrap();
        assert_eq!(other.rows_affected(), 0);
        let host = raw("UPDATE tenant_hosts SET tenant_id = $1", vec![a.into()])
            .await
            .unwrap_err();
        assert!(host.to_string().contains("permission denied"), "{host}");
        // Inside a transaction too.
        let tx = settle_core::sea_orm::TransactionTrait::begin(db).await.unwrap();
        assert_eq!(customer::Entity::find().count(&tx).await.unwrap(), a_debtors);
        tx.rollback().await.unwrap();
    })
    .await;
    // A pooled connection does not keep the last tenant.
    assert_eq!(customer::Entity::find().count(db).await.unwrap(), 0);
    as_tenant(b, async {
        assert_eq!(customer::Entity::find().count(db).await.unwrap(), b_debtors);
    })
    .await;
    // B's names and address are untouched.
    assert_eq!(
        customer::Entity::find()
            .filter(customer::Column::Name.eq("x"))
            .count(owner)
            .await
            .unwrap(),
        0
    );
    let b_row = tenant::Entity::find_by_id(b).one(owner).await.unwrap().unwrap();
    assert_ne!(b_row.base_url, "https://evil.test");
    app.cleanup().await;
}

/// The payment-link and session lookups run on a pool of their own whose connections remember
/// their tenant setting: a connection reused for another tenant, or for none, is set anew; one a
/// cancelled lookup left mid-query is not handed out before its query ends (the next lookup
/// would wait for it); and a lookup whose connection the database ended runs again on a new one.
#[tokio::test]
async fn hot_lookups_follow_the_tasks_tenant_and_drop_interrupted_connections() {
    if !postgres() {
        return;
    }
    let app = spawn_app().await;
    let ((a, a_debtors), (b, b_debtors)) = two_tenants(&app.state.system_db).await;
    let (a_debtors, b_debtors) = (a_debtors as i64, b_debtors as i64);
    assert_ne!(a_debtors, b_debtors, "the demo tenants differ in size");
    let served = request_state(&app.state, &app.db_url).await;
    let count = Statement::from_string(DbBackend::Postgres, "SELECT count(*) AS n FROM customers");
    let seen = |tenant: Option<i64>| {
        let (hot, count) = (served.hot.clone(), count.clone());
        async move {
            let row = match tenant {
                Some(t) => as_tenant(t, hot.one(count)).await,
                None => hot.one(count).await,
            };
            row.unwrap().unwrap().try_get::<i64>("", "n").unwrap()
        }
    };
    for _ in 0..2 {
        assert_eq!(seen(Some(a)).await, a_debtors);
        assert_eq!(
            seen(Some(b)).await,
            b_debtors,
            "the same connection, set to the next tenant"
        );
        assert_eq!(seen(None).await, 0, "outside any tenant: nothing");
    }

    let slow = Statement::from_string(DbBackend::Postgres, "SELECT pg_sleep(30), 1::bigint AS n");
    let cancelled = tokio::time::timeout(Duration::from_millis(300), as_tenant(a, served.hot.one(slow))).await;
    assert!(cancelled.is_err(), "the slow lookup was cut off");
    let started = Instant::now();
    assert_eq!(seen(Some(b)).await, b_debtors, "the next lookup gets its own answer");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "it did not wait behind the interrupted query"
    );

    // A restart or failover ends the connections; the very next lookup still gets its answer.
    let ended = owner_ends_backends_of(&app.state.system_db, crate::support::APP_ROLE).await;
    assert!(ended >= 1, "the lookups' connections were ended");
    assert_eq!(seen(Some(a)).await, a_debtors, "run again on a fresh connection");
    app.cleanup().await;
}

/// Instances started together each check and grant the application role at once: none fails
/// (Postgres refuses concurrent grants on one table, so they take turns).
#[tokio::test]
async fn instances_starting_together_all_get_the_application_role() {
    if !postgres() {
        return;
    }
    let app = spawn_app().await;
    request_state(&app.state, &app.db_url).await;
    let url = settle_core::db::DatabaseUrl::parse(&crate::support::app_role_url(&app.db_url)).unwrap();
    let starts = (0..8).map(|_| settle_core::row_security::connect_app(&app.state.system_db, &url));
    for started in futures_util::future::join_all(starts).await {
        started.expect("every instance starts");
    }
    app.cleanup().await;
}

/// A new table with a tenant must come with the policies: every table with `tenant_id` is
/// forced under row security, except the host-to-tenant map that is read before a tenant is known.
#[tokio::test]
async fn every_tenant_table_is_forced_under_row_security() {
    if !postgres() {
        return;
    }
    let app = spawn_app().await;
    let rows = app
        .state
        .system_db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.relname::text AS name, c.relrowsecurity AS on, c.relforcerowsecurity AS forced, \
             (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind = 'r' \
             AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')",
        ))
        .await
        .unwrap();
    assert!(rows.len() > 40, "{} tenant tables", rows.len());
    for r in rows {
        let name: String = r.try_get("", "name").unwrap();
        let confined = r.try_get::<bool>("", "on").unwrap() && r.try_get::<bool>("", "forced").unwrap();
        let policies: i64 = r.try_get("", "policies").unwrap();
        if name == "tenant_hosts" {
            assert!(!confined, "{name}");
        } else {
            assert!(confined && policies >= 2, "{name} is not confined to its tenant");
        }
    }
    // The owner that migrated sees everything; it is refused as the application role.
    settle_core::row_security::check_owner_role(&app.state.system_db)
        .await
        .unwrap();
    assert!(check_app_role(&app.state.system_db).await.is_err());
    app.cleanup().await;
}

fn settle_serve(db: &str, app_db: &str, addr: &str) -> std::process::Child {
    let dir = std::env::temp_dir().join(format!("settle-rls-{}", crate::support::unique()));
    std::fs::create_dir_all(&dir).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_settle"))
        .arg("serve")
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SETTLE_DATABASE_URL", db)
        .env("SETTLE_DATABASE_APP_URL", app_db)
        .env("SETTLE_ADDR", addr)
        .env("SETTLE_DNS_SERVER", "off")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// `settle serve` with `SETTLE_DATABASE_APP_URL`: a role that would not be confined is refused;
/// the application role serves the tenant's pages.
#[tokio::test]
async fn settle_serve_runs_requests_as_the_application_role() {
    if !postgres() {
        return;
    }
    let app = spawn_app().await;
    let _ = request_state(&app.state, &app.db_url).await; // creates the role
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");

    let refused = settle_serve(&app.db_url, &app.db_url, &addr)
        .wait_with_output()
        .unwrap();
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("SETTLE_DATABASE_APP_URL"), "{err}");

    let mut child = settle_serve(&app.db_url, &crate::support::app_role_url(&app.db_url), &addr);
    let client = crate::support::client();
    let mut status = None;
    for _ in 0..100 {
        if let Ok(r) = client.get(format!("http://{addr}/login")).send().await {
            status = Some(r.status().as_u16());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, Some(200));
    app.cleanup().await;
}
