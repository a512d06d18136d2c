//! A debtor's erasure request (GDPR article 17), carried out by an admin on the debtor page:
//! contact data goes at once, bookkeeping stays, and nothing is erased while anything is open.
use crate::backoffice::{as_admin, as_agent};
use crate::support::*;
use settle_core::entities::{audit_event, consent, customer, invoice, outbox, portal_account};
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn reload(app: &TestApp, id: i64) -> customer::Model {
    customer_now(app, id).await
}

async fn erase(app: &TestApp, id: i64, confirm: bool) -> reqwest::Response {
    let here = format!("/backoffice/debtors/{id}");
    let csrf = csrf_in(&app.html(&here).await).unwrap();
    let mut form = vec![("csrf", csrf.as_str())];
    if confirm {
        form.push(("confirm", "yes"));
    }
    app.post(&format!("{here}/erase"), &form).await
}

#[tokio::test]
async fn an_admin_erases_a_settled_debtors_contact_data_and_never_an_open_ones() {
    let app = spawn_app().await;
    as_admin(&app).await;
    let jan = customer_by_email(&app, "demo@settle.test").await;

    // Jan has open invoices: refused, nothing changed.
    erase(&app, jan.id, true).await;
    let page = app.html(&format!("/backoffice/debtors/{}", jan.id)).await;
    assert!(page.contains("Er staat nog iets open"), "{page}");
    assert_eq!(reload(&app, jan.id).await, jan);

    // Kees settles everything; unticked, the request is explained at the box.
    let kees = customer_by_email(&app, "kees@settle.test").await;
    invoice::Entity::update_many()
        .col_expr(invoice::Column::Status, "paid".into())
        .col_expr(invoice::Column::OpenCents, 0.into())
        .filter(invoice::Column::CustomerId.eq(kees.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    outbox::Entity::delete_many()
        .filter(outbox::Column::CustomerId.eq(kees.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    erase(&app, kees.id, false).await;
    let page = app.html(&format!("/backoffice/debtors/{}", kees.id)).await;
    assert!(page.contains("id=\"f-erase-confirm-error\""), "{page}");
    assert!(page.contains("aria-describedby=\"f-erase-confirm-error\""));
    assert_eq!(reload(&app, kees.id).await.email, kees.email);

    // Ticked: contact data, consent records and the portal account go; name, address and
    // invoices stay.
    let how = settle_core::services::consents::Recorded {
        source: "portal",
        actor: None,
        locale: settle_domain::locale::Locale::Nl,
        at: start_time(),
    };
    settle_core::services::consents::record(&app.state.db, kees.tenant_id, kees.id, "sms", true, &how)
        .await
        .unwrap();
    // A login link still retrying (anybody can ask for one) does not hold the erasure up: it
    // is cancelled, and its recipient blanked like the rest.
    let tenant = app.tenant().await;
    let waiting = settle_core::services::mails::queue(
        &app.state.db,
        start_time(),
        &tenant,
        "kees@settle.test",
        Some(kees.id),
        settle_domain::locale::Locale::Nl,
        settle_core::services::mails::Kind::LoginLink {
            link: "http://localhost/x",
        },
    )
    .await
    .unwrap();
    let res = erase(&app, kees.id, true).await;
    assert_eq!(res.status(), 303);
    let after = reload(&app, kees.id).await;
    assert_eq!((after.email.as_deref(), after.phone_e164.as_deref()), (None, None));
    assert!(after.contact_erased_at.is_some());
    assert_eq!(
        (after.name.as_str(), after.street.as_str()),
        (kees.name.as_str(), kees.street.as_str())
    );
    let accounts = portal_account::Entity::find()
        .filter(portal_account::Column::CustomerId.eq(kees.id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(accounts, 0, "the portal account is gone");
    let consents = consent::Entity::find()
        .filter(consent::Column::CustomerId.eq(kees.id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(consents, 0, "the consent records are gone");
    let link = outbox::Entity::find_by_id(waiting)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((link.status.as_str(), link.recipient.as_str()), ("cancelled", ""));
    let invoices = invoice::Entity::find()
        .filter(invoice::Column::CustomerId.eq(kees.id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert!(invoices > 0, "bookkeeping stays");
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("contact_erased_on_request"))
        .filter(audit_event::Column::CustomerId.eq(kees.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(audited.actor.starts_with("staff"), "{}", audited.actor);
    let page = app.html(&format!("/backoffice/debtors/{}", kees.id)).await;
    assert!(page.contains("De contactgegevens zijn gewist.") && page.contains("Contactgegevens gewist op"));
    app.cleanup().await;
}

#[tokio::test]
async fn an_agent_cannot_erase_a_debtor() {
    let app = spawn_app().await;
    as_agent(&app).await;
    let kees = customer_by_email(&app, "kees@settle.test").await;
    let here = format!("/backoffice/debtors/{}", kees.id);
    let page = app.html(&here).await;
    assert!(!page.contains("/erase\""), "agents see no erase form");
    let csrf = csrf_in(&page).unwrap();
    let res = app
        .post(&format!("{here}/erase"), &[("csrf", csrf.as_str()), ("confirm", "yes")])
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(reload(&app, kees.id).await, kees);
    app.cleanup().await;
}
