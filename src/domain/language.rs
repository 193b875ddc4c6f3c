//! Languages: the one a text is written in (for analysis and matching), and the one the
//! interface and emails speak to a person.

use super::string_enum;

string_enum!(
    /// The language of a text.
    Language, "language", {
        /// Bokmål.
        Nb => "nb",
        /// Nynorsk.
        Nn => "nn",
        /// English.
        En => "en",
    }
);

/// The language innolift speaks to a person in, on pages and in emails: Bokmål, with English
/// available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Bokmål.
    Nb,
    /// English.
    En,
}

/// Month names in Bokmål, January first.
pub const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
