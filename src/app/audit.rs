//! The audit record: who changed what, when, with the values before and after.

use serde::Serialize;

use crate::caller::Caller;
use crate::db::audit::{insert, AuditRow};
use crate::db::{self, DbConn};

/// Records a change to `entity` (`process`, `lift`, `proposal`, `solution`, `adoption`) in the
/// caller's transaction, so the record and the change commit together.
#[allow(clippy::too_many_arguments)]
pub fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConn,
    caller: &Caller,
    entity: &str,
    entity_id: &str,
    process_id: Option<&str>,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> diesel::QueryResult<()> {
    // A value that cannot be written down must fail the change, not leave a hole in the record.
    let before_value = before.map(to_json).transpose()?;
    let after_value = after.map(to_json).transpose()?;
    insert(
        conn,
        &AuditRow {
            id: db::new_id(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            process_id: process_id.map(str::to_owned),
            action: action.to_owned(),
            account_id: Some(caller.account_id.clone()),
            organisation_id: caller.organisation_id().map(str::to_owned),
            before_value,
            after_value,
            created_at: db::now(),
        },
    )
}

fn to_json<T: Serialize>(value: &T) -> diesel::QueryResult<String> {
    serde_json::to_string(value).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
}

/// Checks that the caller may act as the owner of `organisation_id`, as [`require_owner`] does,
/// and records `action` when an administrator does so for an organisation not their own: their
/// power to act as any organisation's owner leaves a trace.
///
/// [`require_owner`]: crate::app::organisations::require_owner
pub fn require_owner_recorded(
    conn: &mut DbConn,
    caller: &Caller,
    organisation_id: &str,
    action: &str,
) -> Result<(), crate::error::AppError> {
    crate::app::organisations::require_owner(caller, organisation_id)?;
    if caller.is_admin() && !caller.belongs_to(organisation_id) {
        record(
            conn,
            caller,
            "organisation",
            organisation_id,
            None,
            &format!("admin:{action}"),
            None::<&()>,
            None::<&()>,
        )?;
        tracing::info!(admin = %caller.account_id, organisation = organisation_id, action, "an administrator acted as owner");
    }
    Ok(())
}
