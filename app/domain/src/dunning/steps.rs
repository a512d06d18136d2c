//! Dunning plans as data and the rule that picks the step due for an invoice: day offsets from
//! the due date, catch-up after downtime (the most advanced due step, never past a required
//! one), the running 14-day term before anything further, and the holds that stop all contact.
use super::fees::{FeeRule, InterestRule};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
    Letter,
    /// An automated call (text to speech, a keypad menu): plain reminders only, with the
    /// debtor's consent; what it says is Settle's, its SMS link uses the SMS wording.
    Voice,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Email, Channel::Sms, Channel::Letter, Channel::Voice];
    /// The channels with a text of their own (templates).
    pub const WRITTEN: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Letter];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Letter => "letter",
            Channel::Voice => "voice",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// The channels of a step: each group sends one message, through the first of its channels
/// the debtor can be reached on. Text form: groups joined by `+`, fallbacks by `>`, so
/// `email>sms+letter` is "email, else SMS; and a letter".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelGroups(pub Vec<Vec<Channel>>);

impl ChannelGroups {
    pub fn parse(s: &str) -> Option<ChannelGroups> {
        let groups = s
            .split('+')
            .map(|g| g.split('>').map(Channel::parse).collect::<Option<Vec<_>>>())
            .collect::<Option<Vec<_>>>()?;
        let mut seen = Vec::new();
        for c in groups.iter().flatten() {
            if seen.contains(c) {
                return None;
            }
            seen.push(*c);
        }
        (!groups.is_empty()).then_some(ChannelGroups(groups))
    }

    pub fn as_text(&self) -> String {
        self.0
            .iter()
            .map(|g| g.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(">"))
            .collect::<Vec<_>>()
            .join("+")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Reminder,
    /// Art. 6:96 lid 6 BW: announces the exact collection costs, due only after 14 days from
    /// the day after delivery.
    FourteenDayLetter,
    FinalNotice,
    /// The invoice leaves the plan: a staff task and an outgoing event.
    HandOver,
    /// Zvw art. 18a-18c letters at 2, 4 and 6 months of unpaid premium, each offering a
    /// payment arrangement.
    ZvwLetter,
    /// Zvw art. 18c: the report to the CAK at 6 months (a staff task and an outgoing event).
    CakReport,
    /// Vroegsignalering: arrears reported to the municipality (an export and a staff task).
    EarlySignal,
    /// § 19 StromGVV: disconnection threatened 4 weeks ahead, only with at least EUR 100 arrears.
    DisconnectionNotice,
}

/// A template's variant: `A`, the wording every message has; `B`, a second wording of a plain
/// reminder (say, friendlier or more formal) that the learner tries against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Variant {
    A,
    B,
}

impl Variant {
    pub const ALL: [Variant; 2] = [Variant::A, Variant::B];

    pub fn as_str(self) -> &'static str {
        match self {
            Variant::A => "a",
            Variant::B => "b",
        }
    }

    pub fn parse(s: &str) -> Option<Variant> {
        Variant::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim().to_ascii_lowercase())
    }
}

impl StepKind {
    pub const ALL: [StepKind; 8] = [
        StepKind::Reminder,
        StepKind::FourteenDayLetter,
        StepKind::FinalNotice,
        StepKind::HandOver,
        StepKind::ZvwLetter,
        StepKind::CakReport,
        StepKind::EarlySignal,
        StepKind::DisconnectionNotice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Reminder => "reminder",
            StepKind::FourteenDayLetter => "fourteen_day_letter",
            StepKind::FinalNotice => "final_notice",
            StepKind::HandOver => "hand_over",
            StepKind::ZvwLetter => "zvw_letter",
            StepKind::CakReport => "cak_report",
            StepKind::EarlySignal => "early_signal",
            StepKind::DisconnectionNotice => "disconnection_notice",
        }
    }

    pub fn parse(s: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Steps whose wording may come in a second variant for the learner to try: plain
    /// reminders only; every notice with legal content keeps its one wording.
    pub fn allows_variants(self) -> bool {
        self == StepKind::Reminder
    }

    /// Steps the law requires before what follows them: catch-up never skips these.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            StepKind::FourteenDayLetter | StepKind::ZvwLetter | StepKind::DisconnectionNotice
        )
    }

    /// Steps that start a term during which nothing further goes out.
    pub fn starts_term(self) -> bool {
        matches!(self, StepKind::FourteenDayLetter)
    }

    /// Steps whose real work is done by staff or another system: they create a task.
    pub fn creates_task(self) -> bool {
        matches!(self, StepKind::HandOver | StepKind::CakReport | StepKind::EarlySignal)
    }

    /// The least open amount for the step to apply at all.
    pub fn min_arrears_cents(self) -> i64 {
        match self {
            StepKind::DisconnectionNotice => 10_000,
            _ => 0,
        }
    }

    /// The step's fee is charged only once the 14-day term it announces has run out.
    pub fn defers_fee(self) -> bool {
        self.starts_term()
    }
}

/// Days of the 14-day term (art. 6:96 lid 6 BW) and the notice period of § 19 StromGVV.
pub const FOURTEEN_DAY_TERM: u32 = 14;
pub const DISCONNECTION_NOTICE_DAYS: i64 = 28;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub position: i32,
    pub offset_days: i32,
    pub kind: StepKind,
    pub channels: ChannelGroups,
    pub fee: FeeRule,
    /// Statutory interest the step charges.
    pub interest: InterestRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("a plan needs at least one step")]
    Empty,
    #[error("steps must be in order of position and offset")]
    OutOfOrder,
    #[error("nothing may follow a hand-over")]
    AfterHandOver,
    #[error("only a plain reminder may call")]
    VoiceOnlyReminders,
}

/// A plan is valid when its steps ascend in position and offset (so a step before a due step
/// is due too), nothing follows the hand-over, and only plain reminders call (a notice with
/// legal content is never a phone call).
pub fn validate(steps: &[Step]) -> Result<(), PlanError> {
    if steps.is_empty() {
        return Err(PlanError::Empty);
    }
    let calls = |s: &Step| s.channels.0.iter().flatten().any(|c| *c == Channel::Voice);
    if steps.iter().any(|s| calls(s) && s.kind != StepKind::Reminder) {
        return Err(PlanError::VoiceOnlyReminders);
    }
    for w in steps.windows(2) {
        if w[1].position <= w[0].position || w[1].offset_days < w[0].offset_days {
            return Err(PlanError::OutOfOrder);
        }
        if w[0].kind == StepKind::HandOver {
            return Err(PlanError::AfterHandOver);
        }
    }
    Ok(())
}

/// Why nothing goes out for an invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    Settled,
    PaymentPending,
    Disputed,
    PaymentPlan,
    HandedOver,
    Paused,
    /// The debtor is in debt restructuring (WSNP, Insolvenz), debt counselling, or deceased.
    LegalStop,
}

impl Hold {
    pub fn code(self) -> &'static str {
        match self {
            Hold::Settled => "settled",
            Hold::PaymentPending => "payment_pending",
            Hold::Disputed => "disputed",
            Hold::PaymentPlan => "payment_plan",
            Hold::HandedOver => "handed_over",
            Hold::Paused => "paused",
            Hold::LegalStop => "legal_stop",
        }
    }

    /// Invoice-level holds as stored in `invoices.dunning_hold`.
    pub fn parse_invoice_hold(s: &str) -> Option<Hold> {
        [Hold::Disputed, Hold::PaymentPlan, Hold::HandedOver, Hold::Paused]
            .into_iter()
            .find(|h| h.code() == s)
    }
}

/// The legal stops a debtor can carry (`customers.legal_stop`).
pub const LEGAL_STOPS: [&str; 4] = ["debt_restructuring", "insolvency", "debt_counselling", "deceased"];

/// The one place that says whether an invoice may be reminded at all. An unknown stored hold
/// value holds too: a typo must never restart contact.
pub fn hold_of(status: &str, invoice_hold: Option<&str>, legal_stop: Option<&str>) -> Option<Hold> {
    if legal_stop.is_some() {
        return Some(Hold::LegalStop);
    }
    match status {
        "open" => {}
        "pending" => return Some(Hold::PaymentPending),
        _ => return Some(Hold::Settled),
    }
    invoice_hold.map(|h| Hold::parse_invoice_hold(h).unwrap_or(Hold::Paused))
}

/// Whether a queued message of a step may still leave: only when nothing holds its invoice,
/// except that a hand-over's own notice goes out under the hold the hand-over created.
pub fn message_may_go(kind: StepKind, status: &str, invoice_hold: Option<&str>, legal_stop: Option<&str>) -> bool {
    match hold_of(status, invoice_hold, legal_stop) {
        None => true,
        Some(Hold::HandedOver) => kind == StepKind::HandOver,
        Some(_) => false,
    }
}

/// How far an invoice has come in its plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// The position of the last step planned for it.
    pub last_position: Option<i32>,
    /// The last day of a running 14-day term: nothing further before the day after it.
    pub term_ends: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Plan this step now; `due_on` is the day it became due.
    Send { position: i32, due_on: NaiveDate },
    /// Nothing is due; the next step falls due on this day (None: the plan is done).
    Wait { next_on: Option<NaiveDate> },
}

impl Decision {
    pub fn next_on(&self) -> Option<NaiveDate> {
        match self {
            Decision::Send { due_on, .. } => Some(*due_on),
            Decision::Wait { next_on } => *next_on,
        }
    }
}

/// The day a step falls due for an invoice, given how far it has come.
fn falls_due(step: &Step, due: NaiveDate, progress: &Progress) -> NaiveDate {
    let own = due + Duration::days(i64::from(step.offset_days));
    match progress.term_ends {
        Some(end) => own.max(end + Duration::days(1)),
        None => own,
    }
}

/// The step to plan for an open, unheld invoice as of `today`. Catch-up: of all steps due
/// and not yet planned, the most advanced one, except that a required step (the 14-day letter,
/// a Zvw letter, the disconnection notice) is never jumped over. A reminder before the due
/// date is stale once the date has passed. Steps after a 14-day letter wait for its term.
pub fn decide(steps: &[Step], due: NaiveDate, open_cents: i64, progress: &Progress, today: NaiveDate) -> Decision {
    let remaining = steps.iter().filter(|s| {
        progress.last_position.is_none_or(|p| s.position > p)
            && open_cents >= s.kind.min_arrears_cents()
            && !(s.offset_days < 0 && today > due)
    });
    let mut next_on: Option<NaiveDate> = None;
    let mut chosen: Option<(&Step, NaiveDate)> = None;
    for step in remaining {
        let day = falls_due(step, due, progress);
        if day > today {
            next_on = Some(next_on.map_or(day, |n| n.min(day)));
            continue;
        }
        if chosen.is_some_and(|(c, _)| c.kind.is_required()) {
            continue;
        }
        chosen = Some((step, day));
    }
    match chosen {
        Some((step, day)) => Decision::Send {
            position: step.position,
            due_on: day,
        },
        None => Decision::Wait { next_on },
    }
}

/// What a plan would send for an invoice nobody pays, from `from` on for `horizon` days: each
/// (day, position) as the planner would decide it, one step a day at most. `term_days` is how
/// long after sending a 14-day letter its term ends (delivery plus fourteen days).
pub fn simulate(
    steps: &[Step],
    due: NaiveDate,
    open_cents: i64,
    start: Progress,
    from: NaiveDate,
    horizon: i64,
    term_days: i64,
) -> Vec<(NaiveDate, i32)> {
    let mut out = Vec::new();
    let mut progress = start;
    let mut day = from;
    let end = from + Duration::days(horizon);
    while day <= end {
        match decide(steps, due, open_cents, &progress, day) {
            Decision::Send { position, .. } => {
                out.push((day, position));
                progress.last_position = Some(position);
                if steps.iter().any(|s| s.position == position && s.kind.starts_term()) {
                    progress.term_ends = Some(day + Duration::days(term_days));
                }
                day += Duration::days(1);
            }
            Decision::Wait { next_on: Some(next) } => day = next.max(day + Duration::days(1)),
            Decision::Wait { next_on: None } => break,
        }
    }
    out
}

/// Days since 1970-01-01: how due dates and planning days are stored, so that offsets compute
/// the same in SQLite and Postgres.
pub fn day_number(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((d - epoch).num_days()).unwrap_or(i32::MAX)
}

pub fn from_day_number(n: i32) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    epoch + Duration::days(i64::from(n))
}

#[cfg(test)]
mod simulate_tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn step(position: i32, offset_days: i32, kind: StepKind) -> Step {
        Step {
            position,
            offset_days,
            kind,
            channels: ChannelGroups::parse("email").unwrap(),
            fee: crate::dunning::fees::FeeRule::parse("none").unwrap(),
            interest: crate::dunning::fees::InterestRule::parse("none").unwrap(),
        }
    }

    #[test]
    fn an_unpaid_invoice_walks_the_plan_and_waits_for_the_fourteen_day_term() {
        let steps = [
            step(1, -3, StepKind::Reminder),
            step(2, 7, StepKind::Reminder),
            step(3, 21, StepKind::FourteenDayLetter),
            step(4, 25, StepKind::FinalNotice),
            step(5, 60, StepKind::HandOver),
        ];
        let due = d("2026-12-10");
        let got = simulate(&steps, due, 10_000, Progress::default(), d("2026-12-01"), 120, 16);
        assert_eq!(
            got,
            [
                (d("2026-12-07"), 1),
                (d("2026-12-17"), 2),
                (d("2026-12-31"), 3),
                // Not on day 25 (4 January): the term of the 14-day letter runs until 16 January.
                (d("2027-01-17"), 4),
                (d("2027-02-08"), 5),
            ]
        );
        // Late in the plan: catch-up sends the most advanced due step, never past a required one.
        let late = simulate(&steps, due, 10_000, Progress::default(), d("2027-01-10"), 120, 16);
        assert_eq!(late.first(), Some(&(d("2027-01-10"), 3)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StepKind::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn step(position: i32, offset_days: i32, kind: StepKind) -> Step {
        Step {
            position,
            offset_days,
            kind,
            channels: ChannelGroups::parse("email").unwrap(),
            fee: FeeRule::None,
            interest: InterestRule::None,
        }
    }

    /// The demo insurer's plan: -3, +7, +14, 14-day letter at +21, final notice +40, hand-over +60.
    fn insurer() -> Vec<Step> {
        vec![
            step(1, -3, Reminder),
            step(2, 7, Reminder),
            step(3, 14, Reminder),
            step(4, 21, FourteenDayLetter),
            step(5, 40, FinalNotice),
            step(6, 60, HandOver),
        ]
    }

    #[test]
    fn step_selection_by_plan_state_and_day() {
        let due = d("2026-11-01");
        let term = Some(d("2026-12-08"));
        type Case = (&'static str, Option<i32>, Option<NaiveDate>, &'static str, Decision);
        #[rustfmt::skip]
        let cases: &[Case] = &[
            ("before the pre-due reminder", None, None, "2026-10-28",
                Decision::Wait { next_on: Some(d("2026-10-29")) }),
            ("pre-due reminder on its day", None, None, "2026-10-29",
                Decision::Send { position: 1, due_on: d("2026-10-29") }),
            ("pre-due reminder is stale after the due date", None, None, "2026-11-02",
                Decision::Wait { next_on: Some(d("2026-11-08")) }),
            ("first reminder at +7", Some(1), None, "2026-11-08",
                Decision::Send { position: 2, due_on: d("2026-11-08") }),
            ("catch-up sends the most advanced due step", Some(1), None, "2026-11-16",
                Decision::Send { position: 3, due_on: d("2026-11-15") }),
            ("catch-up never jumps the 14-day letter", Some(1), None, "2026-12-20",
                Decision::Send { position: 4, due_on: d("2026-11-22") }),
            ("after the letter, wait for its term", Some(4), term, "2026-12-08",
                Decision::Wait { next_on: Some(d("2026-12-11")) }),
            ("final notice once the term and offset passed", Some(4), term, "2026-12-11",
                Decision::Send { position: 5, due_on: d("2026-12-11") }),
            ("late catch-up after the letter goes to the hand-over", Some(4), term, "2027-02-01",
                Decision::Send { position: 6, due_on: d("2026-12-31") }),
            ("plan done", Some(6), term, "2027-06-01", Decision::Wait { next_on: None }),
        ];
        for (name, last, term_ends, today, want) in cases {
            let progress = Progress {
                last_position: *last,
                term_ends: *term_ends,
            };
            assert_eq!(decide(&insurer(), due, 5_000, &progress, d(today)), *want, "{name}");
        }
    }

    #[test]
    fn disconnection_notice_needs_a_hundred_euros_of_arrears() {
        let plan = vec![
            step(1, 7, Reminder),
            step(2, 30, DisconnectionNotice),
            step(3, 60, FinalNotice),
        ];
        let due = d("2026-01-01");
        let after = Progress {
            last_position: Some(1),
            term_ends: None,
        };
        let today = d("2026-02-05");
        assert_eq!(
            decide(&plan, due, 10_000, &after, today),
            Decision::Send {
                position: 2,
                due_on: d("2026-01-31")
            }
        );
        assert_eq!(
            decide(&plan, due, 9_999, &after, today),
            Decision::Wait {
                next_on: Some(d("2026-03-02"))
            },
            "below EUR 100 the notice does not apply"
        );
    }

    #[test]
    fn holds_stop_everything() {
        type Case = (
            &'static str,
            &'static str,
            Option<&'static str>,
            Option<&'static str>,
            Option<Hold>,
        );
        #[rustfmt::skip]
        let cases: &[Case] = &[
            ("open", "open", None, None, None),
            ("paid", "paid", None, None, Some(Hold::Settled)),
            ("cancelled", "cancelled", None, None, Some(Hold::Settled)),
            ("pending", "pending", None, None, Some(Hold::PaymentPending)),
            ("disputed", "open", Some("disputed"), None, Some(Hold::Disputed)),
            ("plan", "open", Some("payment_plan"), None, Some(Hold::PaymentPlan)),
            ("handed over", "open", Some("handed_over"), None, Some(Hold::HandedOver)),
            ("paused", "open", Some("paused"), None, Some(Hold::Paused)),
            ("unknown hold still holds", "open", Some("typo"), None, Some(Hold::Paused)),
            ("WSNP", "open", None, Some("debt_restructuring"), Some(Hold::LegalStop)),
            ("deceased beats paid", "paid", None, Some("deceased"), Some(Hold::LegalStop)),
        ];
        for (name, status, hold, stop, want) in cases {
            assert_eq!(hold_of(status, *hold, *stop), *want, "{name}");
        }
    }

    #[test]
    fn plans_must_ascend_and_end_at_the_hand_over() {
        assert_eq!(validate(&insurer()), Ok(()));
        assert_eq!(validate(&[]), Err(PlanError::Empty));
        assert_eq!(
            validate(&[step(1, 7, Reminder), step(2, 3, Reminder)]),
            Err(PlanError::OutOfOrder)
        );
        assert_eq!(
            validate(&[step(1, 7, HandOver), step(2, 9, Reminder)]),
            Err(PlanError::AfterHandOver)
        );
        let calling = |kind| Step {
            channels: ChannelGroups::parse("email+voice").unwrap(),
            ..step(1, 7, kind)
        };
        assert_eq!(validate(&[calling(Reminder)]), Ok(()));
        assert_eq!(
            validate(&[calling(FinalNotice)]),
            Err(PlanError::VoiceOnlyReminders),
            "a notice with legal effect is never a call"
        );
    }

    #[test]
    fn channel_groups_read_and_write() {
        for text in ["email", "email>sms", "email+sms", "letter+email", "email>sms+letter"] {
            assert_eq!(ChannelGroups::parse(text).unwrap().as_text(), text);
        }
        for bad in ["", "fax", "email+email", "email>", "email>sms+sms"] {
            assert_eq!(ChannelGroups::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(day_number(d("1970-01-02")), 1);
        assert_eq!(from_day_number(day_number(d("2026-11-29"))), d("2026-11-29"));
    }
}
