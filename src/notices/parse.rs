//! Reads one eForms notice (Doffin / TED, SDK 1.13–1.14) into a [`Notice`], or refuses it with a
//! [`Rejection`] that says why, so an import run can report the file and go on.
//!
//! Elements are matched by namespace URI and local name along the SDK's XPaths, never by prefix
//! or by a loose `//cbc:ID`, which would pick up lot, party and folder ids. Unknown elements are
//! ignored. Any DTD is refused, so entities are never expanded or resolved (XXE, billion laughs).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use roxmltree::{Document, Node, ParsingOptions};
use serde::{Deserialize, Serialize};

/// Bigger files are refused before parsing; real notices are well under 1 MB.
pub const MAX_NOTICE_BYTES: usize = 10 * 1024 * 1024;

/// eForms roots are in `{UBL}{root}-2`, e.g. `…:xsd:ContractNotice-2`.
const UBL: &str = "urn:oasis:names:specification:ubl:schema:xsd:";
const ROOTS: [&str; 3] = [
    "PriorInformationNotice",
    "ContractNotice",
    "ContractAwardNotice",
];
/// Written `EXT` in paths, as in the SDK documentation.
const EXT: &str = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension";
const LOT: &str = "cac:ProcurementProjectLot";
const BUYER_IDS: &str = "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID";

/// Where a notice stands in a procurement, from BT-02 (notice type) and OPP-070 (subtype).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// `pin-only`, `pin-buyer`, `pin-rtl` and `pin-tran` (T01): information, no call.
    Planning,
    /// Pre-market consultation: subtype E1, notice type `pmc`.
    Consultation,
    /// A call for competition: `cn-*`, `pin-cfc-*` (a PIN used as the call), `qu-sy`, `subco`.
    Competition,
    /// Award and after: `can-*` (with `can-modif`, `can-tran`), `veat`, `compl`.
    Result,
    /// `corr`, `brin-*` and codes the SDK 1.14 list does not have.
    Other,
}

impl NoticeKind {
    /// The lowercase name used in storage and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planning => "planning",
            Self::Consultation => "consultation",
            Self::Competition => "competition",
            Self::Result => "result",
            Self::Other => "other",
        }
    }

    fn from_codes(notice_type: &str, subtype: Option<&str>) -> Self {
        match notice_type {
            _ if subtype == Some("E1") || notice_type == "pmc" => Self::Consultation,
            // Before the other `pin-` types: a PIN used as a call for competition opens one.
            t if t.starts_with("pin-cfc") => Self::Competition,
            t if t.starts_with("pin-") => Self::Planning,
            t if t.starts_with("cn-") || t == "qu-sy" || t == "subco" => Self::Competition,
            t if t.starts_with("can-") || t == "veat" || t == "compl" => Self::Result,
            _ => Self::Other,
        }
    }
}

/// A buyer (OPT-300-Procedure-Buyer) resolved to its organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    /// BT-501 company id without spaces (the organisation number in Doffin notices).
    pub orgnr: String,
    /// BT-500 organisation name; empty if the notice has none.
    pub name: String,
}

/// What innolift keeps of a notice. Texts are keyed by language: "nb", "nn", "en", ….
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// BT-701 notice id (a UUID), shared by all versions of the notice.
    pub id: String,
    /// BT-757 version as written ("01", "02"); compare numerically.
    pub version: Option<String>,
    /// BT-02 notice type, e.g. "pin-only", "pmc", "cn-standard".
    pub notice_type: String,
    /// BT-03 form type, the notice type's `@listName`, e.g. "planning".
    pub form_type: Option<String>,
    /// OPP-070 notice subtype, e.g. "4", "E1", "16".
    pub subtype: Option<String>,
    /// Derived from the notice type and subtype.
    pub kind: NoticeKind,
    /// OPP-012 publication date, else BT-05 issue date; the date part, offset dropped.
    pub publication_date: NaiveDate,
    /// BT-21 procedure titles by language; never empty.
    pub titles: BTreeMap<String, String>,
    /// BT-24 procedure descriptions by language.
    pub descriptions: BTreeMap<String, String>,
    /// Buyers in document order; never empty.
    pub buyers: Vec<Buyer>,
    /// BT-262 main CPV code as written, from the procedure, else from the first lot.
    pub cpv_main: Option<String>,
    /// Other main codes of the lots, then BT-263 additional codes; no code twice.
    pub cpv_additional: Vec<String>,
    /// BT-5071 NUTS codes of the procedure and the lots, deduplicated.
    pub nuts: Vec<String>,
    /// BT-105 procedure type, e.g. "open", "innovation"; PINs and E1 have none.
    pub procedure: Option<String>,
    /// BT-776 innovative-acquisition codes of all lots, deduplicated.
    pub innovative_acquisition: Vec<String>,
    /// BT-125 references to earlier notices as written: `<uuid>-NN` or a TED number.
    pub references: Vec<String>,
    /// The references as notice ids: `<uuid>-NN` loses its version, TED numbers stay whole.
    pub referenced_notice_ids: Vec<String>,
    /// BT-800 E1 answer deadline in UTC; the earliest one if lots differ.
    pub consultation_deadline: Option<NaiveDateTime>,
}

impl Notice {
    /// The title in Bokmål, else Nynorsk, else English, else any language.
    pub fn title(&self) -> &str {
        preferred(&self.titles)
    }

    /// The description, in the same order of languages as [`Notice::title`].
    pub fn description(&self) -> &str {
        preferred(&self.descriptions)
    }

    /// All CPV codes as eight digits (without a `-N` check digit), the main code first.
    pub fn cpv_codes(&self) -> Vec<String> {
        let codes = self.cpv_main.iter().chain(&self.cpv_additional);
        unique_by(codes.map(|code| cpv_base(code).to_string()), |value| value)
    }

    /// Whether the notice is a call for competition.
    pub fn is_competition(&self) -> bool {
        self.kind == NoticeKind::Competition
    }

    /// A competition with a BT-125 reference. BT-125 may only point at a planning or
    /// consultation notice, so the reference alone shows an early dialogue with the market.
    pub fn early_dialogue(&self) -> bool {
        self.is_competition() && !self.referenced_notice_ids.is_empty()
    }

    /// Procedure type "innovation" (innovation partnership) or any BT-776 code.
    pub fn procurement_of_innovation(&self) -> bool {
        self.procedure.as_deref() == Some("innovation")
            || self
                .innovative_acquisition
                .iter()
                .any(|code| code != "none")
    }
}

/// Why a file was refused, with its line or element path where one is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// 1-based line in the file.
    pub line: Option<u32>,
    /// Element path such as `/ContractNotice/cbc:ID[@schemeName='notice-id']`.
    pub path: Option<String>,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl Rejection {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            line: None,
            path: None,
            reason: reason.into(),
        }
    }

    fn at(mut self, root: Node, path: &str) -> Self {
        self.path = Some(format!("/{}/{path}", root.tag_name().name()));
        self
    }

    fn on(self, node: Node) -> Self {
        self.at_line(node.document().text_pos_at(node.range().start).row)
    }

    fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, &self.path) {
            (Some(line), Some(path)) => write!(f, "line {line}, at {path}: {}", self.reason),
            (Some(line), None) => write!(f, "line {line}: {}", self.reason),
            (None, Some(path)) => write!(f, "at {path}: {}", self.reason),
            (None, None) => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for Rejection {}

/// Reads one notice file.
pub fn parse(bytes: &[u8]) -> Result<Notice, Rejection> {
    if bytes.len() > MAX_NOTICE_BYTES {
        let reason = format!("file is larger than 10 MB ({} bytes)", bytes.len());
        return Err(Rejection::new(reason));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Rejection::new(format!("not XML: invalid UTF-8 at byte {at}"))
            .at_line(line_at(&bytes[..at]))
    })?;
    // With allow_dtd: false, roxmltree stops at any DOCTYPE, before any entity is declared.
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| {
        use roxmltree::Error::{DtdDetected, UnclosedRootNode, UnexpectedEndOfStream};
        let line = match e {
            DtdDetected => return dtd_rejection(text),
            // roxmltree gives these no position; they are found where the text runs out.
            UnclosedRootNode | UnexpectedEndOfStream => line_at(text.as_bytes()),
            _ => e.pos().row,
        };
        Rejection::new(format!("malformed XML: {e}")).at_line(line)
    })?;
    let root = doc.root_element();
    let name = root.tag_name().name();
    let namespace = root.tag_name().namespace().unwrap_or("");
    if !ROOTS.contains(&name) || namespace != format!("{UBL}{name}-2") {
        let reason = format!(
            "root element {name} in namespace '{namespace}' is not an eForms notice, which is \
             {UBL}{{PriorInformationNotice|ContractNotice|ContractAwardNotice}}-2"
        );
        return Err(Rejection::new(reason).on(root));
    }
    read_notice(root)
}

fn dtd_rejection(text: &str) -> Rejection {
    let at = text.find("<!DOCTYPE").unwrap_or(0);
    Rejection::new("a DTD (DOCTYPE) is not allowed in a notice")
        .at_line(line_at(&text.as_bytes()[..at]))
}

fn line_at(prefix: &[u8]) -> u32 {
    1 + prefix.iter().filter(|&&b| b == b'\n').count() as u32
}

fn read_notice(root: Node) -> Result<Notice, Rejection> {
    let id = first_text(root, "cbc:ID[@schemeName='notice-id']").ok_or_else(|| {
        Rejection::new("missing notice id (BT-701)").at(root, "cbc:ID[@schemeName='notice-id']")
    })?;
    let type_node = select(root, "cbc:NoticeTypeCode").into_iter().next();
    let notice_type = type_node.and_then(text).ok_or_else(|| {
        Rejection::new("missing notice type (BT-02)").at(root, "cbc:NoticeTypeCode")
    })?;
    let subtype = first_text(root, "EXT/efac:NoticeSubType/cbc:SubTypeCode");
    let language = first_text(root, "cbc:NoticeLanguageCode").unwrap_or_else(|| "und".into());
    let titles = by_language(root, "cac:ProcurementProject/cbc:Name", &language);
    if titles.is_empty() {
        let path = "cac:ProcurementProject/cbc:Name";
        return Err(Rejection::new("missing title (BT-21)").at(root, path));
    }

    // Main codes come first, so the first code left after removing duplicates is the main one.
    let cpv = |kind| {
        in_procedure_and_lots(
            root,
            &format!("cac:{kind}CommodityClassification/cbc:ItemClassificationCode"),
        )
    };
    let mains = cpv("Main");
    let mut cpv_additional = unique_by(mains.iter().cloned().chain(cpv("Additional")), cpv_base);
    let cpv_main = (!mains.is_empty()).then(|| cpv_additional.remove(0));

    // BT-06 strategic-procurement shares BT-776's element; only the list name tells them apart.
    let bt_776 = "cac:ProcurementProject/cac:ProcurementAdditionalType/\
                  cbc:ProcurementTypeCode[@listName='innovative-acquisition']";
    let bt_125 =
        "cac:TenderingProcess/cac:NoticeDocumentReference/cbc:ID[@schemeName='notice-id-ref']";
    let references = texts(root, &format!("{LOT}/{bt_125}"));
    let periods = select(
        root,
        &format!("{LOT}/cac:TenderingProcess/EXT/efac:AnswerReceptionPeriod"),
    );
    let deadlines = periods.into_iter().filter_map(|period| {
        end_of_period(
            &first_text(period, "cbc:EndDate")?,
            first_text(period, "cbc:EndTime").as_deref(),
        )
    });

    Ok(Notice {
        id,
        version: first_text(root, "cbc:VersionID"),
        kind: NoticeKind::from_codes(&notice_type, subtype.as_deref()),
        form_type: type_node
            .and_then(|n| n.attribute("listName"))
            .map(str::to_string),
        notice_type,
        subtype,
        publication_date: publication_date(root)?,
        descriptions: by_language(root, "cac:ProcurementProject/cbc:Description", &language),
        titles,
        buyers: buyers(root)?,
        cpv_main,
        cpv_additional,
        nuts: in_procedure_and_lots(
            root,
            "cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode",
        ),
        procedure: first_text(root, "cac:TenderingProcess/cbc:ProcedureCode"),
        innovative_acquisition: texts(root, &format!("{LOT}/{bt_776}")),
        referenced_notice_ids: unique_by(
            references.iter().map(|r| notice_id_of_reference(r)),
            |value| value,
        ),
        references,
        consultation_deadline: deadlines.min(),
    })
}

/// OPP-012 when the notice has been published (TED), else the BT-05 issue date (Doffin E1).
fn publication_date(root: Node) -> Result<NaiveDate, Rejection> {
    let (path, node) = ["EXT/efac:Publication/efbc:PublicationDate", "cbc:IssueDate"]
        .into_iter()
        .find_map(|path| Some((path, select(root, path).into_iter().next()?)))
        .ok_or_else(|| {
            Rejection::new("missing publication date (OPP-012) and issue date (BT-05)")
                .at(root, "cbc:IssueDate")
        })?;
    let value = text(node).unwrap_or_default();
    parse_date(&value).map(|(day, _)| day).ok_or_else(|| {
        Rejection::new(format!("unparseable publication date '{value}'"))
            .on(node)
            .at(root, path)
    })
}

/// Only organisations referenced from `cac:ContractingParty` are buyers; the eSender and the
/// winners sit in the same `efac:Organizations` list.
fn buyers(root: Node) -> Result<Vec<Buyer>, Rejection> {
    let companies = "EXT/efac:Organizations/efac:Organization/efac:Company";
    let mut buyers: Vec<Buyer> = Vec::new();
    for org in texts(root, BUYER_IDS) {
        let mut matching = select(root, companies).into_iter();
        let Some(company) =
            matching.find(|c| texts(*c, "cac:PartyIdentification/cbc:ID").contains(&org))
        else {
            continue;
        };
        let Some(id_node) = select(company, "cac:PartyLegalEntity/cbc:CompanyID")
            .into_iter()
            .next()
        else {
            continue;
        };
        let orgnr: String = text(id_node)
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        if !orgnr.bytes().any(|b| b.is_ascii_digit()) {
            let reason =
                format!("buyer {org} has an organisation number without digits: '{orgnr}'");
            let path = format!("{companies}/cac:PartyLegalEntity/cbc:CompanyID");
            return Err(Rejection::new(reason).on(id_node).at(root, &path));
        }
        let name = first_text(company, "cac:PartyName/cbc:Name").unwrap_or_default();
        if !buyers.iter().any(|buyer| buyer.orgnr == orgnr) {
            buyers.push(Buyer { orgnr, name });
        }
    }
    if buyers.is_empty() {
        let reason = "no buyer with an organisation number (cac:ContractingParty → efac:Company)";
        return Err(Rejection::new(reason).at(root, BUYER_IDS));
    }
    Ok(buyers)
}

/// `<uuid>-NN` (the SDK's BT-125 pattern) is version NN of notice `<uuid>`; anything else, like
/// the TED publication number `00064512-2025`, is kept whole.
fn notice_id_of_reference(reference: &str) -> String {
    match reference.rsplit_once('-') {
        Some((id, nn))
            if id.len() == 36 && nn.len() == 2 && nn.bytes().all(|b| b.is_ascii_digit()) =>
        {
            id.into()
        }
        _ => reference.into(),
    }
}

/// The UTC moment a period ends. Without a time the whole day counts: 23:59:59 local time.
/// A value without an offset (the SDK requires one) is taken as UTC.
fn end_of_period(date: &str, time: Option<&str>) -> Option<NaiveDateTime> {
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
fn parse_date(value: &str) -> Option<(NaiveDate, Option<FixedOffset>)> {
    let (day, rest) = NaiveDate::parse_and_remainder(value.trim(), "%Y-%m-%d").ok()?;
    Some((day, offset(rest)?))
}

/// What follows an XML Schema date or time: nothing, `Z` or `±hh:mm`; `None` for anything else.
fn offset(rest: &str) -> Option<Option<FixedOffset>> {
    match rest {
        "" => Some(None),
        "Z" => Some(FixedOffset::east_opt(0)),
        _ => rest.parse().ok().map(Some),
    }
}

/// eForms writes ISO 639-3 codes; innolift keys texts by the short codes its pages use.
fn by_language(root: Node, path: &str, notice_language: &str) -> BTreeMap<String, String> {
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

fn preferred(texts: &BTreeMap<String, String>) -> &str {
    let wanted = ["nb", "nn", "en"]
        .iter()
        .find_map(|language| texts.get(*language));
    wanted
        .or_else(|| texts.values().next())
        .map_or("", String::as_str)
}

/// The eight digits of a CPV code written with or without its check digit (`33190000-8`).
fn cpv_base(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

/// Codes found at procedure level, then at lot (or PIN part) level, deduplicated.
fn in_procedure_and_lots(root: Node, path: &str) -> Vec<String> {
    let procedure = texts(root, &format!("cac:ProcurementProject/{path}"));
    let lots = texts(root, &format!("{LOT}/cac:ProcurementProject/{path}"));
    unique_by(procedure.into_iter().chain(lots), |value| value)
}

/// The values in order, without those whose `key` was seen before.
fn unique_by(values: impl IntoIterator<Item = String>, key: fn(&str) -> &str) -> Vec<String> {
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
fn select<'a, 'i>(from: Node<'a, 'i>, path: &str) -> Vec<Node<'a, 'i>> {
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
fn texts(from: Node, path: &str) -> Vec<String> {
    unique_by(select(from, path).into_iter().filter_map(text), |value| {
        value
    })
}

fn first_text(from: Node, path: &str) -> Option<String> {
    select(from, path).into_iter().find_map(text)
}

/// The element's trimmed text, all of it (a comment inside would otherwise cut it short).
fn text(node: Node) -> Option<String> {
    let all: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    let trimmed = all.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
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
                .map(|b| json!({"orgnr": b.orgnr, "name": b.name}))
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
            let competitions: Vec<&&Notice> =
                notices.clone().filter(|n| n.is_competition()).collect();
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
    fn broken_required_fields_are_refused_with_a_reason_and_a_place() {
        let cases = [
            (
                "942110464</cbc:CompanyID>",
                "N/A</cbc:CompanyID>",
                "line 29, at /Prior…number without digits",
            ),
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
        let wanted =
            "at /ContractNotice/cbc:ID[@schemeName='notice-id']: missing notice id (BT-701)";
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
}
