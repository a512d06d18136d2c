//! The back office: staff sign in (a second factor for admins, used once), see only their own
//! tenant, find a debtor by what they know, see everything about them, pause and resume dunning,
//! send a payment link, and work the callback and dispute queues.
use crate::support::*;
use settle_app::ssr::urlencode;
use settle_core::demo_staff::{DEMO_ADMIN_TOTP, DEMO_OPERATOR_TOTP};
use settle_core::entities::{audit_event, callback, customer, dispute, outgoing_event, staff_note};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_core::staff::totp;

const PW: &str = "demo-password-1";

fn code(app: &TestApp, secret: &str, offset_steps: i64) -> String {
    let unix = app.state.clock.now().timestamp() + offset_steps * 30;
    totp::code_at(&totp::parse_base32(secret).unwrap(), unix as u64)
}

async fn staff_login(app: &TestApp, email: &str) -> reqwest::Response {
    let csrf = app.csrf("/backoffice/login").await;
    app.post(
        "/backoffice/login",
        &[("csrf", csrf.as_str()), ("email", email), ("password", PW)],
    )
    .await
}

async fn second_step(app: &TestApp, typed: &str) -> reqwest::Response {
    let csrf = app.csrf("/backoffice/login/code").await;
    app.post("/backoffice/login/code", &[("csrf", csrf.as_str()), ("code", typed)])
        .await
}

/// Signs in as the demo agent (no second factor).
pub async fn as_agent(app: &TestApp) {
    let res = staff_login(app, "agent@settle.test").await;
    assert_eq!(location(&res), "/backoffice");
}

/// Signs in as the demo admin, with the second factor.
pub async fn as_admin(app: &TestApp) {
    staff_login(app, "admin@settle.test").await;
    let res = second_step(app, &code(app, DEMO_ADMIN_TOTP, 0)).await;
    assert_eq!(location(&res), "/backoffice");
}

async fn customer_no(app: &TestApp, number: &str) -> customer::Model {
    customer::Entity::find()
        .filter(customer::Column::CustomerNumber.eq(number))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn staff_sign_in_with_a_second_factor_that_works_once() {
    let app = spawn_app().await;
    // Anonymous: the back office sends to its login page, coming back afterwards.
    let res = app.get("/backoffice/callbacks").await;
    assert!(location(&res).starts_with("/backoffice/login?next=/backoffice/callbacks"));
    // A wrong password and an unknown address read the same.
    let csrf = app.csrf("/backoffice/login").await;
    for (email, pw) in [("admin@settle.test", "wrong-password"), ("nobody@settle.test", PW)] {
        app.post(
            "/backoffice/login",
            &[("csrf", csrf.as_str()), ("email", email), ("password", pw)],
        )
        .await;
        let page = app.html("/backoffice/login").await;
        assert!(page.contains("E-mailadres of wachtwoord klopt niet"), "{email}: {page}");
    }
    // The admin's password leads to the second step; a wrong code is refused.
    let res = staff_login(&app, "admin@settle.test").await;
    assert_eq!(location(&res), "/backoffice/login/code");
    assert!(location(&second_step(&app, "000000").await).starts_with("/backoffice/login/code"));
    assert!(app
        .html("/backoffice/login/code")
        .await
        .contains("Deze code klopt niet"));
    assert!(
        location(&app.get("/backoffice").await).starts_with("/backoffice/login"),
        "not in yet"
    );
    let good = code(&app, DEMO_ADMIN_TOTP, 0);
    assert_eq!(location(&second_step(&app, &good).await), "/backoffice");
    let home = app.html("/backoffice").await;
    assert!(home.contains("Adam Admin") && home.contains("Beheerder"), "{home}");

    // Logged out, the same code does not work a second time.
    let csrf = csrf_in(&home).unwrap();
    app.post("/backoffice/logout", &[("csrf", csrf.as_str())]).await;
    assert!(location(&app.get("/backoffice").await).starts_with("/backoffice/login"));
    staff_login(&app, "admin@settle.test").await;
    assert!(location(&second_step(&app, &good).await).starts_with("/backoffice/login/code"));

    // The operator signs in on the tenant's host too, with their own second factor.
    let op = app.other_browser();
    assert_eq!(
        location(&staff_login(&op, "operator@settle.test").await),
        "/backoffice/login/code"
    );
    let next = code(&op, DEMO_OPERATOR_TOTP, 1);
    assert_eq!(location(&second_step(&op, &next).await), "/backoffice");
    assert!(op.html("/backoffice").await.contains("Platformbeheer"));

    // A recovery code works once.
    let created = settle_core::staff::accounts::create(
        &app.state.db,
        &app.state.keys,
        app.state.clock.now(),
        settle_core::staff::accounts::NewStaff {
            tenant_id: Some(app.tenant().await.id),
            email: "second@settle.test",
            name: "Bea Beheer",
            role: settle_core::staff::Role::Admin,
            password_hash: settle_core::passwords::hash_blocking(PW).unwrap(),
            totp: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(created.recovery_codes.len(), 10);
    let third = app.other_browser();
    staff_login(&third, "second@settle.test").await;
    let typed = created.recovery_codes[0].to_lowercase();
    assert_eq!(location(&second_step(&third, &typed).await), "/backoffice");
    let fourth = app.other_browser();
    staff_login(&fourth, "second@settle.test").await;
    assert!(location(&second_step(&fourth, &typed).await).starts_with("/backoffice/login/code"));

    // A debtor's session is no way into the back office.
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", PW).await;
    assert!(location(&debtor.get("/backoffice").await).starts_with("/backoffice/login"));
    let logins = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("staff_login"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(logins, 3);
    app.cleanup().await;
}

#[tokio::test]
async fn staff_find_a_debtor_by_what_they_know_and_never_another_tenants() {
    let app = spawn_app().await;
    as_agent(&app).await;
    let jan = customer_no(&app, "100001").await;
    let inv = invoice_no(&app, "2026-0002").await;
    let rf = settle_domain::rf::RfReference::parse(&inv.rf_reference)
        .unwrap()
        .grouped();
    for q in [
        "de vries",
        "100001",
        "2026-0002",
        rf.as_str(),
        jan.email.as_deref().unwrap(),
    ] {
        let page = app.html(&format!("/backoffice/debtors?q={}", urlencode(q))).await;
        assert!(page.contains(&format!("/backoffice/debtors/{}", jan.id)), "{q}: {page}");
    }
    let page = app.html("/backoffice/debtors?q=%25").await;
    assert!(!page.contains("/backoffice/debtors/"), "a lone % is not a wildcard");
    let none = app.html("/backoffice/debtors?q=zzzzzz").await;
    assert!(none.contains("Niets gevonden."));
    // The other tenant's debtor: not found, by page or by form.
    let kunde = customer_no(&app, "200001").await;
    assert_ne!(kunde.tenant_id, jan.tenant_id);
    assert!(!app
        .html(&format!("/backoffice/debtors?q={}", kunde.customer_number))
        .await
        .contains(&format!("/backoffice/debtors/{}", kunde.id)));
    assert_eq!(
        app.get(&format!("/backoffice/debtors/{}", kunde.id)).await.status(),
        404
    );
    let csrf = app.csrf("/backoffice").await;
    let res = app
        .post(
            &format!("/backoffice/debtors/{}/note", kunde.id),
            &[("csrf", csrf.as_str()), ("note", "x")],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(staff_note::Entity::find().count(&app.state.db).await.unwrap(), 0);
    app.cleanup().await;
}

#[tokio::test]
async fn the_debtor_page_shows_everything_and_staff_pause_resume_note_and_resend() {
    let app = spawn_app().await;
    // Something for the timeline: the debtor logs in.
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", PW).await;
    as_agent(&app).await;
    let jan = customer_no(&app, "100001").await;
    let here = format!("/backoffice/debtors/{}", jan.id);
    let page = app.html(&here).await;
    for want in [
        "2026-0002",
        "2026-0005",
        "Tijdlijn",
        "login",
        jan.email.as_deref().unwrap(),
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    let csrf = csrf_in(&page).unwrap();
    let post = |path: String, form: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let csrf = csrf.clone();
        async move {
            let mut f: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            f.extend(form);
            app.post(&path, &f).await
        }
    };
    // A note needs text; then it is kept and shown.
    post(format!("{here}/note"), vec![("note", "  ")]).await;
    assert!(app.html(&here).await.contains("Dit veld is verplicht"));
    assert_eq!(staff_note::Entity::find().count(&app.state.db).await.unwrap(), 0);
    post(
        format!("{here}/note"),
        vec![("note", "Belt terug na salaris op de 25e.")],
    )
    .await;
    assert!(app.html(&here).await.contains("Belt terug na salaris op de 25e."));

    // A pause needs a reason; with one, the invoice holds and the creditor hears of it.
    let inv = format!("{here}/invoices/2026-0002");
    post(format!("{inv}/pause"), vec![("reason", "")]).await;
    assert_eq!(invoice_no(&app, "2026-0002").await.dunning_hold, None);
    post(format!("{inv}/pause"), vec![("reason", "Schuldhulp loopt")]).await;
    let held = invoice_no(&app, "2026-0002").await;
    assert_eq!(held.dunning_hold.as_deref(), Some("paused"));
    assert_eq!(held.hold_reason.as_deref(), Some("Schuldhulp loopt"));
    assert!(app
        .html(&here)
        .await
        .contains("Gestopt door medewerker: Schuldhulp loopt"));
    post(format!("{inv}/pause"), vec![("reason", "nog eens")]).await;
    assert!(
        app.html(&here).await.contains("staan al stil"),
        "paused twice is refused"
    );
    post(format!("{inv}/resume"), vec![]).await;
    assert_eq!(invoice_no(&app, "2026-0002").await.dunning_hold, None);
    for kind in ["dunning.paused", "dunning.resumed"] {
        let n = outgoing_event::Entity::find()
            .filter(outgoing_event::Column::Kind.eq(kind))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(n, 1, "{kind}");
    }
    // A fresh payment link by email; it opens the invoice's payment page.
    post(format!("{inv}/link"), vec![("channel", "email")]).await;
    let mail = app.last_mail_to(jan.email.as_deref().unwrap()).await.unwrap();
    assert!(
        mail.subject.contains("Betaallink voor factuur 2026-0002"),
        "{}",
        mail.subject
    );
    let link = link_in(&mail.body_text);
    assert!(app.other_browser().html(&link).await.contains("2026-0002"));
    // The timeline names the agent for what they did.
    let page = app.html(&here).await;
    assert!(page.contains("Anna Agent") && page.contains("dunning.paused"), "{page}");
    app.cleanup().await;
}

#[tokio::test]
async fn an_agent_works_a_callback_and_a_dispute_decided_by_staff_corrects_the_invoice() {
    let app = spawn_app().await;
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", PW).await;
    let page = debtor.html("/callback").await;
    let csrf = csrf_for(&page, "/callback").unwrap();
    debtor
        .post(
            "/callback",
            &[
                ("csrf", csrf.as_str()),
                ("topic", "payment"),
                ("phone", "020 123 4567"),
                ("slot", "2026-11-23T09:00"),
                ("invoice", "2026-0003"),
            ],
        )
        .await;
    assert_eq!(
        invoice_no(&app, "2026-0003").await.dunning_hold.as_deref(),
        Some("callback")
    );
    as_agent(&app).await;
    let queue = app.html("/backoffice/callbacks").await;
    assert!(
        queue.contains("+31201234567") && queue.contains("Jan de Vries"),
        "{queue}"
    );
    let cb = callback::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let csrf = csrf_in(&queue).unwrap();
    let base = format!("/backoffice/callbacks/{}", cb.id);
    app.post(&format!("{base}/claim"), &[("csrf", csrf.as_str())]).await;
    assert!(app.html("/backoffice/callbacks").await.contains("Anna Agent"));
    // A promise needs its date.
    app.post(
        &format!("{base}/outcome"),
        &[("csrf", csrf.as_str()), ("outcome", "promise"), ("promised_on", "")],
    )
    .await;
    assert_eq!(
        callback::Entity::find_by_id(cb.id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .status,
        "booked"
    );
    app.post(
        &format!("{base}/outcome"),
        &[
            ("csrf", csrf.as_str()),
            ("outcome", "promise"),
            ("promised_on", "2026-12-01"),
            ("note", "Betaalt na salaris"),
        ],
    )
    .await;
    let done = callback::Entity::find_by_id(cb.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (done.status.as_str(), done.outcome.as_deref()),
        ("done", Some("promise"))
    );
    assert_eq!(invoice_no(&app, "2026-0003").await.dunning_hold, None, "the hold lifts");

    // The debtor disputes 2026-0002; staff credit part of it: dunning goes on for the rest.
    let dpage = debtor.html("/invoices/2026-0002/dispute").await;
    let dcsrf = csrf_in(&dpage).unwrap();
    post_dispute(
        &debtor,
        "2026-0002",
        &[
            ("csrf", dcsrf.as_str()),
            ("reason", "amount_wrong"),
            ("text", "Te hoog"),
        ],
        None,
    )
    .await;
    assert_eq!(
        invoice_no(&app, "2026-0002").await.dunning_hold.as_deref(),
        Some("disputed")
    );
    let queue = app.html("/backoffice/disputes").await;
    assert!(queue.contains("Te hoog"), "{queue}");
    let d = dispute::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let decide = format!("/backoffice/disputes/{}/decide", d.id);
    // A credit above the open amount is refused; nothing changes.
    app.post(
        &decide,
        &[("csrf", csrf.as_str()), ("decision", "credit"), ("credit", "500,00")],
    )
    .await;
    assert!(app.html("/backoffice/disputes").await.contains("Te hoog"));
    assert_eq!(
        dispute::Entity::find_by_id(d.id)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .status,
        "open"
    );
    app.post(
        &decide,
        &[
            ("csrf", csrf.as_str()),
            ("decision", "credit"),
            ("credit", "32,45"),
            ("explanation", "De korting was niet verwerkt."),
        ],
    )
    .await;
    let inv = invoice_no(&app, "2026-0002").await;
    assert_eq!((inv.open_cents, inv.dunning_hold.clone()), (10_000, None));
    let mail = debtor.last_mail_to("demo@settle.test").await.unwrap();
    assert!(mail.body_text.contains("De korting was niet verwerkt."));
    assert!(app.html("/backoffice/disputes").await.contains("Geen open bezwaren."));
    app.cleanup().await;
}

#[tokio::test]
async fn back_office_data_and_forms_need_a_staff_session() {
    let app = spawn_app().await;
    let jan = customer_no(&app, "100001").await;
    let paths = [
        "/api/bo_home".to_string(),
        "/api/bo_search?q=vries".to_string(),
        format!("/api/bo_debtor?id={}", jan.id),
        "/api/bo_callbacks".to_string(),
        "/api/bo_disputes".to_string(),
    ];
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", PW).await;
    for p in &paths {
        assert_eq!(app.get(p).await.status(), 401, "anonymous {p}");
        assert_eq!(debtor.get(p).await.status(), 401, "a debtor {p}");
    }
    let csrf = debtor.csrf("/").await;
    let res = debtor
        .post(
            &format!("/backoffice/debtors/{}/invoices/2026-0002/pause", jan.id),
            &[("csrf", csrf.as_str()), ("reason", "x")],
        )
        .await;
    assert!(location(&res).starts_with("/backoffice/login"));
    assert_eq!(invoice_no(&app, "2026-0002").await.dunning_hold, None);
    // Signed in, a forged token changes nothing.
    as_agent(&app).await;
    assert_eq!(app.get(&paths[2]).await.status(), 200);
    app.post(
        &format!("/backoffice/debtors/{}/invoices/2026-0002/pause", jan.id),
        &[("csrf", "forged"), ("reason", "x")],
    )
    .await;
    assert_eq!(invoice_no(&app, "2026-0002").await.dunning_hold, None);
    app.cleanup().await;
}

/// A bank transfer nobody could match (an unknown reference).
async fn unmatched_transfer(app: &TestApp, key: &str, cents: i64) -> i64 {
    use settle_core::services::booking::{book, Incoming, Source};
    let tenant = app.tenant().await;
    book(
        &app.state.db,
        tenant.id,
        app.state.clock.now(),
        vec![Incoming {
            source: Source::Statement,
            dedup_key: key.into(),
            amount_cents: cents,
            currency: "EUR".into(),
            received_on: app.state.clock.now().date_naive(),
            debtor_name: Some("J. DE VRIES".into()),
            debtor_iban: Some("NL91ABNA0417164300".into()),
            reference_text: "premie nov".into(),
            end_to_end_id: None,
            checkout_id: None,
            invoices: vec![],
        }],
    )
    .await
    .unwrap();
    settle_core::entities::payment::Entity::find()
        .filter(settle_core::entities::payment::Column::DedupKey.eq(key))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn an_unmatched_payment_is_split_over_invoices_or_marked_for_refund() {
    use settle_core::entities::{payment, refund_task};
    let app = spawn_app().await;
    let split = unmatched_transfer(&app, "stmt-a", 20_000).await;
    let refund = unmatched_transfer(&app, "stmt-b", 1_234).await;
    as_agent(&app).await;
    let page = app.html("/backoffice/payments").await;
    assert!(page.contains("premie nov") && page.contains("J. DE VRIES"), "{page}");
    let csrf = csrf_in(&page).unwrap();
    let url = format!("/backoffice/payments/{split}/allocate");
    // Another tenant's invoice, and more than an invoice owes, are refused; nothing is booked.
    app.post(
        &url,
        &[("csrf", csrf.as_str()), ("invoice", "R-2026-502"), ("amount", "")],
    )
    .await;
    app.post(
        &url,
        &[("csrf", csrf.as_str()), ("invoice", "2026-0003"), ("amount", "50,00")],
    )
    .await;
    let p = payment::Entity::find_by_id(split)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.unallocated_cents, 20_000);
    assert_eq!(invoice_no(&app, "2026-0003").await.open_cents, 4_250);
    // EUR 42.50 pays 2026-0003 in full, the rest (157.50) goes to 2026-0002 (132.45 open): paid,
    // with EUR 25.05 left in the queue.
    app.post(
        &url,
        &[
            ("csrf", csrf.as_str()),
            ("invoice", "2026-0003"),
            ("amount", ""),
            ("invoice", "2026-0002"),
            ("amount", ""),
            ("invoice", ""),
            ("amount", ""),
        ],
    )
    .await;
    assert!(app.html("/backoffice/payments").await.contains("Betaling toegewezen."));
    assert_eq!(invoice_no(&app, "2026-0003").await.status, "paid");
    assert_eq!(invoice_no(&app, "2026-0002").await.status, "paid");
    let p = payment::Entity::find_by_id(split)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.unallocated_cents, p.match_state.as_str()),
        (20_000 - 4_250 - 13_245, "unmatched")
    );
    let paid = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("invoice.paid"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(paid, 2);
    // The other one is not ours: a refund task, and it leaves the queue.
    app.post(
        &format!("/backoffice/payments/{refund}/refund"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    let task = refund_task::Entity::find()
        .filter(refund_task::Column::PaymentId.eq(refund))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (task.amount_cents, task.payee_iban.as_deref()),
        (1_234, Some("NL91ABNA0417164300"))
    );
    assert!(!app
        .html("/backoffice/payments")
        .await
        .contains(&format!("/backoffice/payments/{refund}/")));
    app.cleanup().await;
}

#[tokio::test]
async fn a_statement_upload_books_all_of_it_or_nothing() {
    use settle_core::entities::payment;
    let app = spawn_app().await;
    as_agent(&app).await;
    let csrf = app.csrf("/backoffice/statements").await;
    let upload = |fields: Vec<(&'static str, String)>, file: Option<Vec<u8>>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let file = file.as_deref().map(|b| ("statement", "a.xml", b));
            post_multipart(app, "/backoffice/statements", &pairs, file).await
        }
    };
    upload(vec![("csrf", csrf.clone())], None).await;
    assert!(app.html("/backoffice/statements").await.contains("Kies een bestand."));
    upload(
        vec![("csrf", csrf.clone())],
        Some(b"<Document><BkToCstmrStmt>broken".to_vec()),
    )
    .await;
    assert!(app
        .html("/backoffice/statements")
        .await
        .contains("geen leesbaar afschrift"));
    upload(vec![("csrf", "forged".into())], Some(b"whatever".to_vec())).await;
    assert_eq!(payment::Entity::find().count(&app.state.db).await.unwrap(), 0);
    let camt = std::fs::read_to_string("tests/fixtures/camt053_unmatched.xml").unwrap();
    let res = upload(vec![("csrf", csrf.clone())], Some(camt.into_bytes())).await;
    assert_eq!(location(&res), "/backoffice/statements");
    let page = app.html("/backoffice/statements").await;
    assert!(page.contains("Afschrift ingelezen."), "{page}");
    assert_eq!(payment::Entity::find().count(&app.state.db).await.unwrap(), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn staff_decide_requests_outside_the_policy_and_the_debtor_is_told() {
    use settle_core::entities::{payment_plan, payment_reference, staff_task};
    let app = spawn_app().await;
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", PW).await;
    // EUR 42.50 is under the plan minimum: a request.
    let page = debtor.html("/invoices/2026-0003/plan?n=2&first=2026-12-01").await;
    let csrf = csrf_for(&page, "/invoices/2026-0003/plan").unwrap();
    debtor
        .post(
            "/invoices/2026-0003/plan",
            &[("csrf", csrf.as_str()), ("n", "2"), ("first", "2026-12-01")],
        )
        .await;
    // 2026-0005 (due 14 December) asked for 40 days later: beyond the 14 the policy allows.
    let csrf = debtor.csrf("/invoices/2026-0005").await;
    debtor
        .post(
            "/invoices/2026-0005/defer",
            &[("csrf", csrf.as_str()), ("until", "2027-01-23")],
        )
        .await;
    as_agent(&app).await;
    let queue = app.html("/backoffice/requests").await;
    assert!(
        queue.contains("Betalingsregeling")
            && queue.contains("Later betalen")
            && queue.contains("Het bedrag is te laag"),
        "{queue}"
    );
    let tasks = staff_task::Entity::find()
        .filter(staff_task::Column::Status.eq("open"))
        .all(&app.state.db)
        .await
        .unwrap();
    let plan_task = tasks.iter().find(|t| t.kind == "plan_request").unwrap().id;
    let defer_task = tasks.iter().find(|t| t.kind == "deferral_request").unwrap().id;
    let csrf = csrf_in(&queue).unwrap();
    let decide = |id: i64, form: Vec<(&'static str, &'static str)>| {
        let (app, csrf) = (&app, csrf.clone());
        async move {
            let mut f: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            f.extend(form);
            app.post(&format!("/backoffice/requests/{id}/decide"), &f).await
        }
    };
    // A counter-proposal needs a sensible schedule; a refusal needs a reason.
    decide(
        plan_task,
        vec![("decision", "counter"), ("n", "40"), ("first", "2026-12-01")],
    )
    .await;
    assert!(app
        .html("/backoffice/requests")
        .await
        .contains("Kies een ander aantal termijnen."));
    decide(defer_task, vec![("decision", "reject")]).await;
    assert_eq!(
        staff_task::Entity::find()
            .filter(staff_task::Column::Status.eq("open"))
            .count(&app.state.db)
            .await
            .unwrap(),
        2
    );

    // The plan, as two instalments from 10 December: binding at once.
    decide(
        plan_task,
        vec![
            ("decision", "counter"),
            ("n", "2"),
            ("first", "2026-12-10"),
            ("explanation", "Twee termijnen kan."),
        ],
    )
    .await;
    let plan = payment_plan::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((plan.status.as_str(), plan.instalments), ("active", 2));
    assert_eq!(
        invoice_no(&app, "2026-0003").await.dunning_hold.as_deref(),
        Some("payment_plan")
    );
    let refs = payment_reference::Entity::find()
        .filter(payment_reference::Column::PlanId.eq(plan.id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(refs, 2, "each instalment's reference pays it");
    let mail = app.last_mail_to("demo@settle.test").await.unwrap();
    assert!(
        mail.subject.contains("goedgekeurd") && mail.body_text.contains("10 december 2026"),
        "{}",
        mail.body_text
    );
    assert!(debtor
        .html("/invoices/2026-0003")
        .await
        .contains("data-testid=\"plan\""));

    // The later date is refused, with a reason the debtor reads; the due date stays.
    decide(
        defer_task,
        vec![
            ("decision", "reject"),
            ("explanation", "Dat is te lang; bel ons gerust."),
        ],
    )
    .await;
    assert_eq!(invoice_no(&app, "2026-0005").await.deferred_from, None);
    let mail = app.last_mail_to("demo@settle.test").await.unwrap();
    assert!(mail.body_text.contains("Dat is te lang"), "{}", mail.body_text);
    assert!(app.html("/backoffice/requests").await.contains("Geen open verzoeken."));
    // Decided is decided: a second decision finds nothing.
    assert_eq!(decide(defer_task, vec![("decision", "approve")]).await.status(), 404);
    app.cleanup().await;
}

#[tokio::test]
async fn a_later_date_approved_by_staff_moves_the_due_date_and_failed_messages_are_listed() {
    use settle_core::entities::{outbox, staff_task};
    use settle_core::sea_orm::sea_query::Expr;
    let app = spawn_app().await;
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", PW).await;
    let csrf = debtor.csrf("/invoices/2026-0005").await;
    debtor
        .post(
            "/invoices/2026-0005/defer",
            &[("csrf", csrf.as_str()), ("until", "2027-01-23")],
        )
        .await;
    as_agent(&app).await;
    let task = staff_task::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let csrf = app.csrf("/backoffice/requests").await;
    app.post(
        &format!("/backoffice/requests/{}/decide", task.id),
        &[("csrf", csrf.as_str()), ("decision", "approve")],
    )
    .await;
    let inv = invoice_no(&app, "2026-0005").await;
    assert_eq!(inv.due_date.to_string(), "2027-01-23");
    assert!(inv.deferred_from.is_some());
    // A message that failed for good shows in the delivery list, with its error.
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("failed"))
        .col_expr(outbox::Column::LastError, Expr::value(Some("550 mailbox unavailable")))
        .exec(&app.state.db)
        .await
        .unwrap();
    let page = app.html("/backoffice/delivery").await;
    assert!(page.contains("550 mailbox unavailable"), "{page}");
    app.cleanup().await;
}

#[tokio::test]
async fn only_admins_read_the_audit_log_which_names_who_did_what() {
    let app = spawn_app().await;
    as_agent(&app).await;
    let jan = customer_no(&app, "100001").await;
    let csrf = app.csrf("/backoffice").await;
    app.post(
        &format!("/backoffice/debtors/{}/invoices/2026-0002/pause", jan.id),
        &[("csrf", csrf.as_str()), ("reason", "Overleden, erven zoeken")],
    )
    .await;
    assert_eq!(app.get("/backoffice/audit").await.status(), 403, "an agent may not");
    assert_eq!(app.get("/api/bo_audit").await.status(), 403);
    assert!(!app.html("/backoffice").await.contains("/backoffice/audit"));

    let admin = app.other_browser();
    as_admin(&admin).await;
    let log = admin.html("/backoffice/audit?who=staff").await;
    assert!(
        log.contains("Anna Agent") && log.contains("dunning.paused") && log.contains("Overleden, erven zoeken"),
        "{log}"
    );
    assert!(!admin
        .html("/backoffice/audit?who=debtor")
        .await
        .contains("dunning.paused"));
    app.cleanup().await;
}

#[tokio::test]
async fn staff_correct_contact_data_field_by_field_and_set_a_legal_stop() {
    let app = spawn_app().await;
    as_agent(&app).await;
    let jan = customer_no(&app, "100001").await;
    let here = format!("/backoffice/debtors/{}", jan.id);
    let csrf = app.csrf(&here).await;
    let post = |email: &'static str, phone: &'static str, postcode: &'static str, stop: &'static str| {
        let (app, csrf, here) = (&app, csrf.clone(), here.clone());
        async move {
            app.post(
                &format!("{here}/contact"),
                &[
                    ("csrf", csrf.as_str()),
                    ("email", email),
                    ("phone", phone),
                    ("street", "Damrak 2"),
                    ("postcode", postcode),
                    ("city", "Amsterdam"),
                    ("country", "NL"),
                    ("legal_stop", stop),
                ],
            )
            .await
        }
    };
    post("geen adres", "12", "1011", "bankroet").await;
    let page = app.html(&here).await;
    for want in [
        "Vul een geldig e-mailadres in",
        "Dit is geen geldig telefoonnummer",
        "Deze postcode klopt niet",
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    assert_eq!(customer_no(&app, "100001").await, jan, "nothing half-written");
    // Another debtor's address is theirs.
    post("other@settle.test", "", "1011 AB", "").await;
    assert!(app.html(&here).await.contains("hoort al bij een andere klant"));

    post("jan.devries@example.nl", "06 1234 5678", "1011ab", "deceased").await;
    let now = customer_no(&app, "100001").await;
    assert_eq!(now.email.as_deref(), Some("jan.devries@example.nl"));
    assert_eq!(now.phone_e164.as_deref(), Some("+31612345678"));
    assert_eq!((now.street.as_str(), now.postcode.as_str()), ("Damrak 2", "1011 AB"));
    assert_eq!(now.legal_stop.as_deref(), Some("deceased"));
    let page = app.html(&here).await;
    assert!(
        page.contains("Contactgegevens opgeslagen.") && page.contains("Anna Agent"),
        "{page}"
    );
    let updated = outgoing_event::Entity::find()
        .filter(outgoing_event::Column::Kind.eq("customer.updated"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(updated, 1);
    app.cleanup().await;
}

#[test]
fn settle_staff_adds_staff_and_prints_the_second_factor_once() {
    let dir = std::env::temp_dir().join(format!("settle-staff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/staff.db?mode=rwc", dir.display());
    let run = |args: &[&str], input: &str| settle_cli_input(&dir, &db, args, Some(input));
    assert!(settle_cli(&dir, &db, &["demo"]).status.success());
    let args = [
        "staff",
        "--tenant",
        "demo",
        "--email",
        "lisa@settle.test",
        "--name",
        "Lisa",
        "--role",
        "admin",
    ];
    let weak = run(&args, "kort\n");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password_too_short"));
    let ok = run(&args, "paarse olifant danst\n");
    let out = String::from_utf8_lossy(&ok.stdout).to_string();
    assert!(ok.status.success(), "{out}{}", String::from_utf8_lossy(&ok.stderr));
    let secret = out
        .lines()
        .find_map(|l| l.strip_prefix("TOTP secret: "))
        .expect("the secret is printed");
    assert!(totp::parse_base32(secret).is_some());
    assert!(out.contains("otpauth://totp/Settle:lisa@settle.test?secret="));
    assert_eq!(
        out.lines().filter(|l| l.trim().len() == 11 && l.contains('-')).count(),
        10
    );
    // The same address again is refused; an unknown tenant too.
    assert!(!run(&args, "paarse olifant danst\n").status.success());
    let mut other = args;
    other[2] = "nope";
    assert!(!run(&other, "paarse olifant danst\n").status.success());
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_dashboard_counts_what_is_open_what_came_in_and_which_message_was_followed_by_payment() {
    use crate::support::dunning::{invoice_due, messages_of, monday, EMAIL_ONLY};
    use crate::support::smtp::smtp_sink;
    use settle_core::outbox::{Mailer, Senders};
    let app = spawn_app().await;
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    let mailer = Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap();
    settle_core::dunning::run::once(&app.state.db, &Senders::from(mailer), monday(), Some("demo"), false)
        .await
        .unwrap();
    assert!(!messages_of(&app, &inv).await.is_empty());
    // Paid by transfer two days after the reminder.
    let open = invoice_no(&app, &inv.number).await.open_cents;
    crate::support::dunning::pay_by_transfer(&app, &inv, monday() + chrono::Duration::days(2)).await;
    as_agent(&app).await;
    let page = app
        .html("/backoffice/dashboard?from=2026-11-01&to=2026-11-30&days=7")
        .await;
    assert!(page.contains("Overboeking") && page.contains("<svg"), "{page}");
    let csv = app
        .get("/backoffice/dashboard.csv?from=2026-11-01&to=2026-11-30&days=7")
        .await;
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(
        csv.contains(&format!("collected;transfer;{}.{:02}", open / 100, open % 100)),
        "{csv}"
    );
    let paid_line = csv.lines().find(|l| l.starts_with("paid_within_7_days")).expect(&csv);
    assert!(paid_line.ends_with(";1"), "{paid_line}");
    // A range the wrong way round is refused.
    assert_eq!(
        app.get("/backoffice/dashboard.csv?from=2026-12-01&to=2026-11-01")
            .await
            .status(),
        400
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_admin_adds_staff_whose_second_factor_is_shown_once_and_disables_them() {
    let app = spawn_app().await;
    let admin = app.other_browser();
    as_admin(&admin).await;
    let page = admin.html("/backoffice/staff").await;
    assert!(page.contains("Anna Agent") && page.contains("Adam Admin"), "{page}");
    assert!(!page.contains("Olga Operator"), "operators are not the tenant's staff");
    let csrf = csrf_in(&page).unwrap();
    let add = |password: &'static str| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            admin
                .post(
                    "/backoffice/staff",
                    &[
                        ("csrf", csrf.as_str()),
                        ("name", "Nina Nieuw"),
                        ("email", "nina@settle.test"),
                        ("role", "agent"),
                        ("password", password),
                        ("second_factor", "yes"),
                    ],
                )
                .await
        }
    };
    add("kort").await;
    assert!(admin.html("/backoffice/staff").await.contains("minstens 8 tekens"));
    add("paarse olifant danst").await;
    let page = admin.html("/backoffice/staff").await;
    let secret = page
        .split("data-testid=\"totp-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the secret, once")
        .to_string();
    assert!(
        !admin.html("/backoffice/staff").await.contains("totp-secret"),
        "only once"
    );
    // Nina signs in with it.
    let nina = app.other_browser();
    staff_login_as(&nina, "nina@settle.test", "paarse olifant danst").await;
    assert_eq!(
        location(&second_step(&nina, &code(&nina, &secret, 0)).await),
        "/backoffice"
    );
    assert_eq!(
        nina.get("/backoffice/staff").await.status(),
        403,
        "an agent does not manage staff"
    );
    // Disabled, her session ends at once; an admin cannot disable themself.
    let id = settle_core::entities::staff_user::Entity::find()
        .filter(settle_core::entities::staff_user::Column::Email.eq("nina@settle.test"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    admin
        .post(&format!("/backoffice/staff/{id}/disable"), &[("csrf", csrf.as_str())])
        .await;
    assert!(location(&nina.get("/backoffice").await).starts_with("/backoffice/login"));
    let me = settle_core::entities::staff_user::Entity::find()
        .filter(settle_core::entities::staff_user::Column::Email.eq("admin@settle.test"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    admin
        .post(&format!("/backoffice/staff/{me}/disable"), &[("csrf", csrf.as_str())])
        .await;
    assert!(admin.html("/backoffice/staff").await.contains("eigen account"));
    app.cleanup().await;
}

async fn staff_login_as(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let csrf = app.csrf("/backoffice/login").await;
    app.post(
        "/backoffice/login",
        &[("csrf", csrf.as_str()), ("email", email), ("password", password)],
    )
    .await
}

#[tokio::test]
async fn staff_set_and_remove_a_representative_from_the_debtor_page() {
    let app = spawn_app().await;
    as_agent(&app).await;
    let jan = customer_no(&app, "100001").await;
    let here = format!("/backoffice/debtors/{}", jan.id);
    let csrf = app.csrf(&here).await;
    let url = format!("{here}/representative");
    app.post(
        &url,
        &[
            ("csrf", csrf.as_str()),
            ("action", "set"),
            ("kind", "administrator"),
            ("name", " "),
        ],
    )
    .await;
    assert!(app.html(&here).await.contains("Dit veld is verplicht"));
    assert!(
        settle_core::services::representatives::of(&app.state.db, jan.tenant_id, jan.id)
            .await
            .unwrap()
            .is_none()
    );
    app.post(
        &url,
        &[
            ("csrf", csrf.as_str()),
            ("action", "set"),
            ("kind", "administrator"),
            ("name", "Mr. A. Bakker"),
            ("email", "bewind@example.nl"),
            ("instead", "yes"),
        ],
    )
    .await;
    let page = app.html(&here).await;
    assert!(
        page.contains("Vertegenwoordiger opgeslagen.") && page.contains("Mr. A. Bakker"),
        "{page}"
    );
    let debtor = app.other_browser();
    debtor.login("demo@settle.test", PW).await;
    assert!(
        debtor.html("/profile").await.contains("Mr. A. Bakker"),
        "the debtor sees who"
    );
    app.post(&url, &[("csrf", csrf.as_str()), ("action", "remove")]).await;
    assert!(
        settle_core::services::representatives::of(&app.state.db, jan.tenant_id, jan.id)
            .await
            .unwrap()
            .is_none()
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_admin_changes_the_branding_and_a_colour_that_does_not_read_is_refused() {
    let app = spawn_app().await;
    as_agent(&app).await;
    assert_eq!(app.get("/backoffice/branding").await.status(), 403);
    let admin = app.other_browser();
    as_admin(&admin).await;
    let page = admin.html("/backoffice/branding").await;
    assert!(page.contains("Contrast op wit"), "{page}");
    let csrf = csrf_in(&page).unwrap();
    // The payment-link page's frame is rendered once and kept (server/src/page_frames.rs).
    let pay = format!("/pay/{}", settle_core::demo::DEMO_PAY_TOKEN);
    let before = app.other_browser().html(&pay).await;
    assert!(
        !before.contains("Zorg Nieuw") && !before.contains("020 765 4321"),
        "{before}"
    );
    // With a mail identity, the From name is edited here too.
    let tenant = app.tenant().await;
    let from = settle_core::services::email_settings::Identity {
        from: "Zorg Demo <noreply@zorg.example>",
        reply_to: None,
        dkim: None,
    };
    settle_core::services::email_settings::save(
        &app.state.db,
        &app.state.keys,
        app.state.clock.now(),
        tenant.id,
        &from,
    )
    .await
    .unwrap();
    let post = |primary: &'static str, email: &'static str, address: &'static str| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            admin
                .post(
                    "/backoffice/branding",
                    &[
                        ("csrf", csrf.as_str()),
                        ("display_name", "Zorg Nieuw"),
                        ("primary", primary),
                        ("accent", "#8a5a00"),
                        ("support_phone", "020 765 4321"),
                        ("support_email", email),
                        ("support_hours", "ma-vr 8-18"),
                        ("legal_footer", "Zorg Nieuw N.V."),
                        ("sender_address", address),
                        ("sender_name", "Zorg Nieuw Incasso"),
                    ],
                )
                .await
        }
    };
    post("#ffcc00", "geen", "Postbus 1\n1000 AA").await;
    let page = admin.html("/backoffice/branding").await;
    assert!(
        page.contains("niet goed leesbaar")
            && page.contains("Vul een geldig e-mailadres in")
            && page.contains("Eén regel, zonder regeleinde."),
        "{page}"
    );
    assert_ne!(app.tenant().await.name, "Zorg Nieuw");
    post("#004488", "service@zorgnieuw.nl", "Postbus 99, 1000 AB Amsterdam").await;
    assert!(admin
        .html("/backoffice/branding")
        .await
        .contains("Huisstijl opgeslagen."));
    // The portal shows it at once.
    let portal = app.other_browser().html("/login").await;
    assert!(
        portal.contains("Zorg Nieuw") && portal.contains("#004488") && portal.contains("020 765 4321"),
        "{portal}"
    );
    let after = app.other_browser().html(&pay).await;
    assert!(
        after.contains("Zorg Nieuw") && after.contains("#004488") && after.contains("020 765 4321"),
        "{after}"
    );
    // Letters print the new sender address; mail goes out under the new name, same address.
    assert_eq!(app.tenant().await.row.creditor_address, "Postbus 99, 1000 AB Amsterdam");
    let identity = settle_core::services::email_settings::load(&app.state.db, &app.state.keys, tenant.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(identity.from.to_string(), "Zorg Nieuw Incasso <noreply@zorg.example>");
    app.cleanup().await;
}

#[tokio::test]
async fn an_admin_edits_a_dunning_plan_checked_as_the_planner_reads_it_and_simulates_it() {
    use settle_core::entities::{dunning_plan, dunning_step};
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let plan = dunning_plan::Entity::find()
        .filter(dunning_plan::Column::TenantId.eq(tenant.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let steps = |db: &settle_core::sea_orm::DatabaseConnection| {
        let db = db.clone();
        async move {
            dunning_step::Entity::find()
                .filter(dunning_step::Column::PlanId.eq(plan.id))
                .all(&db)
                .await
                .unwrap()
        }
    };
    let before = steps(&app.state.db).await;
    as_agent(&app).await;
    assert_eq!(app.get(&format!("/backoffice/plans/{}", plan.id)).await.status(), 403);
    let admin = app.other_browser();
    as_admin(&admin).await;
    let here = format!("/backoffice/plans/{}", plan.id);
    let page = admin.html(&format!("{here}?invoice=2026-0005")).await;
    assert!(
        page.contains("Veertiendagenbrief") && page.contains("data-testid=\"simulation\""),
        "{page}"
    );
    let csrf = csrf_for(&page, &here).unwrap();
    // Every stored step as it is, then a new one: first with mistakes.
    let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
    for s in &before {
        for (k, v) in [
            ("id", s.id.to_string()),
            ("name", s.name.clone()),
            ("offset", s.offset_days.to_string()),
            ("kind", s.kind.clone()),
            ("channels", s.channels.clone()),
            ("fee", s.fee.clone()),
            ("interest", s.interest.clone()),
        ] {
            form.push((k.into(), v));
        }
    }
    let with_new = |channels: &str, offset: &str, kind: &str| {
        let mut f = form.clone();
        for (k, v) in [
            ("id", ""),
            ("name", "Laatste kans"),
            ("offset", offset),
            ("kind", kind),
            ("channels", channels),
            ("fee", "none"),
            ("interest", "none"),
        ] {
            f.push((k.into(), v.into()));
        }
        f
    };
    let post = |f: Vec<(String, String)>| {
        let (admin, here) = (&admin, here.clone());
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            admin.post(&here, &pairs).await
        }
    };
    post(with_new("fax", "x", "final_notice")).await;
    let page = admin.html(&here).await;
    assert!(
        page.contains("Kanalen als email, sms of letter") && page.contains("Een heel aantal dagen"),
        "{page}"
    );
    assert!(page.contains("value=\"fax\""), "the row comes back as typed");
    // After the hand-over nothing may follow.
    post(with_new("email", "90", "final_notice")).await;
    assert!(admin
        .html(&here)
        .await
        .contains("Na de overdracht kan geen stap meer komen"));
    assert_eq!(steps(&app.state.db).await.len(), before.len());
    // Replace the hand-over's place: a final chance before it.
    let mut f = form.clone();
    let hand_over = f.iter().rposition(|(k, _)| k == "id").unwrap();
    let tail: Vec<(String, String)> = f.split_off(hand_over);
    for (k, v) in [
        ("id", ""),
        ("name", "Laatste kans"),
        ("offset", "50"),
        ("kind", "final_notice"),
        ("channels", "email>sms"),
        ("fee", "none"),
        ("interest", "none"),
    ] {
        f.push((k.into(), v.into()));
    }
    f.extend(tail);
    let res = post(f).await;
    assert_eq!(location(&res), here);
    let after = steps(&app.state.db).await;
    assert_eq!(after.len(), before.len() + 1);
    let new = after.iter().find(|s| s.name == "Laatste kans").unwrap();
    assert_eq!((new.position, new.offset_days), (before.len() as i32, 50));
    assert!(admin.html(&here).await.contains("Plan opgeslagen"));
    app.cleanup().await;
}

#[tokio::test]
async fn an_admin_sets_the_contact_policy_checked_as_the_planner_reads_it() {
    use settle_core::entities::dunning_setting;
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let admin = app.other_browser();
    as_admin(&admin).await;
    let page = admin.html("/backoffice/plans").await;
    assert!(page.contains("Contactbeleid"), "{page}");
    let csrf = csrf_for(&page, "/backoffice/policy").unwrap();
    let post =
        |opens: &'static str, closed: &'static str, region: &'static str, sms: &'static str, holdout: &'static str| {
            let (admin, csrf) = (&admin, csrf.clone());
            async move {
                admin
                    .post(
                        "/backoffice/policy",
                        &[
                            ("csrf", csrf.as_str()),
                            ("window_opens", opens),
                            ("window_closes", "19:00"),
                            ("closed_weekdays", closed),
                            ("holiday_region", region),
                            ("extra_closed_dates", "2026-12-24"),
                            ("letter_delivery_days", "2"),
                            ("email_delivery_days", "1"),
                            ("email_per_day", "1"),
                            ("sms_per_day", sms),
                            ("letters_per_day", "1"),
                            ("send_time_optimisation", "yes"),
                            ("tracking_retention_days", "180"),
                            ("closed_debtor_retention_days", "365"),
                            ("learning", "yes"),
                            ("holdout_percent", holdout),
                        ],
                    )
                    .await
            }
        };
    post("20:00", "mon,tue,wed,thu,fri,sat,sun", "XX", "9", "80").await;
    let page = admin.html("/backoffice/plans").await;
    for want in [
        "Het einde moet na het begin liggen",
        "niet alle zeven",
        "NL, DE of none",
        "Een heel getal",
    ] {
        assert!(page.contains(want), "{want}: {page}");
    }
    let before = dunning_setting::Entity::find_by_id(tenant.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.window_opens, "08:00", "nothing changed");
    assert!(!before.learning, "learning is off until an admin switches it on");
    assert!(page.contains("value=\"80\""), "the holdout share comes back as typed");
    post("09:00", "sat,sun", "nl", "0", "20").await;
    assert!(admin
        .html("/backoffice/plans")
        .await
        .contains("Contactbeleid opgeslagen."));
    let after = dunning_setting::Entity::find_by_id(tenant.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            after.window_opens.as_str(),
            after.closed_weekdays.as_str(),
            after.holiday_region.as_str(),
            after.sms_per_day
        ),
        ("09:00", "sat,sun", "NL", 0)
    );
    assert!(!after.click_tracking);
    assert_eq!((after.learning, after.holdout_percent), (true, 20));
    as_agent(&app).await;
    let own = app.csrf("/backoffice").await;
    let res = app
        .post(
            "/backoffice/policy",
            &[
                ("csrf", own.as_str()),
                ("window_opens", "07:00"),
                ("window_closes", "19:00"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403, "an agent may not");
    app.cleanup().await;
}

#[tokio::test]
async fn an_admin_says_which_debtors_a_plan_is_for() {
    use settle_core::entities::dunning_plan;
    use settle_core::sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app().await;
    let tenant = app.tenant().await;
    let vip = dunning_plan::ActiveModel {
        tenant_id: Set(tenant.id),
        name: Set("Zakelijk".into()),
        priority: Set(10),
        is_default: Set(false),
        segment: Set(r#"{"tags_any":["zakelijk"]}"#.into()),
        created_at: Set(app.state.clock.now()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    let admin = app.other_browser();
    as_admin(&admin).await;
    let here = format!("/backoffice/plans/{}", vip.id);
    let page = admin.html(&here).await;
    assert!(page.contains("value=\"zakelijk\""), "{page}");
    let csrf = csrf_for(&page, &format!("{here}/segment")).unwrap();
    let post = |tags: &'static str, languages: &'static str, min_open: &'static str| {
        let (admin, csrf, here) = (&admin, csrf.clone(), here.clone());
        async move {
            admin
                .post(
                    &format!("{here}/segment"),
                    &[
                        ("csrf", csrf.as_str()),
                        ("name", "Zakelijk"),
                        ("priority", "10"),
                        ("tags", tags),
                        ("languages", languages),
                        ("min_open", min_open),
                        ("max_open", ""),
                        ("min_reminded", ""),
                    ],
                )
                .await
        }
    };
    post("", "", "").await;
    assert!(admin.html(&here).await.contains("neemt dit plan iedereen over"));
    post("zakelijk", "xx", "veel").await;
    let page = admin.html(&here).await;
    assert!(page.contains("value=\"veel\""), "typed values come back: {page}");
    let stored = dunning_plan::Entity::find_by_id(vip.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.segment, r#"{"tags_any":["zakelijk"]}"#, "nothing changed");
    post("zakelijk, mkb", "nl", "250,00").await;
    let stored = dunning_plan::Entity::find_by_id(vip.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let seg = settle_domain::dunning::segments::Segment::parse(&stored.segment).unwrap();
    assert_eq!(seg.tags_any, ["zakelijk", "mkb"]);
    assert_eq!(
        (seg.languages.clone(), seg.min_open_cents),
        (vec!["nl".to_string()], Some(25_000))
    );
    app.cleanup().await;
}

/// An outcome is credited to the last message before it, only: an invoice reminded twice and
/// then paid counts for the second reminder, not the first; a payment plan agreed counts as an
/// outcome too; the same figures per part of the day the messages went out.
#[tokio::test]
async fn the_dashboard_credits_the_last_message_before_payment_or_plan_and_splits_by_time_of_day() {
    use crate::support::dunning::{invoice_due, messages_of, monday, EMAIL_ONLY};
    use crate::support::smtp::smtp_sink;
    use settle_core::entities::{payment_plan, plan_invoice};
    use settle_core::outbox::{Mailer, Senders};
    use settle_core::sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app().await;
    let twice = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let planned = invoice_due(&app, "2026-11-14", 7_000, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    let senders = Senders::from(Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap());
    let run = |at| settle_core::dunning::run::once(&app.state.db, &senders, at, Some("demo"), false);
    run(monday()).await.unwrap();
    run(monday() + chrono::Duration::days(7)).await.unwrap();
    let sent = messages_of(&app, &twice).await;
    assert!(sent.len() >= 2, "reminded twice: {}", sent.len());

    // Paid the day after the second reminder.
    let tenant = app.tenant().await;
    crate::support::dunning::pay_by_transfer(&app, &twice, monday() + chrono::Duration::days(8)).await;
    // A plan agreed for the other invoice the day after its first reminder.
    let plan = payment_plan::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_id: Set(planned.customer_id),
        invoice_id: Set(planned.id),
        status: Set("active".into()),
        total_cents: Set(7_000),
        paid_at_start_cents: Set(0),
        instalments: Set(3),
        created_at: Set(monday() + chrono::Duration::days(1)),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    plan_invoice::ActiveModel {
        tenant_id: Set(tenant.id),
        plan_id: Set(plan.id),
        invoice_id: Set(planned.id),
        seq: Set(1),
        paid_at_start_cents: Set(0),
        live: Set(true),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();

    // A window of 14 days holds both reminders of `twice` before its payment: only the
    // second is credited. `planned` credits its first reminder (its second came after the plan).
    as_agent(&app).await;
    let csv = app
        .get("/backoffice/dashboard.csv?from=2026-11-01&to=2026-12-31&days=14")
        .await
        .text()
        .await
        .unwrap();
    let value = |metric: &str, key: &str| -> u64 {
        csv.lines()
            .find_map(|l| l.strip_prefix(&format!("{metric};{key};")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{metric} {key}: {csv}"))
    };
    assert_eq!(
        value("paid_within_14_days", "2: Herinnering email"),
        1,
        "the plan, not the payment: {csv}"
    );
    assert_eq!(
        value("paid_within_14_days", "3: Tweede herinnering email"),
        1,
        "the payment: {csv}"
    );
    let credits: u64 = csv
        .lines()
        .filter(|l| l.starts_with("paid_within_14_days;"))
        .filter_map(|l| l.rsplit(';').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(credits, 2, "one credit per outcome: {csv}");
    let by_band: u64 = csv
        .lines()
        .filter(|l| l.starts_with("paid_within_14_days_in;"))
        .filter_map(|l| l.rsplit(';').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(by_band, 2, "{csv}");
    let page = app
        .html("/backoffice/dashboard?from=2026-11-01&to=2026-12-31&days=14")
        .await;
    assert!(
        page.contains("data-testid=\"by-band\"") && page.contains("Ochtend (6-12 uur)"),
        "{page}"
    );
    app.cleanup().await;
}
