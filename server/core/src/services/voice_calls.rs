//! An automated reminder call, step by step as the voice provider asks for it: the start (who
//! calls; enter your postcode's digits), the check, what is open with the keypad menu, and
//! the menu's answers (1: the payment link by SMS, 2: a callback booked, 3: put through to
//! support while it is open). Every step is addressed by the call's signed address; the menu
//! also needs the signature given only after the check. Each step lands in the debtor's
//! timeline as an event of the call's message.
use crate::entities::{customer, invoice, outbox};
use crate::error::{ServiceError, ServiceResult};
use crate::message_events as events;
use crate::scope::{AuthLevel, DebtorScope};
use crate::services::auth::Caller;
use crate::services::callbacks::{self, Booking};
use crate::state::AppState;
use crate::tenant::TenantCtx;
use crate::voice::{call_sig, digits_match, identified_sig, postcode_digits, Script};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use settle_domain::locale::{format_date, Locale};
use settle_domain::money::Money;

/// The event of a call whose payment link went out by SMS (at most once per call).
const LINK_SENT: &str = "menu_link_by_sms";

/// One call: its message, the debtor, the invoice it is about.
pub struct Call {
    pub row: outbox::Model,
    pub customer: customer::Model,
    pub invoice: Option<invoice::Model>,
    pub locale: Locale,
    sig: String,
}

/// The call at `/voice/{id}/{sig}` of this tenant; not found for a wrong signature, another
/// tenant's message, or a message that is no call.
pub async fn call_of(state: &AppState, tenant: &TenantCtx, id: i64, sig: &str) -> ServiceResult<Call> {
    if !digits_match(&call_sig(&state.keys.tokens, id), sig) {
        return Err(ServiceError::NotFound);
    }
    let row = outbox::Entity::find_by_id(id)
        .filter(outbox::Column::TenantId.eq(tenant.id))
        .filter(outbox::Column::Channel.eq("voice"))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let customer = customer::Entity::find_by_id(row.customer_id.unwrap_or_default())
        .filter(customer::Column::TenantId.eq(tenant.id))
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let invoice = match row.invoice_id {
        Some(i) => {
            invoice::Entity::find_by_id(i)
                .filter(invoice::Column::TenantId.eq(tenant.id))
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let locale = customer
        .language
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(tenant.default_locale);
    Ok(Call {
        row,
        customer,
        invoice,
        locale,
        sig: sig.to_string(),
    })
}

/// How long after it was placed a call's addresses answer.
pub const CALL_MINUTES: i64 = 60;

/// Whether a request is about this call (the provider names it) while it can still be going
/// on: a request captured and replayed later, or naming another call, is refused.
pub fn is_live(state: &AppState, call: &Call, call_sid: &str) -> bool {
    let placed = call.row.provider_message_id.as_deref() == Some(call_sid) && !call_sid.is_empty();
    let recent = call
        .row
        .sent_at
        .is_some_and(|at| state.clock.now() - at <= chrono::Duration::minutes(CALL_MINUTES));
    placed && recent
}

impl Call {
    fn script<'a>(&self, tenant: &'a TenantCtx) -> Script<'a> {
        Script {
            locale: self.locale,
            tenant: &tenant.name,
        }
    }

    fn url(&self, tenant: &TenantCtx, rest: &str) -> String {
        tenant.link(&format!("/voice/{}/{}{rest}", self.row.id, self.sig))
    }

    fn identified(&self, state: &AppState) -> String {
        identified_sig(&state.keys.tokens, self.row.id)
    }

    async fn note(&self, state: &AppState, what: &str) -> ServiceResult<()> {
        events::record(&state.db, self.row.tenant_id, self.row.id, what, "", state.clock.now()).await?;
        Ok(())
    }
}

/// The call was answered: who calls, and the request for the postcode's digits.
pub fn start(tenant: &TenantCtx, call: &Call) -> String {
    let digits = postcode_digits(&call.customer.postcode).map(|d| d.len());
    call.script(tenant).start(digits, &call.url(tenant, "/identify?try=1"))
}

/// The digits typed: what is open and the menu, one more try, or the end of the call.
pub async fn identify(
    state: &AppState,
    tenant: &TenantCtx,
    call: &Call,
    typed: &str,
    attempt: u8,
) -> ServiceResult<String> {
    let script = call.script(tenant);
    let Some(expected) = postcode_digits(&call.customer.postcode) else {
        return Ok(script.start(None, ""));
    };
    if digits_match(&expected, typed) {
        call.note(state, "identified").await?;
        return Ok(facts(state, tenant, call));
    }
    if attempt < 2 {
        call.note(state, "identity_wrong").await?;
        return Ok(script.wrong(expected.len(), Some(&call.url(tenant, "/identify?try=2"))));
    }
    call.note(state, "identity_refused").await?;
    Ok(script.wrong(expected.len(), None))
}

/// What is open (the invoice, its open amount, its due date) and the menu.
pub fn facts(state: &AppState, tenant: &TenantCtx, call: &Call) -> String {
    let script = call.script(tenant);
    let l = call.locale;
    let menu = call.url(tenant, &format!("/menu/{}", call.identified(state)));
    match call.invoice.as_ref().filter(|i| i.status == "open" && i.open_cents > 0) {
        Some(inv) => script.facts(
            &inv.number,
            &Money::eur(inv.open_cents).format(l),
            &format_date(inv.due_date, l),
            &menu,
        ),
        None => script.nothing_open(),
    }
}

/// The menu's answer to the key pressed (`ok`: the signature the check gave).
pub async fn menu(state: &AppState, tenant: &TenantCtx, call: &Call, ok: &str, key: &str) -> ServiceResult<String> {
    if !digits_match(&call.identified(state), ok) {
        return Err(ServiceError::Forbidden);
    }
    let script = call.script(tenant);
    let now = state.clock.now();
    match key.trim() {
        "1" => {
            // Once per call, to the number called: the SMS this call was written with (the
            // payment link, in the SMS wording).
            let sent = crate::entities::message_event::Entity::find()
                .filter(crate::entities::message_event::Column::OutboxId.eq(call.row.id))
                .filter(crate::entities::message_event::Column::Kind.eq(LINK_SENT))
                .count(&state.db)
                .await?;
            if sent == 0 {
                crate::outbox::enqueue_sms(
                    &state.db,
                    now,
                    tenant.id,
                    Some(call.customer.id),
                    &call.row.recipient,
                    call.row.body_text.clone(),
                )
                .await?;
                call.note(state, LINK_SENT).await?;
            }
            Ok(script.link_sent())
        }
        "2" => {
            let scope = DebtorScope::new(tenant.id, call.customer.id, AuthLevel::Full);
            let page = callbacks::page(state, tenant, &scope).await?;
            let first = page
                .days
                .iter()
                .find_map(|d| d.slots.first().map(|s| (d.date, s.clone())));
            let phone = call.customer.phone_e164.clone().unwrap_or_default();
            let booked = match &first {
                Some((_, (slot, _))) => {
                    let caller = Caller {
                        tenant,
                        ip: "voice",
                        locale: call.locale,
                    };
                    let b = Booking {
                        topic: "payment",
                        phone: &phone,
                        slot,
                        invoices: call.invoice.iter().map(|i| i.number.clone()).collect(),
                    };
                    match callbacks::book(state, &caller, &scope, &b).await {
                        Ok(id) => Some(id),
                        // Taken meanwhile, or one is booked already: none to offer now.
                        Err(ServiceError::Invalid(_) | ServiceError::Conflict(_)) => None,
                        Err(e) => return Err(e),
                    }
                }
                None => None,
            };
            match (booked, first) {
                (Some(_), Some((date, (_, time)))) => {
                    call.note(state, "menu_callback_booked").await?;
                    Ok(script.callback_booked(&format!("{} {time}", format_date(date, call.locale))))
                }
                _ => {
                    call.note(state, "menu_callback_none").await?;
                    Ok(script.no_callback(&tenant.row.support_phone))
                }
            }
        }
        "3" => {
            let (rules, _) = callbacks::rules(&state.db, tenant).await?;
            let local = now.with_timezone(&tenant.tz).naive_local();
            // The support number is free text: only a number that reads as one is dialled.
            let support = crate::phone::e164(&tenant.row.support_phone, tenant.country()).ok();
            if let Some(support) = support.filter(|_| rules.hours.is_open(local)) {
                call.note(state, "menu_connected").await?;
                let caller_id = crate::services::sms_settings::load(&state.db, &state.keys, tenant.id)
                    .await
                    .ok()
                    .flatten()
                    .map(|p| p.sender().to_string())
                    .unwrap_or_default();
                Ok(script.connect(&support, &caller_id))
            } else {
                call.note(state, "menu_support_closed").await?;
                let again = call.url(tenant, &format!("/facts/{}", call.identified(state)));
                Ok(script.closed(&tenant.row.support_hours, &again))
            }
        }
        _ => Ok(facts(state, tenant, call)),
    }
}

/// The provider's report on the call (answered, completed, no answer, busy, failed), into the
/// timeline.
pub async fn status(state: &AppState, call: &Call, what: &str) -> ServiceResult<()> {
    call.note(state, what).await
}
