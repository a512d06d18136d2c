//! Letters: the paper reminder carries a short code; typing it at `/code` opens that invoice's
//! payment page, in the debtor's language, with clear errors for a wrong or spent code.
use crate::support::dunning::*;
use crate::support::*;
use settle_core::dunning::issue;
use settle_core::entities::invoice;
use settle_core::sea_orm::sea_query::Expr;
use settle_core::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The code the letter asks the debtor to type (`XXXXX-XXXXX`), after the word "code".
fn code_in(body: &str) -> String {
    let at = body.find("persoonlijke code ").expect("the letter names a code") + "persoonlijke code ".len();
    body[at..at + 11].to_string()
}

#[tokio::test]
async fn a_letters_code_typed_at_code_opens_the_invoice_and_dies_with_payment() {
    let app = spawn_app().await;
    // 21 days overdue on Monday: the demo plan's 14-day letter goes by letter and by email.
    let inv = invoice_due(&app, "2026-11-02", 12_345, &EMAIL_ONLY).await;
    plan(&app, monday()).await;
    issue::issue_due(&app.state.db, monday(), None, 100).await.unwrap();
    let msgs = messages_of(&app, &inv).await;
    let letter = msgs.iter().find(|m| m.channel == "letter").expect("a letter");
    let mail = msgs.iter().find(|m| m.channel == "email").expect("an email");
    assert!(letter.body_text.contains(&app.tenant().await.link("/code")));
    let code = code_in(&letter.body_text);
    assert!(!mail.body_text.contains(&code), "the email has its own link instead");
    assert!(!letter.body_text.contains("/pay/"), "no unusable long link on paper");

    // Typed in lower case with a space: the page behind the code is this invoice's.
    let csrf = app.csrf("/code").await;
    let typed = code.to_lowercase().replace('-', " ");
    let res = app.post("/code", &[("csrf", &csrf), ("code", &typed)]).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert_eq!(to, format!("/pay/{}", code.replace('-', "")));
    let page = app.html(&to).await;
    assert!(page.contains(&inv.number), "the payment page shows the invoice");

    // A mistyped code: back to the form, the typed value kept, the reason in Dutch.
    let last = if code.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &code[..10]);
    let res = app.post("/code", &[("csrf", &csrf), ("code", &wrong)]).await;
    assert_eq!(location(&res), "/code");
    let page = app.html("/code").await;
    assert!(page.contains("Deze code kennen wij niet"), "{page}");
    assert!(page.contains(&format!("value=\"{wrong}\"")));
    assert!(page.contains("aria-invalid=\"true\""), "the error is tied to the field");

    // Empty and garbage say so too; nothing is looked up for them.
    for bad in ["", "<script>alert(1)</script>"] {
        let res = app.post("/code", &[("csrf", &csrf), ("code", bad)]).await;
        assert_eq!(location(&res), "/code");
        let page = app.html("/code").await;
        assert!(
            page.contains("role=\"alert\"") || page.contains("aria-invalid"),
            "{bad:?}: {page}"
        );
        assert!(!page.contains("<script>alert(1)"), "escaped");
    }

    // Without the form's CSRF token nothing is looked up.
    let res = app.post("/code", &[("csrf", "forged"), ("code", &code)]).await;
    assert_eq!(location(&res), "/code");

    // Once the invoice is paid, the code leads nowhere.
    invoice::Entity::update_many()
        .col_expr(invoice::Column::Status, Expr::value("paid"))
        .col_expr(invoice::Column::OpenCents, Expr::value(0))
        .filter(invoice::Column::Id.eq(inv.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let res = app.post("/code", &[("csrf", &csrf), ("code", &code)]).await;
    assert_eq!(location(&res), "/code");
    assert!(app.html("/code").await.contains("Deze code kennen wij niet"));
    app.cleanup().await;
}
