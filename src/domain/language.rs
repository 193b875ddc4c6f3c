//! Languages: the language a text is written in (for analysis and matching).

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
