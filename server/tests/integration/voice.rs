//! Voice reminders through a Twilio-compatible voice API (a local mock here): the call is
//! placed with signed addresses; the script says nothing about the debt before the postcode's
//! digits are entered; the keypad menu sends the payment link by SMS, books a callback or puts
//! the caller through while support is open; status reports land in the timeline; only with
//! the debtor's consent.
use crate::backoffice::as_agent;
use crate::support::dunning::*;
use crate::support::*;
use quick_xml::events::Event;
use quick_xml::Reader;
use settle_core::channels::sms::twilio_signature;
use settle_core::dunning::run;
use settle_core::entities::{callback, customer, message_event, outbox};
use settle_core::sea_orm::sea_query::Expr;
use settle_core::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tw-voice-secret";

/// The app with the demo tenant's Twilio account pointed at a mock that takes calls and texts.
async fn with_provider() -> (TestApp, MockServer) {
    let app = spawn_app().await;
    let provider = MockServer::start().await;
    for (p, sid) in [
        ("/2010-04-01/Accounts/AC9/Calls.json", "CA0001"),
        ("/2010-04-01/Accounts/AC9/Messages.json", "SM0001"),
    ] {
        Mock::given(method("POST"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({ "sid": sid })))
            .mount(&provider)
            .await;
    }
    twilio_account(&app, &provider.uri(), "AC9", TOKEN, "+3197010000009").await;
    (app, provider)
}

/// A debtor on a one-step plan that calls; with their consent to calls when `consent`.
async fn called_debtor(app: &TestApp, consent: bool) -> settle_core::entities::invoice::Model {
    one_step_plan(
        app,
        &OneStep {
            tag: "bellen",
            offset_days: 7,
            kind: "reminder",
            channels: "voice",
            fee: "none",
            interest: "none",
        },
    )
    .await;
    let who = Debtor {
        email: Some("voice@example.nl"),
        phone: Some("+31612345678"),
    };
    let inv = invoice_due(app, "2026-11-14", 5_000, &who).await;
    tag_debtor(app, &inv, "bellen").await;
    if consent {
        customer::Entity::update_many()
            .col_expr(customer::Column::VoiceConsentAt, Expr::value(Some(monday())))
            .filter(customer::Column::Id.eq(inv.customer_id))
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    inv
}

/// Monday's planner pass and issuing, no sending: the call waits in the outbox.
/// The voice message queued for the invoice's debtor.
async fn the_call(app: &TestApp, inv: &settle_core::entities::invoice::Model) -> outbox::Model {
    messages_of(app, inv)
        .await
        .into_iter()
        .find(|m| m.channel == "voice")
        .expect("a call queued")
}

/// One dispatcher pass at `at`.
async fn dispatch_at(app: &TestApp, senders: &settle_core::outbox::Senders, at: chrono::DateTime<chrono::Utc>) {
    settle_core::outbox::dispatch(&app.state.db, senders, at, 100)
        .await
        .unwrap();
}

async fn issue_without_sending(app: &TestApp) {
    plan(app, monday()).await;
    settle_core::dunning::issue::issue_due(&app.state.db, monday(), None, 100)
        .await
        .unwrap();
}

async fn round(app: &TestApp) {
    let senders = tenant_senders(app, reqwest::Client::new());
    run::once(&app.state.db, &senders, monday(), Some("demo"), false)
        .await
        .unwrap();
}

/// A request as the provider makes it about call CA0001 (unless `params` name another):
/// form parameters, signed over the public address.
async fn provider_post(app: &TestApp, path_and_query: &str, params: &[(&str, &str)], sign: bool) -> (u16, String) {
    let tenant = app.tenant().await;
    let mut form: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    if !form.iter().any(|(k, _)| k == "CallSid") {
        form.push(("CallSid".into(), "CA0001".into()));
    }
    let signature = match sign {
        true => twilio_signature(TOKEN, &tenant.link(path_and_query), &form).unwrap(),
        false => "bm90IGEgc2lnbmF0dXJl".into(),
    };
    let res = app
        .client
        .post(app.url(path_and_query))
        .header("X-Twilio-Signature", signature)
        .form(&form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// (verb, its text, its `action`) in order; fails on malformed TwiML.
fn verbs(xml: &str) -> Vec<(String, String, String)> {
    let mut r = Reader::from_str(xml);
    let mut out: Vec<(String, String, String)> = Vec::new();
    loop {
        match r.read_event().unwrap_or_else(|e| panic!("TwiML: {e}: {xml}")) {
            Event::Start(e) | Event::Empty(e) => {
                let action = e
                    .try_get_attribute("action")
                    .ok()
                    .flatten()
                    .map(|a| a.unescape_value().unwrap().into_owned())
                    .unwrap_or_default();
                out.push((
                    String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    String::new(),
                    action,
                ));
            }
            Event::Text(t) => {
                if let Some(last) = out.last_mut() {
                    last.1.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                let entity = format!("&{};", r.decode().unwrap());
                if let Some(last) = out.last_mut() {
                    last.1.push_str(&quick_xml::escape::unescape(&entity).unwrap());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(out.first().map(|v| v.0.as_str()), Some("Response"), "{xml}");
    out
}

/// The path (and query) of an absolute address of the tenant.
fn local(url: &str) -> String {
    let after = url.split("://").nth(1).unwrap();
    after[after.find('/').unwrap()..].to_string()
}

fn action_of(xml: &str) -> String {
    let v = verbs(xml);
    let gather = v
        .iter()
        .find(|v| v.0 == "Gather")
        .unwrap_or_else(|| panic!("no Gather: {xml}"));
    local(&gather.2)
}

#[tokio::test]
async fn a_voice_reminder_checks_who_answers_and_its_menu_sends_the_link_books_a_callback_or_says_support_is_closed() {
    let (app, provider) = with_provider().await;
    let inv = called_debtor(&app, true).await;
    round(&app).await;
    let call = messages_of(&app, &inv)
        .await
        .into_iter()
        .find(|m| m.channel == "voice")
        .expect("a call");
    assert_eq!(
        (call.status.as_str(), call.provider_message_id.as_deref()),
        ("sent", Some("CA0001"))
    );
    assert!(
        call.body_text.contains("/pay/"),
        "the SMS it can send: {}",
        call.body_text
    );
    let placed = provider.received_requests().await.unwrap();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&placed[0].body).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(
        (get("To").as_str(), get("From").as_str()),
        ("+31612345678", "+3197010000009")
    );
    let start = local(&get("Url"));
    let status = local(&get("StatusCallback"));
    assert!(start.starts_with(&format!("/voice/{}/", call.id)), "{start}");

    // Only the provider, signing with the tenant's token, gets the script; a guessed
    // signature in the address gets nothing.
    assert_eq!(provider_post(&app, &start, &[], false).await.0, 403);
    assert_eq!(
        provider_post(&app, &format!("/voice/{}/guessed", call.id), &[], true)
            .await
            .0,
        404
    );
    // A signed request about another call (replayed from elsewhere) gets nothing either.
    assert_eq!(provider_post(&app, &start, &[("CallSid", "CA0666")], true).await.0, 404);
    let (code, xml) = provider_post(&app, &start, &[], true).await;
    assert_eq!(code, 200);
    let v = verbs(&xml);
    assert_eq!(v[1].0, "Gather", "{xml}");
    assert!(
        v[3].0 == "Say" && v[3].1.contains("postcode"),
        "asked inside the Gather: {xml}"
    );
    assert!(xml.contains("numDigits=\"4\"") && xml.contains("language=\"nl-NL\""));
    assert!(
        !xml.contains(&inv.number) && !xml.contains("50,00") && !xml.contains("Debtor"),
        "nothing before the check: {xml}"
    );

    // A wrong postcode: once more, still nothing said; twice: the call ends.
    let identify = action_of(&xml);
    let (_, wrong) = provider_post(&app, &identify, &[("Digits", "9999")], true).await;
    assert!(
        !wrong.contains(&inv.number) && wrong.contains("klopt helaas niet"),
        "{wrong}"
    );
    let (_, refused) = provider_post(&app, &action_of(&wrong), &[("Digits", "9999")], true).await;
    assert!(
        verbs(&refused).iter().any(|v| v.0 == "Hangup") && !refused.contains("Gather"),
        "{refused}"
    );

    // The right digits (1234 AB): what is open, and the menu.
    let (_, facts) = provider_post(&app, &identify, &[("Digits", "1234")], true).await;
    assert!(facts.contains(&inv.number) && facts.contains("50,00"), "{facts}");
    let menu = action_of(&facts);
    assert!(menu.contains("/menu/"), "{menu}");
    // The menu without the check's signature is refused.
    let forged = menu.rsplit_once('/').unwrap().0.to_string() + "/forged";
    assert_eq!(provider_post(&app, &forged, &[("Digits", "1")], true).await.0, 403);

    // 1: the payment link by SMS.
    let (_, sent) = provider_post(&app, &menu, &[("Digits", "1")], true).await;
    assert!(sent.contains("per sms"), "{sent}");
    let sms = outbox::Entity::find()
        .filter(outbox::Column::CustomerId.eq(inv.customer_id))
        .filter(outbox::Column::Channel.eq("sms"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("an SMS queued");
    assert!(sms.body_text.contains("/pay/") && sms.recipient == "+31612345678");
    // Pressing 1 again (or the request replayed) sends no second SMS.
    let (_, again) = provider_post(&app, &menu, &[("Digits", "1")], true).await;
    assert!(again.contains("per sms"));
    let texts = outbox::Entity::find()
        .filter(outbox::Column::CustomerId.eq(inv.customer_id))
        .filter(outbox::Column::Channel.eq("sms"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(texts, 1);
    // 2: a callback in the first free slot.
    let (_, booked) = provider_post(&app, &menu, &[("Digits", "2")], true).await;
    assert!(booked.contains("Wij bellen u terug op"), "{booked}");
    let callbacks = callback::Entity::find()
        .filter(callback::Column::CustomerId.eq(inv.customer_id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(callbacks, 1);
    // 3: support is closed on Sunday (the app's clock): its hours, then the menu again.
    let (_, closed) = provider_post(&app, &menu, &[("Digits", "3")], true).await;
    let v = verbs(&closed);
    assert!(!closed.contains("<Dial"), "{closed}");
    let again = v.iter().find(|v| v.0 == "Redirect").unwrap().1.clone();
    let (_, menu_again) = provider_post(&app, &local(&again), &[], true).await;
    assert!(menu_again.contains("Toets 1"), "{menu_again}");

    // The provider's report: no answer (another call's report changes nothing).
    let report = |sid: &'static str| [("CallSid", sid), ("CallStatus", "no-answer")];
    assert_eq!(provider_post(&app, &status, &report("CA0001"), false).await.0, 403);
    assert_eq!(provider_post(&app, &status, &report("CA9999"), true).await.0, 404);
    assert_eq!(provider_post(&app, &status, &report("CA0001"), true).await.0, 200);
    let kinds: Vec<String> = message_event::Entity::find()
        .filter(message_event::Column::OutboxId.eq(call.id))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for want in [
        "identity_wrong",
        "identity_refused",
        "identified",
        "menu_link_by_sms",
        "menu_callback_booked",
        "menu_support_closed",
    ] {
        assert!(kinds.iter().any(|k| k == want), "{want}: {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| *k == "no_answer").count(), 1, "{kinds:?}");
    as_agent(&app).await;
    let page = app.html(&format!("/backoffice/debtors/{}", inv.customer_id)).await;
    assert!(page.contains("no_answer") && page.contains("voice"), "{page}");
    app.cleanup().await;
}

#[tokio::test]
async fn nobody_is_called_without_consent_and_consent_needs_a_mobile_number() {
    let (app, provider) = with_provider().await;
    let inv = called_debtor(&app, false).await;
    round(&app).await;
    assert!(
        !messages_of(&app, &inv).await.iter().any(|m| m.channel == "voice"),
        "no consent, no call"
    );
    assert!(provider.received_requests().await.unwrap().is_empty());
    assert_eq!(reminders_of(&app, &inv).await[0].reason.as_deref(), Some("unreachable"));

    // The demo debtor agrees on the profile page; without a mobile number that is refused.
    let demo = customer_by_email(&app, "demo@settle.test").await;
    customer::Entity::update_many()
        .col_expr(customer::Column::PhoneE164, Expr::value(Option::<String>::None))
        .filter(customer::Column::Id.eq(demo.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    app.login("demo@settle.test", "demo-password-1").await;
    let page = app.html("/profile").await;
    assert!(page.contains("automatische telefoongesprekken"), "{page}");
    let csrf = csrf_for(&page, "/profile/preferences").unwrap();
    let agree = [
        ("csrf", csrf.as_str()),
        ("language", "nl"),
        ("email", "on"),
        ("voice_consent", "on"),
    ];
    app.post("/profile/preferences", &agree).await;
    let page = app.html("/profile").await;
    assert!(page.contains("hebben wij uw mobiele nummer nodig"), "{page}");
    assert!(
        page.contains("aria-describedby=\"f-voice-error\""),
        "the error is tied to the box"
    );
    assert_eq!(customer_now(&app, demo.id).await.voice_consent_at, None);
    customer::Entity::update_many()
        .col_expr(
            customer::Column::PhoneE164,
            Expr::value(Some("+31611111111".to_string())),
        )
        .filter(customer::Column::Id.eq(demo.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    app.post("/profile/preferences", &agree).await;
    assert!(customer_now(&app, demo.id).await.voice_consent_at.is_some());
    let page = app.html("/profile").await;
    assert!(
        page.contains("Automatische herinneringsgesprekken"),
        "the consent record: {page}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_call_never_rings_outside_the_sending_window() {
    use chrono::{TimeZone, Utc};
    let (app, provider) = with_provider().await;
    let inv = called_debtor(&app, true).await;
    let senders = tenant_senders(&app, reqwest::Client::new());
    // Issued at 10:00, but the dispatcher only gets to it at 20:30 (the window closes at 20:00).
    issue_without_sending(&app).await;
    let late = Utc.with_ymd_and_hms(2026, 11, 23, 19, 30, 0).unwrap();
    dispatch_at(&app, &senders, late).await;
    let call = the_call(&app, &inv).await;
    let tuesday_eight = Utc.with_ymd_and_hms(2026, 11, 24, 7, 0, 0).unwrap();
    assert_eq!((call.status.as_str(), call.next_attempt_at), ("pending", tuesday_eight));
    assert!(
        provider.received_requests().await.unwrap().is_empty(),
        "nobody was called"
    );
    dispatch_at(&app, &senders, tuesday_eight).await;
    let call = outbox::Entity::find_by_id(call.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(call.status, "sent");
    app.cleanup().await;
}

#[tokio::test]
async fn a_call_queued_before_consent_was_withdrawn_is_not_placed() {
    use chrono::{TimeZone, Utc};
    let (app, provider) = with_provider().await;
    let inv = called_debtor(&app, true).await;
    let senders = tenant_senders(&app, reqwest::Client::new());
    issue_without_sending(&app).await;
    // The debtor says no before the dispatcher gets to the call.
    customer::Entity::update_many()
        .col_expr(
            customer::Column::VoiceConsentAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(customer::Column::Id.eq(inv.customer_id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let soon = Utc.with_ymd_and_hms(2026, 11, 23, 9, 5, 0).unwrap();
    dispatch_at(&app, &senders, soon).await;
    let call = the_call(&app, &inv).await;
    assert_eq!(call.status, "failed");
    assert!(call.last_error.unwrap_or_default().contains("no consent"));
    assert!(
        provider.received_requests().await.unwrap().is_empty(),
        "nobody was called"
    );
    app.cleanup().await;
}
