//! Settle pages.
