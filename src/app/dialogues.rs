//! Early market dialogue: events in a joint process, and invitations to them by email. Every
//! invitee gets the same text; what was sent to whom, when, is kept with the SHA-256 of the exact
//! message.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeZone};
use sha2::{Digest, Sha256};

use crate::app::processes::{self, Standing};
use crate::auth::tokens::TokenKeys;
use crate::caller::Caller;
use crate::db::dialogues::{self as q, DialogueRow, InvitationRow, OutboxRow};
use crate::db::{self, organisations, DbConn};
use crate::domain::{self, string_enum, Invalid, OrgKind};
use crate::error::AppError;
use crate::mail::{self, calendar, Lang};
use crate::search::document::{DocType, Indexable};
use crate::search::matching::{self, Filters};
use crate::search::SearchIndex;
use crate::settings::Settings;

string_enum!(
    /// The form of a dialogue event.
    DialogueKind, "kind", {
        /// Dialogkonferanse.
        Conference => "conference",
        /// En-til-en-møter.
        OneToOneMeetings => "one_to_one_meetings",
        /// Skriftlige innspill.
        WrittenInput => "written_input",
    }
);

impl DialogueKind {
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (DialogueKind::Conference, Lang::Nb) => "dialogkonferanse",
            (DialogueKind::OneToOneMeetings, Lang::Nb) => "en-til-en-møter",
            (DialogueKind::WrittenInput, Lang::Nb) => "skriftlige innspill",
            (DialogueKind::Conference, Lang::En) => "dialogue conference",
            (DialogueKind::OneToOneMeetings, Lang::En) => "one-to-one meetings",
            (DialogueKind::WrittenInput, Lang::En) => "written input",
        }
    }
}

/// Reads a time: RFC 3339 with an offset, or a local time (`2027-03-01T09:00`) in Europe/Oslo.
/// Returns UTC.
pub fn parse_time(field: &'static str, input: &str) -> Result<NaiveDateTime, Invalid> {
    let value = input.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(value) {
        return Ok(t.naive_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(value, format) {
            return chrono_tz::Europe::Oslo
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.naive_utc())
                .ok_or_else(|| {
                    Invalid::new(
                        field,
                        format!("{field}: {value} does not exist in Norwegian time"),
                    )
                });
        }
    }
    Err(Invalid::new(field, format!("{field} must be a time like 2027-03-01T09:00 (Norwegian time) or 2027-03-01T09:00:00+01:00")))
}

/// A UTC time as Norwegian local time, `dd.mm.yyyy hh:mm`.
pub fn format_oslo(t: NaiveDateTime) -> String {
    oslo(t)
}

fn oslo(t: NaiveDateTime) -> String {
    chrono_tz::Europe::Oslo
        .from_utc_datetime(&t)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// A new event, as given.
#[derive(Debug, Clone, Default)]
pub struct NewDialogue {
    pub kind: String,
    pub title: String,
    pub agenda: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: String,
    pub capacity: Option<i64>,
    pub language: Option<String>,
}

fn require_buyer(
    conn: &mut DbConn,
    caller: &Caller,
    process_id: &str,
) -> Result<crate::db::processes::ProcessRow, AppError> {
    let process = processes::get(conn, process_id)?;
    if !matches!(
        processes::standing(conn, caller, &process)?,
        Standing::Lead | Standing::Buyer
    ) {
        return Err(AppError::forbidden("only the process's buyers can do this"));
    }
    Ok(process)
}

/// Creates a dialogue event (the process's buyers, in the market-dialogue phase).
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    process_id: &str,
    new: NewDialogue,
) -> Result<DialogueRow, AppError> {
    let process = require_buyer(conn, caller, process_id)?;
    if process.phase != "market_dialogue" {
        return Err(AppError::conflict(
            None,
            format!(
                "the process is in {}; move it to market_dialogue first",
                process.phase
            ),
        ));
    }
    let kind = DialogueKind::parse(new.kind.trim())?;
    let starts_at = parse_time("starts_at", &new.starts_at)?;
    let ends_at = parse_time("ends_at", &new.ends_at)?;
    let deadline = parse_time("response_deadline", &new.response_deadline)?;
    if ends_at <= starts_at {
        return Err(Invalid::new("ends_at", "ends_at must be after starts_at").into());
    }
    if deadline > ends_at {
        return Err(Invalid::new(
            "response_deadline",
            "response_deadline must be before the event ends",
        )
        .into());
    }
    let place = new
        .place
        .filter(|p| !p.trim().is_empty())
        .map(|p| domain::text("place", &p, 500))
        .transpose()?;
    let online_url = new
        .online_url
        .filter(|u| !u.trim().is_empty())
        .map(|u| {
            domain::Website::parse(&u)
                .map(|w| w.as_str().to_owned())
                .map_err(|_| {
                    Invalid::new(
                        "online_url",
                        "online_url must be an address like https://meet.example.no/abc",
                    )
                })
        })
        .transpose()?;
    if place.is_none() && online_url.is_none() && kind != DialogueKind::WrittenInput {
        return Err(Invalid::new("place", "give a place or an online link").into());
    }
    if new.capacity.is_some_and(|c| c < 1) {
        return Err(Invalid::new("capacity", "capacity must be 1 or more").into());
    }
    let language = match new.language.as_deref().map(str::trim) {
        None | Some("") | Some("nb") => "nb",
        Some("en") => "en",
        Some(_) => return Err(Invalid::new("language", "language must be nb or en").into()),
    };
    let now = db::now();
    let row = DialogueRow {
        id: db::new_id(),
        process_id: process_id.to_owned(),
        kind: kind.as_str().to_owned(),
        title: domain::text("title", &new.title, 200)?,
        agenda: domain::text("agenda", &new.agenda, 20_000)?,
        starts_at,
        ends_at,
        place,
        online_url,
        response_deadline: deadline,
        capacity: new.capacity,
        language: language.to_owned(),
        created_by: Some(caller.account_id.clone()),
        created_at: now,
        updated_at: now,
    };
    db::write_tx(conn, |conn| {
        q::insert(conn, &row)?;
        crate::app::audit::record(
            conn,
            caller,
            "dialogue",
            &row.id,
            Some(process_id),
            "created",
            None::<&()>,
            Some(&row),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Loads an event or answers 404.
pub fn get(conn: &mut DbConn, id: &str) -> Result<DialogueRow, AppError> {
    q::find(conn, id)?.ok_or_else(|| AppError::not_found("no dialogue event has this id"))
}

/// Whom to invite.
#[derive(Debug, Clone)]
pub enum Invitees {
    /// These suppliers or clusters.
    Suppliers(Vec<String>),
    /// The organisations behind the N best capabilities for the process's needs.
    FromMatches(usize),
    /// The suppliers the lead accepted from clusters' proposals.
    FromProposals,
}

/// What happened to one supplier.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InviteOutcome {
    pub supplier_id: String,
    /// `queued`, or why not: `already_invited`, `unsubscribed`, `no_contact_email`.
    pub result: String,
    pub invitation_id: Option<String>,
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Invites suppliers: each gets one invitation and one email, written together; a supplier
/// already invited gets no second email, and an unsubscribed address none at all.
#[allow(clippy::too_many_arguments)]
pub fn invite(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    index: &SearchIndex,
    id: &str,
    who: Invitees,
) -> Result<Vec<InviteOutcome>, AppError> {
    let dialogue = get(conn, id)?;
    let process = require_buyer(conn, caller, &dialogue.process_id)?;
    if db::now() > dialogue.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for answers has passed; create a new event to invite more suppliers",
        ));
    }
    let supplier_ids: Vec<String> = match who {
        Invitees::Suppliers(ids) => {
            if ids.is_empty() {
                return Err(Invalid::new("supplier_ids", "give the suppliers to invite").into());
            }
            let mut out = Vec::new();
            for raw in ids {
                let sid = uuid::Uuid::parse_str(raw.trim())
                    .map(|u| u.to_string())
                    .map_err(|_| {
                        Invalid::new("supplier_ids", format!("{raw} is not an organisation id"))
                    })?;
                let org = organisations::find(conn, &sid)?.ok_or_else(|| {
                    Invalid::new("supplier_ids", format!("no organisation has the id {sid}"))
                })?;
                if org.kind == OrgKind::Buyer.as_str() {
                    return Err(Invalid::new(
                        "supplier_ids",
                        format!("{} is a buyer; invite suppliers and clusters", org.name),
                    )
                    .into());
                }
                if !out.contains(&sid) {
                    out.push(sid);
                }
            }
            out
        }
        Invitees::FromMatches(n) => {
            if !(1..=500).contains(&n) {
                return Err(
                    Invalid::new("from_matches", "from_matches must be between 1 and 500").into(),
                );
            }
            let mut best: BTreeMap<String, f32> = BTreeMap::new();
            let filters = Filters {
                doc_type: Some(DocType::Capability),
                open_only: true,
                ..Filters::default()
            };
            for need in crate::db::processes::needs_of(conn, &process.id)? {
                for m in matching::matches(index, &Indexable::need(&need, "buyer"), &filters, n)? {
                    let e = best.entry(m.organisation_id).or_insert(0.0);
                    *e = e.max(m.score);
                }
            }
            let mut ranked: Vec<(String, f32)> = best.into_iter().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            ranked.into_iter().take(n).map(|(id, _)| id).collect()
        }
        Invitees::FromProposals => crate::db::processes::proposals(conn, &process.id, None)?
            .into_iter()
            .filter(|p| p.status == "accepted")
            .map(|p| p.supplier_id)
            .fold(Vec::new(), |mut acc, s| {
                if !acc.contains(&s) {
                    acc.push(s);
                }
                acc
            }),
    };
    let buyers = buyer_names(conn, &process.id)?;
    let mut outcomes = Vec::new();
    for sid in supplier_ids {
        outcomes.push(invite_one(
            conn, caller, settings, keys, &dialogue, &buyers, &sid,
        )?);
    }
    Ok(outcomes)
}

/// The buyers of a process, as named in emails: the lead and accepted buyers.
fn buyer_names(conn: &mut DbConn, process_id: &str) -> Result<String, AppError> {
    Ok(crate::db::processes::buyers(conn, process_id)?
        .into_iter()
        .filter(|(b, _)| b.status == "lead" || b.status == "accepted")
        .map(|(_, name)| name)
        .collect::<Vec<_>>()
        .join(", "))
}

fn host(settings: &Settings) -> String {
    url::Url::parse(&settings.public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "innolift".into())
}

/// The invitation email (or its reminder) for one invitation: the same text for everyone, with
/// the invitee's own answer link.
fn invitation_message(
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    buyers: &str,
    supplier_name: &str,
    invitation_id: &str,
    email: &str,
    reminder: bool,
) -> Result<OutboxRow, AppError> {
    let lang = if d.language == "en" {
        Lang::En
    } else {
        Lang::Nb
    };
    let kind = DialogueKind::parse(&d.kind).map_err(|e| AppError::internal(e.to_string()))?;
    let host = host(settings);
    let token = keys.link_token("rsvp", invitation_id);
    let answer_url = format!("{}/rsvp/{token}", settings.public_url);
    let place = [d.place.clone(), d.online_url.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let message_id = if reminder {
        format!("<reminder-{invitation_id}@{host}>")
    } else {
        format!("<invitation-{invitation_id}@{host}>")
    };
    let title = if reminder {
        format!(
            "{}{}",
            if lang == Lang::En {
                "Reminder: "
            } else {
                "Påminnelse: "
            },
            d.title
        )
    } else {
        d.title.clone()
    };
    let rendered = mail::render_invitation(&mail::Invitation {
        lang,
        from: settings.mail_from.clone(),
        to: email.to_owned(),
        message_id: message_id.clone(),
        supplier: supplier_name.to_owned(),
        buyers: buyers.to_owned(),
        kind: kind.label(lang).to_owned(),
        title,
        agenda: d.agenda.clone(),
        starts: oslo(d.starts_at),
        ends: oslo(d.ends_at),
        place: place.clone(),
        deadline: oslo(d.response_deadline),
        answer_url: answer_url.clone(),
        // A separate key: the unsubscribe link travels in a header that mail systems log, and
        // must not open the answer page.
        unsubscribe_url: format!(
            "{}/unsubscribe/{invitation_id}/{}",
            settings.public_url,
            keys.link_token("unsubscribe", invitation_id)
        ),
        calendar: calendar::ics(&calendar::Event {
            uid: &format!("dialogue-{}@{host}", d.id),
            title: &d.title,
            description: &format!("{}\n\n{answer_url}", d.agenda),
            location: &place,
            url: &answer_url,
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            created_at: d.created_at,
        }),
    })
    .map_err(|e| AppError::validation("email", format!("cannot write to {email}: {e}")))?;
    Ok(OutboxRow::queued(
        db::new_id(),
        if reminder { "reminder" } else { "invitation" },
        Some(invitation_id),
        Some(&d.id),
        email,
        message_id,
        rendered,
    ))
}

#[allow(clippy::too_many_arguments)]
fn invite_one(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    keys: &TokenKeys,
    d: &DialogueRow,
    buyers: &str,
    supplier_id: &str,
) -> Result<InviteOutcome, AppError> {
    let outcome = |result: &str, invitation_id: Option<String>| InviteOutcome {
        supplier_id: supplier_id.to_owned(),
        result: result.to_owned(),
        invitation_id,
    };
    let Some(org) = organisations::find(conn, supplier_id)? else {
        return Ok(outcome("no_contact_email", None));
    };
    if let Some(existing) = q::invitation_of(conn, &d.id, &org.orgnr)? {
        return Ok(outcome("already_invited", Some(existing.id)));
    }
    let Some(email) = org.contact_email.clone() else {
        return Ok(outcome("no_contact_email", None));
    };
    let unsubscribed = q::is_unsubscribed(conn, &email)?;
    let invitation = new_invitation(
        keys,
        d,
        Some(supplier_id.to_owned()),
        &org.orgnr,
        "invited",
        &email,
        unsubscribed,
    );
    let Ok(message) = invitation_message(
        settings,
        keys,
        d,
        buyers,
        &org.name,
        &invitation.id,
        &email,
        false,
    ) else {
        return Ok(outcome("bad_contact_email", None));
    };
    let earlier = earlier_answers(conn, settings, d, &invitation.id, &email)?;
    let result = db::write_tx(conn, |conn| {
        q::insert_invitation(conn, &invitation)?;
        if !unsubscribed {
            q::enqueue(conn, &message)?;
            for m in &earlier {
                q::enqueue(conn, m)?;
            }
        }
        crate::app::audit::record(
            conn,
            caller,
            "invitation",
            &invitation.id,
            Some(&d.process_id),
            "invited",
            None::<&()>,
            Some(&invitation),
        )?;
        Ok::<_, AppError>(())
    });
    match result {
        // Invited by someone else at the same moment: still one invitation, one email.
        Err(e) if e.is_unique_violation() => Ok(outcome(
            "already_invited",
            q::invitation_of(conn, &d.id, &org.orgnr)?.map(|i| i.id),
        )),
        Err(e) => Err(e),
        Ok(()) => Ok(outcome(
            if unsubscribed {
                "unsubscribed"
            } else {
                "queued"
            },
            Some(invitation.id),
        )),
    }
}

fn new_invitation(
    keys: &TokenKeys,
    d: &DialogueRow,
    supplier_id: Option<String>,
    orgnr: &str,
    source: &str,
    email: &str,
    unsubscribed: bool,
) -> InvitationRow {
    let now = db::now();
    let id = db::new_id();
    InvitationRow {
        token_hash: token_hash(&keys.link_token("rsvp", &id)),
        id,
        dialogue_id: d.id.clone(),
        supplier_id,
        orgnr: orgnr.to_owned(),
        source: source.to_owned(),
        email: email.to_owned(),
        status: if unsubscribed {
            "unsubscribed"
        } else {
            "queued"
        }
        .to_owned(),
        failure: unsubscribed.then(|| "the address has asked for no more invitations".to_owned()),
        answer: None,
        attendees: None,
        comment: None,
        answered_at: None,
        reminder_sent_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// A supplier registers interest on the event's public page: it gets the same invitation, by
/// email, as the invited ones. Returns false when the organisation was registered or invited
/// already (no second email).
pub fn register(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    id: &str,
    orgnr: &str,
    email: &str,
) -> Result<bool, AppError> {
    let d = get(conn, id)?;
    let orgnr = domain::Orgnr::parse(orgnr)?;
    let email = domain::Email::parse(email)?;
    if db::now() > d.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for this event has passed",
        ));
    }
    if q::invitation_of(conn, &d.id, orgnr.as_str())?.is_some() {
        return Ok(false);
    }
    let org = organisations::find_by_orgnr(conn, orgnr.as_str())?;
    if org
        .as_ref()
        .is_some_and(|o| o.kind == OrgKind::Buyer.as_str())
    {
        return Err(Invalid::new(
            "orgnr",
            "this organisation is a buyer; registration is for suppliers",
        )
        .into());
    }
    // An organisation registered in innolift gets the invitation at its own contact address,
    // whatever address was typed in, so nobody can take over another supplier's invitation.
    let address = match &org {
        Some(o) => o.contact_email.clone().ok_or_else(|| {
            Invalid::new("email", "this organisation is registered in innolift without a contact address; its owner must add one first")
        })?,
        None => email.as_str().to_owned(),
    };
    let unsubscribed = q::is_unsubscribed(conn, &address)?;
    let name = org
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_else(|| orgnr.as_str().to_owned());
    let invitation = new_invitation(
        keys,
        &d,
        org.map(|o| o.id),
        orgnr.as_str(),
        "registered",
        &address,
        unsubscribed,
    );
    let buyers = buyer_names(conn, &d.process_id)?;
    let message = invitation_message(
        settings,
        keys,
        &d,
        &buyers,
        &name,
        &invitation.id,
        &address,
        false,
    )?;
    let earlier = earlier_answers(conn, settings, &d, &invitation.id, &address)?;
    let result = db::write_tx(conn, |conn| {
        q::insert_invitation(conn, &invitation)?;
        if !unsubscribed {
            q::enqueue(conn, &message)?;
            for m in &earlier {
                q::enqueue(conn, m)?;
            }
        }
        Ok::<_, AppError>(())
    });
    match result {
        Err(e) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
        Ok(()) => Ok(true),
    }
}

/// A supplier asks a question through its link.
pub fn ask(conn: &mut DbConn, token: &str, question: &str) -> Result<DialogueRow, AppError> {
    let (invitation, d) =
        lookup(conn, token)?.ok_or_else(|| AppError::not_found("the link is not valid"))?;
    if db::now() > d.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for questions has passed",
        ));
    }
    let question = domain::text("question", question, 5000)?;
    q::insert_question(
        conn,
        &crate::db::dialogues::QuestionRow {
            id: db::new_id(),
            dialogue_id: d.id.clone(),
            invitation_id: invitation.id,
            question,
            answer: None,
            answered_by: None,
            asked_at: db::now(),
            answered_at: None,
        },
    )?;
    Ok(d)
}

/// The published question and answer for one invitee.
fn answer_message(
    settings: &Settings,
    d: &DialogueRow,
    question_id: &str,
    question: &str,
    answer: &str,
    invitation_id: &str,
    email: &str,
) -> Result<OutboxRow, AppError> {
    let lang = if d.language == "en" {
        Lang::En
    } else {
        Lang::Nb
    };
    let message_id = format!("<answer-{question_id}-{invitation_id}@{}>", host(settings));
    let rendered = mail::render_template(
        "answer",
        lang,
        &settings.mail_from,
        email,
        &message_id,
        &[
            ("title", d.title.clone()),
            ("question", question.to_owned()),
            ("answer", answer.to_owned()),
            (
                "event_url",
                format!("{}/dialogues/{}", settings.public_url, d.id),
            ),
        ],
    )
    .map_err(AppError::Internal)?;
    Ok(OutboxRow::queued(
        db::new_id(),
        "answer_published",
        Some(invitation_id),
        Some(&d.id),
        email,
        message_id,
        rendered,
    ))
}

/// The questions answered so far, for someone invited or registered later, so every invitee
/// has the same information.
fn earlier_answers(
    conn: &mut DbConn,
    settings: &Settings,
    d: &DialogueRow,
    invitation_id: &str,
    email: &str,
) -> Result<Vec<OutboxRow>, AppError> {
    q::questions(conn, &d.id)?
        .into_iter()
        .filter_map(|q| q.answer.clone().map(|a| (q, a)))
        .map(|(q, a)| answer_message(settings, d, &q.id, &q.question, &a, invitation_id, email))
        .collect()
}

/// The buyers answer a question; question and answer go, without the asker's name, to every
/// invitee by email and onto the event page. Answering twice is refused.
pub fn answer_question(
    conn: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    id: &str,
    question_id: &str,
    answer: &str,
) -> Result<(), AppError> {
    let d = get(conn, id)?;
    require_buyer(conn, caller, &d.process_id)?;
    let answer = domain::text("answer", answer, 10_000)?;
    let question = q::find_question(conn, question_id, id)?
        .ok_or_else(|| AppError::not_found("no question in this event has this id"))?;
    let invitees = q::invitations(conn, id)?;
    let mut messages = Vec::new();
    for inv in &invitees {
        // The address, not the invitation's state, says whether someone asked for no more mail:
        // an invitee may have answered after unsubscribing.
        if q::is_unsubscribed(conn, &inv.email)? {
            continue;
        }
        messages.push(answer_message(
            settings,
            &d,
            question_id,
            &question.question,
            &answer,
            &inv.id,
            &inv.email,
        )?);
    }
    db::write_tx(conn, |conn| {
        if !q::answer_question(conn, question_id, id, &answer, &caller.account_id)? {
            return Err(AppError::conflict(
                None,
                "this question is answered already",
            ));
        }
        for m in &messages {
            q::enqueue(conn, m)?;
        }
        crate::app::audit::record(
            conn,
            caller,
            "question",
            question_id,
            Some(&d.process_id),
            "answered",
            Some(&question),
            Some(&serde_json::json!({"answer": answer})),
        )?;
        Ok(())
    })
}

/// Queues the one reminder for invitees that have not answered, once an event's deadline is
/// within `before`. The claim on each invitation makes a reminder go at most once, on any node.
pub fn queue_reminders(
    conn: &mut DbConn,
    settings: &Settings,
    keys: &TokenKeys,
    before: chrono::TimeDelta,
) -> Result<usize, AppError> {
    let mut queued = 0;
    for d in q::due_for_reminder(conn, db::now(), before)? {
        // Invitations made after the reminder time have just arrived; they need no reminder.
        let reminder_time = d.response_deadline - before;
        let pending: Vec<InvitationRow> = q::invitations(conn, &d.id)?
            .into_iter()
            .filter(|i| {
                i.status == "sent" && i.reminder_sent_at.is_none() && i.created_at < reminder_time
            })
            .collect();
        if pending.is_empty() {
            continue;
        }
        let buyers = buyer_names(conn, &d.process_id)?;
        for inv in pending {
            if q::is_unsubscribed(conn, &inv.email)? {
                continue;
            }
            let name = match &inv.supplier_id {
                Some(sid) => organisations::find(conn, sid)?
                    .map(|o| o.name)
                    .unwrap_or_else(|| inv.orgnr.clone()),
                None => inv.orgnr.clone(),
            };
            let message = invitation_message(
                settings, keys, &d, &buyers, &name, &inv.id, &inv.email, true,
            )?;
            let sent = db::write_tx(conn, |conn| {
                if !q::claim_reminder(conn, &inv.id)? {
                    return Ok::<_, AppError>(false);
                }
                q::enqueue(conn, &message)?;
                Ok(true)
            })?;
            queued += usize::from(sent);
        }
    }
    Ok(queued)
}

/// Unsubscribes the address of an invitation, given the invitation's unsubscribe token.
/// Returns the address, or `None` for an unknown invitation or a wrong token.
pub fn unsubscribe(
    conn: &mut DbConn,
    keys: &TokenKeys,
    invitation_id: &str,
    token: &str,
) -> Result<Option<String>, AppError> {
    let Ok(id) = uuid::Uuid::parse_str(invitation_id) else {
        return Ok(None);
    };
    let id = id.to_string();
    let expected = keys.link_token("unsubscribe", &id);
    // Compare the hashes, so the comparison takes the same time however much matches.
    if token_hash(&expected) != token_hash(token) {
        return Ok(None);
    }
    let Some(invitation) = q::invitation(conn, &id)? else {
        return Ok(None);
    };
    db::write_tx(conn, |conn| {
        q::unsubscribe(conn, &invitation.email)?;
        q::set_invitation_status(
            conn,
            &invitation.id,
            "unsubscribed",
            Some("the address asked for no more invitations"),
            &["answered"],
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(Some(invitation.email))
}

string_enum!(
    /// A supplier's answer to an invitation.
    Answer, "answer", {
        /// Will attend.
        Attending => "attending",
        /// Interested, but cannot attend.
        InterestedCannotAttend => "interested_cannot_attend",
        /// Not relevant for us.
        NotRelevant => "not_relevant",
    }
);

/// The invitation and event behind an answer token, if the token is well formed and known.
pub fn lookup(
    conn: &mut DbConn,
    token: &str,
) -> Result<Option<(InvitationRow, DialogueRow)>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(invitation) = q::invitation_by_token_hash(conn, &token_hash(token))? else {
        return Ok(None);
    };
    let dialogue = get(conn, &invitation.dialogue_id)?;
    Ok(Some((invitation, dialogue)))
}

/// Records a supplier's answer through its link, until the deadline, and queues a confirmation.
pub fn answer(
    conn: &mut DbConn,
    settings: &Settings,
    token: &str,
    answer: &str,
    attendees: Option<&str>,
    comment: Option<&str>,
) -> Result<(InvitationRow, DialogueRow), AppError> {
    let (invitation, dialogue) =
        lookup(conn, token)?.ok_or_else(|| AppError::not_found("the link is not valid"))?;
    if db::now() > dialogue.response_deadline {
        return Err(AppError::conflict(
            None,
            "the deadline for answers has passed",
        ));
    }
    let answer = Answer::parse(answer.trim())?;
    let attendees = match attendees.map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(
            a.parse::<i64>()
                .ok()
                .filter(|n| (0..=100).contains(n))
                .ok_or_else(|| {
                    Invalid::new("attendees", "attendees must be a number from 0 to 100")
                })?,
        ),
    };
    if answer == Answer::Attending && attendees.unwrap_or(0) < 1 {
        return Err(Invalid::new("attendees", "say how many will attend").into());
    }
    let comment = comment
        .filter(|c| !c.trim().is_empty())
        .map(|c| domain::text("comment", c, 5000))
        .transpose()?;
    // Places are limited: attendees of other invitees plus these must fit.
    if let (Answer::Attending, Some(capacity)) = (answer, dialogue.capacity) {
        let taken: i64 = q::invitations(conn, &dialogue.id)?
            .iter()
            .filter(|i| i.id != invitation.id && i.answer.as_deref() == Some("attending"))
            .map(|i| i.attendees.unwrap_or(1))
            .sum();
        if taken + attendees.unwrap_or(1) > capacity {
            return Err(Invalid::new(
                "attendees",
                format!("only {} places are left", (capacity - taken).max(0)),
            )
            .into());
        }
    }
    let lang = if dialogue.language == "en" {
        Lang::En
    } else {
        Lang::Nb
    };
    let label = match (answer, lang) {
        (Answer::Attending, Lang::Nb) => "deltar",
        (Answer::InterestedCannotAttend, Lang::Nb) => "interessert, men kan ikke delta",
        (Answer::NotRelevant, Lang::Nb) => "ikke aktuelt",
        (Answer::Attending, Lang::En) => "attending",
        (Answer::InterestedCannotAttend, Lang::En) => "interested, cannot attend",
        (Answer::NotRelevant, Lang::En) => "not relevant",
    };
    let outbox_id = db::new_id();
    let message_id = format!("<confirmation-{outbox_id}@{}>", host(settings));
    let rendered = mail::render_template(
        "confirmation",
        lang,
        &settings.mail_from,
        &invitation.email,
        &message_id,
        &[
            ("title", dialogue.title.clone()),
            ("answer", label.to_owned()),
            ("deadline", oslo(dialogue.response_deadline)),
            (
                "answer_url",
                format!("{}/rsvp/{token}", settings.public_url),
            ),
        ],
    )
    .map_err(AppError::Internal)?;
    db::write_tx(conn, |conn| {
        q::set_answer(
            conn,
            &invitation.id,
            answer.as_str(),
            attendees,
            comment.as_deref(),
        )?;
        q::enqueue(
            conn,
            &OutboxRow::queued(
                outbox_id.clone(),
                "confirmation",
                None,
                Some(&dialogue.id),
                &invitation.email,
                message_id.clone(),
                rendered.clone(),
            ),
        )?;
        Ok::<_, AppError>(())
    })?;
    let invitation = q::invitation_by_token_hash(conn, &token_hash(token))?
        .ok_or_else(|| AppError::internal("invitation vanished"))?;
    Ok((invitation, dialogue))
}
