//! Suppliers' and clusters' interest in an open need: registered with an optional comment,
//! changed or withdrawn by them, and seen only by the need's buyers (its owner and the buyers
//! that declared the same need), who are notified of each new one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::get;
use crate::app::notifications;
use crate::app::Context;
use crate::caller::Caller;
use crate::db::interests::{self as q, InterestRow};
use crate::db::needs::NeedRow;
use crate::db::{self, DbConn};
use crate::domain::{self, NeedStatus, OrgKind};
use crate::error::{AppError, AppResult};
use crate::settings::Settings;

/// The longest comment.
pub const COMMENT_MAX: usize = 2000;

/// An organisation's interest in a need.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InterestView {
    pub organisation_id: String,
    pub organisation_name: String,
    /// `supplier` or `cluster`.
    pub organisation_kind: String,
    pub comment: Option<String>,
    /// When the interest was first registered (UTC).
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn view(row: InterestRow, name: String, kind: String) -> InterestView {
    InterestView {
        organisation_id: row.organisation_id,
        organisation_name: name,
        organisation_kind: kind,
        comment: row.comment,
        registered_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

/// The organisations that are a need's buyers: its owner and its participants.
pub fn need_buyers(conn: &mut DbConn, need: &NeedRow) -> AppResult<Vec<String>> {
    let mut out = vec![need.organisation_id.clone()];
    for (p, _) in crate::db::needs::participants(conn, &need.id)? {
        if !out.contains(&p.organisation_id) {
            out.push(p.organisation_id);
        }
    }
    Ok(out)
}

/// True when the caller belongs to one of the need's buyers.
fn is_buyer_of(conn: &mut DbConn, caller: &Caller, need: &NeedRow) -> AppResult<bool> {
    Ok(need_buyers(conn, need)?
        .iter()
        .any(|o| caller.belongs_to(o)))
}

/// The caller's organisation, which must be a supplier or a cluster; with its name.
fn interested_org(conn: &mut DbConn, caller: &Caller) -> AppResult<(String, String)> {
    let refuse = || AppError::forbidden("only suppliers and clusters register interest in a need");
    let org_id = caller.organisation_id().ok_or_else(refuse)?;
    let org = crate::app::organisations::get(conn, org_id)?;
    match crate::app::organisations::kind_of(&org)? {
        OrgKind::Supplier | OrgKind::Cluster => Ok((org.id, org.name)),
        _ => Err(refuse()),
    }
}

fn comment_of(comment: Option<&str>) -> AppResult<Option<String>> {
    Ok(comment
        .filter(|c| !c.trim().is_empty())
        .map(|c| domain::text("comment", c, COMMENT_MAX))
        .transpose()?)
}

/// Registers the caller's organisation's interest in an open need, or changes its comment
/// when it is registered already. The need's buyers are notified of a new interest only.
/// Returns whether it was new, and the interest.
pub fn register(
    conn: &mut DbConn,
    settings: &Settings,
    caller: &Caller,
    need_id: &str,
    comment: Option<&str>,
) -> AppResult<(bool, InterestView)> {
    let need = get(conn, caller, need_id)?;
    let (org_id, org_name) = interested_org(conn, caller)?;
    if need.status != NeedStatus::Open {
        return Err(AppError::conflict(
            Some("status"),
            "this need is not open; interest can be registered only in open needs",
        ));
    }
    let comment = comment_of(comment)?;
    let event = notifications::Event {
        kind: notifications::Kind::NeedInterest,
        subject_id: need.id.clone(),
        title: need.title.clone(),
        actor: org_name,
        link: format!("/needs/{}#interest", need.id),
    };
    let attempt = db::write_tx(conn, |conn| {
        if q::update_comment(
            conn,
            &need.id,
            &org_id,
            &caller.account_id,
            comment.as_deref(),
        )? {
            return Ok(false);
        }
        let now = db::now();
        q::insert(
            conn,
            &InterestRow {
                need_id: need.id.clone(),
                organisation_id: org_id.clone(),
                account_id: Some(caller.account_id.clone()),
                comment: comment.clone(),
                created_at: now,
                updated_at: now,
            },
        )?;
        let buyers = need_buyers(conn, &need)?;
        notifications::notify(conn, settings, &buyers, &event, Some(&caller.account_id))?;
        Ok::<_, AppError>(true)
    });
    let created = match attempt {
        // Two people of one organisation at once: the other one registered it.
        Err(e) if e.is_unique_violation() => {
            q::update_comment(
                conn,
                &need.id,
                &org_id,
                &caller.account_id,
                comment.as_deref(),
            )?;
            false
        }
        other => other?,
    };
    let own =
        own(conn, &need.id, &org_id)?.ok_or_else(|| AppError::internal("the interest vanished"))?;
    Ok((created, own))
}

fn own(conn: &mut DbConn, need_id: &str, org_id: &str) -> AppResult<Option<InterestView>> {
    let Some(row) = q::find(conn, need_id, org_id)? else {
        return Ok(None);
    };
    let org = crate::app::organisations::get(conn, org_id)?;
    Ok(Some(view(row, org.name, org.kind)))
}

/// Withdraws the caller's organisation's interest in a need.
pub fn withdraw(conn: &mut DbConn, caller: &Caller, need_id: &str) -> AppResult<()> {
    let need = get(conn, caller, need_id)?;
    let (org_id, _) = interested_org(conn, caller)?;
    if db::write_tx(conn, |conn| q::delete(conn, &need.id, &org_id))? {
        Ok(())
    } else {
        Err(AppError::not_found(
            "your organisation has not registered interest in this need",
        ))
    }
}

/// Who is interested in a need, newest first: for its buyers only.
pub fn list(conn: &mut DbConn, caller: &Caller, need_id: &str) -> AppResult<Vec<InterestView>> {
    let need = get(conn, caller, need_id)?;
    if !is_buyer_of(conn, caller, &need)? {
        return Err(AppError::forbidden(
            "only the need's buyers see who is interested in it",
        ));
    }
    Ok(q::of_need(conn, &need.id)?
        .into_iter()
        .map(|(row, name, kind)| view(row, name, kind))
        .collect())
}

/// What a need's page shows of interest to the caller.
#[derive(Debug, Default, Serialize)]
pub struct InterestSection {
    /// The caller may register interest (a supplier or cluster, on an open need).
    pub can_register: bool,
    /// The caller's organisation's own interest, if registered.
    pub mine: Option<InterestView>,
    /// Everyone interested, for the need's buyers; none for others.
    pub list: Option<Vec<InterestView>>,
}

/// Registers or changes the caller's interest and wakes the mailer for the buyers' emails.
pub async fn register_interest(
    ctx: &Context,
    caller: &Caller,
    need_id: &str,
    comment: Option<String>,
) -> AppResult<(bool, InterestView)> {
    let (settings, caller, id) = (ctx.settings.clone(), caller.clone(), need_id.to_owned());
    let result = ctx
        .db
        .run(move |conn| register(conn, &settings, &caller, &id, comment.as_deref()))
        .await?;
    ctx.mailer.notify();
    Ok(result)
}

/// Withdraws the caller's interest.
pub async fn withdraw_interest(ctx: &Context, caller: &Caller, need_id: &str) -> AppResult<()> {
    let (caller, id) = (caller.clone(), need_id.to_owned());
    ctx.db.run(move |conn| withdraw(conn, &caller, &id)).await
}

/// Who is interested in a need (its buyers only).
pub async fn interested(
    ctx: &Context,
    caller: &Caller,
    need_id: &str,
) -> AppResult<Vec<InterestView>> {
    let (caller, id) = (caller.clone(), need_id.to_owned());
    ctx.db.run(move |conn| list(conn, &caller, &id)).await
}

/// The interest part of a need's page for a signed-in caller.
pub async fn section(ctx: &Context, caller: &Caller, need_id: &str) -> AppResult<InterestSection> {
    let (caller, id) = (caller.clone(), need_id.to_owned());
    ctx.db
        .run(move |conn| {
            let need = get(conn, &caller, &id)?;
            if is_buyer_of(conn, &caller, &need)? {
                return Ok(InterestSection {
                    list: Some(list(conn, &caller, &id)?),
                    ..InterestSection::default()
                });
            }
            let Ok((org_id, _)) = interested_org(conn, &caller) else {
                return Ok(InterestSection::default());
            };
            let mine = own(conn, &need.id, &org_id)?;
            Ok(InterestSection {
                can_register: need.status == NeedStatus::Open,
                mine,
                list: None,
            })
        })
        .await
}
