//! The services: one module per capability. Each owns its access rules, its read models and its
//! side effects (waking the indexer and the mailer), and returns [`crate::error::AppError`].
//! Both front doors (`http::api` and `http::web`) call these, so they cannot disagree.
//!
//! Below the services sit `domain`, `db`, `search`, `mail`, `notices` and `auth`; nothing here
//! knows HTTP.

pub mod account_mail;
pub mod accounts;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod capabilities;
pub mod clusters;
pub mod contracts;
pub mod cpv;
pub mod dashboard;
pub mod dialogues;
pub mod directory;
pub mod documents;
pub mod email_confirmation;
pub mod indicators;
pub mod lifts;
pub mod limits;
pub mod matching;
pub mod meetings;
pub mod members;
pub mod metrics;
pub mod needs;
pub mod notices;
pub mod notifications;
pub mod ocds;
pub mod oidc;
pub mod organisations;
pub mod page;
pub mod password_reset;
pub mod privacy;
pub mod processes;
pub mod programme;
pub mod radar;
pub mod registry;
pub mod solutions;
pub mod workers;

mod context;

pub use context::Context;
