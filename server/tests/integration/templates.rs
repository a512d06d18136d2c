//! Message templates: admins edit a step's text per channel and language (checked before it is
//! saved), the next reminder uses it, versions keep author and time with diffs and rollback, and
//! agents may not touch them.
use crate::support::dunning::*;
use crate::support::smtp::smtp_sink;
use crate::support::*;
use settle_core::demo_staff::DEMO_ADMIN_TOTP;
use settle_core::dunning::run;
use settle_core::entities::message_template;
use settle_core::outbox::{Mailer, Senders};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_core::staff::totp;

const PW: &str = "demo-password-1";
const EDIT: &str = "/backoffice/templates/reminder/email/nl";

async fn staff(app: &TestApp, email: &str, secret: Option<&str>) {
    let csrf = app.csrf("/backoffice/login").await;
    app.post(
        "/backoffice/login",
        &[("csrf", csrf.as_str()), ("email", email), ("password", PW)],
    )
    .await;
    if let Some(secret) = secret {
        let code = totp::code_at(
            &totp::parse_base32(secret).unwrap(),
            app.state.clock.now().timestamp() as u64,
        );
        let csrf = app.csrf("/backoffice/login/code").await;
        app.post(
            "/backoffice/login/code",
            &[("csrf", csrf.as_str()), ("code", code.as_str())],
        )
        .await;
    }
}

#[tokio::test]
async fn an_admin_edits_a_reminder_and_the_next_reminder_uses_it() {
    let app = spawn_app().await;
    // An agent may not.
    staff(&app, "agent@settle.test", None).await;
    assert_eq!(app.get("/backoffice/templates").await.status(), 403);
    assert_eq!(app.get(EDIT).await.status(), 403);
    let csrf = app.csrf("/backoffice").await;
    let res = app
        .post(
            EDIT,
            &[
                ("csrf", csrf.as_str()),
                ("action", "save"),
                ("subject", "x"),
                ("body", "{{ link }}"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(message_template::Entity::find().count(&app.state.db).await.unwrap(), 0);

    let admin = app.other_browser();
    staff(&admin, "admin@settle.test", Some(DEMO_ADMIN_TOTP)).await;
    let list = admin.html("/backoffice/templates").await;
    assert!(list.contains(EDIT) && list.contains("Meegeleverde tekst"), "{list}");
    let page = admin.html(EDIT).await;
    assert!(
        page.contains("{{ invoice }}") && page.contains("{% if pre_due %}"),
        "the shipped text as a template: {page}"
    );
    assert!(
        page.contains("Herinnering: factuur 2026-0002"),
        "previewed with sample data"
    );
    let csrf = csrf_for(&page, EDIT).unwrap();
    let post = |action: &'static str, subject: &'static str, body: &'static str| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            admin
                .post(
                    EDIT,
                    &[
                        ("csrf", csrf.as_str()),
                        ("action", action),
                        ("subject", subject),
                        ("body", body),
                    ],
                )
                .await
        }
    };
    // Mistakes are named at the field and nothing is saved.
    post("save", "Betaal {{ invoice }}", "Beste {{ naam }}, {{ link }}").await;
    let page = admin.html(EDIT).await;
    assert!(
        page.contains("Onbekende variabele: naam") && page.contains("Dit is een concept"),
        "{page}"
    );
    post("save", "Betaal {{ invoice }}", "Beste {{ name }}, betaal alstublieft.").await;
    assert!(admin.html(EDIT).await.contains("moet {{ link }} bevatten"));
    assert_eq!(message_template::Entity::find().count(&app.state.db).await.unwrap(), 0);

    // A preview, a test to oneself, then saved.
    let body = "Beste {{ name }},\n\nFactuur {{ invoice }} ({{ amount }}) staat nog open. Betaal hier:\n{{ link }}\n\n{{ tenant }}";
    post("preview", "Nog open: {{ invoice }}", body).await;
    let page = admin.html(EDIT).await;
    assert!(page.contains("Nog open: 2026-0002"), "{page}");
    let html = admin.get(&format!("{EDIT}/preview.html")).await;
    assert!(html.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert!(html.text().await.unwrap().contains("Nog open: 2026-0002"));
    post("test", "Nog open: {{ invoice }}", body).await;
    let test = app.last_mail_to("admin@settle.test").await.unwrap();
    assert!(
        test.subject.starts_with("[test] Nog open: 2026-0002"),
        "{}",
        test.subject
    );
    let res = post("save", "Nog open: {{ invoice }}", body).await;
    assert_eq!(location(&res), EDIT);
    assert!(admin.html(EDIT).await.contains("Tekst opgeslagen"));
    let saved = message_template::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((saved.version, saved.active), (1, true));

    // The next reminder is written with it.
    let inv = invoice_due(&app, "2026-11-14", 5_000, &EMAIL_ONLY).await;
    let sink = smtp_sink().await;
    let mailer = Mailer::from_url(&sink.url(), "Settle <no-reply@settle.test>").unwrap();
    run::once(&app.state.db, &Senders::from(mailer), monday(), Some("demo"), false)
        .await
        .unwrap();
    let sent = messages_of(&app, &inv).await;
    let mail = sent.iter().find(|m| m.channel == "email").expect("a reminder email");
    assert_eq!(mail.subject, format!("Nog open: {}", inv.number));
    assert!(
        mail.body_text.contains("staat nog open. Betaal hier:"),
        "{}",
        mail.body_text
    );

    // A second version, its diff, and a rollback to the first (as a third version).
    post("save", "Herinnering {{ invoice }}", body).await;
    let page = admin.html(&format!("{EDIT}?diff=2")).await;
    assert!(
        page.contains("- Nog open: {{ invoice }}") && page.contains("+ Herinnering {{ invoice }}"),
        "{page}"
    );
    let csrf = csrf_for(&page, EDIT).unwrap();
    admin
        .post(
            EDIT,
            &[("csrf", csrf.as_str()), ("action", "rollback"), ("version", "1")],
        )
        .await;
    let active = message_template::Entity::find()
        .filter(message_template::Column::Active.eq(true))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (active.version, active.subject.as_str()),
        (3, "Nog open: {{ invoice }}")
    );
    // Back to the shipped text: nothing active.
    admin.post(EDIT, &[("csrf", csrf.as_str()), ("action", "reset")]).await;
    let active = message_template::Entity::find()
        .filter(message_template::Column::Active.eq(true))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(active, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn the_letter_of_a_draft_is_previewed_as_a_pdf_with_the_letterhead() {
    const LETTER: &str = "/backoffice/templates/reminder/letter/nl";
    let app = spawn_app().await;
    staff(&app, "agent@settle.test", None).await;
    assert_eq!(app.get(&format!("{LETTER}/preview.pdf")).await.status(), 403);
    let admin = app.other_browser();
    staff(&admin, "admin@settle.test", Some(DEMO_ADMIN_TOTP)).await;
    let page = admin.html(LETTER).await;
    assert!(page.contains(&format!("{LETTER}/preview.pdf")), "{page}");
    // Email templates have no letter to show.
    assert_eq!(admin.get(&format!("{EDIT}/preview.pdf")).await.status(), 404);
    let csrf = csrf_for(&page, LETTER).unwrap();
    let body = "Geachte {{ name }},\n\nFactuur {{ invoice }} ({{ amount }}) staat open. Voorbeeldtekst-XYZ. {{ link }}\n\n{{ tenant }}";
    admin
        .post(
            LETTER,
            &[
                ("csrf", csrf.as_str()),
                ("action", "preview"),
                ("subject", "Herinnering {{ invoice }}"),
                ("body", body),
            ],
        )
        .await;
    let page = admin.html(LETTER).await;
    assert!(page.contains("Voorbeeldtekst-XYZ"), "{page}");
    let res = admin.get(&format!("{LETTER}/preview.pdf")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(pdf.starts_with(b"%PDF"));
    // The draft with sample data, on the tenant's letterhead with its logo.
    // (pdf-writer writes a line with non-ASCII characters, like this one's €, in hex.)
    assert!(
        text.contains(&hex::encode_upper("staat open. Voorbeeldtekst-XYZ.")),
        "draft text in the PDF"
    );
    assert!(text.contains(&app.tenant().await.name), "letterhead");
    assert_eq!(text.matches("/Logo Do").count(), 1);
    // A draft that does not check is refused, not printed.
    admin
        .post(
            LETTER,
            &[
                ("csrf", csrf.as_str()),
                ("action", "preview"),
                ("subject", "x"),
                ("body", "{{ nope }}"),
            ],
        )
        .await;
    assert_eq!(admin.get(&format!("{LETTER}/preview.pdf")).await.status(), 422);
    app.cleanup().await;
}
