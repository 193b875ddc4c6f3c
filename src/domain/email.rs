//! Email addresses.

use super::{Invalid, Problem};

/// The longest address accepted, in bytes: the most a mail server has to take (RFC 5321).
pub const MAX_LENGTH: usize = 254;

/// An email address, trimmed and lowercased so that comparisons ignore case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses an address for `field`. The check is deliberately simple: one `@`, a non-empty
    /// local part, a domain with a dot, no spaces. Delivery is the real test.
    pub fn parse_for(field: &'static str, input: &str) -> Result<Email, Invalid> {
        // One address has one spelling: NFC, so that a composed "ø" and "o" with a combining
        // stroke cannot make two accounts for what reads as the same address.
        let value = icu_normalizer::ComposingNormalizerBorrowed::new_nfc()
            .normalize(input.trim())
            .to_lowercase();
        let bad = || {
            Invalid::because(
                field,
                Problem::BadFormat,
                format!("{field} must be an email address like navn@eksempel.no"),
            )
        };
        // Invisible characters would let two addresses that look alike make two accounts.
        if value.len() > MAX_LENGTH
            || value
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || super::is_invisible(c))
        {
            return Err(bad());
        }
        let (local, domain) = value.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(bad());
        }
        Ok(Email(value))
    }

    /// Parses the `email` field.
    pub fn parse(input: &str) -> Result<Email, Invalid> {
        Email::parse_for("email", input)
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the API's description says of an address field: as much of [`Email::parse_for`]'s rules
/// as a JSON Schema can say.
impl utoipa::PartialSchema for Email {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
            .max_length(Some(MAX_LENGTH))
            .into()
    }
}

impl utoipa::ToSchema for Email {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_lowercased_and_trimmed() {
        assert_eq!(
            Email::parse("  Kari.Nordmann@Kommune.NO ")
                .unwrap()
                .as_str(),
            "kari.nordmann@kommune.no"
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "kari",
            "kari@",
            "@kommune.no",
            "kari@kommune",
            "ka ri@kommune.no",
            "a@b@c.no",
            "a@.no",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} was accepted");
        }
    }
}

#[cfg(test)]
mod hygiene_tests {
    use super::Email;

    #[test]
    fn an_address_has_one_spelling_and_no_invisible_characters() {
        let nfc = Email::parse("r\u{e9}ne@kommune.no").unwrap();
        let nfd = Email::parse("RE\u{0301}NE@kommune.no").unwrap();
        assert_eq!(nfd, nfc, "the decomposed spelling is the composed one");
        assert_eq!(nfd.as_str(), "r\u{e9}ne@kommune.no");
        for bad in [
            "kari\u{200B}@kommune.no",
            "kari@kommune\u{202E}on.no",
            "kari\u{FEFF}@kommune.no",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }
}
