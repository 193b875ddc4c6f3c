//! Emails to one account that carry a link: the password reset and the address confirmation.

use crate::db;
use crate::db::accounts::AccountRow;
use crate::db::dialogues::OutboxRow;
use crate::domain::Lang;
use crate::error::AppError;
use crate::mail;
use crate::settings::Settings;

/// The outbox row of the template `kind` to `account`, greeting it by name and giving `link` as
/// the template's `link_name`. Its Message-ID names the kind, so the record tells them apart.
pub fn link_email(
    settings: &Settings,
    kind: &str,
    account: &AccountRow,
    lang: Lang,
    link_name: &str,
    link: String,
) -> Result<OutboxRow, AppError> {
    let outbox_id = db::new_id();
    let message_id = format!(
        "<{}-{outbox_id}@{}>",
        kind.replace('_', "-"),
        super::dialogues::host(settings)
    );
    let rendered = mail::render_template(
        kind,
        lang,
        &settings.mail_from,
        &account.email,
        &message_id,
        &[("name", account.name.clone()), (link_name, link)],
    )
    .map_err(AppError::Internal)?;
    Ok(OutboxRow::queued(
        outbox_id,
        kind,
        None,
        None,
        &account.email,
        message_id,
        rendered,
    ))
}
