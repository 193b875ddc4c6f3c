//! Reading a register file: gzipped or not, a list of entities streamed one at a time (the
//! bulk file holds about a million), or a page of changes.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::de::{DeserializeSeed, Error as _, SeqAccess, Visitor};
use serde_json::Value;

/// One change from `oppdateringer/enheter`.
#[derive(Debug, Clone)]
pub struct Update {
    /// `oppdateringsid`, increasing.
    pub id: i64,
    /// `dato`, as given.
    pub date: String,
    /// `organisasjonsnummer`.
    pub orgnr: String,
    /// `endringstype`: `Ny`, `Endring`, `Sletting`, `Fjernet` or `Ukjent`.
    pub kind: String,
    /// `endringer`: JSON Patch operations, when the list was fetched with them.
    pub changes: Option<Vec<Value>>,
}

/// What a file turned out to hold.
pub enum Contents {
    /// A list of entities, read by [`for_each_entity`].
    Entities(Box<dyn BufRead>),
    /// A page of changes, oldest first.
    Updates(Vec<Update>),
}

/// Opens a register file from `reader`, unpacking gzip, and tells entities from changes.
pub fn open(reader: impl Read + 'static) -> Result<Contents, String> {
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let gzipped = buffered
        .fill_buf()
        .map_err(|e| format!("cannot read: {e}"))?
        .starts_with(&[0x1f, 0x8b]);
    let mut text: Box<dyn BufRead> = if gzipped {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    let first = loop {
        let buf = text.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
        if buf.is_empty() {
            return Err("the file is empty".to_owned());
        }
        let skip = buf
            .iter()
            .take_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
            .count();
        if skip < buf.len() {
            let first = buf[skip];
            text.consume(skip);
            break first;
        }
        let n = buf.len();
        text.consume(n);
    };
    match first {
        b'[' => Ok(Contents::Entities(text)),
        b'{' => {
            let value: Value = serde_json::from_reader(text)
                .map_err(|e| format!("the file is not valid JSON: {e}"))?;
            let embedded = value.get("_embedded");
            if let Some(list) = embedded.and_then(|e| e.get("oppdaterteEnheter")) {
                updates(list).map(Contents::Updates)
            } else if let Some(Value::Array(list)) = embedded.and_then(|e| e.get("enheter")) {
                // A page of the search API: entities inside `_embedded.enheter`.
                let bytes = serde_json::to_vec(list).map_err(|e| e.to_string())?;
                Ok(Contents::Entities(Box::new(std::io::Cursor::new(bytes))))
            } else if embedded.is_none() && value.get("page").is_some() {
                // An empty page of changes has no `_embedded`.
                Ok(Contents::Updates(Vec::new()))
            } else {
                Err(not_register())
            }
        }
        _ => Err(not_register()),
    }
}

fn not_register() -> String {
    "this is not Enhetsregisteret's format: expected a JSON array of entities (enheter_alle.json, \
     gzipped or not) or a page of changes with _embedded.oppdaterteEnheter"
        .to_owned()
}

fn updates(list: &Value) -> Result<Vec<Update>, String> {
    let items = list
        .as_array()
        .ok_or("_embedded.oppdaterteEnheter must be a list")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let entry = |problem: String| format!("change {} of the list: {problem}", i + 1);
        let id = item
            .get("oppdateringsid")
            .and_then(Value::as_i64)
            .ok_or_else(|| entry("oppdateringsid is missing or not a number".to_owned()))?;
        let text = |field: &str| {
            item.get(field)
                .and_then(Value::as_str)
                .map(|s| super::one_line(s, 100))
                .ok_or_else(|| {
                    entry(format!(
                        "{field} (oppdateringsid {id}) is missing or not text"
                    ))
                })
        };
        let changes = match item.get("endringer") {
            None | Some(Value::Null) => None,
            Some(Value::Array(ops)) => Some(ops.clone()),
            Some(_) => {
                return Err(entry(format!(
                    "endringer (oppdateringsid {id}) must be a list"
                )))
            }
        };
        let kind = text("endringstype")?;
        if !["Ny", "Endring", "Sletting", "Fjernet", "Ukjent"].contains(&kind.as_str()) {
            return Err(entry(format!(
                "endringstype {kind:?} (oppdateringsid {id}) is not Ny, Endring, Sletting, Fjernet or Ukjent"
            )));
        }
        out.push(Update {
            id,
            date: text("dato")?,
            orgnr: text("organisasjonsnummer")?,
            kind,
            changes,
        });
    }
    out.sort_by_key(|u| u.id);
    Ok(out)
}

/// Calls `each` with every entity of a list, in order, with its position from 1, holding one
/// entity in memory at a time. An error from `each` stops the reading and is returned.
pub fn for_each_entity(
    reader: Box<dyn BufRead>,
    mut each: impl FnMut(usize, Value) -> Result<(), String>,
) -> Result<(), String> {
    // `open` consumed only the leading whitespace, so the list starts here.
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut failure = None;
    let result = Each {
        each: &mut each,
        failure: &mut failure,
    }
    .deserialize(&mut de)
    .and_then(|_| de.end());
    match (failure, result) {
        (Some(f), _) => Err(f),
        (None, Ok(())) => Ok(()),
        (None, Err(e)) => Err(format!("the file is not valid JSON: {e}")),
    }
}

struct Each<'a, F> {
    each: &'a mut F,
    failure: &'a mut Option<String>,
}

impl<'de, F: FnMut(usize, Value) -> Result<(), String>> DeserializeSeed<'de> for Each<'_, F> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, Value) -> Result<(), String>> Visitor<'de> for Each<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of entities")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut position = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            position += 1;
            if let Err(problem) = (self.each)(position, value) {
                *self.failure = Some(problem);
                return Err(A::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entities(bytes: &'static [u8]) -> Result<Vec<Value>, String> {
        match open(bytes)? {
            Contents::Entities(r) => {
                let mut out = Vec::new();
                for_each_entity(r, |_, v| {
                    out.push(v);
                    Ok(())
                })?;
                Ok(out)
            }
            Contents::Updates(_) => Err("updates".into()),
        }
    }

    #[test]
    fn a_list_is_read_one_entity_at_a_time_gzipped_or_not() {
        let list = entities(b" [{\"a\":1},{\"a\":2}]").unwrap();
        assert_eq!(list.len(), 2);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"[{\"a\":1}]").unwrap();
        let bytes: &'static [u8] = Box::leak(gz.finish().unwrap().into_boxed_slice());
        assert_eq!(entities(bytes).unwrap().len(), 1);
    }

    #[test]
    fn broken_or_foreign_json_is_refused_with_a_reason() {
        assert!(entities(b"[{\"a\":1},{\"a\"")
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(entities(b"{\"hello\":\"world\"}")
            .unwrap_err()
            .contains("not Enhetsregisteret"));
        assert!(entities(b"hello")
            .unwrap_err()
            .contains("not Enhetsregisteret"));
    }
}
