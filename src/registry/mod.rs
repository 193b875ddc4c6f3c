//! Enhetsregisteret's formats: the bulk list of entities (`enheter`) and the list of changes
//! (`oppdateringer`), as Brønnøysundregistrene's OpenAPI document describes them, and what
//! innolift keeps of an entity.
//!
//! Nothing here touches the database: the service in `app::registry` decides what to write.

pub mod read;

use serde_json::{Map, Value};

use crate::domain::{County, Orgnr};

/// The longest name kept; the register's own limit is far below this, so a longer one is hostile.
pub const MAX_NAME_CHARS: usize = 500;

/// The top-level fields of an entity that innolift keeps, with the sub-fields kept of objects.
/// Change lists may touch others (`postadresse`, `hjemmeside`, ...); those are ignored.
const KEPT: &[(&str, &[&str])] = &[
    ("organisasjonsnummer", &[]),
    ("navn", &[]),
    ("organisasjonsform", &["kode", "beskrivelse"]),
    ("institusjonellSektorkode", &["kode", "beskrivelse"]),
    ("naeringskode1", &["kode", "beskrivelse"]),
    (
        "forretningsadresse",
        &[
            "kommunenummer",
            "kommune",
            "postnummer",
            "poststed",
            "landkode",
        ],
    ),
    ("antallAnsatte", &[]),
    ("konkurs", &[]),
    ("underAvvikling", &[]),
    ("underTvangsavviklingEllerTvangsopplosning", &[]),
    ("slettedato", &[]),
];

/// An entity as innolift keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// `organisasjonsnummer`.
    pub orgnr: Orgnr,
    /// `navn`, on one line.
    pub name: String,
    /// `organisasjonsform.kode`.
    pub form_code: Option<String>,
    /// `organisasjonsform.beskrivelse`.
    pub form_name: Option<String>,
    /// `institusjonellSektorkode.kode`.
    pub sector_code: Option<String>,
    /// `naeringskode1.kode`.
    pub industry_code: Option<String>,
    /// `forretningsadresse.kommunenummer`.
    pub municipality: Option<String>,
    /// `antallAnsatte`.
    pub employees: Option<i32>,
    /// `konkurs`.
    pub bankrupt: bool,
    /// `underAvvikling` or `underTvangsavviklingEllerTvangsopplosning`.
    pub winding_up: bool,
    /// `slettedato`.
    pub deleted_on: Option<String>,
    /// The kept fields as JSON, compact and in a stable order.
    pub data: Value,
}

/// Why an entry was refused, to be named with its position.
pub type EntryProblem = String;

/// Text without control characters on one line: CR, LF and tabs become spaces, runs of spaces
/// one, so that a register value cannot shape a header or a line in an email.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars));
    let mut space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if out.chars().count() >= max_chars {
            break;
        }
        out.push(c);
    }
    out
}

/// The kept fields of a register entity, in the order of [`KEPT`].
pub fn kept(value: &Value) -> Value {
    let mut out = Map::new();
    let Some(object) = value.as_object() else {
        return Value::Object(out);
    };
    for (field, sub) in KEPT {
        match object.get(*field) {
            None | Some(Value::Null) => {}
            Some(Value::Object(inner)) if !sub.is_empty() => {
                let mut kept_inner = Map::new();
                for s in *sub {
                    if let Some(v) = inner.get(*s).filter(|v| !v.is_null()) {
                        kept_inner.insert((*s).to_owned(), v.clone());
                    }
                }
                out.insert((*field).to_owned(), Value::Object(kept_inner));
            }
            Some(v) => {
                out.insert((*field).to_owned(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn text_at(value: &Value, field: &str, sub: Option<&str>) -> Result<Option<String>, EntryProblem> {
    let mut v = value.get(field);
    if let (Some(s), Some(inner)) = (sub, v) {
        if !inner.is_object() {
            return Err(format!("{field} must be an object with {s}"));
        }
        v = inner.get(s);
    }
    let name = match sub {
        Some(s) => format!("{field}.{s}"),
        None => field.to_owned(),
    };
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let s = one_line(s, 200);
            Ok((!s.is_empty()).then_some(s))
        }
        Some(other) => Err(format!("{name} must be text, not {other}")),
    }
}

fn flag(value: &Value, field: &str) -> Result<bool, EntryProblem> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!("{field} must be true or false, not {other}")),
    }
}

impl Entity {
    /// Reads one entity of the register's JSON.
    pub fn from_json(value: &Value) -> Result<Entity, EntryProblem> {
        if !value.is_object() {
            return Err("an entity must be a JSON object".to_owned());
        }
        let data = kept(value);
        let raw_orgnr = match value.get("organisasjonsnummer") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => return Err(format!("organisasjonsnummer must be text, not {other}")),
            None => return Err("organisasjonsnummer is missing".to_owned()),
        };
        let orgnr = Orgnr::parse(&raw_orgnr).map_err(|e| {
            format!(
                "organisasjonsnummer {:?} is not a valid organisation number: {e}",
                one_line(&raw_orgnr, 40)
            )
        })?;
        let name = match value.get("navn") {
            Some(Value::String(s)) => one_line(s, MAX_NAME_CHARS),
            Some(other) => return Err(format!("navn must be text, not {other}")),
            None => String::new(),
        };
        if name.is_empty() {
            return Err("navn is missing or empty".to_owned());
        }
        let employees = match value.get("antallAnsatte") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(
                n.as_u64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| format!("antallAnsatte must be a whole number, not {n}"))?,
            ),
            Some(other) => return Err(format!("antallAnsatte must be a number, not {other}")),
        };
        let deleted_on = text_at(value, "slettedato", None)?;
        if let Some(d) = &deleted_on {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| format!("slettedato must be a date YYYY-MM-DD, not {d:?}"))?;
        }
        let municipality = text_at(value, "forretningsadresse", Some("kommunenummer"))?;
        if let Some(m) = &municipality {
            if m.len() != 4 || !m.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "forretningsadresse.kommunenummer must be four digits, not {m:?}"
                ));
            }
        }
        Ok(Entity {
            orgnr,
            name,
            form_code: text_at(value, "organisasjonsform", Some("kode"))?,
            form_name: text_at(value, "organisasjonsform", Some("beskrivelse"))?,
            sector_code: text_at(value, "institusjonellSektorkode", Some("kode"))?,
            industry_code: text_at(value, "naeringskode1", Some("kode"))?,
            municipality,
            employees,
            bankrupt: flag(value, "konkurs")?,
            winding_up: flag(value, "underAvvikling")?
                || flag(value, "underTvangsavviklingEllerTvangsopplosning")?,
            deleted_on,
            data,
        })
    }

    /// The county the business address lies in: a 2024 municipality number begins with its
    /// county's.
    pub fn county(&self) -> Option<County> {
        self.municipality
            .as_deref()
            .and_then(|m| County::parse(&m[..2]).ok())
    }

    /// `bankrupt`, `winding_up` or `deleted` when the entity has ended, the gravest first.
    pub fn ended(&self) -> Option<&'static str> {
        ended_of(self.deleted_on.is_some(), self.bankrupt, self.winding_up)
    }
}

/// Why an entity has ended, the gravest first, or none.
pub fn ended_of(deleted: bool, bankrupt: bool, winding_up: bool) -> Option<&'static str> {
    if deleted {
        Some("deleted")
    } else if bankrupt {
        Some("bankrupt")
    } else if winding_up {
        Some("winding_up")
    } else {
        None
    }
}

/// Organisation forms of public bodies that may act as buyers without approval: municipality,
/// county authority, the state and its bodies, state and health enterprises, inter-municipal
/// companies, municipal and county enterprises, regional councils and the Church of Norway.
pub const PUBLIC_FORMS: &[(&str, &str)] = &[
    ("KOMM", "Kommune"),
    ("FYLK", "Fylkeskommune"),
    ("STAT", "Staten"),
    ("ORGL", "Organisasjonsledd"),
    ("SF", "Statsforetak"),
    ("HF", "Helseforetak"),
    ("RHF", "Regionalt helseforetak"),
    ("IKS", "Interkommunalt selskap"),
    ("KF", "Kommunalt foretak"),
    ("FKF", "Fylkeskommunalt foretak"),
    ("SÆR", "Annet foretak iflg. særskilt lov"),
    ("KIRK", "Den norske kirke"),
];

/// Institutional sector codes (SSB 2014) of general government: central and local.
pub const PUBLIC_SECTORS: &[(&str, &str)] = &[
    ("6100", "Statsforvaltningen"),
    ("6500", "Kommuneforvaltningen"),
];

/// True when the form or the sector code shows a public body.
pub fn is_public(form_code: Option<&str>, sector_code: Option<&str>) -> bool {
    form_code.is_some_and(|f| PUBLIC_FORMS.iter().any(|(c, _)| *c == f))
        || sector_code.is_some_and(|s| PUBLIC_SECTORS.iter().any(|(c, _)| *c == s))
}

/// The part of the public sector for a public entity: `municipality`, `county`, `state` or
/// `other`.
pub fn sector_of(form_code: Option<&str>, sector_code: Option<&str>) -> &'static str {
    match form_code {
        Some("KOMM" | "KF" | "IKS") => "municipality",
        Some("FYLK" | "FKF") => "county",
        Some("STAT" | "ORGL" | "SF" | "HF" | "RHF") => "state",
        _ => match sector_code {
            Some("6100") => "state",
            Some("6500") => "municipality",
            _ => "other",
        },
    }
}

/// The EU size band for a number of employees.
pub fn size_of(employees: Option<i32>) -> Option<&'static str> {
    employees.map(|n| match n {
        0..=9 => "micro",
        10..=49 => "small",
        50..=249 => "medium",
        _ => "large",
    })
}

/// Applies RFC 6902 operations (`add`, `replace`, `remove`; `test`, `move` and `copy` are not used
/// by the register) to an entity. Operations on fields innolift does not keep are skipped, and a
/// `replace` of an absent field adds it, since the kept copy lacks what the register's full
/// entity has.
pub fn apply_patch(data: &mut Value, ops: &[Value]) -> Result<(), EntryProblem> {
    for (i, op) in ops.iter().enumerate() {
        let kind = op
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("change {} has no op", i + 1))?;
        let path = op
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("change {} has no path", i + 1))?;
        let parts: Vec<String> = path
            .strip_prefix('/')
            .ok_or_else(|| format!("change {}: path {path:?} must begin with /", i + 1))?
            .split('/')
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect();
        if !KEPT.iter().any(|(f, _)| *f == parts[0]) {
            continue;
        }
        match kind {
            "add" | "replace" => {
                let value = op
                    .get("value")
                    .cloned()
                    .ok_or_else(|| format!("change {} ({kind} {path}) has no value", i + 1))?;
                let mut target = &mut *data;
                for part in &parts[..parts.len() - 1] {
                    let object = target.as_object_mut().ok_or_else(|| {
                        format!("change {}: {path} is not inside an object", i + 1)
                    })?;
                    target = object
                        .entry(part.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                }
                let object = target
                    .as_object_mut()
                    .ok_or_else(|| format!("change {}: {path} is not inside an object", i + 1))?;
                object.insert(parts[parts.len() - 1].clone(), value);
            }
            "remove" => {
                let mut target = Some(&mut *data);
                for part in &parts[..parts.len() - 1] {
                    target = target.and_then(|t| t.get_mut(part.as_str()));
                }
                if let Some(Value::Object(o)) = target {
                    o.remove(&parts[parts.len() - 1]);
                }
            }
            other => return Err(format!("change {}: op {other:?} is not supported", i + 1)),
        }
    }
    let orgnr_kept = data.get("organisasjonsnummer").cloned();
    *data = kept(data);
    if let (Some(v), Some(o)) = (orgnr_kept, data.as_object_mut()) {
        o.insert("organisasjonsnummer".to_owned(), v);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn municipality() -> Value {
        json!({
            "organisasjonsnummer": "964338531",
            "navn": "BERGEN\r\nKOMMUNE",
            "organisasjonsform": {"kode": "KOMM", "beskrivelse": "Kommune", "_links": {}},
            "institusjonellSektorkode": {"kode": "6500", "beskrivelse": "Kommuneforvaltningen"},
            "forretningsadresse": {"kommunenummer": "4601", "kommune": "BERGEN", "adresse": ["Rådhusgaten 10"]},
            "antallAnsatte": 18000,
            "konkurs": false,
            "_links": {"self": {"href": "x"}}
        })
    }

    #[test]
    fn an_entity_keeps_the_fields_innolift_verifies_with_on_one_line() {
        let e = Entity::from_json(&municipality()).unwrap();
        assert_eq!(e.name, "BERGEN KOMMUNE");
        assert_eq!(e.form_code.as_deref(), Some("KOMM"));
        assert_eq!(e.county().unwrap().as_str(), "46");
        assert_eq!(e.employees, Some(18000));
        assert!(e.ended().is_none());
        assert!(e.data.get("_links").is_none());
        assert!(e.data["forretningsadresse"].get("adresse").is_none());
        assert!(is_public(e.form_code.as_deref(), e.sector_code.as_deref()));
        assert_eq!(sector_of(Some("KOMM"), None), "municipality");
    }

    #[test]
    fn an_entity_with_a_bad_number_names_the_field() {
        let mut v = municipality();
        v["organisasjonsnummer"] = json!("964338532");
        let e = Entity::from_json(&v).unwrap_err();
        assert!(e.contains("organisasjonsnummer"), "{e}");
    }

    #[test]
    fn a_patch_replaces_adds_and_removes_kept_fields_and_skips_others() {
        let mut data = Entity::from_json(&municipality()).unwrap().data;
        apply_patch(
            &mut data,
            &[
                json!({"op": "replace", "path": "/navn", "value": "BJØRGVIN KOMMUNE"}),
                json!({"op": "replace", "path": "/forretningsadresse/kommunenummer", "value": "4602"}),
                json!({"op": "add", "path": "/konkurs", "value": true}),
                json!({"op": "remove", "path": "/antallAnsatte"}),
                json!({"op": "replace", "path": "/postadresse/poststed", "value": "X"}),
            ],
        )
        .unwrap();
        let e = Entity::from_json(&data).unwrap();
        assert_eq!(e.name, "BJØRGVIN KOMMUNE");
        assert_eq!(e.municipality.as_deref(), Some("4602"));
        assert_eq!(e.ended(), Some("bankrupt"));
        assert_eq!(e.employees, None);
        assert!(data.get("postadresse").is_none());
        let err = apply_patch(&mut data, &[json!({"op": "move", "path": "/navn"})]).unwrap_err();
        assert!(err.contains("move"), "{err}");
    }

    #[test]
    fn one_line_drops_control_characters_and_caps_the_length() {
        assert_eq!(one_line(" a\r\n\tb  c ", 10), "a b c");
        assert_eq!(
            one_line(&"x".repeat(900), MAX_NAME_CHARS).len(),
            MAX_NAME_CHARS
        );
    }
}
