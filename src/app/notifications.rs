//! Notifications: what an account should know of (an invitation to a joint process, a question
//! or an answer to a dialogue event, a cluster's proposal, a supplier's interest in a need, an
//! answer to a supplier's question). Each is created in the same transaction as the event, for
//! every account of the organisation concerned, and, unless the account has turned that kind
//! off, also queued as an email in the outbox.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::page::PageSpec;
use crate::app::Context;
use crate::caller::Caller;
use crate::db::dialogues::{self as dq, InvitationRow, OutboxRow};
use crate::db::notifications::{self as q, NotificationRow};
use crate::db::{self, accounts, organisations, DbConn};
use crate::domain::{string_enum, Lang};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::settings::Settings;

string_enum!(
    /// What a notification is about.
    Kind, "kind", {
        /// A buyer is invited to a joint process.
        ProcessInvitation => "process_invitation",
        /// A supplier asked a question on one of the buyer's dialogue events.
        DialogueQuestion => "dialogue_question",
        /// A supplier answered an invitation to one of the buyer's dialogue events.
        DialogueAnswer => "dialogue_answer",
        /// A cluster proposed member suppliers to one of the buyer's processes.
        ClusterProposal => "cluster_proposal",
        /// A supplier or cluster is interested in one of the buyer's needs.
        NeedInterest => "need_interest",
        /// The buyers answered a supplier's question.
        QuestionAnswered => "question_answered",
    }
);

impl Kind {
    /// The kinds an organisation of `kind` can get.
    pub fn for_organisation(kind: &str) -> &'static [Kind] {
        match kind {
            "buyer" => &[
                Kind::ProcessInvitation,
                Kind::DialogueQuestion,
                Kind::DialogueAnswer,
                Kind::ClusterProposal,
                Kind::NeedInterest,
            ],
            "supplier" | "cluster" => &[Kind::QuestionAnswered],
            _ => &[],
        }
    }
}

/// How long after an email about answers to an event no second one goes to the same account:
/// a busy event would otherwise send one per answer.
pub const ANSWER_EMAIL_INTERVAL: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Something that happened, to tell the accounts of some organisations about.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: Kind,
    /// The object it concerns (need, process or event id).
    pub subject_id: String,
    /// The object's title.
    pub title: String,
    /// Who did it: an organisation's name.
    pub actor: String,
    /// The path of the object's page.
    pub link: String,
}

/// Notifies every account of `organisation_ids` (but `except`, the one who acted) of `event`,
/// and queues an email to each that has not turned the kind off. Runs inside the event's own
/// transaction, so a notification exists exactly when the event does. Returns the number of
/// accounts notified.
pub fn notify(
    conn: &mut DbConn,
    settings: &Settings,
    organisation_ids: &[String],
    event: &Event,
    except: Option<&str>,
) -> AppResult<usize> {
    let mut seen: Vec<&str> = Vec::new();
    let mut count = 0;
    for org in organisation_ids {
        if seen.contains(&org.as_str()) {
            continue;
        }
        seen.push(org);
        for account in accounts::in_organisation(conn, org)? {
            if Some(account.id.as_str()) == except {
                continue;
            }
            let now = db::now();
            let mut row = NotificationRow {
                id: db::new_id(),
                account_id: account.id.clone(),
                kind: event.kind.as_str().to_owned(),
                subject_id: event.subject_id.clone(),
                title: event.title.clone(),
                actor: event.actor.clone(),
                link: event.link.clone(),
                created_at: now,
                read_at: None,
                emailed_at: None,
            };
            // An unconfirmed address gets nothing until its owner has shown it is theirs.
            if account.email_confirmed_at.is_some() && wants_email(conn, &account.id, event, now)? {
                let message = email(settings, &row, &account.email)?;
                dq::enqueue(conn, &message)?;
                row.emailed_at = Some(now);
            }
            q::insert(conn, &row)?;
            count += 1;
        }
    }
    Ok(count)
}

fn wants_email(
    conn: &mut DbConn,
    account_id: &str,
    event: &Event,
    now: chrono::NaiveDateTime,
) -> AppResult<bool> {
    let kind = event.kind.as_str();
    if q::email_off(conn, account_id)?.iter().any(|k| k == kind) {
        return Ok(false);
    }
    if event.kind == Kind::DialogueAnswer
        && q::emailed_since(
            conn,
            account_id,
            kind,
            &event.subject_id,
            now - ANSWER_EMAIL_INTERVAL,
        )?
    {
        return Ok(false);
    }
    Ok(true)
}

fn host(settings: &Settings) -> String {
    settings.mail_host()
}

/// The email about a notification. Accounts keep no language, so it is in Bokmål, the
/// interface's first language.
fn email(settings: &Settings, row: &NotificationRow, to: &str) -> AppResult<OutboxRow> {
    let message_id = format!("<notification-{}@{}>", row.id, host(settings));
    let rendered = mail::render_template(
        "notification",
        Lang::Nb,
        &settings.mail_from,
        to,
        &message_id,
        &[
            ("kind", row.kind.clone()),
            ("title", row.title.clone()),
            ("actor", row.actor.clone()),
            ("url", format!("{}{}", settings.public_url, row.link)),
            (
                "settings_url",
                format!("{}{SETTINGS_PATH}", settings.public_url),
            ),
        ],
    )
    .map_err(AppError::Internal)?;
    Ok(OutboxRow::queued(
        db::new_id(),
        "notification",
        None,
        None,
        to,
        message_id,
        rendered,
    ))
}

/// Where an account switches the emails of each kind on and off.
pub const SETTINGS_PATH: &str = "/account/notifications";

/// The organisations that are a process's buyers: the lead and those that accepted.
pub fn process_buyers(conn: &mut DbConn, process_id: &str) -> AppResult<Vec<String>> {
    Ok(crate::db::processes::buyers(conn, process_id)?
        .into_iter()
        .filter(|(b, _)| b.status.takes_part())
        .map(|(b, _)| b.organisation_id)
        .collect())
}

/// The name of an organisation, or an empty text when it is gone.
pub fn organisation_name(conn: &mut DbConn, organisation_id: Option<&str>) -> AppResult<String> {
    Ok(match organisation_id {
        Some(id) => organisations::find(conn, id)?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    })
}

/// Who is behind an invitation: its organisation's name, or its organisation number.
pub fn invitee_name(conn: &mut DbConn, invitation: &InvitationRow) -> AppResult<String> {
    let name = organisation_name(conn, invitation.supplier_id.as_deref())?;
    Ok(if name.is_empty() {
        invitation.orgnr.clone()
    } else {
        name
    })
}

/// A notification as the list and the API show it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    /// `process_invitation`, `dialogue_question`, `dialogue_answer`, `cluster_proposal`,
    /// `need_interest` or `question_answered`.
    pub kind: String,
    /// The object's title.
    pub title: String,
    /// Who did it.
    pub actor: String,
    /// The path of the object's page.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<NotificationRow> for NotificationView {
    fn from(r: NotificationRow) -> Self {
        NotificationView {
            id: r.id,
            kind: r.kind,
            title: r.title,
            actor: r.actor,
            link: r.link,
            created_at: r.created_at.and_utc(),
            read: r.read_at.is_some(),
            read_at: r.read_at.map(|t| t.and_utc()),
        }
    }
}

/// A page of the caller's notifications, newest first, with how many are unread.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    /// Page number, from 1.
    pub page: i64,
    pub per_page: i64,
    /// Notifications over all pages.
    pub total: i64,
    /// Unread notifications over all pages.
    pub unread: i64,
}

/// Whether the caller gets emails of one kind.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EmailSetting {
    pub kind: String,
    pub email: bool,
}

/// A page of the caller's own notifications.
pub async fn list(ctx: &Context, caller: &Caller, spec: PageSpec) -> AppResult<NotificationPage> {
    let account = caller.account_id.clone();
    ctx.db
        .run(move |conn| {
            let (rows, total) = q::page(conn, &account, spec.offset(), spec.per_page)?;
            let unread = q::unread(conn, &account)?;
            Ok(NotificationPage {
                items: rows.into_iter().map(Into::into).collect(),
                page: spec.page,
                per_page: spec.per_page,
                total,
                unread,
            })
        })
        .await
}

/// The number of the account's unread notifications, for the page header.
pub async fn unread(ctx: &Context, account_id: &str) -> AppResult<i64> {
    let account = account_id.to_owned();
    ctx.db.run(move |conn| Ok(q::unread(conn, &account)?)).await
}

/// Marks one of the caller's notifications read; another account's is not found.
pub async fn mark_read(ctx: &Context, caller: &Caller, id: &str) -> AppResult<NotificationView> {
    let (account, id) = (caller.account_id.clone(), id.to_owned());
    ctx.db
        .run(move |conn| {
            db::write_tx(conn, |conn| {
                q::mark_read(conn, &account, &id)?;
                q::find_of(conn, &account, &id)?
                    .map(Into::into)
                    .ok_or_else(|| AppError::not_found("you have no notification with this id"))
            })
        })
        .await
}

/// Marks all the caller's notifications read; returns how many were unread.
pub async fn mark_all_read(ctx: &Context, caller: &Caller) -> AppResult<usize> {
    let account = caller.account_id.clone();
    ctx.db
        .run(move |conn| db::write_tx(conn, |conn| Ok(q::mark_all_read(conn, &account)?)))
        .await
}

fn kinds_of(conn: &mut DbConn, caller: &Caller) -> AppResult<&'static [Kind]> {
    Ok(match caller.organisation_id() {
        Some(org) => match organisations::find(conn, org)? {
            Some(o) => Kind::for_organisation(&o.kind),
            None => &[],
        },
        None => &[],
    })
}

fn settings_of(conn: &mut DbConn, caller: &Caller) -> AppResult<Vec<EmailSetting>> {
    let off = q::email_off(conn, &caller.account_id)?;
    Ok(kinds_of(conn, caller)?
        .iter()
        .map(|k| EmailSetting {
            kind: k.as_str().to_owned(),
            email: !off.iter().any(|o| o == k.as_str()),
        })
        .collect())
}

/// Which kinds the caller gets by email, for every kind its organisation can get.
pub async fn email_settings(ctx: &Context, caller: &Caller) -> AppResult<Vec<EmailSetting>> {
    let caller = caller.clone();
    ctx.db.run(move |conn| settings_of(conn, &caller)).await
}

/// Turns emails of some kinds on or off for the caller; kinds left out stay as they are.
pub async fn set_email_settings(
    ctx: &Context,
    caller: &Caller,
    changes: Vec<(String, bool)>,
) -> AppResult<Vec<EmailSetting>> {
    let caller = caller.clone();
    ctx.db
        .run(move |conn| {
            let allowed = kinds_of(conn, &caller)?;
            let mut parsed = Vec::new();
            for (kind, on) in &changes {
                let k = Kind::parse(kind.trim())?;
                if !allowed.contains(&k) {
                    return Err(crate::domain::Invalid::new(
                        "kind",
                        format!("your organisation gets no notifications of kind {kind}"),
                    )
                    .into());
                }
                parsed.push((k, *on));
            }
            db::write_tx(conn, |conn| {
                for (k, on) in &parsed {
                    q::set_email(conn, &caller.account_id, k.as_str(), *on)?;
                }
                Ok::<_, AppError>(())
            })?;
            settings_of(conn, &caller)
        })
        .await
}
