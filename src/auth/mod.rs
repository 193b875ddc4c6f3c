//! The keys and counters behind sign-in: signed tokens, the failed-attempt limits, and the
//! OpenID Connect client. Who may do what is decided by the services (`app::auth`), which use
//! these.

pub mod oidc;
pub mod tokens;
