//! Settle database migrations (portable across SQLite and Postgres).
