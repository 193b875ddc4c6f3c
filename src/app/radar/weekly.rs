//! The weekly radar email: a buyer hears of the radar groups it has come into since it was last
//! told, with links to start a need or a joint process on each theme. It goes through the
//! outbox like every email, and a group is told once.

use chrono::TimeDelta;

use super::{radar_as, RadarGroup, RadarQuery, Viewer};
use crate::db::contracts as q;
use crate::db::dialogues::OutboxRow;
use crate::db::{self, DbConn};
use crate::domain::Lang;
use crate::error::AppError;
use crate::mail;
use crate::settings::Settings;

/// At most one radar email a week per buyer.
const EVERY: TimeDelta = TimeDelta::days(7);

/// How a group reads in the email, with where to act on it.
fn lines(settings: &Settings, groups: &[&RadarGroup]) -> String {
    let mut out = Vec::new();
    for g in groups {
        let mut line = format!(
            "- {}\n  Se gruppen: {}/radar#g-{}",
            g.why, settings.public_url, g.id
        );
        line.push_str(&format!(
            "\n  Registrer et behov på temaet: {}/needs/new?cpv={}",
            settings.public_url, g.cpv_code
        ));
        if let Some(p) = g.processes.first() {
            line.push_str(&format!(
                "\n  Det finnes alt en fellesprosess: {}/processes/{}",
                settings.public_url, p.id
            ));
        } else if let Some(n) = g.needs.first() {
            line.push_str(&format!(
                "\n  Start en fellesprosess fra behovet «{}»: {}/needs/{}",
                n.title, settings.public_url, n.id
            ));
        }
        out.push(line);
    }
    out.join("\n\n")
}

/// Queues a radar email to every buyer with new groups that has not had one for a week.
/// Returns how many were queued.
pub fn queue(conn: &mut DbConn, settings: &Settings) -> Result<usize, AppError> {
    let now = db::now();
    let query = RadarQuery::parse(None, None, None, None)?;
    let mut queued = 0;
    for org_id in q::organisations_with_contracts(conn)? {
        let told = q::told(conn, &org_id)?;
        if told.iter().any(|(_, at)| *at > now - EVERY) {
            continue;
        }
        let radar = radar_as(conn, &Viewer::Buyer(org_id.clone()), &query)?;
        let new: Vec<&RadarGroup> = radar
            .groups
            .iter()
            .filter(|g| !told.iter().any(|(id, _)| *id == g.id))
            .collect();
        if new.is_empty() {
            continue;
        }
        let org = crate::app::organisations::get(conn, &org_id)?;
        let Some(to) = crate::app::notices::digest::recipient(conn, &org)? else {
            continue;
        };
        if crate::db::dialogues::is_unsubscribed(conn, &to)? {
            continue;
        }
        let id = db::new_id();
        let message_id = format!("<radar-{id}@{}>", settings.mail_host());
        let rendered = mail::render_template(
            "radar",
            Lang::Nb,
            &settings.mail_from,
            &to,
            &message_id,
            &[
                ("buyer", org.name.clone()),
                ("count", new.len().to_string()),
                ("groups", lines(settings, &new)),
                ("radar_url", format!("{}/radar", settings.public_url)),
            ],
        )
        .map_err(AppError::Internal)?;
        let ids: Vec<String> = new.iter().map(|g| g.id.clone()).collect();
        db::write_tx(conn, |conn| {
            crate::db::dialogues::enqueue(
                conn,
                &OutboxRow::queued(
                    id.clone(),
                    "radar",
                    None,
                    None,
                    &to,
                    message_id.clone(),
                    rendered.clone(),
                ),
            )?;
            q::mark_told(conn, &org_id, &ids, now)?;
            Ok::<_, AppError>(())
        })?;
        queued += 1;
    }
    Ok(queued)
}
