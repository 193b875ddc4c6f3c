//! Outgoing mail: invitations rendered from `templates/emails/` (subject, text and HTML, Bokmål
//! and English) with an iCalendar attachment and one-click unsubscribe, queued in the database's
//! outbox and sent by the worker in [`outbox`].

pub mod calendar;
pub mod outbox;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::Message;
use sha2::{Digest, Sha256};

/// The language of an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Bokmål.
    Nb,
    /// English.
    En,
}

fn template(name: &str, lang: Lang) -> &'static str {
    macro_rules! pick {
        ($($key:literal => $nb:literal, $en:literal;)*) => {
            match (name, lang) {
                $(($key, Lang::Nb) => include_str!(concat!("../../templates/emails/", $nb)),
                  ($key, Lang::En) => include_str!(concat!("../../templates/emails/", $en)),)*
                _ => "",
            }
        };
    }
    pick! {
        "invitation.subject" => "invitation.nb.subject", "invitation.en.subject";
        "invitation.txt" => "invitation.nb.txt", "invitation.en.txt";
        "invitation.html" => "invitation.nb.html", "invitation.en.html";
        "confirmation.subject" => "confirmation.nb.subject", "confirmation.en.subject";
        "confirmation.txt" => "confirmation.nb.txt", "confirmation.en.txt";
        "confirmation.html" => "confirmation.nb.html", "confirmation.en.html";
        "digest.subject" => "digest.nb.subject", "digest.en.subject";
        "digest.txt" => "digest.nb.txt", "digest.en.txt";
        "digest.html" => "digest.nb.html", "digest.en.html";
        "answer.subject" => "answer.nb.subject", "answer.en.subject";
        "answer.txt" => "answer.nb.txt", "answer.en.txt";
        "answer.html" => "answer.nb.html", "answer.en.html";
    }
}

/// Escapes text for HTML.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line with no line breaks: header values must never carry CR or LF.
pub fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Replaces each `{{key}}` in one pass, so a value that itself contains `{{…}}` stays as it is.
fn fill(template: &str, values: &[(&str, String)], escape: bool) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = &after[..end];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) if escape => out.push_str(&html_escape(v)),
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

struct ListUnsubscribe(String);
struct ListUnsubscribePost;

impl Clone for ListUnsubscribe {
    fn clone(&self) -> Self {
        ListUnsubscribe(self.0.clone())
    }
}

impl Clone for ListUnsubscribePost {
    fn clone(&self) -> Self {
        ListUnsubscribePost
    }
}

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// What goes into an invitation.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub lang: Lang,
    pub from: String,
    pub to: String,
    pub message_id: String,
    pub supplier: String,
    pub buyers: String,
    pub kind: String,
    pub title: String,
    pub agenda: String,
    pub starts: String,
    pub ends: String,
    pub place: String,
    pub deadline: String,
    pub answer_url: String,
    pub unsubscribe_url: String,
    /// The `.ics` attachment.
    pub calendar: String,
}

/// A rendered message: subject, exact bytes and their SHA-256.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
    pub sha256: String,
}

/// Renders an invitation into the exact message that will be sent.
pub fn render_invitation(inv: &Invitation) -> anyhow::Result<Rendered> {
    let values = [
        ("supplier", inv.supplier.clone()),
        ("buyers", inv.buyers.clone()),
        ("kind", inv.kind.clone()),
        ("title", inv.title.clone()),
        ("agenda", inv.agenda.clone()),
        ("starts", inv.starts.clone()),
        ("ends", inv.ends.clone()),
        ("place", inv.place.clone()),
        ("deadline", inv.deadline.clone()),
        ("answer_url", inv.answer_url.clone()),
        ("unsubscribe_url", inv.unsubscribe_url.clone()),
    ];
    let subject = one_line(&fill(
        template("invitation.subject", inv.lang),
        &values,
        false,
    ));
    let text = fill(template("invitation.txt", inv.lang), &values, false);
    let html = fill(template("invitation.html", inv.lang), &values, true);
    let from: Mailbox = inv.from.parse()?;
    let to: Mailbox = inv.to.parse()?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject.clone())
        .message_id(Some(inv.message_id.clone()))
        .header(ListUnsubscribe(inv.unsubscribe_url.clone()))
        .header(ListUnsubscribePost)
        .multipart(
            MultiPart::mixed()
                .multipart(MultiPart::alternative_plain_html(text, html))
                .singlepart(
                    Attachment::new(
                        if inv.lang == Lang::Nb {
                            "invitasjon.ics"
                        } else {
                            "invitation.ics"
                        }
                        .to_owned(),
                    )
                    .body(
                        inv.calendar.clone(),
                        ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")?,
                    ),
                ),
        )?;
    let body = String::from_utf8(message.formatted())?;
    let sha256 = hex::encode(Sha256::digest(body.as_bytes()));
    Ok(Rendered {
        subject,
        body,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation(title: &str) -> Invitation {
        Invitation {
            lang: Lang::Nb,
            from: "innolift <noreply@innolift.no>".into(),
            to: "post@verft.no".into(),
            message_id: "<inv-1@innolift.no>".into(),
            supplier: "Verft AS".into(),
            buyers: "Bergen kommune".into(),
            kind: "konferanse".into(),
            title: title.into(),
            agenda: "Agenda <b>".into(),
            starts: "1. mars 2027 09:00".into(),
            ends: "1. mars 2027 12:00".into(),
            place: "Rådhuset".into(),
            deadline: "20. februar 2027".into(),
            answer_url: "https://innolift.no/rsvp/abc".into(),
            unsubscribe_url: "https://innolift.no/unsubscribe/abc".into(),
            calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
        }
    }

    #[test]
    fn a_title_with_line_breaks_cannot_inject_headers() {
        let rendered = render_invitation(&invitation("Ferje\r\nBcc: spion@example.com")).unwrap();
        let headers = rendered.body.split("\r\n\r\n").next().unwrap();
        assert!(
            !headers
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{headers}"
        );
        assert!(!rendered.subject.contains('\n'));
    }

    #[test]
    fn placeholders_in_values_are_not_expanded() {
        let filled = fill(
            "{{title}} {{answer_url}}",
            &[
                ("title", "{{answer_url}}".into()),
                ("answer_url", "https://x".into()),
            ],
            false,
        );
        assert_eq!(filled, "{{answer_url}} https://x");
    }

    #[test]
    fn the_message_has_its_parts_and_unsubscribe_headers() {
        let rendered = render_invitation(&invitation("Utslippsfri ferje")).unwrap();
        assert!(rendered
            .body
            .contains("List-Unsubscribe: <https://innolift.no/unsubscribe/abc>"));
        assert!(rendered
            .body
            .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(rendered.body.contains("Message-ID: <inv-1@innolift.no>"));
        assert!(rendered.body.contains("text/calendar"));
        assert!(rendered.body.contains("multipart/alternative"));
        assert!(
            rendered.body.contains("Agenda &lt;b&gt;"),
            "values are escaped in HTML"
        );
        assert_eq!(rendered.sha256.len(), 64);
    }
}

/// Renders the template `name` (`confirmation`, `answer`) as text and HTML.
pub fn render_template(
    name: &str,
    lang: Lang,
    from: &str,
    to: &str,
    message_id: &str,
    values: &[(&str, String)],
) -> anyhow::Result<Rendered> {
    let subject = one_line(&fill(
        template(&format!("{name}.subject"), lang),
        values,
        false,
    ));
    let text = fill(template(&format!("{name}.txt"), lang), values, false);
    let html = fill(template(&format!("{name}.html"), lang), values, true);
    let message = Message::builder()
        .from(from.parse::<Mailbox>()?)
        .to(to.parse::<Mailbox>()?)
        .subject(subject.clone())
        .message_id(Some(message_id.to_owned()))
        .multipart(MultiPart::alternative_plain_html(text, html))?;
    let body = String::from_utf8(message.formatted())?;
    let sha256 = hex::encode(Sha256::digest(body.as_bytes()));
    Ok(Rendered {
        subject,
        body,
        sha256,
    })
}
