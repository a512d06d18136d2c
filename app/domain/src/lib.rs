//! Pure Settle types and rules: money, locales, references, payment payloads, validation.
//! No I/O: this crate compiles for the browser too, so forms validate with the server's rules.
pub mod address;
pub mod allocation;
pub mod backoffice;
pub mod callbacks;
pub mod colour;
pub mod contact;
pub mod disputes;
pub mod dunning;
pub mod epc;
pub mod fuzz_checks;
pub mod i18n;
pub mod iban;
pub mod letter_code;
pub mod locale;
mod mod97;
pub mod money;
pub mod password;
pub mod payment_plans;
pub mod rf;
pub mod sms;
pub mod text;
pub mod views;
