//! Buyers that wait for programme staff: those the register does not show to be public bodies,
//! and every buyer when no register is loaded (unless `trust_self_declared_buyers` is on).

use serde::Serialize;
use utoipa::ToSchema;

use super::organisations::{get, OrganisationView};
use super::Context;
use crate::caller::Caller;
use crate::db::audit::{self, AuditRow};
use crate::db::organisations as q;
use crate::db::{self, registry};
use crate::error::{AppError, AppResult};

fn require_staff(caller: &Caller) -> AppResult<()> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden("only programme staff approve buyers"))
    }
}

/// A buyer awaiting approval, with what staff need to judge it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingBuyer {
    /// The organisation.
    pub organisation: OrganisationView,
    /// The register's organisation form, such as "Aksjeselskap", when a register is loaded.
    pub form_name: Option<String>,
    /// The register's institutional sector code, such as `2100`.
    pub sector_code: Option<String>,
    /// The owner's name and sign-in email.
    pub owner: Option<(String, String)>,
}

/// Buyers awaiting approval, oldest first (staff).
pub async fn pending(ctx: &Context, caller: &Caller) -> AppResult<Vec<PendingBuyer>> {
    require_staff(caller)?;
    ctx.db
        .run(|conn| {
            let mut out = Vec::new();
            for org in q::pending(conn)? {
                let entity = registry::find(conn, &org.orgnr)?;
                let owner = crate::db::accounts::in_organisation(conn, &org.id)?
                    .into_iter()
                    .find(|a| a.role == "owner")
                    .map(|a| (a.name, a.email));
                out.push(PendingBuyer {
                    organisation: OrganisationView::of(&org),
                    form_name: entity.as_ref().and_then(|e| e.form_name.clone()),
                    sector_code: entity.and_then(|e| e.sector_code),
                    owner,
                });
            }
            Ok(out)
        })
        .await
}

/// Approves a pending buyer (staff): from now on it may publish, invite and send email. The
/// approval is in the audit record with who gave it.
pub async fn approve(ctx: &Context, caller: &Caller, id: &str) -> AppResult<OrganisationView> {
    require_staff(caller)?;
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            db::write_tx(conn, |conn| {
                let org = get(conn, &id)?;
                if !q::approve(conn, &id, &caller.account_id)? {
                    return Err(AppError::conflict(
                        Some("approval"),
                        format!("{} is not waiting for approval", org.name),
                    ));
                }
                audit::insert(
                    conn,
                    &AuditRow {
                        id: db::new_id(),
                        entity: "organisation".to_owned(),
                        entity_id: id.clone(),
                        process_id: None,
                        action: "approved".to_owned(),
                        account_id: Some(caller.account_id.clone()),
                        organisation_id: Some(id.clone()),
                        before_value: Some(r#"{"approval":"pending"}"#.to_owned()),
                        after_value: Some(r#"{"approval":"approved"}"#.to_owned()),
                        created_at: db::now(),
                    },
                )?;
                Ok(OrganisationView::of(&get(conn, &id)?))
            })
        })
        .await
}
