//! Queries for a person's own data: what innolift holds about them, erasing it, and erasing
//! contact details from answers once a process has been completed long enough.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    audit_log, document_comments, invitations, needs, notification_settings, notifications,
    organisations, outbox, process_phase_changes, processes, questions, web_sessions,
};
use super::DbConn;

/// A web session: (created, expires).
pub fn sessions(
    conn: &mut DbConn,
    account_id: &str,
) -> QueryResult<Vec<(NaiveDateTime, NaiveDateTime)>> {
    web_sessions::table
        .filter(web_sessions::account_id.eq(account_id))
        .order(web_sessions::created_at.asc())
        .select((web_sessions::created_at, web_sessions::expires_at))
        .load(conn)
}

/// Notifications: (kind, title, actor, link, created, read).
pub type NotificationItem = (
    String,
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// A person's notifications, oldest first.
pub fn notifications_of(conn: &mut DbConn, account_id: &str) -> QueryResult<Vec<NotificationItem>> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .order(notifications::created_at.asc())
        .select((
            notifications::kind,
            notifications::title,
            notifications::actor,
            notifications::link,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)
}

/// Notification choices: (kind, by email).
pub fn notification_choices(
    conn: &mut DbConn,
    account_id: &str,
) -> QueryResult<Vec<(String, bool)>> {
    notification_settings::table
        .filter(notification_settings::account_id.eq(account_id))
        .select((notification_settings::kind, notification_settings::email))
        .load(conn)
}

/// An invitation sent to an address: (id, event, orgnr, status, answer, attendees, comment,
/// answered, created).
pub type InvitationItem = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

/// The invitations sent to this address, oldest first.
pub fn invitations_to(conn: &mut DbConn, email: &str) -> QueryResult<Vec<InvitationItem>> {
    invitations::table
        .filter(invitations::email.eq(email))
        .order(invitations::created_at.asc())
        .select((
            invitations::id,
            invitations::dialogue_id,
            invitations::orgnr,
            invitations::status,
            invitations::answer,
            invitations::attendees,
            invitations::comment,
            invitations::answered_at,
            invitations::created_at,
        ))
        .load(conn)
}

/// Questions asked through these invitations: (event, question, answer, asked, answered).
pub fn questions_through(
    conn: &mut DbConn,
    invitation_ids: &[String],
) -> QueryResult<
    Vec<(
        String,
        String,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDateTime>,
    )>,
> {
    questions::table
        .filter(questions::invitation_id.eq_any(invitation_ids))
        .order(questions::asked_at.asc())
        .select((
            questions::dialogue_id,
            questions::question,
            questions::answer,
            questions::asked_at,
            questions::answered_at,
        ))
        .load(conn)
}

/// Answers this person published: (event, question, answer, answered).
pub fn answers_by(
    conn: &mut DbConn,
    account_id: &str,
) -> QueryResult<Vec<(String, String, Option<String>, Option<NaiveDateTime>)>> {
    questions::table
        .filter(questions::answered_by.eq(account_id))
        .order(questions::answered_at.asc())
        .select((
            questions::dialogue_id,
            questions::question,
            questions::answer,
            questions::answered_at,
        ))
        .load(conn)
}

/// Comments on documents sent through these invitations: (document, version, section, text,
/// created).
pub fn comments_through(
    conn: &mut DbConn,
    invitation_ids: &[String],
) -> QueryResult<Vec<(String, i64, String, String, NaiveDateTime)>> {
    document_comments::table
        .filter(document_comments::invitation_id.eq_any(invitation_ids))
        .order(document_comments::created_at.asc())
        .select((
            document_comments::document_id,
            document_comments::version,
            document_comments::section,
            document_comments::text,
            document_comments::created_at,
        ))
        .load(conn)
}

/// Emails sent to this address: (kind, subject, message id, SHA-256, status, queued, sent).
pub type EmailItem = (
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The emails queued or sent to this address, oldest first.
pub fn emails_to(conn: &mut DbConn, email: &str) -> QueryResult<Vec<EmailItem>> {
    outbox::table
        .filter(outbox::recipient.eq(email))
        .order(outbox::created_at.asc())
        .select((
            outbox::kind,
            outbox::subject,
            outbox::message_id,
            outbox::sha256,
            outbox::status,
            outbox::created_at,
            outbox::sent_at,
        ))
        .load(conn)
}

/// Needs this person registered: (id, title, created).
pub fn needs_by(
    conn: &mut DbConn,
    account_id: &str,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    needs::table
        .filter(needs::created_by.eq(account_id))
        .select((needs::id, needs::title, needs::created_at))
        .load(conn)
}

/// Processes this person started: (id, title, created).
pub fn processes_by(
    conn: &mut DbConn,
    account_id: &str,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    processes::table
        .filter(processes::created_by.eq(account_id))
        .select((processes::id, processes::title, processes::created_at))
        .load(conn)
}

/// The audit entries of what this person did: (entity, id, action, when).
pub fn audit_by(
    conn: &mut DbConn,
    account_id: &str,
) -> QueryResult<Vec<(String, String, String, NaiveDateTime)>> {
    audit_log::table
        .filter(audit_log::account_id.eq(account_id))
        .order(audit_log::created_at.asc())
        .select((
            audit_log::entity,
            audit_log::entity_id,
            audit_log::action,
            audit_log::created_at,
        ))
        .load(conn)
}

/// Replaces an address in invitations and in the record of emails sent, keeping hashes and
/// times; the email bodies go, since they hold the address and the greeting.
pub fn erase_address(conn: &mut DbConn, email: &str, placeholder: &str) -> QueryResult<usize> {
    let n = diesel::update(invitations::table.filter(invitations::email.eq(email)))
        .set(invitations::email.eq(placeholder))
        .execute(conn)?;
    let m = diesel::update(outbox::table.filter(outbox::recipient.eq(email)))
        .set((
            outbox::recipient.eq(placeholder),
            outbox::body.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::update(organisations::table.filter(organisations::contact_email.eq(email)))
        .set(organisations::contact_email.eq(None::<String>))
        .execute(conn)?;
    diesel::delete(super::schema::confirmed_addresses::table.find(email)).execute(conn)?;
    super::confirmed_addresses::delete_requests(conn, email)?;
    Ok(n + m)
}

/// Answers to events of processes completed before `before` that still hold a real address.
pub fn expired_answers(
    conn: &mut DbConn,
    before: NaiveDateTime,
) -> QueryResult<Vec<(String, String)>> {
    use super::schema::dialogues;
    let completed = process_phase_changes::table
        .filter(process_phase_changes::to_phase.eq("completed"))
        .filter(process_phase_changes::created_at.lt(before))
        .select(process_phase_changes::process_id);
    invitations::table
        .inner_join(dialogues::table.on(dialogues::id.eq(invitations::dialogue_id)))
        .filter(dialogues::process_id.eq_any(completed))
        .filter(invitations::email.not_like("%@erased.invalid"))
        .select((invitations::id, invitations::email))
        .load(conn)
}

/// Erases the contact details of one answer: its address.
pub fn erase_answer_contact(
    conn: &mut DbConn,
    invitation_id: &str,
    placeholder: &str,
) -> QueryResult<()> {
    diesel::update(invitations::table.find(invitation_id))
        .set(invitations::email.eq(placeholder))
        .execute(conn)
        .map(|_| ())
}
