//! Server-only core of Settle: entities, scoped queries, services, outbox, crypto helpers.
//! Knows neither the Leptos app nor the HTTP server.
pub mod api_keys;
pub mod audit;
pub mod backoffice;
pub mod channels;
pub mod clock;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod demo_plans;
pub mod demo_staff;
pub mod dns_check;
pub mod dunning;
pub mod entities;
pub mod error;
pub mod keys;
pub mod message_events;
pub mod outbox;
pub mod outgoing;
pub mod passwords;
pub mod phone;
pub mod providers;
pub mod qr;
pub mod scope;
pub mod secrets;
pub mod services;
pub mod sql;
pub mod staff;
pub mod state;
pub mod statements;
mod svg_logo;
pub mod templates;
pub mod tenant;
pub mod throttle;
pub mod tokens;
pub mod tracking;

pub use sea_orm;
