//! Pure Settle types and rules: money, locales, references, payment payloads, validation.
//! No I/O: this crate compiles for the browser too, so forms validate with the server's rules.
pub mod i18n;
