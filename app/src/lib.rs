//! Settle's debtor portal: Leptos pages, components and the server functions that feed them.
//! Pages render completely on the server (forms post and redirect); hydration enhances them.
#![recursion_limit = "256"]
pub mod api;
pub mod backoffice;
pub mod pages;
pub mod shell;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;

pub use shell::{document, shell, App, ISLANDS_LOADER};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
