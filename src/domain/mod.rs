//! Domain types that validate on construction. A value of one of these types is always valid.

pub mod cpv;
pub mod email;
pub mod language;
pub mod need;
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

/// Why a value was refused: the API field it came from and a message for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    /// The request field, as the API names it.
    pub field: &'static str,
    /// What is wrong and what to do.
    pub message: String,
}

impl Invalid {
    /// Builds an [`Invalid`] for `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Invalid {
        Invalid {
            field,
            message: message.into(),
        }
    }
}

/// Trims `value` and checks it is non-empty and at most `max` characters.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new(field, format!("{field} must not be empty")));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Invalid::new(
            field,
            format!("{field} contains control characters; remove them"),
        ));
    }
    if value.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Checks free search text: at most 500 characters and no control characters.
pub fn query_text(field: &'static str, value: &str) -> Result<String, Invalid> {
    if value.chars().any(char::is_control) {
        return Err(Invalid::new(
            field,
            format!("{field} contains control characters; remove them"),
        ));
    }
    if value.chars().count() > 500 {
        return Err(Invalid::new(
            field,
            format!("{field} must be at most 500 characters"),
        ));
    }
    Ok(value.trim().to_owned())
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
                    _ => Err($crate::domain::Invalid::new(
                        $field,
                        format!(
                            "{} is not a valid {}; use one of: {}",
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
