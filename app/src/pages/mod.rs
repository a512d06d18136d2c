//! One module per page.
pub mod activate;
pub mod callback;
pub mod dashboard;
pub mod dispute;
pub mod email_confirm;
pub mod invoice;
pub mod invoices;
pub mod letter_code;
pub mod link;
pub mod login;
pub mod not_found;
pub mod pay;
pub mod pay_return;
pub mod plan;
pub mod profile;
pub mod reset;
