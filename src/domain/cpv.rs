//! CPV codes (Common Procurement Vocabulary): parsing, the hierarchy their digits encode, and
//! the tokens the index and its filters use for them.

use super::{Invalid, Problem};

/// The CPV 2008 vocabulary that ships with innolift (`data/cpv-2008.csv`, whose sources and
/// licences `data/README.md` names): loaded into a fresh database, and the lexicon the search
/// analysis learns Norwegian compounds and English–Norwegian term pairs from.
pub const SHIPPED_CSV: &str = include_str!("../../data/cpv-2008.csv");

/// A CPV code: eight digits, as stored. The check digit is checked against the vocabulary when
/// one is loaded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CpvCode(String);

/// What [`CpvCode::parse`] takes, as a JSON Schema pattern: eight digits, optionally a dash and
/// the check digit. Whether the code is in the vocabulary is for the service to say.
pub const PATTERN: &str = r"^\s*[0-9]{8}(?:-[0-9])?\s*$";

/// A CPV code field in the API's description.
impl utoipa::PartialSchema for CpvCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(PATTERN))
            .examples(["34512000-9"])
            .into()
    }
}

impl utoipa::ToSchema for CpvCode {}

/// How much two CPV codes share, from the top of the hierarchy down.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CpvLevel {
    /// The same two first digits.
    Division,
    /// The same three.
    Group,
    /// The same four.
    Class,
    /// The same five.
    Category,
    /// The same code.
    Exact,
}

impl CpvLevel {
    /// The share of full credit a match at this level earns.
    pub fn weight(self) -> f32 {
        match self {
            CpvLevel::Exact => 1.0,
            CpvLevel::Category => 0.8,
            CpvLevel::Class => 0.6,
            CpvLevel::Group => 0.4,
            CpvLevel::Division => 0.2,
        }
    }
}

impl CpvCode {
    /// Parses `34512000` or `34512000-9`, returning the code and the check digit if given.
    pub fn parse(input: &str) -> Result<(CpvCode, Option<char>), Invalid> {
        let value = input.trim();
        let (code, check) = match value.split_once('-') {
            Some((code, check)) => (code, Some(check)),
            None => (value, None),
        };
        let bad = || {
            Invalid::because(
                "cpv_codes",
                Problem::BadFormat,
                format!("{value} is not a CPV code; write eight digits, optionally with the check digit: 34512000 or 34512000-9"),
            )
        };
        if code.len() != 8 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let check = match check {
            None => None,
            Some(c) if c.len() == 1 && c.as_bytes()[0].is_ascii_digit() => c.chars().next(),
            Some(_) => return Err(bad()),
        };
        Ok((CpvCode(code.to_owned()), check))
    }

    /// Wraps a stored code.
    pub fn from_stored(code: &str) -> CpvCode {
        CpvCode(code.to_owned())
    }

    /// The eight digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The significant digits: the code without its padding zeros, at least two.
    pub fn significant(&self) -> &str {
        let trimmed = self.0.trim_end_matches('0');
        &self.0[..trimmed.len().max(2)]
    }

    /// The tokens that place this code in the hierarchy: division, group, class, category and
    /// the exact code, each as far as the code goes.
    pub fn hierarchy_tokens(&self) -> Vec<String> {
        let sig = self.significant().len();
        let mut out = vec![format!("d{}", &self.0[..2])];
        for (len, tag) in [(3, 'g'), (4, 'c'), (5, 'k')] {
            if sig >= len {
                out.push(format!("{tag}{}", &self.0[..len]));
            }
        }
        out.push(format!("x{}", self.0));
        out
    }

    /// The deepest level two codes share, if any.
    pub fn shared_level(&self, other: &CpvCode) -> Option<CpvLevel> {
        if self.0 == other.0 {
            return Some(CpvLevel::Exact);
        }
        let a = self.significant();
        let b = other.significant();
        let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        match common {
            0 | 1 => None,
            2 => Some(CpvLevel::Division),
            3 => Some(CpvLevel::Group),
            4 => Some(CpvLevel::Class),
            _ => Some(CpvLevel::Category),
        }
    }
}

/// The query token for a CPV filter: a code (`34512000`, `34512000-9`) stands for its branch
/// down to category level; 2 to 7 digits are a prefix (6 or 7 digits narrow no further than the
/// category).
pub fn cpv_filter_token(input: &str) -> Result<String, Invalid> {
    let bad = || {
        Invalid::because(
            "cpv",
            Problem::BadFormat,
            "cpv must be a CPV code or its first digits, e.g. 345 or 34512000-9",
        )
    };
    let value = input.trim();
    let digits = match value.split_once('-') {
        Some((code, check))
            if code.len() == 8 && check.len() == 1 && check.as_bytes()[0].is_ascii_digit() =>
        {
            code
        }
        Some(_) => return Err(bad()),
        None => value,
    };
    if !(2..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let code = CpvCode(format!("{digits:0<8}"));
    let len = if digits.len() == 8 {
        code.significant().len()
    } else {
        digits.len()
    };
    Ok(match len {
        2..=5 => format!("{}{}", ['d', 'g', 'c', 'k'][len - 2], &code.0[..len]),
        6 | 7 if digits.len() < 8 => format!("k{}", &code.0[..5]),
        _ => format!("x{}", code.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> CpvCode {
        CpvCode::parse(s).unwrap().0
    }

    #[test]
    fn codes_parse_with_or_without_check_digit() {
        assert_eq!(
            CpvCode::parse("34512000-9").unwrap(),
            (code("34512000"), Some('9'))
        );
        assert_eq!(CpvCode::parse(" 34512000 ").unwrap().1, None);
        for bad in [
            "3451200",
            "345120000",
            "3451200a",
            "34512000-",
            "34512000-99",
            "34512000-x",
            "",
        ] {
            assert_eq!(CpvCode::parse(bad).unwrap_err().field, "cpv_codes", "{bad}");
        }
    }

    #[test]
    fn the_hierarchy_follows_the_significant_digits() {
        assert_eq!(
            code("34512000").hierarchy_tokens(),
            ["d34", "g345", "c3451", "k34512", "x34512000"]
        );
        assert_eq!(
            code("34500000").hierarchy_tokens(),
            ["d34", "g345", "x34500000"]
        );
        assert_eq!(code("34000000").hierarchy_tokens(), ["d34", "x34000000"]);
    }

    #[test]
    fn shared_levels() {
        assert_eq!(
            code("34512000").shared_level(&code("34512000")),
            Some(CpvLevel::Exact)
        );
        assert_eq!(
            code("34512000").shared_level(&code("34512100")),
            Some(CpvLevel::Category)
        );
        assert_eq!(
            code("34512000").shared_level(&code("34513000")),
            Some(CpvLevel::Class)
        );
        assert_eq!(
            code("34512000").shared_level(&code("34520000")),
            Some(CpvLevel::Group)
        );
        assert_eq!(
            code("34512000").shared_level(&code("34100000")),
            Some(CpvLevel::Division)
        );
        assert_eq!(code("34512000").shared_level(&code("35100000")), None);
    }

    #[test]
    fn filter_tokens() {
        assert_eq!(cpv_filter_token("345").unwrap(), "g345");
        assert_eq!(cpv_filter_token("34512000-9").unwrap(), "k34512");
        assert_eq!(cpv_filter_token("34512100").unwrap(), "x34512100");
        assert_eq!(cpv_filter_token("34500000").unwrap(), "g345");
        assert_eq!(cpv_filter_token("345121").unwrap(), "k34512");
        assert_eq!(cpv_filter_token("3").unwrap_err().field, "cpv");
        assert_eq!(cpv_filter_token("123456789").unwrap_err().field, "cpv");
        assert!(cpv_filter_token("abc").is_err());
    }
}
