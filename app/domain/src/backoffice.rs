//! What the back office pages show: staff-facing views (they cross the wire like the portal's).
use crate::money::Money;
use crate::views::DisplayStatus;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The signed-in staff member, for the frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    pub name: String,
    /// agent, admin, operator
    pub role: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCounts {
    pub callbacks: u64,
    pub disputes: u64,
    pub disputes_overdue: u64,
    pub requests: u64,
    pub unmatched: u64,
    pub delivery: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DebtorHit {
    pub id: i64,
    pub customer_number: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffInvoiceRow {
    pub number: String,
    pub due: NaiveDate,
    pub amount: Money,
    pub open: Money,
    pub status: DisplayStatus,
    /// Why dunning holds (a code: paused, disputed, payment_plan, callback, ...).
    pub hold: Option<String>,
    pub hold_reason: Option<String>,
    /// The dunning step reached: its position and name.
    pub stage: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub at: NaiveDateTime,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// In the tenant's time zone.
    pub at: NaiveDateTime,
    /// message, message_event, payment, audit, note
    pub kind: String,
    /// What happened: a channel, an event or an action code.
    pub what: String,
    pub detail: String,
    pub invoice: Option<String>,
    /// For a reminder whose part of the day the learner chose: the choice and its evidence.
    #[serde(default)]
    pub choice: Option<LearnedChoice>,
}

/// The learner's choice for one reminder, as stored with it and explained in the timeline: the
/// plan (segment) it learned in; the part of the day and what every part of the day offered
/// had achieved then: (band, messages credited with payment or a plan within `window_days`,
/// messages); and the template variant with the same evidence per variant. Either choice may
/// be absent (a debtor's payment habit sets the hour; a step without a second wording).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedChoice {
    pub plan: String,
    pub window_days: i64,
    #[serde(default)]
    pub band: Option<String>,
    #[serde(default)]
    pub arms: Vec<(String, u64, u64)>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub variant_arms: Vec<(String, u64, u64)>,
    /// The reminder was held back for the part of the day chosen (not sent at once).
    #[serde(default)]
    pub held: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisputeRow {
    pub id: i64,
    pub invoice: String,
    pub reason: String,
    pub text: String,
    pub status: String,
    pub overdue: bool,
    pub raised: NaiveDateTime,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallbackRow {
    pub id: i64,
    pub debtor_id: i64,
    pub debtor: String,
    pub topic: String,
    pub phone: String,
    pub slot: NaiveDateTime,
    /// booked, cancelled, done
    pub status: String,
    pub claimed_by: Option<String>,
    pub mine: bool,
    pub outcome: Option<String>,
    pub promised_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DebtorPageView {
    pub id: i64,
    pub customer_number: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub language: Option<String>,
    pub channels: Vec<String>,
    pub representative: Option<String>,
    pub legal_stop: Option<String>,
    /// Since when letters to the postal address come back (none go there until it changes).
    pub address_invalid: Option<NaiveDateTime>,
    /// When the contact data was erased (on request or by retention).
    pub contact_erased: Option<NaiveDateTime>,
    /// Letters that went out and may be registered as returned: (message id, when sent).
    pub returnable_letters: Vec<(i64, NaiveDateTime)>,
    pub invoices: Vec<StaffInvoiceRow>,
    pub disputes: Vec<DisputeRow>,
    pub callbacks: Vec<CallbackRow>,
    pub changes: Vec<ChangeRow>,
    /// Consents for SMS and tracking given or withdrawn, newest first.
    pub consents: Vec<crate::views::ConsentRow>,
    /// Newest first: messages and their events, payments, what the debtor and staff did, notes.
    pub timeline: Vec<TimelineEntry>,
}

/// A dispute in the queue, with the debtor's name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisputeQueueRow {
    pub dispute: DisputeRow,
    pub debtor_id: i64,
    pub debtor: String,
    pub open: Money,
}

/// An open invoice whose amount matches an unmatched payment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub number: String,
    pub open: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnmatchedRow {
    pub id: i64,
    pub received_on: NaiveDate,
    pub amount: Money,
    pub unallocated: Money,
    pub name: Option<String>,
    pub iban: Option<String>,
    pub reference: String,
    /// statement, provider, staff, api
    pub source: String,
    pub suggestions: Vec<Suggestion>,
}

/// A request outside the policy, waiting for staff: a payment plan or a later payment date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestRow {
    pub task_id: i64,
    /// plan_request, deferral_request
    pub kind: String,
    pub debtor_id: i64,
    pub debtor: String,
    pub invoices: Vec<String>,
    pub total: Money,
    /// Plans: the instalments and first date asked for.
    pub instalments: Option<u32>,
    pub first: Option<NaiveDate>,
    /// Deferrals: the date asked for.
    pub until: Option<NaiveDate>,
    /// Why it is outside the policy (codes).
    pub reasons: Vec<String>,
    pub created: NaiveDateTime,
}

/// A message that could not be delivered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub at: NaiveDateTime,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub error: Option<String>,
    pub debtor_id: Option<i64>,
    pub invoice: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: NaiveDateTime,
    /// The staff member's name, or debtor / system.
    pub actor: String,
    pub action: String,
    pub debtor: Option<(i64, String)>,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Where the next (older) page starts.
    pub next_before: Option<i64>,
}

/// One (kind, channel, language) in the template list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub kind: String,
    pub channel: String,
    pub locale: String,
    /// `a`, or `b` (a plain reminder's second wording, for the learner).
    pub variant: String,
    /// None: the shipped wording.
    pub version: Option<i32>,
    pub author: Option<String>,
    pub at: Option<NaiveDateTime>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionRow {
    pub version: i32,
    pub author: String,
    pub at: NaiveDateTime,
    pub active: bool,
}

/// A line of a diff between two versions: `+` added, `-` removed, ` ` kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffLine {
    pub tag: char,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplatePageView {
    pub kind: String,
    pub channel: String,
    pub locale: String,
    pub variant: String,
    /// What the form shows: a draft being previewed, else the active version, else the shipped
    /// wording.
    pub subject: String,
    pub body: String,
    pub is_draft: bool,
    pub active_version: Option<i32>,
    pub versions: Vec<VersionRow>,
    /// (name, what it holds)
    pub variables: Vec<(String, String)>,
    /// The draft's problems (field -> code; `unknown` lists unknown variables), or its preview.
    pub errors: std::collections::BTreeMap<String, String>,
    pub preview_subject: Option<String>,
    pub preview_text: Option<String>,
    pub sms_segments: Option<usize>,
    /// Compared with the previous version when one is chosen.
    pub diff: Option<(i32, i32, Vec<DiffLine>)>,
}

/// How often a step's message on a channel was followed by payment within the window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversionRow {
    pub step: String,
    pub channel: String,
    pub sent: u64,
    pub paid: u64,
}

/// Messages whose wording the learner chose, per step and variant, and those credited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VariantRow {
    pub step: String,
    pub variant: String,
    pub sent: u64,
    pub paid: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BandRow {
    pub band: String,
    pub sent: u64,
    pub paid: u64,
}

/// Payment rates (percent of debtors whose reminder was followed by payment or a plan within the
/// window) of the learner's and the holdout's debtors, and the difference in points with its
/// 95 % confidence interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiftView {
    pub learner_debtors: u64,
    pub holdout_debtors: u64,
    pub learner_percent: f64,
    pub holdout_percent: f64,
    pub points: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days after a message within which a payment counts for it.
    pub window_days: i64,
    pub open_count: u64,
    pub open: Money,
    pub overdue_count: u64,
    pub overdue: Money,
    /// Invoiced in the range.
    pub invoiced: Money,
    /// Days sales outstanding: what is open against what was invoiced per day of the range.
    pub dso_days: Option<i64>,
    /// Money received in the range by how it came: online, plan, transfer, staff, api.
    pub collected: Vec<(String, Money)>,
    /// Per step and channel: messages, and those credited with their invoice's outcome (paid
    /// or a plan agreed within the window, the last message before it).
    pub conversion: Vec<ConversionRow>,
    /// The same per part of the day the message went out in (`morning`, `afternoon`,
    /// `evening`, `night`).
    pub by_band: Vec<BandRow>,
    /// The same per template variant, for the messages whose wording the learner chose.
    pub by_variant: Vec<VariantRow>,
    /// The learner against the holdout on the fixed plan (debtors reminded in the range); none
    /// until both cohorts have debtors.
    pub lift: Option<LiftView>,
    /// Callbacks whose slot fell in the range: all, done, cancelled, never closed.
    pub callbacks: (u64, u64, u64, u64),
    /// Disputes raised in the range: all, decided within the SLA, decided late, open past it.
    pub disputes: (u64, u64, u64, u64),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub second_factor: bool,
    pub last_login: Option<NaiveDateTime>,
    pub disabled: bool,
    /// The signed-in admin themself.
    pub me: bool,
}

/// What a staff member needs once to set up their second factor; never shown again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecondFactorOnce {
    pub email: String,
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
    pub recovery_codes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffPageView {
    pub staff: Vec<StaffRow>,
    pub once: Option<SecondFactorOnce>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrandingView {
    pub display_name: String,
    pub primary: String,
    pub accent: String,
    pub support_phone: String,
    pub support_email: String,
    pub support_hours: String,
    pub legal_footer: String,
    /// The postal address letters print as sender and return address (one line).
    pub sender_address: String,
    /// The name in the From of the tenant's mail; `None` without a mail identity.
    pub sender_name: Option<String>,
    /// Contrast of each colour against white (AA needs 4.5).
    pub primary_contrast: Option<f64>,
    pub accent_contrast: Option<f64>,
    /// DNS records to publish for the tenant's mail.
    pub dns: Vec<DnsRow>,
}

/// An API key as admins see it (never the key).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// read or write.
    pub scope: String,
    /// The key's first characters.
    pub prefix: String,
    pub created: NaiveDateTime,
    pub created_by: String,
    pub last_used: Option<NaiveDateTime>,
    pub revoked: Option<NaiveDateTime>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKeysPageView {
    pub keys: Vec<ApiKeyRow>,
    /// A key made a moment ago, shown this once.
    pub new_key: Option<String>,
}

/// A webhook endpoint as admins see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    /// Event types, or `*` for all.
    pub events: Vec<String>,
    pub created: NaiveDateTime,
    pub pending: u64,
    pub failed: u64,
    pub last_delivered: Option<NaiveDateTime>,
}

/// One delivery of an event to an endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookDeliveryRow {
    pub id: i64,
    pub event_type: String,
    /// pending, delivered or failed.
    pub status: String,
    pub attempts: i32,
    pub created: NaiveDateTime,
    pub next_attempt: Option<NaiveDateTime>,
    pub delivered: Option<NaiveDateTime>,
    /// The HTTP status and the start of the body, or why there was no answer.
    pub answer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhooksPageView {
    pub endpoints: Vec<WebhookRow>,
    /// The types an endpoint may subscribe to.
    pub event_types: Vec<String>,
    /// A secret made a moment ago, shown this once.
    pub secret_once: Option<String>,
    /// The endpoint whose deliveries are shown, and those deliveries (newest first).
    pub log: Option<(WebhookRow, Vec<WebhookDeliveryRow>)>,
}

/// A tenant as operators see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TenantRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub base_url: String,
    pub hosts: Vec<String>,
    pub locale: String,
    pub debtors: i64,
    pub open_invoices: i64,
    pub staff: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TenantsPageView {
    pub tenants: Vec<TenantRow>,
    /// The new tenant's admin's second factor, shown once.
    pub once: Option<SecondFactorOnce>,
}

/// The provider settings page: what is set, never a credential.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProvidersView {
    pub email: Option<MailIdentityView>,
    /// twilio or messagebird.
    pub sms: Option<String>,
    pub payment: Option<PaymentProviderView>,
    pub print_url: Option<String>,
    /// The sandbox provider (pays without money) is offered outside production only.
    pub sandbox_allowed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailIdentityView {
    pub from: String,
    pub reply_to: String,
    pub dkim_selector: Option<String>,
    pub dkim_algorithm: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentProviderView {
    pub provider: String,
    pub allow_partial: bool,
    pub min_partial_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DnsRow {
    /// SPF, DKIM or DMARC.
    pub purpose: String,
    pub kind: String,
    pub name: String,
    pub value: String,
    /// As DNS answered just now: ok, wrong, missing, unchecked; `None` when not checked live.
    pub status: Option<String>,
    /// For `wrong`: what is published instead.
    pub found: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub id: i64,
    pub name: String,
    pub segment: String,
    pub is_default: bool,
    pub steps: usize,
}

/// A step as the editor shows it (raw text, so a wrong value comes back as typed).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepRow {
    pub id: Option<i64>,
    pub name: String,
    pub offset_days: String,
    pub kind: String,
    pub channels: String,
    pub fee: String,
    pub interest: String,
    /// Messages went out for it: it cannot be removed.
    pub used: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimRow {
    pub day: NaiveDate,
    pub step: String,
    pub kind: String,
    pub channels: String,
}

/// Which debtors a plan is for, as the editor shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SegmentForm {
    pub name: String,
    pub priority: String,
    /// Comma-separated.
    pub tags: String,
    pub languages: String,
    /// In euros.
    pub min_open: String,
    pub max_open: String,
    pub min_reminded: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanEditView {
    pub id: i64,
    pub name: String,
    pub segment: String,
    pub is_default: bool,
    pub segment_form: SegmentForm,
    pub steps: Vec<StepRow>,
    pub kinds: Vec<String>,
    /// The simulator: the invoice asked for, and what would go out when (or why not).
    pub simulated: Option<String>,
    pub simulation: Vec<SimRow>,
    pub simulation_error: Option<String>,
}

/// The contact policy as the editor shows it (raw text, so a wrong value comes back as typed).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyForm {
    pub window_opens: String,
    pub window_closes: String,
    pub closed_weekdays: String,
    pub holiday_region: String,
    pub extra_closed_dates: String,
    pub letter_delivery_days: String,
    pub email_delivery_days: String,
    pub email_per_day: String,
    pub sms_per_day: String,
    pub letters_per_day: String,
    pub send_time_optimisation: bool,
    pub click_tracking: bool,
    pub open_tracking: bool,
    /// Days opens and clicks are kept.
    pub tracking_retention_days: String,
    /// Days a debtor with nothing open keeps contact data after the last activity.
    pub closed_debtor_retention_days: String,
    /// Learn the part of the day reminders go out (next best action).
    pub learning: bool,
    /// Percent of debtors that always get the fixed plan (0 to 50).
    pub holdout_percent: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlansPageView {
    pub plans: Vec<PlanRow>,
    pub policy: PolicyForm,
}
