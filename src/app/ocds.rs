//! Open data in the Open Contracting Data Standard (OCDS 1.1, with the Enquiries extension):
//! the pre-tender stage of every published need and joint process, with its dialogue events,
//! published questions and answers, and public documents.
//!
//! Releases are snapshots kept as published. [`publish`] builds each contracting process's
//! current release and stores a new one when it differs from the last, so a release is one
//! change seen, and what went out can always be shown again unchanged. Only what is public goes
//! out: no drafts, no supplier's answers or names, no people's names.

use chrono::{NaiveDateTime, SecondsFormat};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::Context;
use crate::db::needs::NeedRow;
use crate::db::ocds::{self as q, ReleaseRow};
use crate::db::processes::ProcessRow;
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::search::document::json_list;
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

/// A party: a Norwegian organisation by its number in the Brønnøysund register (`NO-BRC`),
/// any other by innolift's id.
fn party(conn: &mut DbConn, organisation_id: &str, roles: &[&str]) -> AppResult<Option<Value>> {
    let Some(org) = crate::db::organisations::find(conn, organisation_id)? else {
        return Ok(None);
    };
    let mut p = match crate::domain::Orgnr::parse(&org.orgnr) {
        Ok(nr) => json!({
            "id": format!("NO-BRC-{}", nr.as_str()),
            "name": org.name,
            "identifier": {"scheme": "NO-BRC", "id": nr.as_str(), "legalName": org.name},
        }),
        Err(_) => json!({"id": format!("innolift-{}", org.id), "name": org.name}),
    };
    p["roles"] = json!(roles);
    Ok(Some(p))
}

/// Adds roles to the party already listed, or lists it.
fn add_party(parties: &mut Vec<Value>, party: Value) {
    if let Some(existing) = parties.iter_mut().find(|p| p["id"] == party["id"]) {
        for role in party["roles"].as_array().into_iter().flatten() {
            let roles = existing["roles"].as_array_mut();
            if let Some(roles) = roles.filter(|r| !r.contains(role)) {
                roles.push(role.clone());
            }
        }
    } else {
        parties.push(party);
    }
}

fn reference(party: &Value) -> Value {
    json!({"id": party["id"], "name": party["name"]})
}

fn items(conn: &mut DbConn, needs: &[NeedRow]) -> AppResult<Vec<Value>> {
    let mut codes: Vec<String> = Vec::new();
    for n in needs {
        for c in json_list(&n.cpv_codes) {
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
    }
    let labels = crate::db::cpv::find_many(conn, &codes)?;
    let mut out = Vec::new();
    for n in needs {
        for code in json_list(&n.cpv_codes) {
            let label = labels.iter().find(|r| r.code == code);
            let mut classification = json!({"scheme": "CPV", "id": code});
            if let Some(l) = label {
                classification["description"] = json!(l.label_nb);
            }
            out.push(json!({
                "id": format!("{}-{code}", n.id),
                "description": n.title,
                "classification": classification,
            }));
        }
    }
    Ok(out)
}

fn value(needs: &[NeedRow]) -> Option<Value> {
    let values: Vec<i64> = needs.iter().filter_map(|n| n.estimated_value_nok).collect();
    (!values.is_empty()).then(|| json!({"amount": values.iter().sum::<i64>(), "currency": "NOK"}))
}

/// Notices that the needs were made from: the planning stage the process came out of.
fn related(conn: &mut DbConn, needs: &[NeedRow]) -> AppResult<Vec<Value>> {
    let mut out = Vec::new();
    for n in needs {
        if let Some(notice) = crate::db::notices::of_need(conn, &n.id)? {
            out.push(json!({
                "id": notice.id,
                "relationship": ["planning"],
                "title": notice.title,
                "scheme": "eforms-notice-id",
                "identifier": notice.id,
            }));
        }
    }
    Ok(out)
}

/// The current release of a need that is in no joint process, without id, date and tag.
fn need_content(conn: &mut DbConn, settings: &Settings, need: &NeedRow) -> AppResult<Value> {
    let ocid = ocid(settings, "need", &need.id);
    let mut parties = Vec::new();
    let owner = party(conn, &need.organisation_id, &["buyer", "procuringEntity"])?;
    if let Some(p) = &owner {
        add_party(&mut parties, p.clone());
    }
    for (participant, _) in crate::db::needs::participants(conn, &need.id)? {
        if let Some(p) = party(conn, &participant.organisation_id, &["interestedParty"])? {
            add_party(&mut parties, p);
        }
    }
    let needs = std::slice::from_ref(need);
    let mut tender = json!({
        "id": format!("{ocid}-tender"),
        "title": need.title,
        "description": need.description,
        "status": "planning",
    });
    let items = items(conn, needs)?;
    if !items.is_empty() {
        tender["items"] = json!(items);
    }
    let mut planning = json!({"rationale": need.description});
    if let Some(v) = value(needs) {
        tender["value"] = v.clone();
        planning["budget"] = json!({"amount": v});
    }
    if let Some(date) = need.planned_tender_date {
        let start = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        tender["tenderPeriod"] = json!({"startDate": time(start)});
    }
    let mut release = json!({
        "ocid": ocid,
        "initiationType": "tender",
        "language": need.language,
        "parties": parties,
        "planning": planning,
        "tender": tender,
    });
    if let Some(p) = &owner {
        release["buyer"] = reference(p);
        release["tender"]["procuringEntity"] = reference(p);
    }
    let related = related(conn, needs)?;
    if !related.is_empty() {
        release["relatedProcesses"] = json!(related);
    }
    Ok(release)
}

/// The current release of a joint process, without id, date and tag.
fn process_content(
    conn: &mut DbConn,
    settings: &Settings,
    process: &ProcessRow,
) -> AppResult<Value> {
    let ocid = ocid(settings, "process", &process.id);
    let mut parties = Vec::new();
    let mut lead = None;
    for (b, _) in crate::db::processes::buyers(conn, &process.id)? {
        use crate::domain::process::BuyerStatus;
        let roles: &[&str] = match b.status {
            BuyerStatus::Lead => &["buyer", "procuringEntity"],
            BuyerStatus::Accepted => &["buyer"],
            BuyerStatus::Invited => &["interestedParty"],
            BuyerStatus::Declined => continue,
        };
        if let Some(p) = party(conn, &b.organisation_id, roles)? {
            if b.status == BuyerStatus::Lead {
                lead = Some(p.clone());
            }
            add_party(&mut parties, p);
        }
    }
    let needs = crate::db::processes::needs_of(conn, &process.id)?;
    let needs: Vec<NeedRow> = needs
        .into_iter()
        .filter(|n| n.status != crate::domain::NeedStatus::Draft)
        .collect();
    let now = db::now();
    let mut milestones = Vec::new();
    let mut enquiries = Vec::new();
    let mut documents = Vec::new();
    for d in crate::db::dialogues::of_process(conn, &process.id)? {
        let status = match (d.cancelled_at, d.ends_at < now) {
            (Some(_), _) => "notMet",
            (None, true) => "met",
            (None, false) => "scheduled",
        };
        let mut m = json!({
            "id": d.id,
            "title": d.title,
            "type": "engagement",
            "description": d.agenda,
            "dueDate": time(d.starts_at),
            "dateModified": time(d.updated_at),
            "status": status,
        });
        if status == "met" {
            m["dateMet"] = json!(time(d.ends_at));
        }
        milestones.push(m);
        // Only answered questions are published, and never who asked.
        for question in crate::db::dialogues::questions(conn, &d.id)? {
            let (Some(answer), Some(answered)) = (&question.answer, question.answered_at) else {
                continue;
            };
            let title: String = question.question.chars().take(120).collect();
            enquiries.push(json!({
                "id": question.id,
                "date": time(question.asked_at),
                "title": title,
                "description": question.question,
                "answer": answer,
                "dateAnswered": time(answered),
                "threadID": d.id,
            }));
        }
        for p in crate::db::documents::publications(conn, &d.id)? {
            documents.push(json!({
                "id": p.id,
                "documentType": if p.kind == "minutes" { "clarifications" } else { "marketStudies" },
                "title": if p.kind == "minutes" { format!("Referat: {}", d.title) } else { format!("Oppsummering av høring: {}", d.title) },
                "description": p.text,
                "url": format!("{}/dialogues/{}", settings.public_url, d.id),
                "datePublished": time(p.published_at),
                "language": d.language,
            }));
        }
    }
    for doc in crate::db::documents::of_process(conn, &process.id)? {
        if doc.visibility != "public" || doc.deleted_at.is_some() {
            continue;
        }
        let mut entry = json!({
            "id": doc.id,
            "title": doc.title,
            "url": format!("{}/api/v1/documents/{}", settings.public_url, doc.id),
            "datePublished": time(doc.created_at),
            "dateModified": time(doc.updated_at),
        });
        if doc.dialogue_id.is_some() {
            entry["documentType"] = json!("marketStudies");
        }
        documents.push(entry);
    }
    let titles: Vec<&str> = needs.iter().map(|n| n.title.as_str()).collect();
    let rationale = if titles.is_empty() {
        process.description.clone()
    } else {
        format!("{}\n\nBehov: {}", process.description, titles.join("; "))
    };
    let mut planning = json!({"rationale": rationale});
    if !milestones.is_empty() {
        planning["milestones"] = json!(milestones);
    }
    if !documents.is_empty() {
        planning["documents"] = json!(documents);
    }
    let mut tender = json!({
        "id": format!("{ocid}-tender"),
        "title": process.title,
        "description": process.description,
        "status": "planning",
    });
    // An empty list is left out, as OCDS asks.
    let items = items(conn, &needs)?;
    if !items.is_empty() {
        tender["items"] = json!(items);
    }
    if let Some(v) = value(&needs) {
        tender["value"] = v.clone();
        planning["budget"] = json!({"amount": v});
    }
    if !enquiries.is_empty() {
        tender["hasEnquiries"] = json!(true);
        tender["enquiries"] = json!(enquiries);
    }
    let mut release = json!({
        "ocid": ocid,
        "initiationType": "tender",
        "language": "nb",
        "parties": parties,
        "planning": planning,
        "tender": tender,
    });
    if let Some(p) = &lead {
        release["buyer"] = reference(p);
        release["tender"]["procuringEntity"] = reference(p);
    }
    let related = related(conn, &needs)?;
    if !related.is_empty() {
        release["relatedProcesses"] = json!(related);
    }
    Ok(release)
}

/// Stores a release for every published need and process whose content changed since its last
/// release. Returns how many were stored.
pub fn publish(conn: &mut DbConn, settings: &Settings) -> AppResult<usize> {
    let mut current: Vec<(&str, String, Value)> = Vec::new();
    let in_process: std::collections::HashSet<String> = crate::db::processes::all_need_links(conn)?
        .into_iter()
        .map(|(_, need)| need)
        .collect();
    for need in q::published_needs(conn)? {
        // A need in a joint process is published as part of it.
        if in_process.contains(&need.id) {
            continue;
        }
        current.push((
            "need",
            need.id.clone(),
            need_content(conn, settings, &need)?,
        ));
    }
    for process in q::processes(conn)? {
        current.push((
            "process",
            process.id.clone(),
            process_content(conn, settings, &process)?,
        ));
    }
    let mut latest: std::collections::HashMap<(String, String), (i64, String)> =
        std::collections::HashMap::new();
    for kind in ["need", "process"] {
        for (id, seq, sha) in q::latest(conn, kind)? {
            latest.insert((kind.to_owned(), id), (seq, sha));
        }
    }
    let mut stored = 0;
    for (kind, id, content) in current {
        let sha256 = hex::encode(Sha256::digest(content.to_string().as_bytes()));
        let last = latest.get(&(kind.to_owned(), id.clone()));
        if last.is_some_and(|(_, sha)| *sha == sha256) {
            continue;
        }
        let seq = last.map_or(1, |(seq, _)| seq + 1);
        let ocid = content["ocid"].as_str().unwrap_or_default().to_owned();
        let now = db::now();
        let mut release = Map::new();
        release.insert("ocid".into(), json!(ocid));
        release.insert("id".into(), json!(format!("{ocid}-{seq}")));
        release.insert("date".into(), json!(time(now)));
        release.insert(
            "tag".into(),
            json!([if seq == 1 {
                "planning"
            } else {
                "planningUpdate"
            }]),
        );
        if let Value::Object(fields) = content {
            for (k, v) in fields {
                release.entry(k).or_insert(v);
            }
        }
        let row = ReleaseRow {
            id: format!("{ocid}-{seq}"),
            ocid,
            seq,
            object_kind: kind.to_owned(),
            object_id: id,
            sha256,
            body: Value::Object(release).to_string(),
            published_at: now,
        };
        if q::insert(conn, &row)? {
            stored += 1;
        }
    }
    Ok(stored)
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
    publish(conn, settings)?;
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
pub fn record(conn: &mut DbConn, settings: &Settings, ocid: &str) -> AppResult<Value> {
    publish(conn, settings)?;
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
    let settings = ctx.settings.clone();
    ctx.db
        .run(move |conn| releases(conn, &settings, updated_from.as_deref(), cursor.as_deref()))
        .await
}

/// One record.
pub async fn record_package(ctx: &Context, ocid: &str) -> AppResult<Value> {
    let (settings, ocid) = (ctx.settings.clone(), ocid.to_owned());
    ctx.db.run(move |conn| record(conn, &settings, &ocid)).await
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
