//! Integration tests: the real server over HTTP, on SQLite or Postgres (see support).
// A failing setup step should stop the test loudly; that is what expect is for here.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;

mod api;
mod api_contract;
mod api_keys;
mod auth;
mod backoffice;
mod branding;
mod callbacks;
mod channels;
mod config;
mod copy_db;
mod crash;
mod deferrals;
mod disputes;
mod dunning;
mod import;
mod instances;
mod letters;
mod migrations;
mod ops;
mod outbox;
mod payments;
mod plans;
mod portal;
mod profile;
mod providers;
mod providers_http;
mod representatives;
mod returned_letters;
mod security;
mod statements;
mod templates;
mod tenants;
mod webhooks;
