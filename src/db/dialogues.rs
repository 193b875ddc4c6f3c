//! Queries on dialogue events, invitations, the email outbox and unsubscribed addresses.

use diesel::prelude::*;

use super::schema::{dialogues, invitations, outbox, questions, unsubscribes};
use super::DbConn;

/// A dialogue event in a process.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = dialogues)]
pub struct DialogueRow {
    pub id: String,
    pub process_id: String,
    pub kind: String,
    pub title: String,
    pub agenda: String,
    pub starts_at: chrono::NaiveDateTime,
    pub ends_at: chrono::NaiveDateTime,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub response_deadline: chrono::NaiveDateTime,
    pub capacity: Option<i64>,
    pub language: String,
    pub created_by: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// The calendar files' `SEQUENCE`: raised with every update or cancellation sent.
    pub sequence: i64,
    pub cancelled_at: Option<chrono::NaiveDateTime>,
    pub cancel_reason: Option<String>,
}

/// An invitation of a supplier to an event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: String,
    pub dialogue_id: String,
    /// Null for suppliers that registered on the event page without being in innolift.
    pub supplier_id: Option<String>,
    pub orgnr: String,
    /// `invited` or `registered`.
    pub source: String,
    pub email: String,
    /// SHA-256 of the answer token; the token itself is only in the email.
    #[serde(skip)]
    pub token_hash: String,
    pub status: String,
    pub failure: Option<String>,
    /// `attending`, `interested_cannot_attend` or `not_relevant`.
    pub answer: Option<String>,
    pub attendees: Option<i64>,
    /// Confidential to the process's buyers.
    pub comment: Option<String>,
    pub answered_at: Option<chrono::NaiveDateTime>,
    /// Set when the one reminder is queued.
    pub reminder_sent_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A supplier's question and the buyers' answer, published to every invitee.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = questions)]
pub struct QuestionRow {
    pub id: String,
    pub dialogue_id: String,
    pub invitation_id: String,
    pub question: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub asked_at: chrono::NaiveDateTime,
    pub answered_at: Option<chrono::NaiveDateTime>,
}

/// An email waiting to be sent, or sent.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub kind: String,
    pub invitation_id: Option<String>,
    pub dialogue_id: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub message_id: String,
    /// The exact message; dropped once sent, since it holds the answer link.
    pub body: Option<String>,
    /// SHA-256 of the exact message.
    pub sha256: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: chrono::NaiveDateTime,
    pub claimed_until: Option<chrono::NaiveDateTime>,
    pub last_error: Option<String>,
    pub sent_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    /// The document version or publication the message tells of, if any.
    pub about_id: Option<String>,
}

impl OutboxRow {
    /// A message ready to send: queued now, with the rendered subject, body and hash.
    pub fn queued(
        id: String,
        kind: &str,
        invitation_id: Option<&str>,
        dialogue_id: Option<&str>,
        recipient: &str,
        message_id: String,
        rendered: crate::mail::Rendered,
    ) -> OutboxRow {
        let now = super::now();
        OutboxRow {
            id,
            kind: kind.to_owned(),
            invitation_id: invitation_id.map(str::to_owned),
            dialogue_id: dialogue_id.map(str::to_owned),
            recipient: recipient.to_owned(),
            subject: rendered.subject,
            message_id,
            body: Some(rendered.body),
            sha256: rendered.sha256,
            status: "queued".into(),
            attempts: 0,
            next_attempt_at: now,
            claimed_until: None,
            last_error: None,
            sent_at: None,
            created_at: now,
            about_id: None,
        }
    }

    /// The same message, marked as telling of a document version or a publication.
    pub fn about(mut self, id: &str) -> OutboxRow {
        self.about_id = Some(id.to_owned());
        self
    }
}

/// Inserts an event.
pub fn insert(conn: &mut DbConn, row: &DialogueRow) -> QueryResult<()> {
    diesel::insert_into(dialogues::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The event with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<DialogueRow>> {
    dialogues::table
        .find(id)
        .select(DialogueRow::as_select())
        .first(conn)
        .optional()
}

/// Writes an event's changed fields, if nobody changed it since `seen` (its `updated_at` when
/// read). Returns false when someone did, so two buyers editing at once cannot both send
/// update emails with the same `SEQUENCE`.
pub fn update(
    conn: &mut DbConn,
    row: &DialogueRow,
    seen: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        dialogues::table
            .find(&row.id)
            .filter(dialogues::updated_at.eq(seen)),
    )
    .set((
        dialogues::title.eq(&row.title),
        dialogues::agenda.eq(&row.agenda),
        dialogues::starts_at.eq(row.starts_at),
        dialogues::ends_at.eq(row.ends_at),
        dialogues::place.eq(&row.place),
        dialogues::online_url.eq(&row.online_url),
        dialogues::response_deadline.eq(row.response_deadline),
        dialogues::capacity.eq(row.capacity),
        dialogues::sequence.eq(row.sequence),
        dialogues::cancelled_at.eq(row.cancelled_at),
        dialogues::cancel_reason.eq(&row.cancel_reason),
        dialogues::updated_at.eq(row.updated_at),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// The events of a process, soonest first.
pub fn of_process(conn: &mut DbConn, process_id: &str) -> QueryResult<Vec<DialogueRow>> {
    dialogues::table
        .filter(dialogues::process_id.eq(process_id))
        .order(dialogues::starts_at.asc())
        .select(DialogueRow::as_select())
        .load(conn)
}

/// Inserts an invitation.
pub fn insert_invitation(conn: &mut DbConn, row: &InvitationRow) -> QueryResult<()> {
    diesel::insert_into(invitations::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The invitation of a supplier to an event, if any.
pub fn invitation_of(
    conn: &mut DbConn,
    dialogue_id: &str,
    orgnr: &str,
) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::dialogue_id.eq(dialogue_id))
        .filter(invitations::orgnr.eq(orgnr))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// The invitation with this id.
pub fn invitation(conn: &mut DbConn, id: &str) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .find(id)
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// The invitation whose token hashes to this.
pub fn invitation_by_token_hash(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// The invitations of an event, oldest first.
pub fn invitations(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Vec<InvitationRow>> {
    invitations::table
        .filter(invitations::dialogue_id.eq(dialogue_id))
        .order((invitations::created_at.asc(), invitations::id.asc()))
        .select(InvitationRow::as_select())
        .load(conn)
}

/// Sets an invitation's status (and failure), unless it is in one of `unless`.
pub fn set_invitation_status(
    conn: &mut DbConn,
    id: &str,
    status: &str,
    failure: Option<&str>,
    unless: &[&str],
) -> QueryResult<()> {
    diesel::update(invitations::table.find(id).filter(
        invitations::status.ne_all(unless.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
    ))
    .set((
        invitations::status.eq(status),
        invitations::failure.eq(failure),
        invitations::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Queues an email.
pub fn enqueue(conn: &mut DbConn, row: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Emails due for sending, oldest first.
pub fn due(
    conn: &mut DbConn,
    now: chrono::NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::status.eq("queued"))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::claimed_until
                .is_null()
                .or(outbox::claimed_until.lt(now)),
        )
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Claims an email for sending until `until`. Returns false when another worker has it.
pub fn claim(
    conn: &mut DbConn,
    id: &str,
    now: chrono::NaiveDateTime,
    until: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq("queued"))
            .filter(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(now)),
            ),
    )
    .set(outbox::claimed_until.eq(Some(until)))
    .execute(conn)
    .map(|n| n > 0)
}

/// Marks an email sent, dropping its body.
pub fn mark_sent(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq("sent"),
            outbox::sent_at.eq(Some(super::now())),
            outbox::body.eq(None::<String>),
            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a failed attempt: retried at `retry_at`, or failed for good with `None`.
pub fn mark_attempt_failed(
    conn: &mut DbConn,
    id: &str,
    error: &str,
    retry_at: Option<chrono::NaiveDateTime>,
) -> QueryResult<()> {
    let status = if retry_at.is_some() {
        "queued"
    } else {
        "failed"
    };
    // A withdrawn email stays withdrawn: a mailer whose claim ran out must not queue it again.
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.ne("withdrawn")),
    )
    .set((
        outbox::status.eq(status),
        outbox::last_error.eq(Some(error)),
        outbox::next_attempt_at.eq(retry_at.unwrap_or_else(super::now)),
        outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
        outbox::attempts.eq(outbox::attempts + 1),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Withdraws the event's invitation emails that no mailer holds yet, with `reason`: each email
/// goes to `withdrawn`, and so do its invitation (when it is still `queued`) and the invitation's
/// queued follow-ups. Returns the invitations withdrawn.
///
/// An email a mailer has claimed is left alone, since it may be on the wire already; the claim
/// and this update both require `queued` and no live claim, so exactly one of them wins each
/// email. An invitation that has been answered (through the dashboard, before its email went)
/// or that the supplier registered for itself is left alone too: its supplier knows of the
/// event and is told of the cancellation.
pub fn withdraw_unsent_invitations(
    conn: &mut DbConn,
    dialogue_id: &str,
    now: chrono::NaiveDateTime,
    reason: &str,
) -> QueryResult<Vec<String>> {
    let unclaimed = || {
        outbox::claimed_until
            .is_null()
            .or(outbox::claimed_until.lt(now))
    };
    let waiting: Vec<(String, String, Option<String>)> = outbox::table
        .inner_join(invitations::table.on(invitations::id.nullable().eq(outbox::invitation_id)))
        .filter(outbox::dialogue_id.eq(dialogue_id))
        .filter(outbox::kind.eq("invitation"))
        .filter(outbox::status.eq("queued"))
        .filter(unclaimed())
        .filter(invitations::status.eq("queued"))
        .filter(invitations::source.eq("invited"))
        .select((outbox::id, invitations::id, invitations::failure))
        .load(conn)?;
    let mut withdrawn = Vec::new();
    for (id, invitation, failure) in waiting {
        // The invitation first: one answered meanwhile stays as it is, and so does its email.
        let invitation_taken = diesel::update(
            invitations::table
                .find(&invitation)
                .filter(invitations::status.eq("queued")),
        )
        .set((
            invitations::status.eq("withdrawn"),
            invitations::failure.eq(Some(reason)),
            invitations::updated_at.eq(now),
        ))
        .execute(conn)?;
        if invitation_taken == 0 {
            continue;
        }
        let email_taken = diesel::update(
            outbox::table
                .find(&id)
                .filter(outbox::status.eq("queued"))
                .filter(unclaimed()),
        )
        .set((
            outbox::status.eq("withdrawn"),
            outbox::last_error.eq(Some(reason)),
            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
        if email_taken == 0 {
            // A mailer claimed it meanwhile: the invitation goes on as queued, and its
            // cancellation follows it.
            diesel::update(invitations::table.find(&invitation))
                .set((
                    invitations::status.eq("queued"),
                    invitations::failure.eq(failure),
                ))
                .execute(conn)?;
            continue;
        }
        diesel::update(
            outbox::table
                .filter(outbox::invitation_id.eq(&invitation))
                .filter(outbox::status.eq("queued"))
                .filter(unclaimed()),
        )
        .set((
            outbox::status.eq("withdrawn"),
            outbox::last_error.eq(Some(reason)),
        ))
        .execute(conn)?;
        withdrawn.push(invitation);
    }
    Ok(withdrawn)
}

/// Marks a follow-up of a withdrawn invitation withdrawn too, with `reason`.
pub fn mark_withdrawn(conn: &mut DbConn, id: &str, reason: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq("queued")))
        .set((
            outbox::status.eq("withdrawn"),
            outbox::last_error.eq(Some(reason)),
            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The emails of an event, oldest first.
pub fn outbox_of_dialogue(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::dialogue_id.eq(dialogue_id))
        .order((outbox::created_at.asc(), outbox::id.asc()))
        .select(OutboxRow::as_select())
        .load(conn)
}

/// (queued, failed, sent in the last minute, sent in the last hour).
pub fn outbox_stats(conn: &mut DbConn) -> QueryResult<(i64, i64, i64, i64)> {
    let now = super::now();
    let queued = outbox::table
        .filter(outbox::status.eq("queued"))
        .count()
        .get_result(conn)?;
    let failed = outbox::table
        .filter(outbox::status.eq("failed"))
        .count()
        .get_result(conn)?;
    let sent = |since: chrono::NaiveDateTime, conn: &mut DbConn| {
        outbox::table
            .filter(outbox::status.eq("sent"))
            .filter(outbox::sent_at.ge(since))
            .count()
            .get_result::<i64>(conn)
    };
    let minute = sent(now - chrono::TimeDelta::minutes(1), conn)?;
    let hour = sent(now - chrono::TimeDelta::hours(1), conn)?;
    Ok((queued, failed, minute, hour))
}

/// Whether this address has asked for no more invitations.
pub fn is_unsubscribed(conn: &mut DbConn, email: &str) -> QueryResult<bool> {
    unsubscribes::table
        .find(email)
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Records an unsubscription (idempotent).
pub fn unsubscribe(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    if is_unsubscribed(conn, email)? {
        return Ok(());
    }
    diesel::insert_into(unsubscribes::table)
        .values((
            unsubscribes::email.eq(email),
            unsubscribes::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a supplier's answer.
pub fn set_answer(
    conn: &mut DbConn,
    id: &str,
    answer: &str,
    attendees: Option<i64>,
    comment: Option<&str>,
) -> QueryResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::answer.eq(Some(answer)),
            invitations::attendees.eq(attendees),
            invitations::comment.eq(comment),
            invitations::answered_at.eq(Some(super::now())),
            invitations::status.eq("answered"),
            invitations::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Inserts a question.
pub fn insert_question(conn: &mut DbConn, row: &QuestionRow) -> QueryResult<()> {
    diesel::insert_into(questions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The questions of an event, oldest first.
pub fn questions(conn: &mut DbConn, dialogue_id: &str) -> QueryResult<Vec<QuestionRow>> {
    questions::table
        .filter(questions::dialogue_id.eq(dialogue_id))
        .order((questions::asked_at.asc(), questions::id.asc()))
        .select(QuestionRow::as_select())
        .load(conn)
}

/// Answers a question if it has no answer yet. Returns false when it had one.
pub fn answer_question(
    conn: &mut DbConn,
    id: &str,
    dialogue_id: &str,
    answer: &str,
    by: &str,
) -> QueryResult<bool> {
    diesel::update(
        questions::table
            .find(id)
            .filter(questions::dialogue_id.eq(dialogue_id))
            .filter(questions::answer.is_null()),
    )
    .set((
        questions::answer.eq(Some(answer)),
        questions::answered_by.eq(Some(by)),
        questions::answered_at.eq(Some(super::now())),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// A question of an event.
pub fn find_question(
    conn: &mut DbConn,
    id: &str,
    dialogue_id: &str,
) -> QueryResult<Option<QuestionRow>> {
    questions::table
        .find(id)
        .filter(questions::dialogue_id.eq(dialogue_id))
        .select(QuestionRow::as_select())
        .first(conn)
        .optional()
}

/// Events whose reminder time has come: deadline within `before` and not passed.
pub fn due_for_reminder(
    conn: &mut DbConn,
    now: chrono::NaiveDateTime,
    before: chrono::TimeDelta,
) -> QueryResult<Vec<DialogueRow>> {
    dialogues::table
        .filter(dialogues::response_deadline.gt(now))
        .filter(dialogues::response_deadline.le(now + before))
        .filter(dialogues::cancelled_at.is_null())
        .select(DialogueRow::as_select())
        .load(conn)
}

/// Marks the reminder of an invitation queued, if it was not. Returns false when it was.
pub fn claim_reminder(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::reminder_sent_at.is_null()),
    )
    .set(invitations::reminder_sent_at.eq(Some(super::now())))
    .execute(conn)
    .map(|n| n > 0)
}

/// A supplier's invitations with their events, newest event first.
pub fn invitations_of_supplier(
    conn: &mut DbConn,
    supplier_id: &str,
) -> QueryResult<Vec<(InvitationRow, DialogueRow)>> {
    invitations::table
        .inner_join(dialogues::table.on(dialogues::id.eq(invitations::dialogue_id)))
        .filter(invitations::supplier_id.eq(supplier_id))
        // A withdrawn invitation was never sent: its supplier is not to hear of the event.
        .filter(invitations::status.ne("withdrawn"))
        .order(dialogues::starts_at.desc())
        .select((InvitationRow::as_select(), DialogueRow::as_select()))
        .load(conn)
}

/// The newest emails with this status (`queued`, `failed`, `sent` or `withdrawn`), newest first, for the
/// administrators' view of the outbox.
pub fn outbox_latest(conn: &mut DbConn, status: &str, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::status.eq(status))
        .order((outbox::created_at.desc(), outbox::id.asc()))
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Opens a failed invitation again for another attempt at `email`. Returns false when it is no
/// longer failed, so two buyers resending at once queue one message.
pub fn reopen_invitation(conn: &mut DbConn, id: &str, email: &str) -> QueryResult<bool> {
    diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::status.eq("failed")),
    )
    .set((
        invitations::email.eq(email),
        invitations::status.eq("queued"),
        invitations::failure.eq(None::<String>),
        invitations::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// How many messages of `kind` an invitation has had, for a fresh `Message-ID` on a resend.
pub fn messages_of_invitation(
    conn: &mut DbConn,
    invitation_id: &str,
    kind: &str,
) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::invitation_id.eq(invitation_id))
        .filter(outbox::kind.eq(kind))
        .count()
        .get_result(conn)
}

/// Gives a claimed message back to the queue until `until`, without counting an attempt.
pub fn postpone(conn: &mut DbConn, id: &str, until: chrono::NaiveDateTime) -> QueryResult<()> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq("queued")))
        .set((
            outbox::next_attempt_at.eq(until),
            outbox::claimed_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}
