//! Every form post and server function of the server, tried by everybody: anonymous, a debtor, a debtor of another
//! tenant (their session cookie replayed on this tenant's host), an agent and an admin. With a
//! forged token nobody changes anything, and whoever may not use a form is sent to the right
//! login before the token is even looked at; with their own valid token an agent still cannot
//! use an admin's form. "Changes nothing" is checked on the whole database (every table but the
//! sessions, which carry the flash message, and the throttle's counters).
use crate::backoffice::{as_admin, as_agent};
use crate::support::*;
use settle_core::sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anyone,
    Debtor,
    Staff,
    Admin,
}

/// Who may use each form. A form the server registers but this list lacks fails the test.
const FORMS: &[(&str, Who)] = &[
    ("/login", Who::Anyone),
    ("/activate", Who::Anyone),
    ("/login/link", Who::Anyone),
    ("/password/reset", Who::Anyone),
    ("/code", Who::Anyone),
    ("/lang", Who::Anyone),
    ("/pay/{token}/code", Who::Anyone),
    ("/pay/{token}/verify", Who::Anyone),
    ("/pay/{token}/checkout", Who::Anyone),
    ("/pay/return/{checkout}/retry", Who::Anyone),
    ("/profile/email/confirm", Who::Anyone),
    ("/sandbox/checkout/{id}", Who::Anyone),
    ("/backoffice/login", Who::Anyone),
    ("/backoffice/login/code", Who::Anyone),
    ("/logout", Who::Anyone),
    ("/pay/checkout", Who::Debtor),
    ("/profile/address", Who::Debtor),
    ("/profile/preferences", Who::Debtor),
    ("/profile/email", Who::Debtor),
    ("/profile/phone", Who::Debtor),
    ("/profile/phone/verify", Who::Debtor),
    ("/invoices/{number}/plan", Who::Debtor),
    ("/invoices/{number}/plan/pay", Who::Debtor),
    ("/invoices/{number}/dispute", Who::Debtor),
    ("/invoices/{number}/defer", Who::Debtor),
    ("/callback", Who::Debtor),
    ("/callback/{id}/move", Who::Debtor),
    ("/callback/{id}/cancel", Who::Debtor),
    ("/backoffice/logout", Who::Anyone),
    ("/backoffice/debtors/{id}/note", Who::Staff),
    ("/backoffice/debtors/{id}/contact", Who::Staff),
    ("/backoffice/debtors/{id}/representative", Who::Staff),
    ("/backoffice/debtors/{id}/returned-letter", Who::Staff),
    ("/backoffice/debtors/{id}/invoices/{number}/{action}", Who::Staff),
    ("/backoffice/callbacks/{id}/{action}", Who::Staff),
    ("/backoffice/disputes/{id}/decide", Who::Staff),
    ("/backoffice/payments/{id}/{action}", Who::Staff),
    ("/backoffice/requests/{id}/decide", Who::Staff),
    ("/backoffice/statements", Who::Staff),
    ("/backoffice/debtors/{id}/erase", Who::Admin),
    ("/backoffice/staff", Who::Admin),
    ("/backoffice/staff/{id}/{action}", Who::Admin),
    ("/backoffice/branding", Who::Admin),
    ("/backoffice/branding/logo", Who::Admin),
    ("/backoffice/plans/{id}", Who::Admin),
    ("/backoffice/plans/{id}/segment", Who::Admin),
    ("/backoffice/policy", Who::Admin),
    ("/backoffice/providers/{which}", Who::Admin),
    ("/backoffice/api-keys", Who::Admin),
    ("/backoffice/api-keys/{id}/revoke", Who::Admin),
    ("/backoffice/webhooks", Who::Admin),
    ("/backoffice/webhooks/{id}/rotate", Who::Admin),
    ("/backoffice/webhooks/{id}/remove", Who::Admin),
    ("/backoffice/webhooks/{id}/deliveries/{delivery}/redeliver", Who::Admin),
    ("/backoffice/templates/{kind}/{channel}/{locale}", Who::Admin),
    ("/backoffice/tenants", Who::Admin),
];

/// Real rows for the ids in the paths, so a refusal is about the person, never a missing row.
struct Ids {
    debtor: i64,
    staff: i64,
    plan: i64,
    webhook: i64,
    api_key: i64,
}

async fn ids(app: &TestApp) -> Ids {
    use settle_core::entities::{dunning_plan, staff_user};
    use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let tenant = app.tenant().await;
    let db = &app.state.db;
    let admin = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq("admin@settle.test"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let plan = dunning_plan::Entity::find()
        .filter(dunning_plan::Column::TenantId.eq(tenant.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let (hook, _) = demo_webhook(app, &app.state.keys).await;
    let (key, _) = settle_core::api_keys::create(
        db,
        tenant.id,
        "ERP",
        settle_core::api_keys::Scope::Write,
        "cli",
        start_time(),
    )
    .await
    .unwrap();
    Ids {
        debtor: customer_by_email(app, "demo@settle.test").await.id,
        staff: admin.id,
        plan: plan.id,
        webhook: hook.id,
        api_key: key.id,
    }
}

fn fill(path: &str, ids: &Ids) -> String {
    let id = if path.starts_with("/backoffice/staff/") {
        ids.staff
    } else if path.starts_with("/backoffice/plans/") {
        ids.plan
    } else if path.starts_with("/backoffice/webhooks/") {
        ids.webhook
    } else if path.starts_with("/backoffice/api-keys/") {
        ids.api_key
    } else {
        ids.debtor
    };
    let action = match path {
        p if p.starts_with("/backoffice/staff/") => "disable",
        p if p.starts_with("/backoffice/callbacks/") => "claim",
        p if p.starts_with("/backoffice/payments/") => "allocate",
        _ => "pause",
    };
    path.replace("{token}", settle_core::demo::DEMO_PAY_TOKEN)
        .replace("{checkout}", "x")
        .replace("{number}", "2026-0002")
        .replace("{action}", action)
        .replace("{which}", "sms")
        .replace("{kind}", "reminder")
        .replace("{channel}", "email")
        .replace("{locale}", "nl")
        .replace("{delivery}", "1")
        .replace("{id}", &id.to_string())
}

/// Every table's rows, as text, but the sessions and the throttle's counters.
async fn snapshot(app: &TestApp) -> BTreeMap<String, String> {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let list = match backend {
        DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let mut out = BTreeMap::new();
    for row in db.query_all_raw(Statement::from_string(backend, list)).await.unwrap() {
        let table: String = row.try_get("", "name").unwrap();
        if ["sessions", "throttle_windows"].contains(&table.as_str()) {
            continue;
        }
        let sql = match backend {
            DbBackend::Postgres => {
                format!("SELECT COALESCE(string_agg(x::text, '|' ORDER BY x::text), '') AS v FROM \"{table}\" x")
            }
            _ => {
                let cols = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("PRAGMA table_info(\"{table}\")"),
                    ))
                    .await
                    .unwrap()
                    .iter()
                    .map(|c| format!("quote(\"{}\")", c.try_get::<String>("", "name").unwrap()))
                    .collect::<Vec<_>>()
                    .join("||','||");
                format!("SELECT COALESCE(group_concat(r, '|'), '') AS v FROM (SELECT {cols} AS r FROM \"{table}\" ORDER BY 1)")
            }
        };
        let v = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .unwrap();
        out.insert(table, v.try_get::<String>("", "v").unwrap());
    }
    out
}

fn changed(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    after
        .iter()
        .filter(|(t, v)| before.get(*t) != Some(v))
        .map(|(t, _)| t.clone())
        .collect()
}

/// Signs `browser` in as a debtor of the energie tenant, on its own host.
async fn other_tenants_debtor(browser: &TestApp) {
    let host = "energie.localhost";
    let page = browser
        .client
        .get(browser.url("/login"))
        .header("Host", host)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page).unwrap();
    let res = browser
        .client
        .post(browser.url("/login"))
        .header("Host", host)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "kunde@settle.test"),
            ("password", "demo-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/", "signed in at energie");
}

/// The five who try everything, each in a browser of their own, signed in as they are.
async fn everybody(app: &TestApp) -> Vec<(&'static str, TestApp, Option<Who>)> {
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", "demo-password-1").await;
    let other = app.other_browser();
    other_tenants_debtor(&other).await;
    let agent = app.other_browser();
    as_agent(&agent).await;
    let admin = app.other_browser();
    as_admin(&admin).await;
    vec![
        ("anonymous", app.other_browser(), None),
        ("debtor", debtor, Some(Who::Debtor)),
        ("another tenant's debtor", other, None),
        ("agent", agent, Some(Who::Staff)),
        ("admin", admin, Some(Who::Admin)),
    ]
}

/// Posts `form` as the form at `path` sends it: uploads as multipart with a small file.
async fn post_raw(browser: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let file_field = if path.ends_with("/dispute") {
        Some("attachment")
    } else if path == "/backoffice/branding/logo" {
        Some("logo")
    } else if path == "/backoffice/statements" {
        Some("statement")
    } else {
        None
    };
    let res = match file_field {
        Some(field) => post_multipart(browser, path, form, Some((field, "x.txt", b"x"))).await,
        None => browser.client.post(browser.url(path)).form(form).send().await.unwrap(),
    };
    (res.status().as_u16(), location(&res))
}

#[tokio::test]
async fn every_form_as_everybody_with_a_forged_token_changes_nothing_and_keeps_out_whom_it_should() {
    let app = spawn_app().await;
    let ids = ids(&app).await;

    let everybody = everybody(&app).await;

    // The server notes its forms as its workers start, which they have by now.
    let registered = settle_server::form_posts();
    let listed: Vec<&str> = FORMS.iter().map(|(p, _)| *p).collect();
    for path in &registered {
        assert!(
            listed.contains(&path.as_str()),
            "{path}: a form nobody tried; add it to FORMS"
        );
    }
    for path in &listed {
        assert!(registered.iter().any(|r| r == path), "{path}: no such form any more");
    }

    let before = snapshot(&app).await;
    for (path, may) in FORMS {
        let url = fill(path, &ids);
        for (who, browser, role) in &everybody {
            let (status, to) = post_raw(browser, &url, &[("csrf", "forged"), ("confirm", "yes")]).await;
            assert!(status < 500, "{who} {url}: {status}");
            let allowed = match may {
                Who::Anyone => true,
                Who::Debtor => *role == Some(Who::Debtor),
                Who::Staff | Who::Admin => matches!(role, Some(Who::Staff | Who::Admin)),
            };
            let login = match may {
                Who::Debtor => "/login?",
                _ => "/backoffice/login?",
            };
            if allowed {
                assert!(
                    [303, 302, 404].contains(&status) && !to.contains("login?"),
                    "{who} {url}: {status} {to}: the token is refused, not the person"
                );
            } else {
                assert_eq!(status, 303, "{who} {url}: to the login");
                assert!(to.starts_with(login), "{who} {url}: to {login}, not {to}");
            }
        }
    }
    let after = snapshot(&app).await;
    assert_eq!(
        changed(&before, &after),
        Vec::<String>::new(),
        "a forged token changed these tables"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_agent_with_a_valid_token_cannot_use_an_admins_form() {
    let app = spawn_app().await;
    let ids = ids(&app).await;
    as_agent(&app).await;
    let csrf = csrf_in(&app.html("/backoffice").await).expect("a token on the staff home page");
    let before = snapshot(&app).await;
    for (path, may) in FORMS {
        if *may != Who::Admin {
            continue;
        }
        let url = fill(path, &ids);
        let (status, to) = post_raw(
            &app,
            &url,
            &[
                ("csrf", csrf.as_str()),
                ("confirm", "yes"),
                ("email", "new@settle.test"),
                ("name", "Nieuw"),
                ("role", "admin"),
                ("url", "https://hooks.example.com/x"),
                ("slug", "nieuw"),
                ("action", "save"),
                ("subject", "Onderwerp"),
                ("body", "Tekst"),
            ],
        )
        .await;
        assert_eq!(status, 403, "agent {url}: {status} {to}");
    }
    let after = snapshot(&app).await;
    assert_eq!(
        changed(&before, &after),
        Vec::<String>::new(),
        "an agent changed these tables"
    );
    // The same token does work where an agent may act: the refusals were about the role.
    let note = format!("/backoffice/debtors/{}/note", ids.debtor);
    let (status, _) = post_raw(&app, &note, &[("csrf", csrf.as_str()), ("note", "Belde terug")]).await;
    assert_eq!(status, 303);
    let noted = snapshot(&app).await;
    assert!(
        changed(&after, &noted).contains(&"staff_notes".to_string()),
        "{:?}",
        changed(&after, &noted)
    );
    app.cleanup().await;
}

/// Every server function (the pages' data, also callable on its own) by everybody: the
/// status each gets. Not found and forbidden look alike to a debtor (404).
#[tokio::test]
async fn every_server_function_as_everybody_answers_only_whom_it_should() {
    let app = spawn_app().await;
    let ids = ids(&app).await;
    let jan = ids.debtor;
    let plan = ids.plan;
    let token = settle_core::demo::DEMO_PAY_TOKEN;
    let calls: Vec<(String, Who)> = vec![
        ("/api/shell".into(), Who::Anyone),
        (format!("/api/pay?token={token}"), Who::Anyone),
        (format!("/api/link_status?kind=pay&token={token}"), Who::Anyone),
        ("/api/dashboard".into(), Who::Debtor),
        ("/api/invoices".into(), Who::Debtor),
        ("/api/invoice?number=2026-0002".into(), Who::Debtor),
        ("/api/profile".into(), Who::Debtor),
        ("/api/callbacks".into(), Who::Debtor),
        ("/api/plan?number=2026-0002".into(), Who::Debtor),
        ("/api/bo_me".into(), Who::Staff),
        ("/api/bo_home".into(), Who::Staff),
        ("/api/bo_search?q=Jan".into(), Who::Staff),
        (format!("/api/bo_debtor?id={jan}"), Who::Staff),
        ("/api/bo_callbacks".into(), Who::Staff),
        ("/api/bo_disputes".into(), Who::Staff),
        ("/api/bo_unmatched".into(), Who::Staff),
        ("/api/bo_requests".into(), Who::Staff),
        ("/api/bo_delivery".into(), Who::Staff),
        ("/api/bo_dashboard".into(), Who::Staff),
        ("/api/bo_audit".into(), Who::Admin),
        ("/api/bo_templates".into(), Who::Admin),
        (
            "/api/bo_template?kind=reminder&channel=email&locale=nl".into(),
            Who::Admin,
        ),
        ("/api/bo_staff".into(), Who::Admin),
        ("/api/bo_branding".into(), Who::Admin),
        ("/api/bo_webhooks".into(), Who::Admin),
        ("/api/bo_api_keys".into(), Who::Admin),
        ("/api/bo_providers".into(), Who::Admin),
        ("/api/bo_plans".into(), Who::Admin),
        (format!("/api/bo_plan?id={plan}"), Who::Admin),
    ];
    let everybody = everybody(&app).await;
    let mut wrong = Vec::new();
    for (url, may) in &calls {
        for (who, browser, role) in &everybody {
            let status = browser.get(url).await.status().as_u16();
            let expected: &[u16] = match (may, role) {
                (Who::Anyone, _) => &[200],
                (Who::Debtor, Some(Who::Debtor)) => &[200],
                (Who::Debtor, _) => &[401],
                (Who::Staff, Some(Who::Staff | Who::Admin)) => &[200],
                (Who::Admin, Some(Who::Admin)) => &[200],
                (Who::Admin, Some(Who::Staff)) => &[403, 404],
                (Who::Staff | Who::Admin, _) => &[401],
            };
            if !expected.contains(&status) {
                wrong.push(format!("{who} {url}: {status}, expected {expected:?}"));
            }
        }
    }
    // The operators' tenant list: no tenant's staff, however high.
    for (who, browser, _) in &everybody {
        let status = browser.get("/api/bo_tenants").await.status().as_u16();
        if ![401, 403, 404].contains(&status) {
            wrong.push(format!("{who} /api/bo_tenants: {status}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    app.cleanup().await;
}

/// Every page, visited by all five: the security headers on every answer, never a server
/// error, and no debtor page shown to anyone but the debtor, no back-office page to anyone but
/// staff, no admin page to an agent (a redirect to the right login, 403, or not found).
#[tokio::test]
async fn every_page_as_everybody_has_the_security_headers_and_shows_nobody_what_is_not_theirs() {
    let app = spawn_app().await;
    let fill = |p: &str| -> String {
        p.replace("{number}", "2026-0002")
            .replace("{token}", settle_core::demo::DEMO_PAY_TOKEN)
            .replace("{id}", "1")
            .replace("{checkout}", "x")
            .replace("{kind}", "reminder")
            .replace("{channel}", "email")
            .replace("{locale}", "nl")
    };
    let public = [
        "/login",
        "/login/link",
        "/activate",
        "/password/reset",
        "/code",
        "/pay/{token}",
        "/pay/return/{checkout}",
        "/profile/email/confirm",
        "/backoffice/login",
        "/backoffice/login/code",
    ];
    let admin_pages = [
        "/backoffice/staff",
        "/backoffice/branding",
        "/backoffice/providers",
        "/backoffice/api-keys",
        "/backoffice/webhooks",
        "/backoffice/webhooks/{id}",
        "/backoffice/tenants",
        "/backoffice/plans",
        "/backoffice/plans/{id}",
        "/backoffice/templates",
        "/backoffice/templates/{kind}/{channel}/{locale}",
        "/backoffice/audit",
    ];
    let paths = settle_server::page_paths();
    assert!(paths.len() > 30, "{paths:?}");
    let everybody = everybody(&app).await;
    let mut wrong = Vec::new();
    for p in &paths {
        let url = fill(p);
        assert!(!url.contains(['{', ':']), "{p}: a parameter left unfilled");
        for (who, browser, role) in &everybody {
            let res = browser.get(&url).await;
            let status = res.status().as_u16();
            assert!(status < 500, "{who} {url}: {status}");
            for header in [
                "content-security-policy",
                "x-content-type-options",
                "referrer-policy",
                "cache-control",
            ] {
                assert!(res.headers().contains_key(header), "{who} {url}: no {header}");
            }
            let open = public.contains(&p.as_str());
            let staff_page = p.starts_with("/backoffice") && !open;
            let debtor_page = !p.starts_with("/backoffice") && !open;
            let not_theirs = match role {
                None => staff_page || debtor_page,
                Some(Who::Debtor) => staff_page,
                Some(Who::Staff) => debtor_page || admin_pages.contains(&p.as_str()),
                Some(_) => debtor_page,
            };
            let body = res.text().await.unwrap_or_default();
            // A page for a higher role shows "not allowed" in place of its content.
            let shown = status == 200 && !body.contains("U heeft hiervoor geen rechten.");
            if not_theirs && shown {
                wrong.push(format!("{who} was shown {url} ({status})"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    app.cleanup().await;
}
