//! Open data in the Open Contracting Data Standard (OCDS 1.1, with the Enquiries extension):
//! the pre-tender stage of every published need and joint process, with its dialogue events,
//! published questions and answers, and public documents.
//!
//! Releases are snapshots kept as published. The [`Publisher`] builds each contracting
//! process's current release and stores a new one when it differs from the last, so a release
//! is one change seen, and what went out can always be shown again unchanged. Only what is
//! public goes out: no drafts, no supplier's answers or names, no people's names.

mod content;
mod publish;

use chrono::{NaiveDateTime, SecondsFormat};
use serde_json::{json, Map, Value};

pub use publish::Publisher;

use super::Context;
use crate::db::ocds::{self as q, ReleaseRow};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::settings::Settings;

/// The Enquiries extension, for `tender.enquiries`.
pub const ENQUIRY_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json";
/// The licence of the published data: the Norwegian Licence for Open Government Data.
pub const LICENSE: &str = "https://data.norge.no/nlod/no/2.0";
/// Releases per page.
pub const PAGE: i64 = 100;

fn time(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The ocid of a joint process or of a need that is not in one.
pub fn ocid(settings: &Settings, kind: &str, id: &str) -> String {
    let short = match kind {
        "process" => "jp",
        _ => "need",
    };
    format!("{}-{short}-{id}", settings.ocds_prefix)
}

fn package_head(settings: &Settings, uri: String) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("uri".into(), json!(uri));
    p.insert("version".into(), json!("1.1"));
    p.insert("extensions".into(), json!([ENQUIRY_EXTENSION]));
    p.insert("publishedDate".into(), json!(time(db::now())));
    p.insert(
        "publisher".into(),
        json!({"name": "innolift", "uri": format!("{}/", settings.public_url)}),
    );
    p.insert("license".into(), json!(LICENSE));
    p
}

fn parse_body(row: &ReleaseRow) -> AppResult<Value> {
    serde_json::from_str(&row.body)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("release {}: {e}", row.id)))
}

/// A cursor: the last release's time and id, as `<micros>.<id>`.
fn cursor_of(row: &ReleaseRow) -> String {
    format!(
        "{}.{}",
        row.published_at.and_utc().timestamp_micros(),
        row.id
    )
}

fn parse_cursor(cursor: &str) -> Result<(NaiveDateTime, String), crate::domain::Invalid> {
    let bad = || {
        crate::domain::Invalid::new(
            "cursor",
            "cursor is not one this list gave; start again without it",
        )
    };
    let (micros, id) = cursor.split_once('.').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
    if id.is_empty() || id.len() > 200 {
        return Err(bad());
    }
    Ok((at.naive_utc(), id.to_owned()))
}

fn parse_updated_from(value: &str) -> Result<NaiveDateTime, crate::domain::Invalid> {
    let value = value.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(value) {
        return Ok(t.naive_utc());
    }
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .map_err(|_| {
            crate::domain::Invalid::new(
                "updated_from",
                "updated_from must be a date (2026-01-31) or a time (2026-01-31T12:00:00Z)",
            )
        })
}

/// A release package: releases published from `updated_from`, after `cursor`, oldest first.
pub fn releases(
    conn: &mut DbConn,
    settings: &Settings,
    publisher: &Publisher,
    updated_from: Option<&str>,
    cursor: Option<&str>,
) -> AppResult<Value> {
    let from = updated_from
        .filter(|v| !v.trim().is_empty())
        .map(parse_updated_from)
        .transpose()?;
    let after = cursor
        .filter(|c| !c.trim().is_empty())
        .map(|c| parse_cursor(c.trim()))
        .transpose()?;
    publisher.publish(conn, settings)?;
    let rows = q::page(conn, from, after, PAGE + 1)?;
    let more = rows.len() as i64 > PAGE;
    let rows = &rows[..rows.len().min(PAGE as usize)];
    let base = format!("{}/api/v1/ocds/releases", settings.public_url);
    let mut query = Vec::new();
    if let Some(f) = updated_from.filter(|v| !v.trim().is_empty()) {
        query.push(format!("updated_from={}", urlencoding(f.trim())));
    }
    let mut package = package_head(settings, base.clone());
    let list = rows.iter().map(parse_body).collect::<AppResult<Vec<_>>>()?;
    package.insert("releases".into(), json!(list));
    if let (true, Some(last)) = (more, rows.last()) {
        query.push(format!("cursor={}", urlencoding(&cursor_of(last))));
        package.insert(
            "links".into(),
            json!({"next": format!("{base}?{}", query.join("&"))}),
        );
    }
    Ok(Value::Object(package))
}

fn urlencoding(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Merges a release into a compiled release by the OCDS rules: objects field by field, arrays
/// of objects with ids item by item, anything else replaced.
fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(existing) if !v.is_null() => merge(existing, v),
                    _ if v.is_null() => {
                        a.remove(k);
                    }
                    _ => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b))
            if b.iter().all(|x| x.get("id").is_some())
                && a.iter().all(|x| x.get("id").is_some()) =>
        {
            for item in b {
                match a.iter_mut().find(|x| x["id"] == item["id"]) {
                    Some(existing) => merge(existing, item),
                    None => a.push(item.clone()),
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// The record package of one ocid: every release, and the compiled release. 404 for an ocid
/// with no release, such as a draft's.
pub fn record(
    conn: &mut DbConn,
    settings: &Settings,
    publisher: &Publisher,
    ocid: &str,
) -> AppResult<Value> {
    publisher.publish(conn, settings)?;
    let rows = q::of_ocid(conn, ocid)?;
    if rows.is_empty() {
        return Err(AppError::not_found(
            "no published contracting process has this ocid",
        ));
    }
    let releases = rows.iter().map(parse_body).collect::<AppResult<Vec<_>>>()?;
    let mut compiled = json!({});
    for r in &releases {
        merge(&mut compiled, r);
    }
    let last = rows.last().map(|r| r.published_at).unwrap_or_default();
    compiled["id"] = json!(format!("{ocid}-compiled-{}", rows.len()));
    compiled["tag"] = json!(["compiled"]);
    compiled["date"] = json!(time(last));
    let mut package = package_head(
        settings,
        format!("{}/api/v1/ocds/records/{ocid}", settings.public_url),
    );
    package.insert(
        "records".into(),
        json!([{"ocid": ocid, "releases": releases, "compiledRelease": compiled}]),
    );
    Ok(Value::Object(package))
}

// The use cases the front doors call.

/// A page of releases.
pub async fn release_package(
    ctx: &Context,
    updated_from: Option<String>,
    cursor: Option<String>,
) -> AppResult<Value> {
    let (settings, publisher) = (ctx.settings.clone(), ctx.ocds.clone());
    ctx.db
        .run(move |conn| {
            releases(
                conn,
                &settings,
                &publisher,
                updated_from.as_deref(),
                cursor.as_deref(),
            )
        })
        .await
}

/// One record.
pub async fn record_package(ctx: &Context, ocid: &str) -> AppResult<Value> {
    let (settings, publisher, ocid) = (ctx.settings.clone(), ctx.ocds.clone(), ocid.to_owned());
    ctx.db
        .run(move |conn| record(conn, &settings, &publisher, &ocid))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_earlier_fields_and_merges_items_by_id() {
        let mut compiled = json!({"tender": {"title": "A", "items": [{"id": "1", "d": "x"}]}, "tag": ["planning"]});
        merge(
            &mut compiled,
            &json!({"tender": {"items": [{"id": "1", "d": "y"}, {"id": "2"}]}, "tag": ["planningUpdate"]}),
        );
        assert_eq!(compiled["tender"]["title"], "A");
        assert_eq!(
            compiled["tender"]["items"],
            json!([{"id": "1", "d": "y"}, {"id": "2"}])
        );
        assert_eq!(compiled["tag"], json!(["planningUpdate"]));
    }

    #[test]
    fn a_cursor_reads_back_and_a_made_up_one_is_refused_on_its_field() {
        let row = ReleaseRow {
            id: "ocds-innlft-jp-x-2".into(),
            ocid: "ocds-innlft-jp-x".into(),
            seq: 2,
            object_kind: "process".into(),
            object_id: "x".into(),
            sha256: String::new(),
            body: "{}".into(),
            published_at: chrono::DateTime::from_timestamp_micros(1_700_000_000_123_456)
                .unwrap()
                .naive_utc(),
        };
        let (at, id) = parse_cursor(&cursor_of(&row)).unwrap();
        assert_eq!((at, id.as_str()), (row.published_at, row.id.as_str()));
        for bad in ["abc", "12", "x.y", "99999999999999999999.a"] {
            assert_eq!(parse_cursor(bad).unwrap_err().field, "cursor", "{bad}");
        }
        assert_eq!(
            parse_updated_from("31.01.2026").unwrap_err().field,
            "updated_from"
        );
        assert!(parse_updated_from("2026-01-31T12:00:00+01:00").is_ok());
    }
}
