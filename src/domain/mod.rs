//! Domain types that validate on construction. A value of one of these types is always valid.

pub mod cpv;
pub mod email;
pub mod file_type;
pub mod language;
pub mod need;
pub mod network;
pub mod organisation;
pub mod orgnr;
pub mod password;
pub mod process;
pub mod theme;

pub use cpv::{CpvCode, CpvLevel};
pub use email::Email;
pub use language::{Lang, Language};
pub use need::{Maturity, NeedStatus};
pub use organisation::{County, OrgKind, Role, Sector, Size, Website};
pub use orgnr::Orgnr;
pub use password::Password;
pub use theme::Theme;

/// Why a value was refused: the field it came from, a stable problem code with its parameters
/// (which the pages translate), and a message in English for API clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    /// The request field, as the API names it (`title`, `benefits[2].amount`); empty when the
    /// problem is with the input as a whole.
    pub field: String,
    /// What kind of problem; with the field it forms the code, e.g. `themes.required`.
    pub problem: Problem,
    /// Values the translated text needs, e.g. `max` for [`Problem::TooLong`].
    pub params: Vec<(&'static str, String)>,
    /// What is wrong and what to do, in English.
    pub message: String,
}

impl Invalid {
    /// A problem without a more precise kind; prefer [`Invalid::because`].
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Invalid {
        Invalid::because(field, Problem::Invalid, message)
    }

    /// A problem of kind `problem` in `field`.
    pub fn because(
        field: impl Into<String>,
        problem: Problem,
        message: impl Into<String>,
    ) -> Invalid {
        Invalid {
            field: field.into(),
            problem,
            params: Vec::new(),
            message: message.into(),
        }
    }

    /// Adds a parameter for the translated text.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Invalid {
        self.params.push((name, value.to_string()));
        self
    }

    /// The stable code: the field and the problem, e.g. `ends_at.before_starts_at`.
    /// A problem of the whole input has no field, and its code is the problem alone.
    pub fn code(&self) -> String {
        if self.field.is_empty() {
            self.problem.as_str().to_owned()
        } else {
            format!("{}.{}", self.field, self.problem)
        }
    }
}

/// Trims `value` and checks it is non-empty and at most `max` characters.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::because(
            field,
            Problem::Required,
            format!("{field} must not be empty"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Invalid::because(
            field,
            Problem::ControlCharacters,
            format!("{field} contains control characters; remove them"),
        ));
    }
    if value.chars().count() > max {
        return Err(Invalid::because(
            field,
            Problem::TooLong,
            format!("{field} must be at most {max} characters"),
        )
        .with("max", max));
    }
    Ok(value.to_owned())
}

/// Zero-width and bidi-control characters, and other invisible format characters: they make one
/// text look like another (a name that reads backwards, two addresses that look the same).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Like [`text`], for a field of one line (a name, a title, a place): refuses line breaks of any
/// kind and tabs, which would shape lines in a plain-text email, and invisible format characters.
pub fn line(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    if value.trim().chars().any(|c| {
        matches!(
            c,
            '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    }) {
        return Err(Invalid::because(
            field,
            Problem::LineBreaks,
            format!("{field} must be one line: remove the line breaks and tabs"),
        ));
    }
    if value.chars().any(is_invisible) {
        return Err(Invalid::because(
            field,
            Problem::InvisibleCharacters,
            format!(
                "{field} contains invisible characters (zero-width or text direction); remove them"
            ),
        ));
    }
    text(field, value, max)
}

/// Checks free search text: at most 500 characters and no control characters.
pub fn query_text(field: &'static str, value: &str) -> Result<String, Invalid> {
    if value.chars().any(char::is_control) {
        return Err(Invalid::because(
            field,
            Problem::ControlCharacters,
            format!("{field} contains control characters; remove them"),
        ));
    }
    if value.chars().count() > 500 {
        return Err(Invalid::because(
            field,
            Problem::TooLong,
            format!("{field} must be at most 500 characters"),
        )
        .with("max", 500));
    }
    Ok(value.trim().to_owned())
}

/// The API's description of a text that takes one of `values`, for a closed set no type of its
/// own lists (a type made by [`string_enum!`] describes itself).
pub fn choice_schema(values: &[&str], description: &str) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .build()
}

/// As [`choice_schema`], for a text that may also be blank, which counts as left out (as
/// [`organisation::optional`] reads it).
pub fn optional_choice_schema(
    values: &[&str],
    description: &str,
) -> utoipa::openapi::schema::Schema {
    utoipa::openapi::schema::AnyOfBuilder::new()
        .item(
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::Type::String)
                .enum_values(Some(values.iter().copied())),
        )
        .item(blank_schema())
        .description(Some(description))
        .build()
        .into()
}

/// Blank text: nothing but white space.
pub fn blank_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .pattern(Some(r"^\s*$"))
        .build()
}

/// Generates `parse`/`as_str` for a closed set of string values.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialised form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored form.
            pub fn parse(value: &str) -> Result<$name, $crate::domain::Invalid> {
                match value {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::Invalid::because(
                        $field,
                        $crate::domain::Problem::NotAllowed,
                        format!(
                            "`{}` is not a valid {}; use one of: {}",
                            value, $field, [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // How `db/` reads and writes the value in a text column: a stored value that is not
        // one of these fails the query instead of passing through as a string.
        impl TryFrom<String> for $name {
            type Error = $crate::domain::Invalid;
            fn try_from(value: String) -> Result<$name, $crate::domain::Invalid> {
                $name::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// The kinds of invalid input. Every one has words in both languages in
    /// `templates/i18n/invalid.toml`, and a field may have words of its own for a kind.
    Problem, "problem", {
        Required => "required",
        TooLong => "too_long",
        TooMany => "too_many",
        TooShort => "too_short",
        ControlCharacters => "control_characters",
        LineBreaks => "line_breaks",
        InvisibleCharacters => "invisible_characters",
        NotAllowed => "not_allowed",
        NotANumber => "not_a_number",
        OutOfRange => "out_of_range",
        NotADate => "not_a_date",
        NotATime => "not_a_time",
        BeforeStartsAt => "before_starts_at",
        AfterStartsAt => "after_starts_at",
        NotFound => "not_found",
        BadFormat => "bad_format",
        CheckDigit => "check_digit",
        UnknownCode => "unknown_code",
        Mismatch => "mismatch",
        Overlaps => "overlaps",
        Invalid => "invalid",
    }
);

#[cfg(test)]
mod line_tests {
    use super::{line, Problem};

    #[test]
    fn a_line_refuses_line_breaks_and_invisible_characters_naming_the_field() {
        assert_eq!(
            line("title", "  Ferje til Askøy ", 200).unwrap(),
            "Ferje til Askøy"
        );
        for (value, problem) in [
            ("Ferje\r\nBcc: alle@example.com", Problem::LineBreaks),
            ("Ferje\u{2028}Askøy", Problem::LineBreaks),
            ("Ferje\tAskøy", Problem::LineBreaks),
            ("Ferje\u{202E}yøksA", Problem::InvisibleCharacters),
            ("Fer\u{200B}je", Problem::InvisibleCharacters),
        ] {
            let err = line("title", value, 200).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.problem),
                ("title", problem),
                "{value:?}"
            );
        }
    }
}
