//! Use cases. Each owns its transaction and takes a scope first.
pub mod auth;
pub mod booking;
pub mod checkout;
pub mod delivery_status;
pub mod disputes;
pub mod email_settings;
pub mod invoices;
pub mod mails;
pub mod paylinks;
pub mod payment_settings;
pub mod print_settings;
pub mod profile;
pub mod references;
pub mod refunds;
pub mod sms_settings;
pub mod statement_import;
pub mod unsubscribe;
