//! Suppliers hear of new notices that match them: `GET /capabilities/{id}/alerts` lists them,
//! and a daily digest email through the outbox tells each supplier once about each new match
//! above the threshold it chose. A supplier can turn the digest off.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::db::capabilities::CapabilityFilter;
use crate::db::dialogues::OutboxRow;
use crate::db::organisations::OrganisationRow;
use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::mail::{self, Lang};
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

fn recipient(conn: &mut DbConn, org: &OrganisationRow) -> Result<Option<String>, AppError> {
    if let Some(e) = &org.contact_email {
        return Ok(Some(e.clone()));
    }
    Ok(crate::db::accounts::in_organisation(conn, &org.id)?
        .into_iter()
        .next()
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
            let (capabilities, _) = crate::db::capabilities::list(conn, &filter, 0, 100)?;
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
            let host = url::Url::parse(&settings.public_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| "innolift".into());
            let message_id = format!("<digest-{id}@{host}>");
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
