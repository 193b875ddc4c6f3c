//! Accounts: registration (which may found an organisation or join one by invitation), sign-in,
//! password changes and programme administrators.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::accounts::{self as q, AccountRow};
use crate::db::organisations::{self as orgs, OrganisationRow};
use crate::db::{self, DbConn};
use crate::domain::organisation::{optional, OrBlank, Profile};
use crate::domain::{self, County, Email, OrgKind, Orgnr, Role, Sector, Size, Website};
use crate::error::{all_valid, AppError, Clash};

/// A new organisation, validated.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// Its orgnr.
    pub orgnr: Orgnr,
    /// Its kind.
    pub kind: OrgKind,
    /// Its profile, already checked against the kind.
    pub profile: Profile,
}

/// A registration, validated.
#[derive(Debug)]
pub struct Registration {
    /// Sign-in email.
    pub email: Email,
    /// The password's argon2id hash.
    pub password_hash: String,
    /// Display name.
    pub name: String,
    /// The organisation to found or join; may be left out by someone with an invitation.
    pub organisation: Option<NewOrganisation>,
    /// The token of an emailed invitation link: it names the organisation to join, and the
    /// email must be the one invited.
    pub invite_token: Option<String>,
    /// True when an OpenID Connect provider has verified the email, which then needs no link.
    pub email_verified: bool,
}

/// Builds an organisation row from validated parts.
pub fn organisation_row(new: &NewOrganisation) -> OrganisationRow {
    let now = db::now();
    let p = &new.profile;
    OrganisationRow {
        id: db::new_id(),
        kind: new.kind.as_str().to_owned(),
        orgnr: new.orgnr.as_str().to_owned(),
        search_key: orgs::search_key(&p.name, new.orgnr.as_str()),
        name: p.name.clone(),
        website: p.website.as_ref().map(|w| w.as_str().to_owned()),
        contact_email: p.contact_email.as_ref().map(|e| e.as_str().to_owned()),
        sector: p.sector.map(|s| s.as_str().to_owned()),
        county: p.county.as_ref().map(|c| c.as_str().to_owned()),
        size: p.size.map(|s| s.as_str().to_owned()),
        created_at: now,
        updated_at: now,
        verified_at: None,
        approval: "approved".to_owned(),
        approved_by: None,
        ended: None,
        form_code: None,
    }
}

fn account_row(
    email: &Email,
    name: &str,
    hash: String,
    role: Role,
    organisation_id: Option<String>,
) -> AccountRow {
    let now = db::now();
    AccountRow {
        id: db::new_id(),
        email: email.as_str().to_owned(),
        name: name.to_owned(),
        password_hash: hash,
        role: role.as_str().to_owned(),
        organisation_id,
        security_stamp: db::new_id(),
        created_at: now,
        updated_at: now,
        removed_at: None,
        email_confirmed_at: None,
        email_confirm_token_hash: None,
        email_confirm_sent_at: None,
    }
}

fn email_taken() -> AppError {
    AppError::clash(
        Some("email"),
        Clash::EmailTaken,
        "an account with this email already exists; sign in instead",
    )
}

/// A founded organisation as the register knows it, or as typed when no register is loaded;
/// and whether it may act at once. A buyer acts at once when the register shows a public body,
/// or, with no register loaded, when `trust_self_declared_buyers` is on; any other waits for
/// programme staff as `pending`.
fn founded(
    conn: &mut DbConn,
    new: &NewOrganisation,
    trust_self_declared_buyers: bool,
) -> Result<OrganisationRow, AppError> {
    let entity = super::registry::entity_for_registration(conn, new.orgnr.as_str())?;
    let mut row = organisation_row(new);
    let acts_at_once = match &entity {
        Some(e) => {
            super::registry::apply_to(&mut row, e);
            new.kind != OrgKind::Buyer || super::registry::is_public(e)
        }
        None => {
            new.require_typed()?;
            new.kind != OrgKind::Buyer || trust_self_declared_buyers
        }
    };
    if new.kind == OrgKind::Buyer && row.sector.is_none() {
        // A company claiming to be a buyer: staff see what it typed, or "other".
        row.sector = Some(
            new.profile
                .sector
                .unwrap_or(Sector::Other)
                .as_str()
                .to_owned(),
        );
    }
    if !acts_at_once {
        row.approval = "pending".to_owned();
    }
    Ok(row)
}

/// Registers an account. A new orgnr founds the organisation with the account as owner; an
/// existing one is joined as member only with an invitation from its owner.
///
/// The address counts as confirmed when the provider verified it, when the account joins through
/// an invitation link sent to it, or when `confirm_email` is off; otherwise it waits for its link.
pub fn register(
    conn: &mut DbConn,
    reg: Registration,
    trust_self_declared_buyers: bool,
    confirm_email: bool,
) -> Result<(AccountRow, OrganisationRow), AppError> {
    let hash = reg.password_hash.clone();
    let result = db::write_tx(conn, |conn| {
        if q::find_by_email(conn, reg.email.as_str())?.is_some() {
            return Err(email_taken());
        }
        let by_link = match &reg.invite_token {
            Some(token) => Some(
                q::invite_by_token(conn, &super::dialogues::token_hash(token))?.ok_or_else(|| {
                    AppError::validation(
                        "invite",
                        "this invitation link is used, expired or unknown; ask your organisation's owner for a new invitation",
                    )
                })?,
            ),
            None => None,
        };
        let proven_by_link = by_link.is_some();
        let (organisation, role) = if let Some(inv) = by_link {
            if inv.email != reg.email.as_str() {
                return Err(AppError::validation(
                    "email",
                    format!(
                        "register with the address the invitation was sent to: {}",
                        inv.email
                    ),
                ));
            }
            let org = orgs::find(conn, &inv.organisation_id)?
                .ok_or_else(|| AppError::internal("invitation points to a missing organisation"))?;
            (org, Role::Member)
        } else {
            let existing = match &reg.organisation {
                Some(new) => orgs::find_by_orgnr(conn, new.orgnr.as_str())?,
                None => None,
            };
            // With an organisation named, only that organisation's invitation counts.
            let invite = match &existing {
                Some(org) => q::invite(conn, &org.id, reg.email.as_str())?,
                None => q::invite_for_email(conn, reg.email.as_str())?,
            };
            match (&reg.organisation, existing, invite) {
                (Some(_), Some(org), Some(_)) => (org, Role::Member),
                // A buyer known only from public notices has no users yet: its first registrant
                // founds it, as if it were new.
                (Some(new), Some(org), None)
                    if org.kind == new.kind.as_str() && q::in_organisation(conn, &org.id)?.is_empty() =>
                {
                    let row = OrganisationRow {
                        id: org.id.clone(),
                        created_at: org.created_at,
                        ..founded(conn, new, trust_self_declared_buyers)?
                    };
                    orgs::update(conn, &row)?;
                    (row, Role::Owner)
                }
                (Some(_), Some(org), None) => {
                    return Err(AppError::clash(
                        Some("orgnr"),
                        Clash::OrgnrRegistered,
                        format!(
                            "{} ({}) is already registered; ask its owner to add you as a user, then register with that email",
                            org.name, org.orgnr
                        ),
                    ))
                }
                (Some(new), None, _) => {
                    let row = founded(conn, new, trust_self_declared_buyers)?;
                    orgs::insert(conn, &row)?;
                    (row, Role::Owner)
                }
                (None, _, Some(inv)) => {
                    let org = orgs::find(conn, &inv.organisation_id)?
                        .ok_or_else(|| AppError::internal("invitation points to a missing organisation"))?;
                    (org, Role::Member)
                }
                (None, _, None) => {
                    return Err(AppError::validation(
                        "organisation",
                        "organisation is required: give your organisation's orgnr, name and kind",
                    ))
                }
            }
        };
        let mut account = account_row(
            &reg.email,
            &reg.name,
            hash,
            role,
            Some(organisation.id.clone()),
        );
        if !confirm_email || reg.email_verified || proven_by_link {
            account.email_confirmed_at = Some(account.created_at);
        }
        q::insert(conn, &account)?;
        q::delete_invites_for(conn, reg.email.as_str())?;
        Ok((account, organisation))
    });
    // Two registrations racing for the same email or orgnr: the loser gets the answer it would
    // have got a moment later.
    result.map_err(|e| {
        if e.is_unique_violation() {
            AppError::conflict(
                None,
                "this email or organisation was registered just now; sign in or ask the owner",
            )
        } else {
            e
        }
    })
}

/// Replaces the password hash and the security stamp, so that every token issued before stops
/// working. The caller has checked the current password.
pub fn set_password(
    conn: &mut DbConn,
    account_id: &str,
    new_hash: &str,
) -> Result<AccountRow, AppError> {
    let stamp = db::new_id();
    db::write_tx(conn, |conn| {
        q::set_password(conn, account_id, new_hash, &stamp)
    })?;
    q::find(conn, account_id)?.ok_or_else(|| AppError::unauthorized("the account no longer exists"))
}

/// Changes the caller's display name.
pub async fn rename(
    ctx: &super::Context,
    caller: &crate::caller::Caller,
    name: &str,
) -> Result<(), AppError> {
    let name = domain::line("name", name, 200)?;
    let id = caller.account_id.clone();
    ctx.db
        .run(move |conn| q::set_name(conn, &id, &name).map_err(AppError::from))
        .await
}

/// Creates a programme administrator, or fails if the email is taken.
pub fn create_admin(
    conn: &mut DbConn,
    email: &Email,
    name: &str,
    password_hash: String,
) -> Result<AccountRow, AppError> {
    db::write_tx(conn, |conn| {
        if q::find_by_email(conn, email.as_str())?.is_some() {
            return Err(email_taken());
        }
        // Made by the operator on the command line, who vouches for the address.
        let mut row = account_row(email, name, password_hash, Role::Admin, None);
        row.email_confirmed_at = Some(row.created_at);
        q::insert(conn, &row)?;
        Ok(row)
    })
}

/// The organisation part of a registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    /// Organisation number; spaces are allowed.
    #[schema(value_type = Orgnr, inline)]
    pub orgnr: String,
    /// Name; may be empty when a register is loaded, which then gives it.
    #[schema(max_length = 200)]
    pub name: String,
    /// `buyer`, `supplier` or `cluster`.
    #[schema(value_type = OrgKind, inline)]
    pub kind: String,
    /// Home page.
    #[schema(max_length = 500)]
    pub website: Option<String>,
    /// Contact address for invitations.
    #[schema(value_type = Option<OrBlank<Email>>, inline)]
    pub contact_email: Option<String>,
    /// Required for buyers: `state`, `county`, `municipality` or `other`.
    #[schema(value_type = Option<OrBlank<Sector>>, inline)]
    pub sector: Option<String>,
    /// County number (2024).
    #[schema(value_type = Option<OrBlank<County>>, inline)]
    pub county: Option<String>,
    /// Suppliers only: `micro`, `small`, `medium` or `large`.
    #[schema(value_type = Option<OrBlank<Size>>, inline)]
    pub size: Option<String>,
}

impl OrganisationInput {
    /// Validates into a new organisation.
    /// Every invalid field is reported at once.
    pub fn parse(&self) -> Result<NewOrganisation, AppError> {
        all_valid! {
            let orgnr = Orgnr::parse(&self.orgnr);
            let kind = OrgKind::parse(self.kind.trim());
            // With a register loaded the name comes from it; without one it is required.
            let name = if self.name.trim().is_empty() {
                Ok(String::new())
            } else {
                domain::line("name", &self.name, 200)
            };
            let website = optional(self.website.as_deref(), Website::parse);
            let contact_email = optional(self.contact_email.as_deref(), |v| {
                Email::parse_for("contact_email", v)
            });
            let sector = optional(self.sector.as_deref(), Sector::parse);
            let county = optional(self.county.as_deref(), County::parse);
            let size = optional(self.size.as_deref(), Size::parse);
        }
        let profile = Profile {
            name,
            website,
            contact_email,
            sector,
            county,
            size,
        };
        // A buyer's sector, like its name, may come from the register: checked in
        // `require_typed` when none is loaded.
        let mut checked = profile.clone();
        if kind == OrgKind::Buyer && checked.sector.is_none() {
            checked.sector = Some(Sector::Other);
        }
        checked.check_for(kind)?;
        Ok(NewOrganisation {
            orgnr,
            kind,
            profile,
        })
    }
}

impl NewOrganisation {
    /// Refuses what the register would have filled in, for when no register is loaded.
    pub fn require_typed(&self) -> Result<(), AppError> {
        if self.profile.name.is_empty() {
            return Err(AppError::invalid(
                "name",
                domain::Problem::Required,
                "name is required: give the organisation's name",
            ));
        }
        Ok(self.profile.check_for(self.kind)?)
    }
}

/// Registers an account (founding or joining its organisation) off the async executor, and
/// sends the link that confirms its address when that is needed. Returns the account and its
/// organisation's view.
pub async fn sign_up(
    ctx: &super::Context,
    registration: Registration,
    lang: domain::Lang,
) -> Result<(AccountRow, super::organisations::OrganisationView), AppError> {
    let trust = ctx.settings.trust_self_declared_buyers;
    let confirm = ctx.settings.confirm_email;
    let settings = ctx.settings.clone();
    let (account, view) = ctx
        .db
        .run(move |conn| {
            let (account, organisation) = register(conn, registration, trust, confirm)?;
            if account.email_confirmed_at.is_none() {
                super::email_confirmation::queue(conn, &settings, &account, lang)?;
            }
            let view = super::organisations::OrganisationView::load(conn, &organisation)?;
            Ok::<_, AppError>((account, view))
        })
        .await?;
    if account.email_confirmed_at.is_none() {
        ctx.mailer.notify();
    }
    Ok((account, view))
}
