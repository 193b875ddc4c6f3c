//! Suppliers hear of new notices that match them: `GET /capabilities/{id}/alerts` lists them,
//! and a daily digest email through the outbox tells each supplier once about each new match
//! above the threshold it chose. A supplier can turn the digest off.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::Context;
use crate::caller::Caller;
use crate::db::capabilities::CapabilityFilter;
use crate::db::dialogues::OutboxRow;
use crate::db::organisations::OrganisationRow;
use crate::db::{self, DbConn};
use crate::domain::Lang;
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::search::document::{DocType, Indexable};
use crate::search::matching::{self, Filters, Match};
use crate::search::SearchIndex;
use crate::settings::Settings;

/// The score a match must reach when a supplier has not chosen one.
pub const DEFAULT_THRESHOLD: f64 = 0.3;
/// How far back an imported notice counts as new.
pub const NEW_DAYS: i64 = 14;

/// (enabled, threshold) for an organisation, with the defaults when it chose none.
pub fn settings_of(conn: &mut DbConn, organisation_id: &str) -> Result<(bool, f64), AppError> {
    Ok(crate::db::notices::digest_setting(conn, organisation_id)?
        .unwrap_or((true, DEFAULT_THRESHOLD)))
}

/// Needs made from notices imported since `since`, matching any of these capabilities with a
/// score of at least `threshold`; each need once with its best score, best first.
pub fn matching_notices(
    conn: &mut DbConn,
    index: &SearchIndex,
    capabilities: &[crate::db::capabilities::CapabilityRow],
    org_kind: &str,
    threshold: f64,
    since: NaiveDate,
) -> Result<Vec<Match>, AppError> {
    let fresh: HashSet<String> = crate::db::notices::needs_since(conn, since)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    if fresh.is_empty() || capabilities.is_empty() {
        return Ok(Vec::new());
    }
    let filters = Filters {
        doc_type: Some(DocType::Need),
        open_only: true,
        ..Filters::default()
    };
    let mut best: HashMap<String, Match> = HashMap::new();
    for c in capabilities {
        for m in matching::matches(index, &Indexable::capability(c, org_kind), &filters, 200)? {
            if !fresh.contains(&m.id) || f64::from(m.score) < threshold {
                continue;
            }
            if best.get(&m.id).is_none_or(|b| b.score < m.score) {
                best.insert(m.id.clone(), m);
            }
        }
    }
    let mut all: Vec<Match> = best.into_values().collect();
    all.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}

/// What a digest run did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct DigestRun {
    /// Suppliers and clusters looked at.
    pub organisations: usize,
    /// Digest emails queued.
    pub emails: usize,
    /// Matches told about.
    pub matches: usize,
}

/// Where an organisation's digest (or radar email) goes: its contact address, else its first
/// account's; never an address that an account holds unconfirmed.
pub(crate) fn recipient(
    conn: &mut DbConn,
    org: &OrganisationRow,
) -> Result<Option<String>, AppError> {
    if let Some(e) = &org.contact_email {
        if crate::db::accounts::is_unconfirmed_address(conn, e)? {
            return Ok(None);
        }
        return Ok(Some(e.clone()));
    }
    Ok(crate::db::accounts::in_organisation(conn, &org.id)?
        .into_iter()
        .find(|a| a.email_confirmed_at.is_some())
        .map(|a| a.email))
}

/// Queues one digest per supplier or cluster with new matches it was not told about yet.
pub fn run(
    conn: &mut DbConn,
    settings: &Settings,
    index: &SearchIndex,
    today: NaiveDate,
) -> Result<DigestRun, AppError> {
    let since = today - chrono::Duration::days(NEW_DAYS);
    let mut report = DigestRun::default();
    for kind in ["supplier", "cluster"] {
        let (orgs, _) = crate::db::organisations::list(conn, Some(kind), None, 0, i64::MAX)?;
        for org in orgs {
            report.organisations += 1;
            let (enabled, threshold) = settings_of(conn, &org.id)?;
            if !enabled {
                continue;
            }
            let filter = CapabilityFilter {
                organisation_id: Some(org.id.clone()),
                ..Default::default()
            };
            let capabilities = crate::db::capabilities::list_after(conn, &filter, None, 100)?;
            let found = matching_notices(conn, index, &capabilities, kind, threshold, since)?;
            if found.is_empty() {
                continue;
            }
            let ids: Vec<String> = found.iter().map(|m| m.id.clone()).collect();
            let told: HashSet<String> = crate::db::notices::already_sent(conn, &org.id, &ids)?
                .into_iter()
                .collect();
            let new: Vec<&Match> = found.iter().filter(|m| !told.contains(&m.id)).collect();
            let Some(to) = recipient(conn, &org)? else {
                continue;
            };
            if new.is_empty() || crate::db::dialogues::is_unsubscribed(conn, &to)? {
                continue;
            }
            let names = crate::db::organisations::names(
                conn,
                &new.iter()
                    .map(|m| m.organisation_id.clone())
                    .collect::<Vec<_>>(),
            )?;
            let lines: Vec<String> = new
                .iter()
                .map(|m| {
                    format!(
                        "- {} ({}), {:.0} %: {}/needs/{}",
                        m.title,
                        names.get(&m.organisation_id).cloned().unwrap_or_default(),
                        m.score * 100.0,
                        settings.public_url,
                        m.id
                    )
                })
                .collect();
            let id = db::new_id();
            let message_id = format!("<digest-{id}@{}>", settings.mail_host());
            let rendered = mail::render_template(
                "digest",
                Lang::Nb,
                &settings.mail_from,
                &to,
                &message_id,
                &[
                    ("supplier", org.name.clone()),
                    ("count", new.len().to_string()),
                    ("matches", lines.join("\n")),
                    ("settings_url", format!("{}/dashboard", settings.public_url)),
                ],
            )
            .map_err(AppError::Internal)?;
            let sent: Vec<String> = new.iter().map(|m| m.id.clone()).collect();
            db::write_tx(conn, |conn| {
                crate::db::dialogues::enqueue(
                    conn,
                    &OutboxRow::queued(
                        id.clone(),
                        "digest",
                        None,
                        None,
                        &to,
                        message_id.clone(),
                        rendered.clone(),
                    ),
                )?;
                crate::db::notices::mark_sent(conn, &org.id, &sent)?;
                Ok::<_, AppError>(())
            })?;
            report.emails += 1;
            report.matches += sent.len();
        }
    }
    Ok(report)
}

/// The local hour after which the day's digest goes out.
const DIGEST_HOUR: u32 = 7;

/// Starts the daily digest: every ten minutes it checks whether today's digest (after 07:00
/// Norwegian time) has run in this process. A restart runs it again, which sends nothing twice,
/// since every match told is recorded with the email in one transaction.
pub fn start(
    db: crate::db::Db,
    settings: Settings,
    index: &std::sync::Arc<SearchIndex>,
) -> anyhow::Result<std::thread::JoinHandle<()>> {
    let weak = std::sync::Arc::downgrade(index);
    Ok(std::thread::Builder::new()
        .name("digest".into())
        .spawn(move || {
            let mut last: Option<NaiveDate> = None;
            loop {
                let Some(index) = weak.upgrade() else { return };
                let now = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Oslo);
                let today = now.date_naive();
                if chrono::Timelike::hour(&now) >= DIGEST_HOUR && last != Some(today) {
                    let result = db
                        .get()
                        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
                        .and_then(|mut conn| run(&mut conn, &settings, &index, today));
                    match result {
                        Ok(r) => {
                            tracing::info!(emails = r.emails, matches = r.matches, "daily digest queued");
                            last = Some(today);
                        }
                        Err(e) => tracing::warn!(error = %e, "daily digest failed; retrying in ten minutes"),
                    }
                }
                drop(index);
                std::thread::sleep(std::time::Duration::from_secs(600));
            }
        })?)
}

// The use cases both front doors call.

/// New notices that match a capability.
#[derive(Debug, Serialize, ToSchema)]
pub struct Alerts {
    /// Notices imported in the last 14 days, as open needs, best first.
    pub items: Vec<Match>,
    /// The organisation's threshold.
    pub threshold: f64,
}

/// New notices matching a capability, above its organisation's threshold: for the capability's
/// own organisation and programme staff.
pub async fn alerts(ctx: &Context, caller: &Caller, capability_id: &str) -> AppResult<Alerts> {
    let (caller, id, index) = (caller.clone(), capability_id.to_owned(), ctx.index.clone());
    ctx.db
        .run(move |conn| {
            let row = crate::app::capabilities::get(conn, &id)?;
            if !caller.is_admin() && !caller.belongs_to(&row.organisation_id) {
                return Err(AppError::forbidden(
                    "alerts are for the capability's own organisation",
                ));
            }
            let org = crate::app::organisations::get(conn, &row.organisation_id)?;
            let (_, threshold) = settings_of(conn, &org.id)?;
            let since = db::now().date() - chrono::Duration::days(NEW_DAYS);
            let items = matching_notices(conn, &index, &[row], &org.kind, threshold, since)?;
            Ok(Alerts { items, threshold })
        })
        .await
}

/// A supplier's digest settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestSettings {
    /// Whether the daily digest is sent.
    pub enabled: bool,
    /// The least score in [0, 1] a match needs to be told about.
    pub threshold: f64,
}

fn own_organisation(caller: &Caller) -> AppResult<String> {
    caller
        .organisation_id()
        .map(str::to_owned)
        .ok_or_else(|| AppError::forbidden("programme staff have no digest"))
}

/// The caller's organisation's digest settings.
pub async fn settings(ctx: &Context, caller: &Caller) -> AppResult<DigestSettings> {
    let org = own_organisation(caller)?;
    let (enabled, threshold) = ctx.db.run(move |conn| settings_of(conn, &org)).await?;
    Ok(DigestSettings { enabled, threshold })
}

/// Changes the caller's organisation's digest settings (its owner).
pub async fn save_settings(
    ctx: &Context,
    caller: &Caller,
    wanted: DigestSettings,
) -> AppResult<DigestSettings> {
    let org = own_organisation(caller)?;
    crate::app::organisations::require_owner(caller, &org)?;
    if !(0.0..=1.0).contains(&wanted.threshold) || wanted.threshold.is_nan() {
        return Err(AppError::validation(
            "threshold",
            "threshold must be between 0 and 1",
        ));
    }
    let (enabled, threshold) = (wanted.enabled, wanted.threshold);
    ctx.db
        .run(move |conn| {
            crate::db::notices::set_digest(conn, &org, enabled, threshold).map_err(AppError::from)
        })
        .await?;
    Ok(wanted)
}

/// Runs the digest now, as the daily worker does (programme staff), and wakes the mailer.
pub async fn run_now(ctx: &Context, caller: &Caller) -> AppResult<DigestRun> {
    if !caller.is_admin() {
        return Err(AppError::forbidden(
            "only programme administrators can run the digest",
        ));
    }
    let (settings, index) = (ctx.settings.clone(), ctx.index.clone());
    let report = ctx
        .db
        .run(move |conn| run(conn, &settings, &index, db::now().date()))
        .await?;
    ctx.mailer.notify();
    Ok(report)
}
