//! The Norwegian organisation number (organisasjonsnummer).

use super::{Invalid, Problem};

/// Nine digits whose last is a MOD11 check digit over the first eight (weights 3,2,7,6,5,4,3,2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Orgnr(String);

const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// What [`Orgnr::parse`] takes, as a JSON Schema pattern: nine digits, spaces allowed between
/// and around them. The check digit is beyond a pattern; a wrong one is refused all the same.
pub const PATTERN: &str = r"^\s*(?:[0-9]\s*){9}$";

impl Orgnr {
    /// Parses an orgnr, accepting spaces (as in "974 760 673") and storing it without them.
    pub fn parse(input: &str) -> Result<Orgnr, Invalid> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(Invalid::because(
                "orgnr",
                Problem::Required,
                "orgnr is required: the 9-digit organisation number",
            ));
        }
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::because(
                "orgnr",
                Problem::BadFormat,
                "orgnr must contain only digits (spaces are allowed)",
            ));
        }
        if compact.len() != 9 {
            return Err(Invalid::because(
                "orgnr",
                Problem::BadFormat,
                format!("orgnr must have 9 digits, not {}", compact.len()),
            ));
        }
        let digits: Vec<u32> = compact.bytes().map(|b| u32::from(b - b'0')).collect();
        match check_digit(&digits[..8]) {
            Some(d) if d == digits[8] => Ok(Orgnr(compact)),
            _ => Err(Invalid::because(
                "orgnr",
                Problem::CheckDigit,
                "orgnr has a wrong check digit; check the number in Brønnøysundregistrene",
            )),
        }
    }

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The MOD11 check digit, or `None` when the remainder gives 10 (such numbers are never issued).
fn check_digit(first_eight: &[u32]) -> Option<u32> {
    let sum: u32 = first_eight.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        d => Some(d),
    }
}

/// An orgnr field in the API's description.
impl utoipa::PartialSchema for Orgnr {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(PATTERN))
            .examples(["974760673"])
            .into()
    }
}

impl utoipa::ToSchema for Orgnr {}

impl std::fmt::Display for Orgnr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_orgnrs_are_accepted() {
        // Brønnøysundregistrene, DFØ and Oslo kommune.
        for n in ["974760673", "986252932", "958935420"] {
            assert_eq!(Orgnr::parse(n).unwrap().as_str(), n);
        }
    }

    #[test]
    fn spaces_are_removed() {
        assert_eq!(Orgnr::parse(" 974 760 673 ").unwrap().as_str(), "974760673");
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        let err = Orgnr::parse("974760674").unwrap_err();
        assert_eq!(err.field, "orgnr");
        assert!(err.message.contains("check digit"));
    }

    #[test]
    fn wrong_length_and_letters_are_refused() {
        assert!(Orgnr::parse("97476067")
            .unwrap_err()
            .message
            .contains("9 digits"));
        assert!(Orgnr::parse("9747606733")
            .unwrap_err()
            .message
            .contains("9 digits"));
        assert!(Orgnr::parse("97476067a")
            .unwrap_err()
            .message
            .contains("only digits"));
        assert!(Orgnr::parse("").is_err());
    }

    #[test]
    fn remainder_ten_is_never_valid() {
        // 00000001x: sum = 2, 11 - 2 = 9 -> valid with 9; find a prefix giving remainder 1.
        // 10000000x: sum = 3 -> 8. 00000010x: sum = 3. 00000100x: sum = 4 -> 7.
        // 00001000x: sum 5 -> 6; 00010000x: sum 6 -> 5; 00100000x: sum 7 -> 4; 01000000x: 2 -> 9.
        // 12000000x: 3+4 = 7 -> 4. 50000000x: 15 -> 15 % 11 = 4 -> 7. 40000000x: 12 -> 1 -> 10.
        for last in 0..=9 {
            assert!(Orgnr::parse(&format!("40000000{last}")).is_err());
        }
    }
}
