//! The back office under `/backoffice`: staff login with a second factor, the work queues, the
//! debtor search and the debtor page. Same rules as the portal: every page works without
//! JavaScript, every text comes from the catalogs, every change is a form post.
pub mod api;
pub mod api_keys;
pub mod audit;
pub mod branding;
pub mod dashboard;
pub mod debtor;
pub mod frame;
pub mod home;
pub mod login;
pub mod payments;
pub mod plans;
pub mod providers;
pub mod queues;
pub mod requests;
pub mod returned_letter;
pub mod staff;
pub mod statements;
pub mod templates;
pub mod tenants;
pub mod webhooks;
