//! Message catalogs (placeholder, owned by the lead).
