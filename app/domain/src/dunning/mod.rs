//! Dunning rules, pure: plans and steps, which step is due, holds, segments, fees and
//! interest, the contact calendar (sending windows, public holidays, assumed delivery dates)
//! and the default wording of messages.
pub mod calendar;
pub mod fees;
pub mod outcomes;
pub mod segments;
pub mod send_time;
pub mod steps;
pub mod texts;
