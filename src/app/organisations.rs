//! Organisations: who may change what, profile edits, cluster membership and adding colleagues.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::page::{Page, PageSpec};
use super::Context;
use crate::caller::Caller;
use crate::db::accounts::{self as accounts_q, AccountRow, InviteRow};
use crate::db::organisations::{self as q, OrganisationRow};
use crate::db::{self, DbConn};
use crate::domain::organisation::Profile;
use crate::domain::{County, Email, OrgKind, Orgnr};
use crate::error::{AppError, AppResult};

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

/// Refuses a buyer that awaits approval by programme staff what only an approved organisation
/// may do: publish, invite suppliers or send email. Administrators have no organisation and pass.
pub fn require_approved(conn: &mut DbConn, caller: &Caller, action: &str) -> Result<(), AppError> {
    let Some(org_id) = caller.organisation_id() else {
        return Ok(());
    };
    if get(conn, org_id)?.approval == "pending" {
        return Err(AppError::forbidden(format!(
            "your organisation awaits approval by the programme's staff, so it cannot {action} yet; \
             you can prepare needs and processes meanwhile"
        )));
    }
    Ok(())
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
        crate::app::audit::require_owner_recorded(conn, caller, id, "update_profile")?;
        let profile = edit(&row)?;
        profile.check_for(kind_of(&row)?)?;
        if row.verified_at.is_some() && profile.name != row.name {
            return Err(AppError::validation(
                "name",
                format!(
                    "the name comes from Enhetsregisteret ({}); change it there",
                    row.name
                ),
            ));
        }
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
pub(super) fn retry_on_conflict<T>(
    mut f: impl FnMut() -> Result<T, AppError>,
) -> Result<T, AppError> {
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

/// Asks a registered supplier to join a cluster the caller owns: the request waits until the
/// supplier's owner accepts it. Returns the member and whether the request is new.
pub fn add_member(
    conn: &mut DbConn,
    caller: &Caller,
    cluster_id: &str,
    orgnr: &Orgnr,
) -> Result<(OrganisationRow, bool), AppError> {
    retry_on_conflict(|| {
        db::write_tx(conn, |conn| {
            let cluster = get(conn, cluster_id)?;
            crate::app::audit::require_owner_recorded(conn, caller, cluster_id, "add_member")?;
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
            let added = q::add_member(conn, cluster_id, &member.id, "pending")?;
            Ok((member, added))
        })
    })
}

/// The supplier's owner accepts a cluster's request: the supplier becomes a member, which the
/// cluster may then propose.
pub fn accept_membership(
    conn: &mut DbConn,
    caller: &Caller,
    member_id: &str,
    cluster_id: &str,
) -> Result<(), AppError> {
    db::write_tx(conn, |conn| {
        get(conn, member_id)?;
        crate::app::audit::require_owner_recorded(conn, caller, member_id, "accept_cluster")?;
        match q::membership(conn, cluster_id, member_id)?.as_deref() {
            Some("pending") => {
                q::accept_member(conn, cluster_id, member_id)?;
                Ok(())
            }
            Some(_) => Ok(()),
            None => Err(AppError::not_found(
                "this cluster has not asked your organisation to become a member",
            )),
        }
    })
}

/// The supplier's owner declines a cluster's request, or leaves the cluster.
pub fn leave_cluster(
    conn: &mut DbConn,
    caller: &Caller,
    member_id: &str,
    cluster_id: &str,
) -> Result<(), AppError> {
    db::write_tx(conn, |conn| {
        get(conn, member_id)?;
        crate::app::audit::require_owner_recorded(conn, caller, member_id, "decline_cluster")?;
        if q::remove_member(conn, cluster_id, member_id)? {
            Ok(())
        } else {
            Err(AppError::not_found(
                "your organisation is neither a member of this cluster nor asked to be one",
            ))
        }
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
        crate::app::audit::require_owner_recorded(conn, caller, cluster_id, "remove_member")?;
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

// Read models and the use cases both front doors call.

/// An organisation in short, as listed in memberships.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganisationSummary {
    /// Id.
    pub id: String,
    /// `buyer`, `supplier` or `cluster`.
    pub kind: String,
    /// Organisation number, 9 digits.
    pub orgnr: String,
    /// Name.
    pub name: String,
    /// In a cluster request: `pending` until the member's owner accepts, then `accepted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl From<&OrganisationRow> for OrganisationSummary {
    fn from(r: &OrganisationRow) -> Self {
        OrganisationSummary {
            id: r.id.clone(),
            kind: r.kind.clone(),
            orgnr: r.orgnr.clone(),
            name: r.name.clone(),
            status: None,
        }
    }
}

/// An organisation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganisationView {
    /// Id (UUID).
    pub id: String,
    /// `buyer`, `supplier` or `cluster`.
    pub kind: String,
    /// Organisation number, 9 digits without spaces.
    pub orgnr: String,
    /// Name.
    pub name: String,
    /// Home page.
    pub website: Option<String>,
    /// Contact address for invitations.
    pub contact_email: Option<String>,
    /// Buyers: `state`, `county`, `municipality` or `other`.
    pub sector: Option<String>,
    /// County number (2024), e.g. `46`.
    pub county: Option<String>,
    /// The county's name.
    pub county_name: Option<String>,
    /// Suppliers: `micro`, `small`, `medium` or `large`.
    pub size: Option<String>,
    /// True when name, county, sector and size were taken from Enhetsregisteret.
    pub verified: bool,
    /// When they were last taken from it (UTC).
    pub verified_at: Option<DateTime<Utc>>,
    /// The register's organisation form, such as `KOMM` or `AS`.
    pub form_code: Option<String>,
    /// `approved`, or `pending`: a buyer that programme staff have not approved yet, which may
    /// prepare needs and processes but not publish, invite or send email.
    pub approval: String,
    /// `bankrupt`, `winding_up` or `deleted` when the register says the entity has ended; it is
    /// then left out of matches and search.
    pub ended: Option<String>,
    /// Clusters: their member suppliers, which accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<OrganisationSummary>>,
    /// Clusters: suppliers asked to become members that have not accepted yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_members: Option<Vec<OrganisationSummary>>,
    /// Suppliers: the clusters they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<Vec<OrganisationSummary>>,
    /// Suppliers: clusters that ask them to become a member, awaiting the owner's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_requests: Option<Vec<OrganisationSummary>>,
    /// When it was registered (UTC).
    pub created_at: DateTime<Utc>,
    /// When it was last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl OrganisationView {
    /// The view of a row, without memberships.
    pub fn of(r: &OrganisationRow) -> OrganisationView {
        OrganisationView {
            id: r.id.clone(),
            kind: r.kind.clone(),
            orgnr: r.orgnr.clone(),
            name: r.name.clone(),
            website: r.website.clone(),
            contact_email: r.contact_email.clone(),
            sector: r.sector.clone(),
            county_name: r
                .county
                .as_deref()
                .and_then(|c| County::parse(c).ok())
                .map(|c| c.name().to_owned()),
            county: r.county.clone(),
            size: r.size.clone(),
            verified: r.verified_at.is_some(),
            verified_at: r.verified_at.map(|t| t.and_utc()),
            form_code: r.form_code.clone(),
            approval: r.approval.clone(),
            ended: r.ended.clone(),
            members: None,
            pending_members: None,
            clusters: None,
            cluster_requests: None,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }

    /// The view with memberships, loaded from the database.
    pub fn load(conn: &mut DbConn, r: &OrganisationRow) -> Result<OrganisationView, AppError> {
        let mut view = OrganisationView::of(r);
        match r.kind.as_str() {
            "cluster" => {
                view.members = Some(q::members(conn, &r.id)?.iter().map(Into::into).collect());
                view.pending_members = Some(
                    q::members_with(conn, &r.id, "pending")?
                        .iter()
                        .map(|m| OrganisationSummary {
                            status: Some("pending".to_owned()),
                            ..m.into()
                        })
                        .collect(),
                );
            }
            "supplier" => {
                view.clusters = Some(
                    q::clusters_of(conn, &r.id)?
                        .iter()
                        .map(Into::into)
                        .collect(),
                );
                view.cluster_requests = Some(
                    q::cluster_requests(conn, &r.id)?
                        .iter()
                        .map(|c| OrganisationSummary {
                            status: Some("pending".to_owned()),
                            ..c.into()
                        })
                        .collect(),
                );
            }
            _ => {}
        }
        Ok(view)
    }
}

/// A pending invitation to join an organisation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InviteView {
    /// The invited address.
    pub email: String,
    /// The organisation.
    pub organisation_id: String,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<&InviteRow> for InviteView {
    fn from(r: &InviteRow) -> Self {
        InviteView {
            email: r.email.clone(),
            organisation_id: r.organisation_id.clone(),
            created_at: r.created_at.and_utc(),
        }
    }
}

/// A user account.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    /// Id (UUID).
    pub id: String,
    /// Sign-in email, lowercased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `owner`, `member` or `admin`.
    pub role: String,
    /// The organisation; none for administrators.
    pub organisation_id: Option<String>,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// Whether the email address is confirmed; until it is, nothing is sent to it.
    pub email_confirmed: bool,
}

impl From<&AccountRow> for UserView {
    fn from(a: &AccountRow) -> Self {
        UserView {
            id: a.id.clone(),
            email: a.email.clone(),
            name: a.name.clone(),
            role: a.role.clone(),
            organisation_id: a.organisation_id.clone(),
            created_at: a.created_at.and_utc(),
            email_confirmed: a.email_confirmed_at.is_some(),
        }
    }
}

/// An organisation's users and pending invitations.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UsersView {
    /// Accounts in the organisation.
    pub users: Vec<UserView>,
    /// Invitations not yet used.
    pub invites: Vec<InviteView>,
}

/// A page of organisations of one kind or all, whose name or number has every word of `q`.
pub async fn page(
    ctx: &Context,
    kind: Option<OrgKind>,
    q: Option<String>,
    spec: PageSpec,
) -> AppResult<Page<OrganisationView>> {
    ctx.db
        .run(move |conn| {
            let (rows, total) = crate::db::organisations::list(
                conn,
                kind.map(|k| k.as_str()),
                q.as_deref(),
                spec.offset(),
                spec.per_page,
            )?;
            Ok(spec.wrap(rows.iter().map(OrganisationView::of).collect(), total))
        })
        .await
}

/// One organisation, with its members or clusters.
pub async fn view(ctx: &Context, id: &str) -> AppResult<OrganisationView> {
    let id = id.to_owned();
    ctx.db
        .run(move |conn| {
            let row = get(conn, &id)?;
            OrganisationView::load(conn, &row)
        })
        .await
}

/// Changes an organisation's profile (its owner); `apply` makes the new profile from the row.
pub async fn change_profile(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    apply: impl FnOnce(&OrganisationRow) -> AppResult<Profile> + Send + 'static,
) -> AppResult<OrganisationView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            let row = update_profile(conn, &caller, &id, apply)?;
            OrganisationView::load(conn, &row)
        })
        .await
}

/// Adds a supplier to a cluster (its owner); true when it was not a member.
pub async fn add_cluster_member(
    ctx: &Context,
    caller: &Caller,
    cluster_id: &str,
    orgnr: Orgnr,
) -> AppResult<(OrganisationSummary, bool)> {
    let (caller, cluster_id) = (caller.clone(), cluster_id.to_owned());
    ctx.db
        .run(move |conn| {
            let (member, added) = add_member(conn, &caller, &cluster_id, &orgnr)?;
            let status = q::membership(conn, &cluster_id, &member.id)?;
            Ok((
                OrganisationSummary {
                    status,
                    ..OrganisationSummary::from(&member)
                },
                added,
            ))
        })
        .await
}

/// Accepts a cluster's request to become its member (the member's owner).
pub async fn accept_cluster(
    ctx: &Context,
    caller: &Caller,
    member_id: &str,
    cluster_id: &str,
) -> AppResult<()> {
    let (caller, member, cluster) = (caller.clone(), member_id.to_owned(), cluster_id.to_owned());
    ctx.db
        .run(move |conn| accept_membership(conn, &caller, &member, &cluster))
        .await
}

/// Declines a cluster's request, or leaves the cluster (the member's owner).
pub async fn decline_cluster(
    ctx: &Context,
    caller: &Caller,
    member_id: &str,
    cluster_id: &str,
) -> AppResult<()> {
    let (caller, member, cluster) = (caller.clone(), member_id.to_owned(), cluster_id.to_owned());
    ctx.db
        .run(move |conn| leave_cluster(conn, &caller, &member, &cluster))
        .await
}

/// Removes a member from a cluster (its owner).
pub async fn remove_cluster_member(
    ctx: &Context,
    caller: &Caller,
    cluster_id: &str,
    member_id: &str,
) -> AppResult<()> {
    let (caller, cluster_id, member) =
        (caller.clone(), cluster_id.to_owned(), member_id.to_owned());
    ctx.db
        .run(move |conn| remove_member(conn, &caller, &cluster_id, &member))
        .await
}

/// Lets a colleague join by registering with `email` (the owner), and emails them a link;
/// true when the invitation is new.
pub async fn invite_colleague(
    ctx: &Context,
    caller: &Caller,
    id: &str,
    email: Email,
) -> AppResult<(InviteView, bool)> {
    super::members::invite(ctx, caller, id, email, crate::domain::Lang::Nb).await
}

/// An organisation's users and pending invitations (its own users).
pub async fn user_list(ctx: &Context, caller: &Caller, id: &str) -> AppResult<UsersView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let (users, invites) = ctx.db.run(move |conn| users(conn, &caller, &id)).await?;
    Ok(UsersView {
        users: users.iter().map(Into::into).collect(),
        invites: invites.iter().map(Into::into).collect(),
    })
}

/// The caller's own account and organisation.
pub async fn me(ctx: &Context, caller: &Caller) -> AppResult<(UserView, Option<OrganisationView>)> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            let account = crate::db::accounts::find(conn, &caller.account_id)?
                .ok_or_else(|| AppError::unauthorized("this account no longer exists"))?;
            let organisation = match caller.organisation_id() {
                Some(id) => {
                    let row = get(conn, id)?;
                    Some(OrganisationView::load(conn, &row)?)
                }
                None => None,
            };
            Ok((UserView::from(&account), organisation))
        })
        .await
}
