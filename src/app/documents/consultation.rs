//! A consultation (*høring*) on a draft: invitees comment on a version, section by section,
//! through their answer link until `comments_until`. What a supplier sends is confidential to
//! the process's buyers: a supplier sees only its own comments, the buyers see all of them, per
//! supplier and per section.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::upload::one_line;
use super::{readable, token_reader, Reader};
use crate::app::dialogues::{format_oslo, refuse_if_cancelled};
use crate::caller::Caller;
use crate::db::documents::{self as q, CommentRow};
use crate::db::{self, DbConn};
use crate::domain::{self, Problem};
use crate::error::{all_valid, AppError, Clash};

/// A comment as given.
#[derive(Debug, Clone, Default)]
pub struct NewComment {
    pub document_id: String,
    pub version: i64,
    /// Free text such as "3.2"; empty for the document as a whole.
    pub section: String,
    pub text: String,
}

/// A comment, as its author sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentView {
    pub id: String,
    pub document_id: String,
    pub version: i64,
    pub section: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl From<&CommentRow> for CommentView {
    fn from(c: &CommentRow) -> Self {
        CommentView {
            id: c.id.clone(),
            document_id: c.document_id.clone(),
            version: c.version,
            section: c.section.clone(),
            text: c.text.clone(),
            created_at: c.created_at.and_utc(),
        }
    }
}

/// A comment, as the buyers see it: with who sent it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BuyerComment {
    #[serde(flatten)]
    pub comment: CommentView,
    pub supplier_id: Option<String>,
    pub supplier_name: Option<String>,
    pub orgnr: String,
}

/// Comments.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comments {
    pub items: Vec<CommentView>,
}

/// Every comment on a document, for the buyers, by section and then by supplier.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerComments {
    pub items: Vec<BuyerComment>,
    /// How many comments each section has, in section order.
    pub sections: Vec<SectionCount>,
    /// How many suppliers commented.
    pub suppliers: usize,
}

/// One section's share of the comments.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionCount {
    pub section: String,
    pub comments: usize,
}

/// Sorts sections as people number them: the whole document first, then 2 before 10 and 3.2
/// before 3.10, then named parts.
pub fn section_key(section: &str) -> Vec<(u64, String)> {
    if section.trim().is_empty() {
        return Vec::new();
    }
    section
        .split(['.', ' '])
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (n, String::new()),
            Err(_) => (u64::MAX, part.to_lowercase()),
        })
        .collect()
}

/// An invitee comments through its link, while the document takes comments.
pub fn comment(conn: &mut DbConn, token: &str, new: NewComment) -> Result<CommentView, AppError> {
    let (reader, d) = token_reader(conn, token)?;
    let Reader::Invitee(invitation) = &reader else {
        unreachable!("a token reads as an invitee")
    };
    let doc = readable(conn, &reader, &new.document_id)?;
    refuse_if_cancelled(&d)?;
    let Some(until) = doc.comments_until else {
        return Err(AppError::clash(
            None,
            Clash::NotInConsultation,
            "this document is not out for consultation",
        ));
    };
    if db::now() > until {
        return Err(AppError::clash(
            None,
            Clash::ConsultationClosed,
            format!("the consultation closed at {}", format_oslo(until)),
        ));
    }
    let version = match q::version(conn, &doc.id, new.version)? {
        Some(v) => Ok(v.version),
        None => Err(AppError::invalid(
            "version",
            Problem::NotAllowed,
            format!("version must be one of 1 to {}", doc.current_version),
        )),
    };
    let section = match new.section.trim() {
        "" => Ok(String::new()),
        s => one_line("section", s, 100),
    };
    all_valid! {
        let version = version;
        let section = section;
        let text = domain::text("text", &new.text, 10_000);
    }
    let row = CommentRow {
        id: db::new_id(),
        document_id: doc.id,
        version,
        invitation_id: invitation.id.clone(),
        section,
        text,
        created_at: db::now(),
    };
    q::insert_comment(conn, &row)?;
    Ok(CommentView::from(&row))
}

/// The comments an invitee sent on a document (or on every document it may read).
pub fn own(
    conn: &mut DbConn,
    token: &str,
    document_id: Option<&str>,
) -> Result<Vec<CommentView>, AppError> {
    let (reader, d) = token_reader(conn, token)?;
    let Reader::Invitee(invitation) = &reader else {
        unreachable!("a token reads as an invitee")
    };
    let docs = match document_id {
        Some(id) => vec![readable(conn, &reader, id)?],
        None => q::of_dialogue(conn, &d.id)?
            .into_iter()
            .filter(|doc| reader.may_read(doc))
            .collect(),
    };
    let mut out = Vec::new();
    for doc in docs {
        out.extend(
            q::comments(conn, &doc.id, Some(&invitation.id))?
                .iter()
                .map(CommentView::from),
        );
    }
    Ok(out)
}

/// Every comment on a document, for its process's buyers and programme staff.
pub fn all(
    conn: &mut DbConn,
    caller: &Caller,
    document_id: &str,
) -> Result<BuyerComments, AppError> {
    let doc = readable(conn, &Reader::Insider, document_id)?;
    let process = crate::app::processes::get(conn, &doc.process_id)?;
    if !crate::app::processes::standing(conn, caller, &process)?.is_insider() {
        // Whoever cannot see the document gets 404; an invitee gets no other supplier's words.
        return Err(AppError::not_found("no document has this id"));
    }
    of_document(conn, &doc)
}

/// Every comment on a document whose caller was checked to be an insider.
pub(super) fn of_document(
    conn: &mut DbConn,
    doc: &crate::db::documents::DocumentRow,
) -> Result<BuyerComments, AppError> {
    let rows = q::comments(conn, &doc.id, None)?;
    let invitations = match &doc.dialogue_id {
        Some(d) => crate::db::dialogues::invitations(conn, d)?,
        None => Vec::new(),
    };
    let names = crate::app::dialogues::letters::invitee_names(conn, &invitations)?;
    let mut items: Vec<BuyerComment> = rows
        .iter()
        .map(|c| {
            let inv = invitations.iter().find(|i| i.id == c.invitation_id);
            BuyerComment {
                comment: CommentView::from(c),
                supplier_id: inv.and_then(|i| i.supplier_id.clone()),
                supplier_name: names.get(&c.invitation_id).cloned(),
                orgnr: inv.map(|i| i.orgnr.clone()).unwrap_or_default(),
            }
        })
        .collect();
    items.sort_by(|a, b| {
        section_key(&a.comment.section)
            .cmp(&section_key(&b.comment.section))
            .then_with(|| a.supplier_name.cmp(&b.supplier_name))
            .then_with(|| a.comment.created_at.cmp(&b.comment.created_at))
    });
    let mut sections: Vec<SectionCount> = Vec::new();
    for item in &items {
        match sections.last_mut() {
            Some(last) if last.section == item.comment.section => last.comments += 1,
            _ => sections.push(SectionCount {
                section: item.comment.section.clone(),
                comments: 1,
            }),
        }
    }
    let suppliers = items
        .iter()
        .map(|i| i.orgnr.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    Ok(BuyerComments {
        items,
        sections,
        suppliers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_sort_as_people_number_them() {
        let mut s = vec!["10", "3.10", "", "3.2", "2", "Vedlegg A"];
        s.sort_by_key(|x| section_key(x));
        assert_eq!(s, vec!["", "2", "3.2", "3.10", "10", "Vedlegg A"]);
    }
}
