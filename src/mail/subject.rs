//! The Subject header, sent so that what a user typed reads as typed.

use lettre::message::header::{HeaderName, HeaderValue};

/// Sets the Subject. A subject that holds `=?` is sent wholly as RFC 2047 encoded words, so that
/// a literal `=?utf-8?q?…?=` typed into a title reads as those characters, not as whatever it
/// decodes to.
pub(super) fn with_subject(
    builder: lettre::message::MessageBuilder,
    subject: &str,
) -> lettre::message::MessageBuilder {
    use base64::Engine as _;
    if !subject.contains("=?") {
        return builder.subject(subject);
    }
    // 45 bytes make 60 base64 characters: with `=?utf-8?b?` and `?=` a word stays within the
    // 75 that RFC 2047 allows, and a character is never split between words.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in subject.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    let encoded = words
        .iter()
        .map(|w| {
            format!(
                "=?utf-8?b?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w)
            )
        })
        .collect::<Vec<_>>()
        .join("\r\n ");
    builder.raw_header(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str("Subject"),
        subject.to_owned(),
        encoded,
    ))
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    #[test]
    fn an_encoded_word_typed_into_a_subject_is_sent_as_text() {
        let typed = "Svar registrert: =?utf-8?q?Gratis_iPhone?= og mye mer tekst som gjør emnet langt nok til å brytes";
        let message = super::with_subject(
            lettre::Message::builder()
                .from("a@b.no".parse().unwrap())
                .to("c@d.no".parse().unwrap()),
            typed,
        )
        .body(String::from("x"))
        .unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        let header: String = text
            .split("\r\n")
            .skip_while(|l| !l.starts_with("Subject:"))
            .take_while(|l| l.starts_with("Subject:") || l.starts_with(' '))
            .collect::<Vec<_>>()
            .join("\r\n");
        assert!(!header.contains("=?utf-8?q?"), "{header}");
        let decoded: String = header
            .trim_start_matches("Subject: ")
            .split("\r\n ")
            .map(|w| {
                let inner = w
                    .strip_prefix("=?utf-8?b?")
                    .and_then(|w| w.strip_suffix("?="))
                    .expect(w);
                assert!(w.len() <= 75, "{w}");
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(inner)
                        .unwrap(),
                )
                .unwrap()
            })
            .collect();
        assert_eq!(decoded, typed);
    }
}
