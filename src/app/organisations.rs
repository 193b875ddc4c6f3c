//! Organisations: who may change what, profile edits, cluster membership and adding colleagues.

use crate::caller::Caller;
use crate::db::accounts::{self as accounts_q, AccountRow, InviteRow};
use crate::db::organisations::{self as q, OrganisationRow};
use crate::db::{self, DbConn};
use crate::domain::organisation::Profile;
use crate::domain::{Email, OrgKind, Orgnr};
use crate::error::AppError;

/// Loads an organisation or answers 404.
pub fn get(conn: &mut DbConn, id: &str) -> Result<OrganisationRow, AppError> {
    q::find(conn, id)?.ok_or_else(|| AppError::not_found("no organisation has this id"))
}

/// Refuses unless the caller owns the organisation (or is a programme administrator).
pub fn require_owner(caller: &Caller, organisation_id: &str) -> Result<(), AppError> {
    if caller.owns(organisation_id) || caller.is_admin() {
        Ok(())
    } else if caller.belongs_to(organisation_id) {
        Err(AppError::forbidden(
            "only the organisation's owner can do this; ask your owner",
        ))
    } else {
        Err(AppError::forbidden(
            "you can only change your own organisation",
        ))
    }
}

/// The kind of a stored organisation.
pub fn kind_of(row: &OrganisationRow) -> Result<OrgKind, AppError> {
    OrgKind::parse(&row.kind).map_err(|e| AppError::internal(e.to_string()))
}

/// Replaces the profile of an organisation the caller owns.
pub fn update_profile(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    edit: impl FnOnce(&OrganisationRow) -> Result<Profile, AppError>,
) -> Result<OrganisationRow, AppError> {
    db::write_tx(conn, |conn| {
        let mut row = get(conn, id)?;
        require_owner(caller, id)?;
        let profile = edit(&row)?;
        profile.check_for(kind_of(&row)?)?;
        row.search_key = q::search_key(&profile.name, &row.orgnr);
        row.name = profile.name;
        row.website = profile.website.map(|w| w.as_str().to_owned());
        row.contact_email = profile.contact_email.map(|e| e.as_str().to_owned());
        row.sector = profile.sector.map(|s| s.as_str().to_owned());
        row.county = profile.county.map(|c| c.as_str().to_owned());
        row.size = profile.size.map(|s| s.as_str().to_owned());
        row.updated_at = db::now();
        q::update(conn, &row)?;
        Ok(row)
    })
}

/// Runs `f` again once if it lost a race to insert the same row (PostgreSQL lets two
/// transactions both see "absent"); the second run sees the row and answers as for a repeat.
fn retry_on_conflict<T>(mut f: impl FnMut() -> Result<T, AppError>) -> Result<T, AppError> {
    match f() {
        Err(e) if e.is_unique_violation() => f(),
        other => other,
    }
}

fn require_cluster(row: &OrganisationRow) -> Result<(), AppError> {
    if kind_of(row)? == OrgKind::Cluster {
        Ok(())
    } else {
        Err(AppError::conflict(
            None,
            format!(
                "{} is a {}, and only clusters have members",
                row.name, row.kind
            ),
        ))
    }
}

/// Adds a registered supplier to a cluster the caller owns. Returns the member and whether it
/// was newly added.
pub fn add_member(
    conn: &mut DbConn,
    caller: &Caller,
    cluster_id: &str,
    orgnr: &Orgnr,
) -> Result<(OrganisationRow, bool), AppError> {
    retry_on_conflict(|| {
        db::write_tx(conn, |conn| {
            let cluster = get(conn, cluster_id)?;
            require_owner(caller, cluster_id)?;
            require_cluster(&cluster)?;
            let member = q::find_by_orgnr(conn, orgnr.as_str())?.ok_or_else(|| {
            AppError::validation(
                "orgnr",
                format!("no organisation with orgnr {orgnr} is registered in innolift; ask the company to register first"),
            )
        })?;
            if kind_of(&member)? != OrgKind::Supplier {
                return Err(AppError::validation(
                    "orgnr",
                    format!(
                        "{} is a {}; only suppliers can be cluster members",
                        member.name, member.kind
                    ),
                ));
            }
            let added = q::add_member(conn, cluster_id, &member.id)?;
            Ok((member, added))
        })
    })
}

/// Removes a member from a cluster the caller owns.
pub fn remove_member(
    conn: &mut DbConn,
    caller: &Caller,
    cluster_id: &str,
    member_id: &str,
) -> Result<(), AppError> {
    db::write_tx(conn, |conn| {
        let cluster = get(conn, cluster_id)?;
        require_owner(caller, cluster_id)?;
        require_cluster(&cluster)?;
        if q::remove_member(conn, cluster_id, member_id)? {
            Ok(())
        } else {
            Err(AppError::not_found(
                "this organisation is not a member of the cluster",
            ))
        }
    })
}

/// Invites a colleague by email to register into the caller's organisation.
pub fn invite_user(
    conn: &mut DbConn,
    caller: &Caller,
    organisation_id: &str,
    email: &Email,
) -> Result<(InviteRow, bool), AppError> {
    retry_on_conflict(|| {
        db::write_tx(conn, |conn| {
            get(conn, organisation_id)?;
            require_owner(caller, organisation_id)?;
            if let Some(existing) = accounts_q::find_by_email(conn, email.as_str())? {
                let message = if existing.organisation_id.as_deref() == Some(organisation_id) {
                    "this person already has an account in your organisation"
                } else {
                    "this email already has an account in another organisation"
                };
                return Err(AppError::conflict(Some("email"), message));
            }
            let row = InviteRow {
                organisation_id: organisation_id.to_owned(),
                email: email.as_str().to_owned(),
                invited_by: caller.account_id.clone(),
                created_at: db::now(),
            };
            let created = accounts_q::insert_invite(conn, &row)?;
            Ok((row, created))
        })
    })
}

/// The users and pending invitations of an organisation, for its own people and administrators.
pub fn users(
    conn: &mut DbConn,
    caller: &Caller,
    organisation_id: &str,
) -> Result<(Vec<AccountRow>, Vec<InviteRow>), AppError> {
    get(conn, organisation_id)?;
    if !caller.belongs_to(organisation_id) && !caller.is_admin() {
        return Err(AppError::forbidden(
            "only the organisation's own users can see its users",
        ));
    }
    Ok((
        accounts_q::in_organisation(conn, organisation_id)?,
        accounts_q::invites_of(conn, organisation_id)?,
    ))
}
