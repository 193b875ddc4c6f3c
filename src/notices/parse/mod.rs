//! Reads one eForms notice (Doffin / TED, SDK 1.13–1.14) into a [`Notice`], or refuses it with a
//! [`Rejection`] that says why, so an import run can report the file and go on.
//!
//! Elements are matched by namespace URI and local name along the SDK's XPaths, never by prefix
//! or by a loose `//cbc:ID`, which would pick up lot, party and folder ids. Unknown elements are
//! ignored. Any DTD is refused, so entities are never expanded or resolved (XXE, billion laughs).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use roxmltree::{Document, Node, ParsingOptions};
use serde::{Deserialize, Serialize};

mod xml;

use xml::{
    by_language, cpv_base, end_of_period, first_text, in_procedure_and_lots, parse_date, preferred,
    select, text, texts, unique_by, LOT,
};

/// Bigger files are refused before parsing; real notices are well under 1 MB.
pub const MAX_NOTICE_BYTES: usize = 10 * 1024 * 1024;

/// eForms roots are in `{UBL}{root}-2`, e.g. `…:xsd:ContractNotice-2`.
const UBL: &str = "urn:oasis:names:specification:ubl:schema:xsd:";
const ROOTS: [&str; 3] = [
    "PriorInformationNotice",
    "ContractNotice",
    "ContractAwardNotice",
];
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

/// A buyer (OPT-300-Procedure-Buyer) resolved to its organisation, from any country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    /// BT-501 company id as given, without spaces: a Norwegian organisation number in Doffin
    /// notices, anything (`EU-PO`, `212000-0142`, `notavailable`) elsewhere; none if absent.
    pub identifier: Option<String>,
    /// The identifier's `@schemeName`, when the notice gives one.
    pub scheme: Option<String>,
    /// BT-500 organisation name; empty if the notice has none.
    pub name: String,
}

impl Buyer {
    /// The Norwegian organisation number, when the identifier is one (nine digits with a valid
    /// check digit, optionally prefixed `NO` or suffixed `MVA`) and the scheme, if any, is
    /// Norway's (`NO…`, `ORGNR`).
    pub fn orgnr(&self) -> Option<String> {
        let id = self.identifier.as_deref()?;
        if let Some(scheme) = &self.scheme {
            let s = scheme.trim().to_ascii_uppercase();
            if !(s.is_empty() || s.starts_with("NO") || s == "ORGNR") {
                return None;
            }
        }
        let upper = id.to_ascii_uppercase();
        let digits = upper
            .strip_prefix("NO")
            .unwrap_or(&upper)
            .trim_end_matches("MVA");
        crate::domain::Orgnr::parse(digits)
            .ok()
            .map(|o| o.as_str().to_owned())
    }
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
    /// When the contract runs (BT-536, BT-537, BT-36 of the lots, BT-145), where the notice
    /// says; award notices are what give it.
    #[serde(default)]
    pub contract_period: Option<ContractPeriod>,
}

/// A contract's period as a notice gives it: the earliest start and the latest end over the lots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractPeriod {
    /// BT-536 start date, else the BT-145 conclusion date.
    pub starts_on: Option<NaiveDate>,
    /// BT-537 end date, else the last day of the BT-36 duration counted from the start.
    pub ends_on: Option<NaiveDate>,
    /// BT-36 duration as given: the number and its unit (`DAY`, `WEEK`, `MONTH`, `YEAR`).
    pub duration: Option<(u32, String)>,
}

/// `start` plus a BT-36 duration; none for a unit the SDK does not have.
pub fn add_duration(start: NaiveDate, value: u32, unit: &str) -> Option<NaiveDate> {
    match unit.to_ascii_uppercase().as_str() {
        "DAY" => start.checked_add_days(chrono::Days::new(value.into())),
        "WEEK" => start.checked_add_days(chrono::Days::new(u64::from(value) * 7)),
        "MONTH" => start.checked_add_months(chrono::Months::new(value)),
        "YEAR" => start.checked_add_months(chrono::Months::new(value.checked_mul(12)?)),
        _ => None,
    }
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
        contract_period: contract_period(root),
    })
}

/// The contract period over the lots and parts: BT-536 start, BT-537 end, or the BT-36
/// duration counted from the start, else from the BT-145 conclusion date.
fn contract_period(root: Node) -> Option<ContractPeriod> {
    let concluded = first_text(
        root,
        "EXT/efac:NoticeResult/efac:SettledContract/cbc:IssueDate",
    )
    .and_then(|d| parse_date(&d))
    .map(|(day, _)| day);
    let mut period: Option<ContractPeriod> = None;
    for lot in select(root, LOT) {
        let Some(planned) = select(lot, "cac:ProcurementProject/cac:PlannedPeriod")
            .into_iter()
            .next()
        else {
            continue;
        };
        let date = |path: &str| {
            first_text(planned, path)
                .and_then(|d| parse_date(&d))
                .map(|(day, _)| day)
        };
        // A contract runs from its start, else from its conclusion (BT-145).
        let starts_on = date("cbc:StartDate").or(concluded);
        let duration = select(planned, "cbc:DurationMeasure")
            .into_iter()
            .next()
            .and_then(|n| {
                let value = text(n)?.trim().parse::<f64>().ok()?;
                let unit = n.attribute("unitCode")?.to_ascii_uppercase();
                (value.is_finite() && (0.0..10_000.0).contains(&value))
                    .then(|| (value.round() as u32, unit))
            });
        // A duration ends on the day before the same date after it (36 months from 2020-05-01
        // is 2023-04-30, as in the SDK's examples). Without a start it gives no date: a contract
        // not concluded yet has no end.
        let ends_on = date("cbc:EndDate").or_else(|| {
            let (value, unit) = duration.as_ref()?;
            add_duration(starts_on?, *value, unit)?.pred_opt()
        });
        if starts_on.is_none() && ends_on.is_none() && duration.is_none() {
            continue;
        }
        let p = period.get_or_insert(ContractPeriod {
            starts_on,
            ends_on,
            duration: duration.clone(),
        });
        p.starts_on = match (p.starts_on, starts_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if ends_on > p.ends_on {
            p.ends_on = ends_on;
            p.duration = duration;
        }
    }
    period
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
/// winners sit in the same `efac:Organizations` list. Every buyer is kept, whatever its
/// identifier or none; only a notice that names no buyer at all is refused.
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
        let id_node = select(company, "cac:PartyLegalEntity/cbc:CompanyID")
            .into_iter()
            .next();
        let identifier = id_node
            .and_then(text)
            .map(|t| t.split_whitespace().collect::<String>())
            .filter(|t| !t.is_empty());
        let scheme = id_node
            .and_then(|n| n.attribute("schemeName"))
            .map(str::to_owned);
        let name = first_text(company, "cac:PartyName/cbc:Name").unwrap_or_default();
        let buyer = Buyer {
            identifier,
            scheme,
            name,
        };
        let same = |b: &Buyer| match (&b.identifier, &buyer.identifier) {
            (Some(a), Some(c)) => a == c,
            (None, None) => b.name == buyer.name,
            _ => false,
        };
        if !buyers.iter().any(same) {
            buyers.push(buyer);
        }
    }
    if buyers.is_empty() {
        let reason = "no buyer (cac:ContractingParty → efac:Company)";
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

#[cfg(test)]
mod tests;
