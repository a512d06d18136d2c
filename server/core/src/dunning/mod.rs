//! The dunning engine: each tenant's plans and contact policy, the planner pass that decides
//! which step is due for every open invoice, and the issuing of planned reminders as messages
//! in the outbox (with the hold checked again just before).
pub mod bandit;
pub mod bounces;
pub mod compose;
pub mod credit;
pub mod early_signals;
pub mod interest;
pub mod issue;
pub mod learning;
pub mod letters;
pub mod planner;
pub mod plans;
pub mod policy;
pub mod run;
pub mod simulation;
