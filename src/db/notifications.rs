//! Queries on notifications and on which of them an account also wants by email.

use diesel::prelude::*;

use super::schema::{notification_settings, notifications};
use super::DbConn;

/// A notification of one account.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub account_id: String,
    /// What happened, e.g. `need_interest`.
    pub kind: String,
    /// The object it concerns (a need, process or event), for limits per object.
    pub subject_id: String,
    /// The object's title when it happened.
    pub title: String,
    /// Who did it (an organisation's name), when it happened.
    pub actor: String,
    /// The path of the object's page.
    pub link: String,
    pub created_at: chrono::NaiveDateTime,
    pub read_at: Option<chrono::NaiveDateTime>,
    /// When an email about it was queued; none when no email went.
    pub emailed_at: Option<chrono::NaiveDateTime>,
}

/// Inserts a notification.
pub fn insert(conn: &mut DbConn, row: &NotificationRow) -> QueryResult<()> {
    diesel::insert_into(notifications::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// A page of an account's notifications, newest first, with the total.
pub fn page(
    conn: &mut DbConn,
    account_id: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<NotificationRow>, i64)> {
    let total = notifications::table
        .filter(notifications::account_id.eq(account_id))
        .count()
        .get_result(conn)?;
    let rows = notifications::table
        .filter(notifications::account_id.eq(account_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The number of an account's unread notifications.
pub fn unread(conn: &mut DbConn, account_id: &str) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// One notification of an account; another account's is not found.
pub fn find_of(
    conn: &mut DbConn,
    account_id: &str,
    id: &str,
) -> QueryResult<Option<NotificationRow>> {
    notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::account_id.eq(account_id))
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()
}

/// Marks one of an account's notifications read, if it is not already.
pub fn mark_read(conn: &mut DbConn, account_id: &str, id: &str) -> QueryResult<bool> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(super::now())))
    .execute(conn)
    .map(|n| n > 0)
}

/// Marks every notification of an account read; returns how many were unread.
pub fn mark_all_read(conn: &mut DbConn, account_id: &str) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(super::now())))
    .execute(conn)
}

/// True when an email about `kind` on `subject_id` went to the account since `since`.
pub fn emailed_since(
    conn: &mut DbConn,
    account_id: &str,
    kind: &str,
    subject_id: &str,
    since: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::kind.eq(kind))
        .filter(notifications::subject_id.eq(subject_id))
        .filter(notifications::emailed_at.ge(since))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// The kinds an account has turned email off for.
pub fn email_off(conn: &mut DbConn, account_id: &str) -> QueryResult<Vec<String>> {
    notification_settings::table
        .filter(notification_settings::account_id.eq(account_id))
        .filter(notification_settings::email.eq(false))
        .select(notification_settings::kind)
        .load(conn)
}

/// Turns email for `kind` on or off for an account.
pub fn set_email(conn: &mut DbConn, account_id: &str, kind: &str, on: bool) -> QueryResult<()> {
    let now = super::now();
    let changed = diesel::update(notification_settings::table.find((account_id, kind)))
        .set((
            notification_settings::email.eq(on),
            notification_settings::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(notification_settings::table)
            .values((
                notification_settings::account_id.eq(account_id),
                notification_settings::kind.eq(kind),
                notification_settings::email.eq(on),
                notification_settings::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
