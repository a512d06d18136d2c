//! Use cases. Each owns its transaction and takes a scope first.
pub mod auth;
pub mod invoices;
pub mod mails;
pub mod paylinks;
