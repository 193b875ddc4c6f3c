//! The keys and counters behind sign-in: signed tokens and the failed-attempt limits. Who may do
//! what is decided by the services (`app::auth`), which use these.

pub mod rate_limit;
pub mod tokens;
