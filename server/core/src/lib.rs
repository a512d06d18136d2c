//! Server-only core of Settle.
