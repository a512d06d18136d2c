//! What crosses the wire from server to page: plain data, computed on the server.
use crate::locale::Locale;
use crate::money::Money;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantView {
    pub slug: String,
    pub name: String,
    pub primary: String,
    pub accent: String,
    pub support_phone: String,
    pub support_email: String,
    pub support_hours: String,
    pub legal_footer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    pub name: String,
    /// False after a step-up from a payment link: contact changes need a full login.
    pub full_login: bool,
}

/// A failed form post, carried to the next GET so the form shows the typed values and errors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Flash {
    pub form: String,
    pub values: BTreeMap<String, String>,
    /// Field name (or "form") -> error code.
    pub errors: BTreeMap<String, String>,
    /// A notice code shown once (e.g. "link_sent").
    pub notice: Option<String>,
}

impl Flash {
    pub fn error_for(&self, form: &str, field: &str) -> Option<String> {
        (self.form == form).then(|| self.errors.get(field).cloned()).flatten()
    }
    pub fn value_for(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.values.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShellView {
    pub tenant: TenantView,
    pub locale: Locale,
    pub user: Option<UserView>,
    /// A signed-in staff member (back office pages).
    pub staff: Option<crate::backoffice::StaffView>,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub dev_mode: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisplayStatus {
    Open,
    Overdue,
    PartlyPaid,
    /// An online payment is being processed (e.g. by the bank): no new payment, no reminder.
    Pending,
    Paid,
    Cancelled,
}

impl DisplayStatus {
    /// How an invoice looks to the debtor on a given day; "partly paid" wins over "overdue"
    /// only until the due date passes.
    pub fn of(status: &str, amount_cents: i64, open_cents: i64, due: NaiveDate, today: NaiveDate) -> Self {
        match status {
            "paid" => DisplayStatus::Paid,
            "cancelled" => DisplayStatus::Cancelled,
            _ if open_cents <= 0 => DisplayStatus::Paid,
            "pending" => DisplayStatus::Pending,
            _ if due < today => DisplayStatus::Overdue,
            _ if open_cents < amount_cents => DisplayStatus::PartlyPaid,
            _ => DisplayStatus::Open,
        }
    }
    pub fn is_payable(self) -> bool {
        matches!(
            self,
            DisplayStatus::Open | DisplayStatus::Overdue | DisplayStatus::PartlyPaid
        )
    }
    /// Sort key: what needs attention first.
    pub fn rank(self) -> u8 {
        match self {
            DisplayStatus::Overdue => 0,
            DisplayStatus::PartlyPaid => 1,
            DisplayStatus::Open => 2,
            DisplayStatus::Pending => 3,
            DisplayStatus::Paid => 4,
            DisplayStatus::Cancelled => 5,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub open: Money,
    pub status: DisplayStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineView {
    pub description: String,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaymentInstructions {
    pub beneficiary: String,
    pub iban: String,
    pub bic: Option<String>,
    pub reference: String,
    pub amount: Money,
    /// The EPC QR code as an image on this tenant's host (`/qr/epc/{reference}/{cents}.svg`),
    /// fetched only when shown: most debtors pay on the phone that would have to scan it.
    pub qr_url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    pub summary: InvoiceSummary,
    pub description: String,
    pub lines: Vec<LineView>,
    pub payment: Option<PaymentInstructions>,
    /// None when the tenant has no online payment or the invoice is not payable.
    pub online: Option<OnlinePayment>,
    pub has_pdf: bool,
    /// The debtor's disputes about this invoice, newest first.
    pub disputes: Vec<DisputeView>,
    /// Whether a new dispute may be raised (the invoice is open and none is open yet).
    pub can_dispute: bool,
    /// "Pay later": the latest due date the debtor may choose at once; None when the invoice
    /// cannot be moved (any later date still goes to staff as a request).
    pub defer_until: Option<NaiveDate>,
    /// The invoice was moved already, from this due date.
    pub deferred_from: Option<NaiveDate>,
    /// A new payment date may be asked for, or a plan agreed (the invoice is open and nothing
    /// holds it).
    pub can_defer: bool,
    /// The invoice's running payment plan, if any.
    pub plan: Option<PlanView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    /// active, requested
    pub status: String,
    /// The invoices the plan covers, in the order its payments settle them.
    pub covers: Vec<String>,
    pub instalments: Vec<InstalmentView>,
    /// How to pay the next unpaid instalment (its amount, its own reference and QR code).
    pub next: Option<PaymentInstructions>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstalmentView {
    pub seq: i32,
    pub due: NaiveDate,
    pub amount: Money,
    pub reference: String,
    pub paid: bool,
}

/// `/invoices/{number}/plan`: the choices, and the schedule for the chosen ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanPageView {
    pub number: String,
    /// The open amount of the page's invoice.
    pub own_open: Money,
    /// The open amount of the invoices chosen.
    pub total: Money,
    pub can_plan: bool,
    /// The debtor's invoices a plan may cover, the chosen ones marked.
    pub candidates: Vec<PlanCandidate>,
    pub max_instalments: u32,
    pub first_due_max: NaiveDate,
    /// The schedule for the instalments and first date asked for (query), when valid.
    pub preview: Option<Vec<(NaiveDate, Money)>>,
    pub chosen: Option<(u32, NaiveDate)>,
    /// Why the chosen plan needs staff's approval; empty when within policy.
    pub outside: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanCandidate {
    pub number: String,
    pub open: Money,
    pub due: NaiveDate,
    pub chosen: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisputeView {
    pub reason: String,
    pub text: String,
    /// open, accepted, rejected
    pub status: String,
    pub explanation: Option<String>,
    pub raised_on: NaiveDate,
    pub attachment: Option<String>,
}

/// What a debtor may pay online for one invoice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OnlinePayment {
    /// Smallest and largest part of the invoice payable at once; None when only the whole can be paid.
    pub partial: Option<(Money, Money)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentOutcome {
    Open,
    Paid,
    Pending,
    Failed,
    Cancelled,
}

/// The return page after the provider: the real outcome of a checkout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub creditor: String,
    pub amount: Money,
    pub outcome: PaymentOutcome,
    /// Back to the provider while the payment is still open.
    pub checkout_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub total_due: Money,
    pub overdue_total: Money,
    pub overdue_count: usize,
    pub open_count: usize,
    pub next_due: Option<NaiveDate>,
    pub next_due_invoice: Option<String>,
    /// Overpaid money the creditor owes the debtor (refund on its way).
    pub credit: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayView {
    pub creditor: String,
    pub invoice_number: String,
    pub masked_name: String,
    pub due_date: NaiveDate,
    pub status: DisplayStatus,
    pub amount: Money,
    /// A link for one instalment of a payment plan.
    pub instalment: Option<PayInstalment>,
    pub payment: Option<PaymentInstructions>,
    pub online: bool,
    /// Where the step-up code went, masked; None until "this is me" was pressed.
    pub code_sent_to: Option<String>,
    pub csrf: String,
}

/// The instalment a payment link pays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayInstalment {
    pub seq: i32,
    pub of: i32,
    /// The plan's invoices still open.
    pub covers: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn status_follows_open_amount_and_due_date() {
        let today = d("2026-11-22");
        assert_eq!(
            DisplayStatus::of("open", 100, 100, d("2026-12-01"), today),
            DisplayStatus::Open
        );
        assert_eq!(
            DisplayStatus::of("open", 100, 100, d("2026-11-21"), today),
            DisplayStatus::Overdue
        );
        assert_eq!(
            DisplayStatus::of("open", 100, 40, d("2026-12-01"), today),
            DisplayStatus::PartlyPaid
        );
        assert_eq!(
            DisplayStatus::of("open", 100, 40, d("2026-11-01"), today),
            DisplayStatus::Overdue
        );
        assert_eq!(
            DisplayStatus::of("open", 100, 0, d("2026-11-01"), today),
            DisplayStatus::Paid
        );
        assert_eq!(
            DisplayStatus::of("paid", 100, 0, d("2026-11-01"), today),
            DisplayStatus::Paid
        );
        assert_eq!(
            DisplayStatus::of("pending", 100, 100, d("2026-11-01"), today),
            DisplayStatus::Pending,
            "a payment under way is not shown as overdue"
        );
        assert!(!DisplayStatus::Pending.is_payable());
        assert!(!DisplayStatus::Paid.is_payable());
        assert!(DisplayStatus::Overdue.rank() < DisplayStatus::Open.rank());
    }
}

/// Whether a debtor may act on an invoice on their own (move its date, agree a plan): it is
/// open, something is owed, and nothing holds its dunning yet.
pub fn self_service_open(status: &str, open_cents: i64, hold: Option<&str>) -> bool {
    status == "open" && open_cents > 0 && hold.is_none()
}

/// The debtor's own contact data on `/profile`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileView {
    pub name: String,
    pub customer_number: String,
    pub email: Option<String>,
    /// Waiting for the link sent to it.
    pub pending_email: Option<String>,
    pub phone: Option<String>,
    /// Waiting for the SMS code.
    pub pending_phone: Option<String>,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub language: Option<String>,
    pub pref_email: bool,
    pub pref_sms: bool,
    pub pref_letter: bool,
    /// The debtor agreed to automated reminder calls.
    #[serde(default)]
    pub voice_consent: bool,
    /// Contact changes need a full login, not a step-up from a payment link.
    pub full_login: bool,
    /// (kind, name, receives instead of the debtor)
    pub representative: Option<(String, String, bool)>,
    /// The creditor counts opens and clicks of reminder emails, so the debtor may say no.
    pub tracking_offered: bool,
    /// The debtor has not said no to that counting.
    pub tracking: bool,
    /// Every consent given or withdrawn, newest first.
    pub consents: Vec<ConsentRow>,
}

/// A consent given or withdrawn: reminders by SMS (`sms`) or counting opens and clicks of
/// reminder emails (`tracking`); how: `portal` (the debtor) or `backoffice` (staff).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsentRow {
    /// In the tenant's time zone.
    pub at: NaiveDateTime,
    pub purpose: String,
    pub granted: bool,
    pub source: String,
}

/// `/callback`: the slots on offer by day, the debtor's booked callbacks, and their invoices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallbackPageView {
    pub phone: Option<String>,
    pub days: Vec<SlotDay>,
    pub booked: Vec<BookedCallback>,
    pub open_invoices: Vec<String>,
    /// Whether reminders pause while a callback is pending (tenant setting).
    pub holds_dunning: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotDay {
    pub date: NaiveDate,
    /// (value to post: local `YYYY-MM-DDTHH:MM`, time label `HH:MM`)
    pub slots: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BookedCallback {
    pub id: i64,
    pub topic: String,
    pub date: NaiveDate,
    pub time: String,
    pub phone: String,
    pub invoices: String,
}
