//! iCalendar (RFC 5545) for dialogue events.

use chrono::NaiveDateTime;

/// Escapes a TEXT value.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\n', '\r'], "\\n")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A parameter value (RFC 5545 §3.2): quoted, since names hold commas and colons, and without
/// the double quotes and control characters a quoted value cannot carry.
fn param(value: &str) -> String {
    let clean: String = value
        .chars()
        .map(|c| if c == '"' { '\'' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// What a calendar file asks of the calendar program that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// An invitation, or a change to one: the entry is added or updated.
    Request,
    /// The event is cancelled: the entry is removed or marked cancelled.
    Cancel,
}

impl Method {
    /// The `METHOD` value, also the `method` parameter of the MIME part.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A person or organisation with an address, as `ORGANIZER` or `ATTENDEE`.
pub struct Party<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// An event: times in UTC.
pub struct Event<'a> {
    /// Stable for the event, so that every later file updates the same calendar entry.
    pub uid: &'a str,
    /// Raised by one with each change that calendar programs must apply.
    pub sequence: i64,
    pub method: Method,
    pub title: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub url: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// When this file was written (`DTSTAMP`).
    pub stamp: NaiveDateTime,
    pub organizer: Party<'a>,
    pub attendee: Party<'a>,
}

/// The calendar file for one event, with CRLF line ends.
pub fn ics(e: &Event) -> String {
    let mut out = String::new();
    let status = match e.method {
        Method::Request => "CONFIRMED",
        Method::Cancel => "CANCELLED",
    };
    for line in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//innolift//markedsdialog//NB".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{}", e.method.as_str()),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", e.uid),
        format!("SEQUENCE:{}", e.sequence),
        format!("DTSTAMP:{}", stamp(e.stamp)),
        format!("DTSTART:{}", stamp(e.starts_at)),
        format!("DTEND:{}", stamp(e.ends_at)),
        format!("SUMMARY:{}", escape(e.title)),
        format!("DESCRIPTION:{}", escape(e.description)),
        format!("LOCATION:{}", escape(e.location)),
        format!("URL:{}", e.url),
        format!("STATUS:{status}"),
        format!(
            "ORGANIZER;CN={}:mailto:{}",
            param(e.organizer.name),
            e.organizer.email
        ),
        // Answers go through the answer link, where the rules of the dialogue are, so calendar
        // programs are asked not to send replies of their own.
        format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{}",
            param(e.attendee.name),
            e.attendee.email
        ),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ] {
        out.push_str(&fold(&line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_folded_escaped_and_end_in_crlf() {
        let t = chrono::NaiveDate::from_ymd_opt(2027, 3, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        let long = "Æ".repeat(60);
        let text = ics(&Event {
            uid: "u@x",
            sequence: 2,
            method: Method::Cancel,
            title: "Ferje, batteri; lading",
            description: &long,
            location: "Os",
            url: "https://x",
            starts_at: t,
            ends_at: t,
            stamp: t,
            organizer: Party {
                name: "Bergen kommune, \"innkjøp\"",
                email: "noreply@innolift.test",
            },
            attendee: Party {
                name: "Ferjeverft AS",
                email: "salg@ferjeverft.no",
            },
        });
        assert!(text.contains("METHOD:CANCEL\r\n") && text.contains("STATUS:CANCELLED\r\n"));
        assert!(text.contains("SEQUENCE:2\r\n"));
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains(
                "ORGANIZER;CN=\"Bergen kommune, 'innkjøp'\":mailto:noreply@innolift.test"
            ),
            "{unfolded}"
        );
        assert!(unfolded.contains("ATTENDEE;CN=\"Ferjeverft AS\";"));
        assert!(text.contains("SUMMARY:Ferje\\, batteri\\; lading\r\n"));
        assert!(text.contains("DTSTART:20270301T080000Z\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(!text.replace("\r\n", "").contains('\n'));
    }
}
