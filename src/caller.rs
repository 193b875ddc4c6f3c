//! Who is calling: a plain value the front doors extract (from a bearer token or a session) and
//! every service takes. It holds no secret, so it may be logged and passed anywhere.

use crate::db::accounts::AccountRow;
use crate::domain::Role;
use crate::error::AppError;

/// The signed-in caller, loaded from the database on each request so that a changed password or
/// role takes effect at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The account's id.
    pub account_id: String,
    /// The sign-in email, lowercased.
    pub email: String,
    /// The display name.
    pub name: String,
    /// The account's role.
    pub role: Role,
    /// The organisation; none for programme administrators.
    pub organisation_id: Option<String>,
    /// Whether the account's email address is confirmed.
    pub email_confirmed: bool,
}

impl Caller {
    /// The caller behind an account row; the password hash and stamp stay behind.
    pub fn of_account(account: &AccountRow) -> Result<Caller, AppError> {
        let role = Role::parse(&account.role).map_err(|e| AppError::internal(e.to_string()))?;
        Ok(Caller {
            account_id: account.id.clone(),
            email: account.email.clone(),
            name: account.name.clone(),
            role,
            organisation_id: account.organisation_id.clone(),
            email_confirmed: account.email_confirmed_at.is_some(),
        })
    }

    /// The caller's organisation, if any (admins have none).
    pub fn organisation_id(&self) -> Option<&str> {
        self.organisation_id.as_deref()
    }

    /// True for programme administrators.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// True when the caller belongs to `organisation_id`.
    pub fn belongs_to(&self, organisation_id: &str) -> bool {
        self.organisation_id() == Some(organisation_id)
    }

    /// True when the caller owns `organisation_id`.
    pub fn owns(&self, organisation_id: &str) -> bool {
        self.role == Role::Owner && self.belongs_to(organisation_id)
    }
}
