//! Finding partners: the directory of suppliers and clusters, and each organisation's profile
//! with its published capabilities and needs. Both front doors list through here.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::needs::search::cpv_prefix;
use super::needs::views::NeedView;
use super::organisations::OrganisationView;
use super::page::{Page, PageQuery};
use super::Context;
use crate::caller::Caller;
use crate::db::capabilities::{self as capabilities_q, CapabilityFilter};
use crate::db::needs::{self as needs_q, NeedFilter};
use crate::db::organisations::{self as q, DirectoryFilter};
use crate::domain::{self, County, Invalid, NeedStatus, OrgKind, Theme};
use crate::error::{all_valid, AppError, AppResult};
use crate::search::document::DocType;
use crate::search::matching::Filters;

/// How many capabilities a text search brings in at most.
const MAX_HITS: usize = 1000;
/// How many capability titles a directory entry shows.
const TITLES: usize = 5;

/// The directory's filters, as given.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DirectoryQuery {
    /// Words in the name or number, or in the organisation's capabilities.
    pub q: Option<String>,
    /// `supplier` or `cluster`; both when absent. (`buyer` lists buyers.)
    pub kind: Option<String>,
    /// A county number.
    pub county: Option<String>,
    /// Only organisations with a capability in this theme.
    pub theme: Option<String>,
    /// Only organisations with a capability under this CPV code or its first digits.
    pub cpv: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Items per page, 1 to 100.
    pub per_page: Option<i64>,
}

/// A capability as a directory entry names it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CapabilityTitle {
    /// The capability's id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// One organisation in the directory.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DirectoryEntry {
    /// The organisation; the contact address only for signed-in callers.
    #[serde(flatten)]
    pub organisation: OrganisationView,
    /// Its newest capabilities, at most five.
    pub capabilities: Vec<CapabilityTitle>,
}

/// An organisation's profile: who it is, and what it offers and needs.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Profile {
    /// The organisation with its memberships; the contact address only for signed-in callers.
    pub organisation: OrganisationView,
    /// Its capabilities.
    pub capabilities: Vec<CapabilityTitle>,
    /// Its open needs.
    pub needs: Vec<NeedView>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A page of the directory.
pub async fn find(
    ctx: &Context,
    caller: Option<&Caller>,
    query: DirectoryQuery,
) -> AppResult<Page<DirectoryEntry>> {
    all_valid! {
        let spec = PageQuery { page: query.page, per_page: query.per_page }.resolve();
        let text = given(&query.q).map(|t| domain::query_text("q", t)).transpose();
        let kind = given(&query.kind).map(OrgKind::parse).transpose();
        let county = given(&query.county).map(County::parse).transpose();
        let theme = given(&query.theme)
            .map(|t| Theme::parse(t).map_err(|e| Invalid::because("theme", e.problem, e.message)))
            .transpose();
        let cpv = cpv_prefix(query.cpv.as_deref());
    }
    let text = text.filter(|t| !t.is_empty());
    // Capabilities whose text matches, found by the index in any of the three languages.
    let by_capability = match &text {
        Some(t) => {
            let filters = Filters {
                doc_type: Some(DocType::Capability),
                ..Filters::default()
            };
            let hits = super::matching::search(ctx, t.clone(), filters, MAX_HITS).await?;
            Some(
                hits.items
                    .into_iter()
                    .map(|m| m.organisation_id)
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    let signed_in = caller.is_some();
    ctx.db
        .run(move |conn| {
            let mut ids: Option<Vec<String>> = None;
            if let Some(t) = &text {
                let mut found = q::ids_named(conn, t)?;
                found.extend(by_capability.unwrap_or_default());
                ids = Some(found);
            }
            if theme.is_some() || cpv.is_some() {
                let with = capabilities_q::organisations_with(
                    conn,
                    &CapabilityFilter {
                        theme: theme.map(|t| t.as_str().to_owned()),
                        cpv_prefix: cpv,
                        ..CapabilityFilter::default()
                    },
                )?;
                ids = Some(match ids {
                    Some(found) => found.into_iter().filter(|id| with.contains(id)).collect(),
                    None => with,
                });
            }
            if let Some(found) = ids.as_mut() {
                found.sort();
                found.dedup();
            }
            let kinds = match kind {
                Some(k) => vec![k.as_str().to_owned()],
                None => vec!["supplier".to_owned(), "cluster".to_owned()],
            };
            let filter = DirectoryFilter {
                kinds,
                county: county.map(|c| c.as_str().to_owned()),
                ids,
            };
            let (rows, total) = q::directory(conn, &filter, spec.offset(), spec.per_page)?;
            let org_ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let titles = capabilities_q::titles_of(conn, &org_ids)?;
            let items = rows
                .iter()
                .map(|r| DirectoryEntry {
                    organisation: shown(OrganisationView::of(r), signed_in),
                    capabilities: titles
                        .iter()
                        .filter(|(org, _, _)| *org == r.id)
                        .take(TITLES)
                        .map(|(_, id, title)| CapabilityTitle {
                            id: id.clone(),
                            title: title.clone(),
                        })
                        .collect(),
                })
                .collect();
            Ok(spec.wrap(items, total))
        })
        .await
}

/// A visitor who is not signed in sees no contact address, so the directory is no list for
/// spammers.
fn shown(mut view: OrganisationView, signed_in: bool) -> OrganisationView {
    if !signed_in {
        view.contact_email = None;
    }
    view
}

/// An organisation's profile.
pub async fn profile(ctx: &Context, caller: Option<&Caller>, id: &str) -> AppResult<Profile> {
    let id = id.to_owned();
    let signed_in = caller.is_some();
    ctx.db
        .run(move |conn| {
            let row = q::find(conn, &id)?
                .ok_or_else(|| AppError::not_found("no organisation has this id"))?;
            let organisation = shown(OrganisationView::load(conn, &row)?, signed_in);
            let capabilities = capabilities_q::titles_of(conn, std::slice::from_ref(&row.id))?
                .into_iter()
                .map(|(_, id, title)| CapabilityTitle { id, title })
                .collect();
            let filter = NeedFilter {
                status: Some(NeedStatus::Open.as_str().to_owned()),
                organisation_id: Some(row.id.clone()),
                ..NeedFilter::default()
            };
            let needs = needs_q::list_after(conn, &filter, None, 100)?;
            Ok(Profile {
                organisation,
                capabilities,
                needs: needs.iter().map(NeedView::of).collect(),
            })
        })
        .await
}
