//! The parser against the fixtures in `tests/fixtures/notices` and against hostile files.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Datelike;
use serde_json::{json, Value};

use super::*;

/// `NOTICE_FIXTURES` lets a scratch crate outside the repository run these tests.
fn fixtures() -> PathBuf {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/notices");
    PathBuf::from(std::env::var("NOTICE_FIXTURES").unwrap_or(default.into()))
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(file)).unwrap()
}

fn expected(list: &str) -> Vec<Value> {
    let expected: Value = serde_json::from_slice(&read("expected.json")).unwrap();
    let entries = expected[list].as_array().unwrap().clone();
    assert_eq!(
        entries.len(),
        std::fs::read_dir(fixtures().join(list)).unwrap().count()
    );
    entries
}

/// The E1 fixture with `from` replaced by `to`: one defect or quirk at a time.
fn consultation_with(from: &str, to: &str) -> Result<Notice, Rejection> {
    let xml = String::from_utf8(read("good/pmc-01-smarte-omsorgsboliger-trondheim.xml"));
    let xml = xml.unwrap();
    assert!(xml.contains(from), "the fixture has no {from}");
    parse(xml.replace(from, to).as_bytes())
}

#[test]
fn every_good_fixture_parses_and_matches_expected_json_field_by_field() {
    for entry in expected("good") {
        let file = entry["file"].as_str().unwrap();
        let n = parse(&read(file)).unwrap_or_else(|rejection| panic!("{file}: {rejection}"));
        let buyers: Vec<Value> = n
            .buyers
            .iter()
            .map(|b| json!({"orgnr": b.identifier, "name": b.name}))
            .collect();
        let actual = json!({
            "file": file, "notice_id": n.id, "version": n.version, "notice_type": n.notice_type,
            "form_type": n.form_type, "subtype": n.subtype, "buyers": buyers, "titles": n.titles,
            "publication_date": n.publication_date, "cpv_main": n.cpv_main,
            "cpv_additional": n.cpv_additional, "nuts": n.nuts, "procedure": n.procedure,
            "innovative_acquisition": n.innovative_acquisition, "references": n.references,
            "referenced_notice_ids": n.referenced_notice_ids,
            "consultation_deadline": n.consultation_deadline,
        });
        for (field, want) in entry.as_object().unwrap() {
            // expected.json writes the deadline with its offset; the notice keeps it in UTC.
            let want = match want.as_str() {
                Some(at) if field == "consultation_deadline" => {
                    json!(chrono::DateTime::parse_from_rfc3339(at)
                        .unwrap()
                        .naive_utc())
                }
                _ => want.clone(),
            };
            assert_eq!(actual[field], want, "{file}: {field}");
        }
        assert!(
            !n.title().is_empty() && !n.description().is_empty(),
            "{file}"
        );
    }
}

#[test]
fn every_bad_fixture_is_refused_with_its_reason() {
    for entry in expected("bad") {
        let file = entry["file"].as_str().unwrap();
        let rejection = parse(&read(file)).expect_err(file);
        let wanted = entry["reason_contains"].as_str().unwrap().to_lowercase();
        assert!(
            rejection.reason.to_lowercase().contains(&wanted),
            "{file}: {rejection}"
        );
    }
}

#[test]
fn dtds_and_files_over_ten_megabytes_are_refused_within_a_second() {
    let mut laughs = String::from("<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n");
    for level in 1..=9 {
        let entity = format!("&lol{};", level - 1).repeat(10);
        laughs += &format!("<!ENTITY lol{level} \"{entity}\">\n");
    }
    laughs += "]>\n<ContractNotice>&lol9;</ContractNotice>";
    let empty_doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE ContractNotice>\n<ContractNotice/>";
    let mut huge = b"<ContractNotice>".to_vec();
    huge.resize(11 * 1024 * 1024, b' ');
    let cases = [
        (laughs.as_bytes(), "line 1: a DTD"),
        (empty_doctype.as_bytes(), "line 2: a DTD"),
        (&huge[..], "file is larger than 10 MB"),
    ];
    for (input, wanted) in cases {
        let started = Instant::now();
        let rejection = parse(input).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1), "{wanted}");
        assert!(rejection.to_string().starts_with(wanted), "{rejection}");
    }
}

#[test]
fn summary_counts_come_from_the_latest_version_of_each_good_notice() {
    let mut notices: Vec<Notice> = expected("good")
        .iter()
        .map(|e| parse(&read(e["file"].as_str().unwrap())).unwrap())
        .collect();
    notices.sort_by_key(|n| n.version.as_deref().and_then(|v| v.parse::<u32>().ok()));
    // Collecting keeps the last notice per id, which after sorting is the highest version.
    let latest: BTreeMap<&str, &Notice> = notices.iter().map(|n| (n.id.as_str(), n)).collect();
    assert_eq!(
        latest["c204c93e-456f-4ac0-9a03-69b629397207"]
            .version
            .as_deref(),
        Some("02")
    );
    let counts = |year: Option<i32>| {
        let notices = latest
            .values()
            .filter(|n| year.is_none_or(|y| n.publication_date.year() == y));
        let competitions: Vec<&&Notice> = notices.clone().filter(|n| n.is_competition()).collect();
        json!({
            "distinct_notices": notices.count(),
            "competition_notices": competitions.len(),
            "competition_with_early_dialogue": competitions.iter().filter(|n| n.early_dialogue()).count(),
            "procurement_of_innovation": competitions.iter().filter(|n| n.procurement_of_innovation()).count(),
        })
    };
    let expected: Value = serde_json::from_slice(&read("expected.json")).unwrap();
    let summary = &expected["summary"];
    for (field, count) in counts(None).as_object().unwrap() {
        assert_eq!(&summary[field], count, "{field}");
    }
    for (year, want) in summary["by_publication_year"].as_object().unwrap() {
        assert_eq!(&counts(Some(year.parse().unwrap())), want, "{year}");
    }
    // The fixtures bear out why early_dialogue() need not look the references up.
    let referenced = latest
        .values()
        .filter(|n| n.early_dialogue())
        .flat_map(|n| &n.referenced_notice_ids);
    for kind in referenced.map(|id| latest[id.as_str()].kind) {
        assert!(matches!(
            kind,
            NoticeKind::Planning | NoticeKind::Consultation
        ));
    }
}

#[test]
fn notice_kinds_follow_the_sdk_notice_types() {
    use NoticeKind::*;
    let cases = [
        ("pin-only", Planning),
        ("pin-rtl", Planning),
        ("pin-tran", Planning),
        ("pmc", Consultation),
        ("pin-cfc-social", Competition),
        ("cn-desg", Competition),
        ("qu-sy", Competition),
        ("subco", Competition),
        ("can-modif", Result),
        ("veat", Result),
        ("compl", Result),
        ("corr", Other),
    ];
    for (notice_type, kind) in cases {
        assert_eq!(
            NoticeKind::from_codes(notice_type, None).as_str(),
            kind.as_str()
        );
    }
    assert_eq!(
        NoticeKind::from_codes("cn-standard", Some("E1")),
        Consultation
    );
}

#[test]
fn references_deadlines_and_cpv_codes_are_normalised() {
    let uuid = "089d3cf5-a309-4d13-a57a-2042c03e8349";
    assert_eq!(notice_id_of_reference(&format!("{uuid}-01")), uuid);
    assert_eq!(notice_id_of_reference("00064512-2025"), "00064512-2025");
    let no_time = consultation_with("<cbc:EndTime>12:00:00+02:00</cbc:EndTime>", "").unwrap();
    let end_of_day = NaiveDate::from_ymd_opt(2025, 4, 25)
        .unwrap()
        .and_hms_opt(21, 59, 59);
    assert_eq!(no_time.consultation_deadline, end_of_day);
    let check_digit = consultation_with(">85000000<", ">85000000-0<").unwrap();
    assert_eq!(check_digit.cpv_main.as_deref(), Some("85000000-0"));
    assert_eq!(
        check_digit.cpv_additional,
        ["33195000", "48000000", "85312400"]
    );
    assert_eq!(
        check_digit.cpv_codes(),
        ["85000000", "33195000", "48000000", "85312400"]
    );
}

#[test]
fn a_buyer_is_kept_whatever_its_identifier_and_linked_only_by_a_norwegian_number() {
    let buyer = |n: &Notice| n.buyers[0].clone();
    let plain = consultation_with("942110464</cbc:CompanyID>", "942110464</cbc:CompanyID>");
    let plain = buyer(&plain.unwrap());
    assert_eq!(plain.identifier.as_deref(), Some("942110464"));
    assert_eq!(plain.orgnr().as_deref(), Some("942110464"));
    let eu = consultation_with(
        "<cbc:CompanyID>942110464</cbc:CompanyID>",
        "<cbc:CompanyID schemeName=\"EU\">EU-PO</cbc:CompanyID>",
    );
    let eu = buyer(&eu.unwrap());
    assert_eq!(
        (eu.identifier.as_deref(), eu.scheme.as_deref(), eu.orgnr()),
        (Some("EU-PO"), Some("EU"), None)
    );
    let na = buyer(&consultation_with("942110464</cbc:CompanyID>", "N/A</cbc:CompanyID>").unwrap());
    assert_eq!((na.identifier.as_deref(), na.orgnr()), (Some("N/A"), None));
    let vat = consultation_with(
        "942110464</cbc:CompanyID>",
        "NO 942 110 464 MVA</cbc:CompanyID>",
    );
    assert_eq!(buyer(&vat.unwrap()).orgnr().as_deref(), Some("942110464"));
    // Nine digits of another country's scheme are not a Norwegian number.
    let swedish = consultation_with(
        "<cbc:CompanyID>942110464</cbc:CompanyID>",
        "<cbc:CompanyID schemeName=\"SE-BOLAGSVERKET\">942110464</cbc:CompanyID>",
    );
    assert_eq!(buyer(&swedish.unwrap()).orgnr(), None);
    let none = consultation_with("<cbc:CompanyID>942110464</cbc:CompanyID>", "").unwrap();
    let none = buyer(&none);
    assert_eq!(none.identifier, None);
    assert!(
        !none.name.is_empty(),
        "a buyer without an identifier keeps its name"
    );
}

#[test]
fn broken_required_fields_are_refused_with_a_reason_and_a_place() {
    let cases = [
        (
            "2025-03-20+01:00</cbc:IssueDate>",
            "soon</cbc:IssueDate>",
            "line 44, at /Prior…'soon'",
        ),
        (
            "<cbc:IssueDate>2025-03-20+01:00</cbc:IssueDate>",
            "",
            "at /Prior…missing publication",
        ),
        (
            "pmc</cbc:NoticeTypeCode>",
            "</cbc:NoticeTypeCode>",
            "at /Prior…missing notice type",
        ),
        ("cbc:Name", "cbc:Label", "at /Prior…missing title"),
        ("cac:ContractingParty>", "cac:Other>", "at /Prior…no buyer"),
        (
            "urn:oasis:names:specification:ubl:schema:xsd:Prior",
            "urn:x:",
            "line 2: root…namespace",
        ),
    ];
    for (from, to, wanted) in cases {
        let rejection = consultation_with(from, to).unwrap_err().to_string();
        let (place, reason) = wanted.split_once('…').unwrap();
        assert!(
            rejection.starts_with(place) && rejection.contains(reason),
            "{rejection}"
        );
    }
    let missing_id = parse(&read("bad/missing-id.xml")).unwrap_err().to_string();
    let wanted = "at /ContractNotice/cbc:ID[@schemeName='notice-id']: missing notice id (BT-701)";
    assert_eq!(missing_id, wanted);
    assert_eq!(
        parse(&read("bad/malformed.xml")).unwrap_err().line,
        Some(140)
    );
    assert!(parse(b"<a>\n\xff</a>")
        .unwrap_err()
        .to_string()
        .starts_with("line 2: not XML"));
}

/// Notices from abroad, from an EU institution, without a buyer identifier, and award notices
/// with contract periods, written from the SDK by someone who did not read this parser.
#[test]
fn notices_from_anywhere_parse_with_their_buyers_counties_and_contract_periods() {
    let expected: Value = serde_json::from_slice(&read("world/expected.json")).unwrap();
    let entries = expected.as_array().unwrap();
    let files = std::fs::read_dir(fixtures().join("world")).unwrap();
    let xml_files = files
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".xml")
        })
        .count();
    assert_eq!(
        entries.len(),
        xml_files,
        "every world fixture has its entry"
    );
    for entry in entries {
        let file = format!("world/{}", entry["file"].as_str().unwrap());
        let n = parse(&read(&file)).unwrap_or_else(|rejection| panic!("{file}: {rejection}"));
        let buyers: Vec<Value> = n
            .buyers
            .iter()
            .map(|b| json!({"identifier": b.identifier, "scheme": b.scheme, "name": b.name}))
            .collect();
        let contract = n.contract_period.as_ref().map(|p| {
            json!({
                "starts_on": p.starts_on, "ends_on": p.ends_on,
                "duration": p.duration.as_ref().map(|(v, u)| json!({"value": v, "unit": u})),
            })
        });
        let actual = json!({
            "file": entry["file"], "notice_id": n.id, "notice_type": n.notice_type,
            "subtype": n.subtype, "kind": n.kind.as_str(), "buyers": buyers, "nuts": n.nuts,
            "counties": crate::notices::counties_of(&n.nuts).0, "cpv_codes": n.cpv_codes(),
            "contract": contract,
        });
        for (field, want) in entry.as_object().unwrap() {
            assert_eq!(&actual[field], want, "{file}: {field}");
        }
    }
}
