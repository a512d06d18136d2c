//! Integration tests: the real server over HTTP, on SQLite or Postgres (see support).
mod support;

mod auth;
mod config;
mod outbox;
mod portal;
mod security;
