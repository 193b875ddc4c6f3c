//! Reading eForms XML: elements along the SDK's paths by namespace and local name, their texts by
//! language, and the SDK's date and time values.

use std::collections::BTreeMap;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use roxmltree::Node;

/// Written `EXT` in paths, as in the SDK documentation.
pub(super) const EXT: &str =
    "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension";
/// A lot, or a part of a planning notice.
pub(super) const LOT: &str = "cac:ProcurementProjectLot";

/// The UTC moment a period ends. Without a time the whole day counts: 23:59:59 local time.
/// A value without an offset (the SDK requires one) is taken as UTC.
pub(super) fn end_of_period(date: &str, time: Option<&str>) -> Option<NaiveDateTime> {
    let (day, date_offset) = parse_date(date)?;
    let time = time.unwrap_or("23:59:59").trim();
    let (clock, rest) = NaiveTime::parse_and_remainder(time, "%H:%M:%S%.f").ok()?;
    let offset = offset(rest)?
        .or(date_offset)
        .unwrap_or(FixedOffset::east_opt(0)?);
    Some(
        offset
            .from_local_datetime(&day.and_time(clock))
            .single()?
            .naive_utc(),
    )
}

/// `2025-03-01`, `2025-03-01Z` or `2025-03-01+01:00`, and the offset if there is one.
pub(super) fn parse_date(value: &str) -> Option<(NaiveDate, Option<FixedOffset>)> {
    let (day, rest) = NaiveDate::parse_and_remainder(value.trim(), "%Y-%m-%d").ok()?;
    Some((day, offset(rest)?))
}

/// What follows an XML Schema date or time: nothing, `Z` or `±hh:mm`; `None` for anything else.
pub(super) fn offset(rest: &str) -> Option<Option<FixedOffset>> {
    match rest {
        "" => Some(None),
        "Z" => Some(FixedOffset::east_opt(0)),
        _ => rest.parse().ok().map(Some),
    }
}

/// eForms writes ISO 639-3 codes; innolift keys texts by the short codes its pages use.
pub(super) fn by_language(
    root: Node,
    path: &str,
    notice_language: &str,
) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    for node in select(root, path) {
        let Some(value) = text(node) else { continue };
        let code = node
            .attribute("languageID")
            .unwrap_or(notice_language)
            .to_ascii_lowercase();
        let language = match code.as_str() {
            "nor" | "nob" => "nb".to_string(),
            "nno" => "nn".to_string(),
            "eng" => "en".to_string(),
            _ => code,
        };
        texts.entry(language).or_insert(value);
    }
    texts
}

pub(super) fn preferred(texts: &BTreeMap<String, String>) -> &str {
    let wanted = ["nb", "nn", "en"]
        .iter()
        .find_map(|language| texts.get(*language));
    wanted
        .or_else(|| texts.values().next())
        .map_or("", String::as_str)
}

/// The eight digits of a CPV code written with or without its check digit (`33190000-8`).
pub(super) fn cpv_base(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

/// Codes found at procedure level, then at lot (or PIN part) level, deduplicated.
pub(super) fn in_procedure_and_lots(root: Node, path: &str) -> Vec<String> {
    let procedure = texts(root, &format!("cac:ProcurementProject/{path}"));
    let lots = texts(root, &format!("{LOT}/cac:ProcurementProject/{path}"));
    unique_by(procedure.into_iter().chain(lots), |value| value)
}

/// The values in order, without those whose `key` was seen before.
pub(super) fn unique_by(
    values: impl IntoIterator<Item = String>,
    key: fn(&str) -> &str,
) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for value in values {
        if !kept.iter().any(|k| key(k) == key(&value)) {
            kept.push(value);
        }
    }
    kept
}

/// Elements reached from `from` by child steps written `prefix:Name`, optionally with one
/// `[@attribute='value']`, or `EXT`. Prefixes stand for namespace URIs, whatever the file uses.
pub(super) fn select<'a, 'i>(from: Node<'a, 'i>, path: &str) -> Vec<Node<'a, 'i>> {
    let mut nodes = vec![from];
    for step in path
        .split('/')
        .flat_map(|step| if step == "EXT" { EXT } else { step }.split('/'))
    {
        let (name, condition) = step.split_once("[@").unwrap_or((step, ""));
        let (prefix, local) = name.split_once(':').expect("every step has a prefix");
        let namespace = match prefix {
            "cbc" => "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
            "cac" => "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
            "ext" => "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
            "efac" => "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
            "efbc" => "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
            "efext" => "http://data.europa.eu/p27/eforms-ubl-extensions/1",
            _ => unreachable!("unknown prefix in {path}"),
        };
        let attribute = condition
            .strip_suffix("']")
            .and_then(|c| c.split_once("='"));
        nodes = (nodes.iter().flat_map(|node| node.children()))
            .filter(|n| n.tag_name().name() == local && n.tag_name().namespace() == Some(namespace))
            .filter(|n| attribute.is_none_or(|(name, value)| n.attribute(name) == Some(value)))
            .collect();
    }
    nodes
}

/// Distinct non-empty texts of the elements along `path`, in document order.
pub(super) fn texts(from: Node, path: &str) -> Vec<String> {
    unique_by(select(from, path).into_iter().filter_map(text), |value| {
        value
    })
}

pub(super) fn first_text(from: Node, path: &str) -> Option<String> {
    select(from, path).into_iter().find_map(text)
}

/// The element's trimmed text, all of it (a comment inside would otherwise cut it short).
pub(super) fn text(node: Node) -> Option<String> {
    let all: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    let trimmed = all.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}
