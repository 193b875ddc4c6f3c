//! What a release says: the current content of a published need or joint process, built from
//! the database without its id, date and tag. Only what is public goes in.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{ocid, time};
use crate::db::needs::NeedRow;
use crate::db::ocds as q;
use crate::db::processes::ProcessRow;
use crate::db::{self, DbConn};
use crate::error::AppResult;
use crate::search::document::json_list;
use crate::settings::Settings;

/// What releases read beside the needs and processes themselves: loaded in a few queries for
/// many needs at once, rather than a few queries per need.
#[derive(Default)]
pub(super) struct Sources {
    /// Organisation id → (name, orgnr).
    orgs: HashMap<String, (String, String)>,
    /// Need id → the organisations that joined it, earliest first.
    participants: HashMap<String, Vec<String>>,
    /// Need id → (notice id, title) of the notice it was made from.
    notices: HashMap<String, (String, String)>,
    /// CPV code → its Bokmål label.
    labels: HashMap<String, String>,
}

impl Sources {
    /// What the releases of these needs read: the owners and the organisations that joined
    /// them, and their notices and codes; `orgs` adds more organisations (a process's buyers).
    pub(super) fn of(conn: &mut DbConn, orgs: &[String], needs: &[NeedRow]) -> AppResult<Sources> {
        let mut sources = Sources::default();
        let need_ids: Vec<String> = needs.iter().map(|n| n.id.clone()).collect();
        let mut org_ids = orgs.to_vec();
        org_ids.extend(needs.iter().map(|n| n.organisation_id.clone()));
        for (need, org) in q::participant_links(conn, &need_ids)? {
            org_ids.push(org.clone());
            sources.participants.entry(need).or_default().push(org);
        }
        org_ids.sort();
        org_ids.dedup();
        sources.add_parties(q::parties(conn, &org_ids)?);
        sources.add_notices(q::notice_links(conn, &need_ids)?);
        let mut codes: Vec<String> = needs.iter().flat_map(|n| json_list(&n.cpv_codes)).collect();
        codes.sort();
        codes.dedup();
        for row in crate::db::cpv::find_many(conn, &codes)? {
            sources.labels.insert(row.code, row.label_nb);
        }
        Ok(sources)
    }

    fn add_parties(&mut self, rows: Vec<(String, String, String)>) {
        self.orgs.extend(
            rows.into_iter()
                .map(|(id, name, orgnr)| (id, (name, orgnr))),
        );
    }

    /// Keeps the first notice of each need, in the order the query gives.
    fn add_notices(&mut self, rows: Vec<(String, String, String)>) {
        for (need, id, title) in rows {
            self.notices.entry(need).or_insert((id, title));
        }
    }
}

/// A party: a Norwegian organisation by its number in the Brønnøysund register (`NO-BRC`),
/// any other by innolift's id.
fn party(sources: &Sources, organisation_id: &str, roles: &[&str]) -> Option<Value> {
    let (name, orgnr) = sources.orgs.get(organisation_id)?;
    let mut p = match crate::domain::Orgnr::parse(orgnr) {
        Ok(nr) => json!({
            "id": format!("NO-BRC-{}", nr.as_str()),
            "name": name,
            "identifier": {"scheme": "NO-BRC", "id": nr.as_str(), "legalName": name},
        }),
        Err(_) => json!({"id": format!("innolift-{organisation_id}"), "name": name}),
    };
    p["roles"] = json!(roles);
    Some(p)
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

fn items(sources: &Sources, needs: &[NeedRow]) -> Vec<Value> {
    let mut out = Vec::new();
    for n in needs {
        for code in json_list(&n.cpv_codes) {
            let mut classification = json!({"scheme": "CPV", "id": code});
            if let Some(label) = sources.labels.get(&code) {
                classification["description"] = json!(label);
            }
            out.push(json!({
                "id": format!("{}-{code}", n.id),
                "description": n.title,
                "classification": classification,
            }));
        }
    }
    out
}

fn value(needs: &[NeedRow]) -> Option<Value> {
    let values: Vec<i64> = needs.iter().filter_map(|n| n.estimated_value_nok).collect();
    (!values.is_empty()).then(|| json!({"amount": values.iter().sum::<i64>(), "currency": "NOK"}))
}

/// Notices that the needs were made from: the planning stage the process came out of.
fn related(sources: &Sources, needs: &[NeedRow]) -> Vec<Value> {
    let mut out = Vec::new();
    for n in needs {
        if let Some((id, title)) = sources.notices.get(&n.id) {
            out.push(json!({
                "id": id,
                "relationship": ["planning"],
                "title": title,
                "scheme": "eforms-notice-id",
                "identifier": id,
            }));
        }
    }
    out
}

/// The current release of a need that is in no joint process, without id, date and tag.
pub(super) fn need_content(sources: &Sources, settings: &Settings, need: &NeedRow) -> Value {
    let ocid = ocid(settings, "need", &need.id);
    let mut parties = Vec::new();
    let owner = party(
        sources,
        &need.organisation_id,
        &["buyer", "procuringEntity"],
    );
    if let Some(p) = &owner {
        add_party(&mut parties, p.clone());
    }
    for participant in sources.participants.get(&need.id).into_iter().flatten() {
        if let Some(p) = party(sources, participant, &["interestedParty"]) {
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
    let items = items(sources, needs);
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
    let related = related(sources, needs);
    if !related.is_empty() {
        release["relatedProcesses"] = json!(related);
    }
    release
}

/// The current release of a joint process, without id, date and tag.
pub(super) fn process_content(
    conn: &mut DbConn,
    settings: &Settings,
    process: &ProcessRow,
) -> AppResult<Value> {
    let ocid = ocid(settings, "process", &process.id);
    let buyers = crate::db::processes::buyers(conn, &process.id)?;
    let needs = crate::db::processes::needs_of(conn, &process.id)?;
    let needs: Vec<NeedRow> = needs
        .into_iter()
        .filter(|n| n.status != crate::domain::NeedStatus::Draft)
        .collect();
    let org_ids: Vec<String> = buyers
        .iter()
        .map(|(b, _)| b.organisation_id.clone())
        .collect();
    let sources = Sources::of(conn, &org_ids, &needs)?;
    let mut parties = Vec::new();
    let mut lead = None;
    for (b, _) in buyers {
        use crate::domain::process::BuyerStatus;
        let roles: &[&str] = match b.status {
            BuyerStatus::Lead => &["buyer", "procuringEntity"],
            BuyerStatus::Accepted => &["buyer"],
            BuyerStatus::Invited => &["interestedParty"],
            BuyerStatus::Declined => continue,
        };
        if let Some(p) = party(&sources, &b.organisation_id, roles) {
            if b.status == BuyerStatus::Lead {
                lead = Some(p.clone());
            }
            add_party(&mut parties, p);
        }
    }
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
    let items = items(&sources, &needs);
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
    let related = related(&sources, &needs);
    if !related.is_empty() {
        release["relatedProcesses"] = json!(related);
    }
    Ok(release)
}
