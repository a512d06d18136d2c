//! sea-orm entities, one per table. They stay in core: views, not entities, cross the wire.
pub mod audit_event;
pub mod customer;
pub mod invoice;
pub mod invoice_line;
pub mod one_time_token;
pub mod outbox;
pub mod portal_account;
pub mod session;
pub mod tenant;
pub mod tenant_host;
