//! Organisation kinds and attributes, and account roles.

use super::{string_enum, Invalid, Problem};

string_enum!(
    /// What an organisation is to the programme.
    OrgKind, "kind", {
        /// A public buyer: state, county or municipal body.
        Buyer => "buyer",
        /// A company that can deliver.
        Supplier => "supplier",
        /// A business cluster that puts its member suppliers forward.
        Cluster => "cluster",
    }
);

string_enum!(
    /// The part of the public sector a buyer belongs to.
    Sector, "sector", {
        /// Central government.
        State => "state",
        /// County authority (fylkeskommune).
        County => "county",
        /// Municipality (kommune).
        Municipality => "municipality",
        /// Other public bodies.
        Other => "other",
    }
);

string_enum!(
    /// A supplier's size, by the EU SME definition.
    Size, "size", {
        /// Fewer than 10 employees.
        Micro => "micro",
        /// Fewer than 50.
        Small => "small",
        /// Fewer than 250.
        Medium => "medium",
        /// 250 or more.
        Large => "large",
    }
);

string_enum!(
    /// What an account may do.
    Role, "role", {
        /// Owns its organisation: edits it and manages its users.
        Owner => "owner",
        /// A colleague in the organisation.
        Member => "member",
        /// Programme staff; belongs to no organisation.
        Admin => "admin",
    }
);

/// The county (fylke) numbers in force from 2024, with their names.
pub const COUNTIES: &[(&str, &str)] = &[
    ("03", "Oslo"),
    ("11", "Rogaland"),
    ("15", "Møre og Romsdal"),
    ("18", "Nordland"),
    ("31", "Østfold"),
    ("32", "Akershus"),
    ("33", "Buskerud"),
    ("34", "Innlandet"),
    ("39", "Vestfold"),
    ("40", "Telemark"),
    ("42", "Agder"),
    ("46", "Vestland"),
    ("50", "Trøndelag"),
    ("55", "Troms"),
    ("56", "Finnmark"),
];

/// A county number from [`COUNTIES`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct County(&'static str);

impl County {
    /// Parses a two-digit county number for `field`.
    pub fn parse_for(field: &'static str, input: &str) -> Result<County, Invalid> {
        let value = input.trim();
        COUNTIES
            .iter()
            .find(|(code, _)| *code == value)
            .map(|(code, _)| County(code))
            .ok_or_else(|| {
                Invalid::because(
                    field,
                    Problem::NotAllowed,
                    format!(
                        "{value} is not a county number; use one of: {}",
                        COUNTIES
                            .iter()
                            .map(|(c, _)| *c)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
    }

    /// Parses the `county` field.
    pub fn parse(input: &str) -> Result<County, Invalid> {
        County::parse_for("county", input)
    }

    /// The two digits.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The county's name.
    pub fn name(&self) -> &'static str {
        COUNTIES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map(|(_, n)| *n)
            .unwrap_or("")
    }
}

/// A county field in the API's description: one of the numbers in [`COUNTIES`].
impl utoipa::PartialSchema for County {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(COUNTIES.iter().map(|(code, _)| *code)))
            .into()
    }
}

impl utoipa::ToSchema for County {}

/// An http(s) address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website(String);

impl Website {
    /// Accepts `https://…` or `http://…`; a bare host such as `eksempel.no` gets `https://`.
    pub fn parse(input: &str) -> Result<Website, Invalid> {
        let value = input.trim();
        let with_scheme = if value.contains("://") {
            value.to_owned()
        } else {
            format!("https://{value}")
        };
        let bad = || {
            Invalid::because(
                "website",
                Problem::BadFormat,
                "website must be an address like https://eksempel.no",
            )
        };
        let parsed = url::Url::parse(&with_scheme).map_err(|_| bad())?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.host_str().is_none_or(|h| !h.contains('.'))
        {
            return Err(bad());
        }
        if with_scheme.len() > 500 {
            return Err(Invalid::because(
                "website",
                Problem::TooLong,
                "website must be at most 500 characters",
            )
            .with("max", 500));
        }
        Ok(Website(parsed.to_string()))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_2024_counties_are_accepted() {
        assert_eq!(County::parse("46").unwrap().name(), "Vestland");
        for old in ["01", "12", "30", "38", "54", "4", ""] {
            assert_eq!(County::parse(old).unwrap_err().field, "county");
        }
    }

    #[test]
    fn kinds_parse_from_their_names() {
        assert_eq!(OrgKind::parse("cluster").unwrap(), OrgKind::Cluster);
        let err = OrgKind::parse("agency").unwrap_err();
        assert_eq!(err.field, "kind");
        assert!(err.message.contains("buyer, supplier, cluster"));
    }

    #[test]
    fn websites_get_a_scheme_and_must_have_a_host() {
        assert_eq!(
            Website::parse("dfo.no").unwrap().as_str(),
            "https://dfo.no/"
        );
        assert!(Website::parse("ftp://dfo.no").is_err());
        assert!(Website::parse("not a url").is_err());
    }
}

/// The editable profile of an organisation, checked against its kind.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Legal or common name.
    pub name: String,
    /// Home page.
    pub website: Option<Website>,
    /// Where invitations and notices go.
    pub contact_email: Option<super::Email>,
    /// Buyers only.
    pub sector: Option<Sector>,
    /// Home county.
    pub county: Option<County>,
    /// Suppliers only.
    pub size: Option<Size>,
}

impl Profile {
    /// Checks the rules that depend on the kind: buyers need a sector, and only buyers have one;
    /// only suppliers have a size.
    pub fn check_for(&self, kind: OrgKind) -> Result<(), Invalid> {
        match (kind, self.sector) {
            (OrgKind::Buyer, None) => {
                return Err(Invalid::because(
                    "sector",
                    Problem::Required,
                    "sector is required for buyers: state, county, municipality or other",
                ))
            }
            (OrgKind::Supplier | OrgKind::Cluster, Some(_)) => {
                return Err(Invalid::new(
                    "sector",
                    "only buyers have a sector; leave it out",
                ))
            }
            _ => {}
        }
        if kind != OrgKind::Supplier && self.size.is_some() {
            return Err(Invalid::new(
                "size",
                "only suppliers have a size; leave it out",
            ));
        }
        Ok(())
    }
}

/// How the API describes a field read with [`optional`]: a value, or blank text, which counts
/// as left out. Only described, never built.
#[derive(utoipa::ToSchema)]
#[serde(untagged)]
#[schema(description = "a value, or blank text, which counts as left out")]
#[allow(dead_code)]
pub enum OrBlank<T> {
    /// The value.
    Value(T),
    /// Blank text.
    Blank(#[schema(inline)] Blank),
}

/// Blank text, described by [`super::blank_schema`].
pub struct Blank;

impl utoipa::PartialSchema for Blank {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::blank_schema().into()
    }
}

impl utoipa::ToSchema for Blank {}

/// Parses an optional text field with `parse`, treating empty text as absent.
pub fn optional<T>(
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, Invalid>,
) -> Result<Option<T>, Invalid> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v).map(Some),
    }
}
