//! Joint processes: buyers with the same need going to the market together. Who may see and do
//! what, phases and invitations of buyers. Clusters' proposals are in `proposals`, and what the
//! front doors show of a process (its views and use cases) in `views`.

pub mod page;
pub mod proposals;
pub mod views;

use crate::app::{audit, notifications};
use crate::caller::Caller;
use crate::db::organisations as orgs;
use crate::db::processes::{self as q, BuyerRow, PhaseChangeRow, ProcessRow};
use crate::db::{self, DbConn};
use crate::domain::process::{BuyerStatus, Phase, Procedure};
use crate::domain::{self, Invalid, OrgKind};
use crate::error::{AppError, Clash};
use crate::settings::Settings;

/// How the caller stands to a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Programme staff: sees everything, decides nothing in the process.
    Admin,
    /// The lead buyer's people.
    Lead,
    /// An accepted buyer's people.
    Buyer,
    /// Invited, not yet answered.
    Invited,
    /// Anyone else signed in: the summary only.
    Outsider,
}

impl Standing {
    /// Sees notes, history and proposals.
    pub fn is_insider(self) -> bool {
        matches!(self, Standing::Admin | Standing::Lead | Standing::Buyer)
    }
}

/// Loads a process or answers 404.
pub fn get(conn: &mut DbConn, id: &str) -> Result<ProcessRow, AppError> {
    q::find(conn, id)?.ok_or_else(|| AppError::not_found("no joint process has this id"))
}

/// The caller's standing in a process.
pub fn standing(
    conn: &mut DbConn,
    caller: &Caller,
    process: &ProcessRow,
) -> Result<Standing, AppError> {
    if caller.is_admin() {
        return Ok(Standing::Admin);
    }
    let Some(org) = caller.organisation_id() else {
        return Ok(Standing::Outsider);
    };
    Ok(match q::buyer(conn, &process.id, org)?.map(|b| b.status) {
        Some(BuyerStatus::Lead) => Standing::Lead,
        Some(BuyerStatus::Accepted) => Standing::Buyer,
        Some(BuyerStatus::Invited) => Standing::Invited,
        Some(BuyerStatus::Declined) | None => Standing::Outsider,
    })
}

/// Refuses unless the caller is an insider.
pub fn require_insider(
    conn: &mut DbConn,
    caller: &Caller,
    process: &ProcessRow,
) -> Result<Standing, AppError> {
    let s = standing(conn, caller, process)?;
    if s.is_insider() {
        Ok(s)
    } else {
        Err(AppError::forbidden(
            "only the process's buyers and programme staff can see this",
        ))
    }
}

fn require_lead(conn: &mut DbConn, caller: &Caller, process: &ProcessRow) -> Result<(), AppError> {
    if standing(conn, caller, process)? == Standing::Lead {
        Ok(())
    } else {
        Err(AppError::forbidden("only the lead buyer can do this"))
    }
}

/// Refuses changes to a completed or cancelled process.
fn require_running(process: &ProcessRow) -> Result<(), AppError> {
    if matches!(process.phase, Phase::Completed | Phase::Cancelled) {
        Err(AppError::conflict(
            None,
            format!("the process is {}; reopen it first", process.phase),
        ))
    } else {
        Ok(())
    }
}

/// A new process, as given.
#[derive(Debug, Clone)]
pub struct NewProcess {
    pub title: String,
    pub description: String,
    pub need_ids: Vec<String>,
    pub procedure: String,
}

/// Opens a joint process led by the caller's organisation, on needs it owns or takes part in.
pub fn create(conn: &mut DbConn, caller: &Caller, new: NewProcess) -> Result<ProcessRow, AppError> {
    let title = domain::line("title", &new.title, 200)?;
    let description = domain::text("description", &new.description, 20_000)?;
    let procedure = Procedure::parse(new.procedure.trim())?;
    if new.need_ids.is_empty() {
        return Err(Invalid::new("need_ids", "give the needs the process is for").into());
    }
    let org_id = caller
        .organisation_id()
        .ok_or_else(|| AppError::forbidden("only buyers open joint processes"))?
        .to_owned();
    let org = crate::app::organisations::get(conn, &org_id)?;
    if crate::app::organisations::kind_of(&org)? != OrgKind::Buyer {
        return Err(AppError::forbidden("only buyers open joint processes"));
    }
    let mut need_ids: Vec<String> = Vec::new();
    for raw in &new.need_ids {
        let id = uuid::Uuid::parse_str(raw.trim())
            .map_err(|_| Invalid::new("need_ids", format!("{raw} is not a need id")))?
            .to_string();
        let need = crate::app::needs::get(conn, caller, &id)
            .map_err(|_| Invalid::new("need_ids", format!("no need has the id {id}")))?;
        let takes_part = need.organisation_id == org_id
            || crate::db::needs::participants(conn, &id)?
                .iter()
                .any(|(p, _)| p.organisation_id == org_id);
        if !takes_part {
            return Err(AppError::forbidden(format!(
                "your organisation neither owns nor takes part in the need \"{}\"; declare it shared first",
                need.title
            )));
        }
        if !need_ids.contains(&id) {
            need_ids.push(id);
        }
    }
    let now = db::now();
    let row = ProcessRow {
        id: db::new_id(),
        title,
        description,
        lead_organisation_id: org_id.clone(),
        procedure_planned: procedure.as_str().to_owned(),
        procedure_used: None,
        phase: Phase::NeedClarification,
        created_by: Some(caller.account_id.clone()),
        created_at: now,
        updated_at: now,
    };
    db::write_tx(conn, |conn| {
        q::insert(conn, &row)?;
        q::add_needs(conn, &row.id, &need_ids)?;
        q::insert_buyer(
            conn,
            &BuyerRow {
                process_id: row.id.clone(),
                organisation_id: org_id.clone(),
                status: BuyerStatus::Lead,
                invited_by: Some(caller.account_id.clone()),
                invited_at: now,
                answered_at: Some(now),
            },
        )?;
        q::insert_phase_change(
            conn,
            &PhaseChangeRow {
                id: db::new_id(),
                process_id: row.id.clone(),
                from_phase: None,
                to_phase: row.phase.as_str().to_owned(),
                note: Some("Prosessen er opprettet".into()),
                reason: None,
                irregular: false,
                account_id: Some(caller.account_id.clone()),
                created_at: now,
            },
        )?;
        audit::record(
            conn,
            caller,
            "process",
            &row.id,
            Some(&row.id),
            "created",
            None::<&()>,
            Some(&row),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// A change to a process's description or procedure.
#[derive(Debug, Clone, Default)]
pub struct ProcessChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub procedure: Option<String>,
    pub procedure_used: Option<Option<String>>,
}

/// Changes a process (the lead).
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    change: ProcessChange,
) -> Result<ProcessRow, AppError> {
    let before = get(conn, id)?;
    require_lead(conn, caller, &before)?;
    let mut row = before.clone();
    if let Some(t) = &change.title {
        row.title = domain::line("title", t, 200)?;
    }
    if let Some(d) = &change.description {
        row.description = domain::text("description", d, 20_000)?;
    }
    if let Some(p) = &change.procedure {
        row.procedure_planned = Procedure::parse(p.trim())?.as_str().to_owned();
    }
    if let Some(p) = &change.procedure_used {
        row.procedure_used = match p {
            Some(p) => Some(
                Procedure::parse(p.trim())
                    .map_err(|e| Invalid::new("procedure_used", e.message))?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
    }
    row.updated_at = db::now();
    db::write_tx(conn, |conn| {
        q::update_details(conn, &row)?;
        let after = get(conn, id)?;
        audit::record(
            conn,
            caller,
            "process",
            id,
            Some(id),
            "updated",
            Some(&before),
            Some(&after),
        )?;
        Ok::<_, AppError>(after)
    })
}

/// Moves the phase (the lead). A move that skips a phase or goes back needs a reason, and is
/// recorded as irregular.
pub fn move_phase(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    to: &str,
    note: Option<String>,
    reason: Option<String>,
) -> Result<ProcessRow, AppError> {
    let process = get(conn, id)?;
    require_lead(conn, caller, &process)?;
    let to = Phase::parse(to.trim())?;
    let from = process.phase;
    let note = note
        .filter(|n| !n.trim().is_empty())
        .map(|n| domain::text("note", &n, 5000))
        .transpose()?;
    let reason = reason
        .filter(|r| !r.trim().is_empty())
        .map(|r| domain::text("reason", &r, 5000))
        .transpose()?;
    if to == from {
        return Err(AppError::clash(
            Some("to"),
            Clash::AlreadyInPhase,
            format!("the process is already in {}", to.as_str()),
        ));
    }
    let regular = from.is_regular_move(to);
    if !regular && reason.is_none() {
        return Err(AppError::clash(
            Some("to"),
            Clash::SkipNeedsReason,
            format!(
                "moving from {} to {} skips or goes back; give a reason to do it anyway",
                from.as_str(),
                to.as_str()
            ),
        ));
    }
    let now = db::now();
    let mut row = process.clone();
    row.phase = to;
    row.updated_at = now;
    db::write_tx(conn, |conn| {
        // A conditional update: of two moves at once, one wins and the other is told.
        if !q::set_phase(conn, id, process.phase, row.phase)? {
            return Err(AppError::clash(
                Some("to"),
                Clash::ChangedMeanwhile,
                "the phase was changed meanwhile; reload and try again",
            ));
        }
        q::insert_phase_change(
            conn,
            &PhaseChangeRow {
                id: db::new_id(),
                process_id: id.to_owned(),
                from_phase: Some(from.as_str().to_owned()),
                to_phase: to.as_str().to_owned(),
                note: note.clone(),
                reason: reason.clone(),
                irregular: !regular,
                account_id: Some(caller.account_id.clone()),
                created_at: now,
            },
        )?;
        audit::record(
            conn,
            caller,
            "process",
            id,
            Some(id),
            if regular {
                "phase_changed"
            } else {
                "phase_changed_irregularly"
            },
            Some(&process),
            Some(&row),
        )?;
        Ok(())
    })?;
    Ok(row)
}

/// Invites a buyer organisation (the lead or an accepted buyer), and notifies its accounts.
/// Returns whether an invitation was made now.
pub fn invite_buyer(
    conn: &mut DbConn,
    settings: &Settings,
    caller: &Caller,
    id: &str,
    organisation_id: &str,
) -> Result<bool, AppError> {
    let process = get(conn, id)?;
    if !matches!(
        standing(conn, caller, &process)?,
        Standing::Lead | Standing::Buyer
    ) {
        return Err(AppError::forbidden(
            "only the process's buyers can invite more buyers",
        ));
    }
    require_running(&process)?;
    let org = orgs::find(conn, organisation_id)?
        .ok_or_else(|| Invalid::new("organisation_id", "no organisation has this id"))?;
    if org.kind != OrgKind::Buyer.as_str() {
        return Err(Invalid::new(
            "organisation_id",
            format!(
                "{} is a {}; only buyers join joint processes",
                org.name, org.kind
            ),
        )
        .into());
    }
    let event = notifications::Event {
        kind: notifications::Kind::ProcessInvitation,
        subject_id: id.to_owned(),
        title: process.title.clone(),
        actor: notifications::organisation_name(conn, caller.organisation_id())?,
        link: format!("/processes/{id}"),
    };
    let result = db::write_tx(conn, |conn| {
        let before = q::buyer(conn, id, organisation_id)?;
        match &before {
            Some(b) if b.status == BuyerStatus::Declined => {
                q::reinvite(conn, id, organisation_id, &caller.account_id)?
            }
            Some(_) => return Ok(false),
            None => q::insert_buyer(
                conn,
                &BuyerRow {
                    process_id: id.to_owned(),
                    organisation_id: organisation_id.to_owned(),
                    status: BuyerStatus::Invited,
                    invited_by: Some(caller.account_id.clone()),
                    invited_at: db::now(),
                    answered_at: None,
                },
            )?,
        }
        let after = q::buyer(conn, id, organisation_id)?;
        audit::record(
            conn,
            caller,
            "process",
            id,
            Some(id),
            "buyer_invited",
            before.as_ref(),
            after.as_ref(),
        )?;
        notifications::notify(
            conn,
            settings,
            &[organisation_id.to_owned()],
            &event,
            Some(&caller.account_id),
        )?;
        Ok::<_, AppError>(true)
    });
    match result {
        Err(e) if e.is_unique_violation() => Ok(false),
        other => other,
    }
}

/// Answers an invitation for the caller's organisation. Returns whether anything changed:
/// answering twice, or two people of one buyer at once, changes it once.
pub fn answer(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    organisation_id: &str,
    accept: bool,
) -> Result<bool, AppError> {
    let process = get(conn, id)?;
    if accept {
        require_running(&process)?;
    }
    if !caller.belongs_to(organisation_id) {
        return Err(AppError::forbidden(
            "only the invited organisation can answer its invitation",
        ));
    }
    let Some(current) = q::buyer(conn, id, organisation_id)? else {
        return Err(AppError::not_found(
            "your organisation is not invited to this process",
        ));
    };
    let (from, to): (&[BuyerStatus], BuyerStatus) = if accept {
        (&[BuyerStatus::Invited], BuyerStatus::Accepted)
    } else {
        (
            &[BuyerStatus::Invited, BuyerStatus::Accepted],
            BuyerStatus::Declined,
        )
    };
    if current.status == to {
        return Ok(false);
    }
    if current.status == BuyerStatus::Lead {
        return Err(AppError::conflict(
            None,
            "the lead buyer cannot answer an invitation; it leads the process",
        ));
    }
    if !from.contains(&current.status) {
        return Err(AppError::conflict(
            None,
            format!(
                "the invitation is {}; ask the lead to invite you again",
                current.status
            ),
        ));
    }
    db::write_tx(conn, |conn| {
        // The conditional update makes concurrent answers count once.
        if !q::set_buyer_status(conn, id, organisation_id, from, to)? {
            return Ok(false);
        }
        audit::record(
            conn,
            caller,
            "process",
            id,
            Some(id),
            if accept {
                "buyer_accepted"
            } else {
                "buyer_declined"
            },
            Some(
                &serde_json::json!({"organisation_id": organisation_id, "status": current.status}),
            ),
            Some(&serde_json::json!({"organisation_id": organisation_id, "status": to})),
        )?;
        Ok::<_, AppError>(true)
    })
}
