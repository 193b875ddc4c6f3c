//! Outgoing mail: invitations, confirmations, published answers and digests rendered with
//! minijinja from `templates/emails/` (subject, text and HTML, Bokmål and English), invitations
//! with an iCalendar attachment and one-click unsubscribe, queued in the database's outbox and
//! sent by the worker in [`outbox`].

pub mod calendar;
pub mod outbox;

use std::sync::OnceLock;

use anyhow::Context as _;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use sha2::{Digest, Sha256};

use crate::domain::Lang;

mod subject;

impl Lang {
    /// The code that names the language's templates.
    fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }
}

macro_rules! email_templates {
    ($($name:literal),* $(,)?) => {
        /// Every email template, by file name, compiled into the binary.
        const TEMPLATES: &[(&str, &str)] = &[
            $(
                email_templates!(@file $name, ".nb.subject"),
                email_templates!(@file $name, ".nb.txt"),
                email_templates!(@file $name, ".nb.html"),
                email_templates!(@file $name, ".en.subject"),
                email_templates!(@file $name, ".en.txt"),
                email_templates!(@file $name, ".en.html"),
            )*
        ];
    };
    (@file $name:literal, $suffix:literal) => {
        (
            concat!($name, $suffix),
            include_str!(concat!("../../templates/emails/", $name, $suffix)),
        )
    };
}

email_templates!(
    "invitation",
    "dialogue_change",
    "dialogue_cancelled",
    "meeting",
    "meeting_none",
    "confirmation",
    "digest",
    "answer",
    "password_reset",
    "email_confirmation",
    "interest_confirmation",
    "colleague_invite",
    "notification",
    "document_version",
    "consultation_summary",
    "minutes",
    "radar"
);

/// The email templates, compiled once. A template that does not compile makes every render
/// return that error, rather than panicking in a request or in the outbox worker.
fn environment() -> anyhow::Result<&'static Environment<'static>> {
    static ENV: OnceLock<Result<Environment<'static>, minijinja::Error>> = OnceLock::new();
    let env = ENV.get_or_init(|| {
        let mut env = Environment::new();
        // A value the code forgot to pass must fail the render, not leave a gap in a sent email.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Only the HTML part is markup; subjects and plain text go out exactly as the values are.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        // The messages have always ended in the files' final newline.
        env.set_keep_trailing_newline(true);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        Ok(env)
    });
    env.as_ref()
        .map_err(|e| anyhow::anyhow!("the email templates: {e}"))
}

/// Subject, text and HTML of the template `name` in `lang`.
struct Parts {
    subject: String,
    text: String,
    html: String,
}

fn render_parts(name: &str, lang: Lang, values: &[(&str, String)]) -> anyhow::Result<Parts> {
    let env = environment()?;
    let values: Value = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let part = |kind: &str| -> anyhow::Result<String> {
        let file = format!("{name}.{}.{kind}", lang.code());
        env.get_template(&file)
            .and_then(|t| t.render(&values))
            .with_context(|| format!("email template {file}"))
    };
    Ok(Parts {
        subject: one_line(&part("subject")?),
        text: part("txt")?,
        html: part("html")?,
    })
}

/// One line with no line breaks: header values must never carry CR or LF.
pub fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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
    /// `invitation`, `dialogue_change`, `dialogue_cancelled` or `meeting`.
    pub template: &'static str,
    /// What changed, or why the event is cancelled; empty in an invitation.
    pub notice: String,
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
    /// The `.ics` file, sent as an inline `text/calendar` part and as an attachment.
    pub calendar: String,
    /// The calendar file's `METHOD`.
    pub calendar_method: calendar::Method,
}

/// The bare address of a sender such as `innolift <noreply@innolift.no>`, which calendar
/// programs show as the organiser.
pub fn address_of(from: &str) -> String {
    from.parse::<Mailbox>()
        .map(|m| m.email.to_string())
        .unwrap_or_else(|_| from.trim().to_owned())
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
        ("notice", inv.notice.clone()),
    ];
    let Parts {
        subject,
        text,
        html,
    } = render_parts(inv.template, inv.lang, &values)?;
    let from: Mailbox = inv.from.parse()?;
    let to: Mailbox = inv.to.parse()?;
    let message = subject::with_subject(Message::builder().from(from).to(to), &subject)
        .message_id(Some(inv.message_id.clone()))
        .header(ListUnsubscribe(inv.unsubscribe_url.clone()))
        .header(ListUnsubscribePost)
        .multipart(
            MultiPart::mixed()
                // Calendar programs treat an inline text/calendar part with a method as an
                // invitation to add or update; the attachment is for everyone else.
                .multipart(
                    MultiPart::alternative_plain_html(text, html).singlepart(
                        SinglePart::builder()
                            .header(ContentType::parse(&format!(
                                "text/calendar; charset=utf-8; method={}",
                                inv.calendar_method.as_str()
                            ))?)
                            .body(inv.calendar.clone()),
                    ),
                )
                .singlepart(
                    Attachment::new(
                        match (inv.template, inv.lang) {
                            ("dialogue_change", Lang::Nb) => "endring.ics",
                            ("dialogue_change", Lang::En) => "update.ics",
                            ("dialogue_cancelled", Lang::Nb) => "avlysning.ics",
                            ("dialogue_cancelled", Lang::En) => "cancellation.ics",
                            ("meeting", Lang::Nb) => "mote.ics",
                            ("meeting", Lang::En) => "meeting.ics",
                            (_, Lang::Nb) => "invitasjon.ics",
                            (_, Lang::En) => "invitation.ics",
                        }
                        .to_owned(),
                    )
                    .body(inv.calendar.clone(), ContentType::parse("application/ics")?),
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

/// Renders the template `name` (`confirmation`, `answer`, `digest`) into the exact message that
/// will be sent, with a text and an HTML part.
pub fn render_template(
    name: &str,
    lang: Lang,
    from: &str,
    to: &str,
    message_id: &str,
    values: &[(&str, String)],
) -> anyhow::Result<Rendered> {
    let Parts {
        subject,
        text,
        html,
    } = render_parts(name, lang, values)?;
    let message = subject::with_subject(
        Message::builder()
            .from(from.parse::<Mailbox>()?)
            .to(to.parse::<Mailbox>()?),
        &subject,
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation(title: &str) -> Invitation {
        Invitation {
            lang: Lang::Nb,
            template: "invitation",
            notice: String::new(),
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
            calendar_method: calendar::Method::Request,
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
    fn template_syntax_in_values_comes_out_literally() {
        let values = [
            (
                "title",
                "{{ answer_url }} {{answer_url}} {% if true %}x{% endif %}".into(),
            ),
            ("answer", "deltar".into()),
            ("deadline", "20. februar 2027".into()),
            ("answer_url", "https://x".into()),
        ];
        let parts = render_parts("confirmation", Lang::Nb, &values).unwrap();
        assert_eq!(
            parts.subject,
            "Svar registrert: {{ answer_url }} {{answer_url}} {% if true %}x{% endif %}"
        );
        assert!(parts
            .text
            .starts_with("Vi har registrert svaret ditt på «{{ answer_url }} {{answer_url}} {% if true %}x{% endif %}»"));
        assert!(parts
            .html
            .contains("<title>{{ answer_url }} {{answer_url}} {% if true %}x{% endif %}</title>"));
    }

    #[test]
    fn only_the_html_part_is_escaped() {
        let values = [
            ("title", "Ferje <b> & \"båt\"".into()),
            ("answer", "deltar".into()),
            ("deadline", "20. februar 2027".into()),
            ("answer_url", "https://x".into()),
        ];
        let parts = render_parts("confirmation", Lang::En, &values).unwrap();
        assert_eq!(parts.subject, "Answer received: Ferje <b> & \"båt\"");
        assert!(
            parts.text.contains("\"Ferje <b> & \"båt\"\""),
            "{}",
            parts.text
        );
        assert!(
            parts.html.contains("Ferje &lt;b&gt; &amp; &quot;båt&quot;"),
            "{}",
            parts.html
        );
        assert!(!parts.html.contains("<b>"), "{}", parts.html);
    }

    #[test]
    fn a_missing_value_is_an_error() {
        let values = [
            ("title", "Ferje".into()),
            ("answer", "deltar".into()),
            ("answer_url", "https://x".into()),
        ];
        let err = render_template(
            "confirmation",
            Lang::Nb,
            "a@b.no",
            "c@d.no",
            "<m@x>",
            &values,
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("confirmation.nb."), "{err:#}");
        assert!(
            render_template("nonesuch", Lang::Nb, "a@b.no", "c@d.no", "<m@x>", &values).is_err()
        );
    }

    /// The names each caller passes, in `app::dialogues`, `app::notices::digest` and
    /// `app::notifications`.
    fn values_of(name: &str) -> Vec<(&'static str, String)> {
        let keys: &[&str] = match name {
            "invitation" | "dialogue_change" | "dialogue_cancelled" | "meeting" => &[
                "notice",
                "supplier",
                "buyers",
                "kind",
                "title",
                "agenda",
                "starts",
                "ends",
                "place",
                "deadline",
                "answer_url",
                "unsubscribe_url",
            ],
            "confirmation" => &["title", "answer", "deadline", "answer_url"],
            "meeting_none" => &["supplier", "buyers", "title", "answer_url", "record_url"],
            "answer" => &["title", "question", "answer", "event_url"],
            "digest" => &["supplier", "count", "matches", "settings_url"],
            "radar" => &["buyer", "count", "groups", "radar_url"],
            "password_reset" => &["name", "reset_url"],
            "email_confirmation" => &["name", "confirm_url"],
            "interest_confirmation" => &["name", "title", "confirm_url"],
            "colleague_invite" => &["inviter", "organisation", "expires", "register_url"],
            "notification" => &["kind", "title", "actor", "url", "settings_url"],
            "document_version" => &[
                "supplier",
                "event",
                "title",
                "version",
                "file_name",
                "size",
                "sha256",
                "comments_until",
                "link",
                "answer_url",
                "event_url",
            ],
            "consultation_summary" | "minutes" => &[
                "supplier",
                "event",
                "title",
                "text",
                "sha256",
                "link",
                "answer_url",
                "event_url",
            ],
            _ => unreachable!("{name}"),
        };
        keys.iter().map(|k| (*k, format!("{k} <&>"))).collect()
    }

    #[test]
    fn every_template_renders_in_both_languages_with_the_values_the_code_passes() {
        let mut rendered = 0;
        for name in [
            "invitation",
            "dialogue_change",
            "dialogue_cancelled",
            "meeting",
            "meeting_none",
            "confirmation",
            "answer",
            "digest",
            "password_reset",
            "email_confirmation",
            "interest_confirmation",
            "colleague_invite",
            "notification",
            "document_version",
            "consultation_summary",
            "minutes",
            "radar",
        ] {
            for lang in [Lang::Nb, Lang::En] {
                let parts = render_parts(name, lang, &values_of(name))
                    .unwrap_or_else(|e| panic!("{name} {lang:?}: {e:#}"));
                for text in [&parts.subject, &parts.text, &parts.html] {
                    assert!(!text.contains("{{") && !text.contains("{%"), "{text}");
                }
                // The reset email's subject is fixed text: it names nobody.
                if name != "password_reset" && name != "email_confirmation" {
                    assert!(parts.subject.contains("<&>"), "{}", parts.subject);
                }
                assert!(parts.text.contains("<&>") && parts.text.ends_with('\n'));
                assert!(
                    parts.html.contains("&lt;&amp;&gt;") && !parts.html.contains("<&>"),
                    "{}",
                    parts.html
                );
                rendered += 3;
            }
        }
        assert_eq!(rendered, TEMPLATES.len(), "every template file is rendered");
        for lang in [Lang::Nb, Lang::En] {
            render_invitation(&Invitation {
                lang,
                ..invitation("Ferje")
            })
            .unwrap();
        }
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
