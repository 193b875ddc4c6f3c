//! The audit record: who changed what, when, with the values before and after.

use serde::Serialize;

use crate::caller::Caller;
use crate::db::lifts::{audit, AuditRow};
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
    audit(
        conn,
        &AuditRow {
            id: db::new_id(),
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            process_id: process_id.map(str::to_owned),
            action: action.to_owned(),
            account_id: Some(caller.account_id.clone()),
            organisation_id: caller.organisation_id().map(str::to_owned),
            before_value: before.and_then(|b| serde_json::to_string(b).ok()),
            after_value: after.and_then(|a| serde_json::to_string(a).ok()),
            created_at: db::now(),
        },
    )
}
