//! Deterministic demo data: a registry of public buyers, suppliers and clusters with their needs
//! and capabilities, and bulk data for benchmarks.
//!
//! Texts are composed from per-domain phrase pools in Bokmål, Nynorsk and English, so that needs
//! and capabilities in the same domain share vocabulary without reading as copies. Everything is
//! drawn from fixed seeds with `StdRng` and integer-only sampling (no `usize` ranges, no floats),
//! so the output is identical on every call and on every platform.

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// An organisation in the demo registry.
#[derive(Debug, Clone)]
pub struct DemoOrg {
    /// Stable unique key, e.g. "buyer-003".
    pub key: String,
    /// "buyer", "supplier" or "cluster".
    pub kind: &'static str,
    /// Nine digits with a valid MOD11 check digit, unique across the registry.
    pub orgnr: String,
    /// The organisation's name.
    pub name: String,
    /// Buyers only: "state", "county", "municipality" or "other".
    pub sector: Option<&'static str>,
    /// Suppliers only: "micro", "small", "medium" or "large".
    pub size: Option<&'static str>,
    /// Two-digit county number (2024) of the head office.
    pub county: Option<&'static str>,
    /// Web site address.
    pub website: Option<String>,
    /// Contact address, ASCII only.
    /// Contact address, on the reserved `.example` domain so demo mail never reaches a real mailbox.
    pub contact_email: Option<String>,
}

/// A buyer's need: what it needs and why, not a product.
#[derive(Debug, Clone)]
pub struct DemoNeed {
    /// The key of the buyer that registered the need.
    pub org_key: String,
    /// Short title, at most 200 characters.
    pub title: String,
    /// Two to six sentences on what is needed and why.
    pub description: String,
    /// One or more of climate_environment, health_welfare, digitalisation, mobility_transport,
    /// buildings_infrastructure and other.
    pub themes: Vec<&'static str>,
    /// Zero to three real 8-digit CPV codes that fit the need's domain.
    pub cpv_codes: Vec<String>,
    /// County numbers; empty exactly when the need is national.
    pub counties: Vec<&'static str>,
    /// Whether the need covers the whole country.
    pub national: bool,
    /// "nb", "nn" or "en".
    pub language: &'static str,
    /// Rough estimated contract value in NOK.
    pub estimated_value_nok: Option<i64>,
    /// Planned tender date, within 2027-2028.
    pub planned_tender_date: Option<NaiveDate>,
    /// "open" mostly, some "draft" and "closed".
    pub status: &'static str,
}

/// A supplier's or cluster's capability.
#[derive(Debug, Clone)]
pub struct DemoCapability {
    /// The key of the supplier or cluster that offers it.
    pub org_key: String,
    /// Short title.
    pub title: String,
    /// Two to six sentences on what is offered.
    pub description: String,
    /// One or more themes, as for needs.
    pub themes: Vec<&'static str>,
    /// Zero to three real 8-digit CPV codes that fit the capability's domain.
    pub cpv_codes: Vec<String>,
    /// County numbers where it is offered; empty exactly when national.
    pub counties: Vec<&'static str>,
    /// Whether it is offered in the whole country.
    pub national: bool,
    /// "idea", "prototype", "piloted" or "on_market".
    pub maturity: &'static str,
    /// Free keywords, lower case.
    pub keywords: Vec<String>,
    /// Earlier deliveries as free text, zero to three.
    pub references: Vec<String>,
    /// "nb", "nn" or "en".
    pub language: &'static str,
}

/// The whole demo registry.
#[derive(Debug, Clone)]
pub struct DemoRegistry {
    /// Buyers first, then suppliers, then clusters.
    pub orgs: Vec<DemoOrg>,
    /// The buyers' needs.
    pub needs: Vec<DemoNeed>,
    /// The suppliers' and clusters' capabilities.
    pub capabilities: Vec<DemoCapability>,
    /// Membership pairs: (cluster key, supplier key).
    pub cluster_members: Vec<(String, String)>,
}

/// The demo registry: >= 40 buyers (municipalities, county authorities, state agencies, health trusts),
/// >= 300 suppliers, 6 clusters (each with 8-25 member suppliers), 80 needs, 500 capabilities. Same output on every call.
pub fn registry() -> DemoRegistry {
    let world = World::build();
    let mut rng = StdRng::seed_from_u64(REGISTRY_SEED);

    // Two rounds over every domain first, so the small registry shows the whole breadth of
    // domains instead of whatever a random draw happens to favour.
    let mut needs = Vec::with_capacity(REGISTRY_NEEDS);
    for _ in 0..2 {
        for (d, buyers) in world.buyers_by_domain.iter().enumerate() {
            let b = buyers[idx(&mut rng, buyers.len())];
            needs.push(gen_need(&mut rng, &world, b, d));
        }
    }
    while needs.len() < REGISTRY_NEEDS {
        let b = idx(&mut rng, world.buyers.len());
        let d = pick(&mut rng, &world.buyers[b].domains);
        needs.push(gen_need(&mut rng, &world, b, d));
    }
    shuffle(&mut rng, &mut needs);

    // Every supplier gets at least one capability in its main domain; clusters get a few joint
    // offers; the rest go to random suppliers, as some companies register several.
    let mut capabilities = Vec::with_capacity(REGISTRY_CAPABILITIES);
    for (p, provider) in world.providers.iter().enumerate() {
        if provider.members > 0 {
            for _ in 0..CLUSTER_CAPABILITIES {
                let d = pick(&mut rng, &provider.domains);
                capabilities.push(gen_capability(&mut rng, &world, p, d));
            }
        } else {
            capabilities.push(gen_capability(&mut rng, &world, p, provider.domains[0]));
        }
    }
    let suppliers = world.providers.len() - CLUSTERS.len();
    while capabilities.len() < REGISTRY_CAPABILITIES {
        let p = idx(&mut rng, suppliers);
        let d = pick(&mut rng, &world.providers[p].domains);
        capabilities.push(gen_capability(&mut rng, &world, p, d));
    }
    shuffle(&mut rng, &mut capabilities);

    DemoRegistry {
        orgs: world.orgs,
        needs,
        capabilities,
        cluster_members: world.cluster_members,
    }
}

/// Bulk data for benchmarks: `needs` needs and `capabilities` capabilities from `seed`, spread over
/// the orgs of `registry()` (org_key refers to those). Must be fast: 100,000 items in well under 2 s in release.
pub fn bulk(seed: u64, needs: usize, capabilities: usize) -> (Vec<DemoNeed>, Vec<DemoCapability>) {
    let world = World::build();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out_needs = Vec::with_capacity(needs);
    for _ in 0..needs {
        let b = idx(&mut rng, world.buyers.len());
        let d = pick(&mut rng, &world.buyers[b].domains);
        out_needs.push(gen_need(&mut rng, &world, b, d));
    }
    let mut out_caps = Vec::with_capacity(capabilities);
    for _ in 0..capabilities {
        let p = idx(&mut rng, world.providers.len());
        let d = pick(&mut rng, &world.providers[p].domains);
        out_caps.push(gen_capability(&mut rng, &world, p, d));
    }
    (out_needs, out_caps)
}

// Separate seeds for organisations and for content, so `bulk` can rebuild exactly the same
// organisations as `registry` whatever seed it is given. The content seed was picked among a few
// so that the 80 registry needs show a representative language mix (about 20% English).
const ORG_SEED: u64 = 0x1A0_2024_0001;
const REGISTRY_SEED: u64 = 0x1A0_2024_0007;
const SUPPLIERS: usize = 320;
const REGISTRY_NEEDS: usize = 80;
const REGISTRY_CAPABILITIES: usize = 500;
const CLUSTER_CAPABILITIES: usize = 4;

// ---------------------------------------------------------------------------------------------
// Sampling helpers. All ranges are u32 so that the random stream is the same on 32- and 64-bit
// targets (rand samples `usize` ranges with the platform's width).

fn idx(rng: &mut StdRng, len: usize) -> usize {
    debug_assert!(len > 0);
    rng.gen_range(0..len as u32) as usize
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[idx(rng, items.len())]
}

fn pct(rng: &mut StdRng, percent: u32) -> bool {
    rng.gen_range(0..100u32) < percent
}

fn between(rng: &mut StdRng, low: u32, high_inclusive: u32) -> u32 {
    rng.gen_range(low..=high_inclusive)
}

/// Indices of `k` distinct items out of `len`, in random order.
fn distinct(rng: &mut StdRng, len: usize, k: usize) -> Vec<usize> {
    let k = k.min(len);
    let mut all: Vec<usize> = (0..len).collect();
    for i in 0..k {
        let j = i + idx(rng, len - i);
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

fn shuffle<T>(rng: &mut StdRng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = idx(rng, i + 1);
        items.swap(i, j);
    }
}

/// Picks from `(value, weight)` pairs.
fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.gen_range(0..total);
    for (item, w) in items {
        if r < *w {
            return *item;
        }
        r -= w;
    }
    items[items.len() - 1].0
}

// ---------------------------------------------------------------------------------------------
// Text composition.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Nb,
    Nn,
    En,
}

impl Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }
}

/// Values for the `{...}` placeholders in phrase templates.
struct Ctx<'a> {
    /// Bare place name ("Hamar").
    place: &'a str,
    /// Place with its preposition ("på Hamar", "i Bergen", "in Hamar").
    in_place: &'a str,
    org: &'a str,
    buyer: &'a str,
    n: u32,
    year: u32,
}

fn fill(template: &str, ctx: &Ctx) -> String {
    let mut out = String::with_capacity(template.len() + 24);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}').expect("unclosed placeholder in phrase");
        match &after[..end] {
            "place" => out.push_str(ctx.place),
            "i_place" => out.push_str(ctx.in_place),
            "org" => out.push_str(ctx.org),
            "buyer" => out.push_str(ctx.buyer),
            "n" => {
                let _ = write!(out, "{}", ctx.n);
            }
            "year" => {
                let _ = write!(out, "{}", ctx.year);
            }
            other => panic!("unknown placeholder {{{other}}} in phrase"),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Lower-cases the first letter unless the text starts with an acronym such as "KI".
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            let mut out: String = first.to_lowercase().collect();
            out.push_str(&text[first.len_utf8()..]);
            out
        }
        _ => text.to_string(),
    }
}

/// Splits an optional topic tag ("@0,2 text") from a phrase. Untagged phrases fit every topic
/// of their domain; tagged ones only the listed topics, which keeps a description consistent with
/// its title.
fn untag(phrase: &'static str) -> (Option<&'static str>, &'static str) {
    match phrase.strip_prefix('@') {
        Some(rest) => {
            let (tags, text) = rest
                .split_once(' ')
                .expect("tag must be followed by a space");
            (Some(tags), text)
        }
        None => (None, phrase),
    }
}

fn fits_topic(phrase: &str, topic: usize) -> bool {
    match phrase.strip_prefix('@') {
        Some(rest) => rest
            .split(' ')
            .next()
            .unwrap_or("")
            .split(',')
            .any(|t| t.parse::<usize>().ok() == Some(topic)),
        None => true,
    }
}

/// Splits an optional buyer scope ("[mc]text") from a phrase: letters name the buyer types the
/// phrase suits (m municipality, c county authority, s state, h health trust, o other), so that
/// only municipalities write about "kommunale veger".
fn unscope(text: &'static str) -> (Option<&'static str>, &'static str) {
    match text.strip_prefix('[') {
        Some(rest) => {
            let (letters, text) = rest.split_once(']').expect("unclosed buyer scope");
            (Some(letters), text)
        }
        None => (None, text),
    }
}

/// Whether a (tag-free) phrase suits buyers of type `scope`; `ANY` accepts every phrase.
fn in_scope(text: &str, scope: char) -> bool {
    scope == ANY
        || match text.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or("").contains(scope),
            None => true,
        }
}

const ANY: char = '*';

/// Up to `k` distinct phrases of `pool` that fit `topic` and `scope`, with their markers removed.
/// Phrases starting with '+' claim earlier deliveries, so they are left out unless `proven`.
/// When nothing suits the scope, the scope is dropped rather than leaving a gap in the text.
fn pick_for_topic(
    rng: &mut StdRng,
    pool: &[&'static str],
    topic: usize,
    proven: bool,
    scope: char,
    k: usize,
) -> Vec<&'static str> {
    let collect = |scope: char| -> Vec<&'static str> {
        pool.iter()
            .map(|p| (p, untag(p).1))
            .filter(|(p, text)| fits_topic(p, topic) && in_scope(text, scope))
            .map(|(_, text)| unscope(text).1)
            .filter(|text| proven || !text.starts_with('+'))
            .map(|text| text.trim_start_matches('+'))
            .collect()
    };
    let mut fitting = collect(scope);
    if fitting.is_empty() && k > 0 {
        fitting = collect(ANY);
    }
    distinct(rng, fitting.len(), k)
        .into_iter()
        .map(|i| fitting[i])
        .collect()
}

/// One of the '|'-separated alternatives of a phrase that suits `scope` (any, if none does).
fn alternative(rng: &mut StdRng, phrase: &'static str, scope: char) -> &'static str {
    let suits = |alt: &&'static str| in_scope(alt, scope);
    let count = phrase.split('|').filter(suits).count();
    let chosen = if count == 0 {
        let all = phrase.split('|').count();
        phrase.split('|').nth(idx(rng, all))
    } else {
        phrase.split('|').filter(suits).nth(idx(rng, count))
    };
    unscope(chosen.unwrap_or(phrase)).1
}

/// Splits "på Hamar" into ("på", "Hamar"); places without a preposition take "i".
fn split_place(place: &'static str) -> (&'static str, &'static str) {
    match place.strip_prefix("på ") {
        Some(bare) => ("på", bare),
        None => ("i", place),
    }
}

fn in_place(lang: Lang, place: &'static str) -> String {
    let (prep, bare) = split_place(place);
    let prep = if lang == Lang::En { "in" } else { prep };
    format!("{prep} {bare}")
}

/// ASCII slug for web and mail addresses: "Ålesund kommune" -> "alesund-kommune".
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'æ' => "ae",
            'ø' | 'ö' => "o",
            'å' | 'ä' => "a",
            'é' | 'è' => "e",
            'ü' => "u",
            '&' => "og",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                dash = false;
                continue;
            }
            _ => "-",
        };
        if mapped == "-" {
            if !dash && !out.is_empty() {
                out.push('-');
                dash = true;
            }
        } else {
            out.push_str(mapped);
            dash = false;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Counties and places.

const COUNTY_CODES: [&str; 15] = [
    "03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56",
];

fn county_name(code: &str) -> &'static str {
    match code {
        "03" => "Oslo",
        "11" => "Rogaland",
        "15" => "Møre og Romsdal",
        "18" => "Nordland",
        "31" => "Østfold",
        "32" => "Akershus",
        "33" => "Buskerud",
        "34" => "Innlandet",
        "39" => "Vestfold",
        "40" => "Telemark",
        "42" => "Agder",
        "46" => "Vestland",
        "50" => "Trøndelag",
        "55" => "Troms",
        "56" => "Finnmark",
        _ => "Norge",
    }
}

/// Towns and districts, with "på " where Norwegian uses that preposition ("på Hamar").
fn county_places(code: &str) -> &'static [&'static str] {
    match code {
        "03" => &[
            "Oslo",
            "Groruddalen",
            "Bjørvika",
            "Alna",
            "Nydalen",
            "Gamle Oslo",
        ],
        "11" => &[
            "Stavanger",
            "Sandnes",
            "Haugesund",
            "Ryfylke",
            "på Jæren",
            "på Karmøy",
            "Egersund",
        ],
        "15" => &[
            "Ålesund",
            "Molde",
            "Kristiansund",
            "på Sunnmøre",
            "Romsdal",
            "Volda",
            "Ulsteinvik",
        ],
        "18" => &[
            "Bodø",
            "Narvik",
            "Mo i Rana",
            "Lofoten",
            "Vesterålen",
            "på Helgeland",
            "Mosjøen",
        ],
        "31" => &[
            "Fredrikstad",
            "Sarpsborg",
            "Halden",
            "Moss",
            "på Hvaler",
            "Indre Østfold",
        ],
        "32" => &[
            "Bærum",
            "Asker",
            "på Lillestrøm",
            "på Ski",
            "på Jessheim",
            "på Nesodden",
            "Follo",
        ],
        "33" => &[
            "Drammen",
            "på Kongsberg",
            "på Hønefoss",
            "Hallingdal",
            "Lier",
            "Numedal",
        ],
        "34" => &[
            "på Hamar",
            "på Lillehammer",
            "på Gjøvik",
            "Elverum",
            "på Kongsvinger",
            "Valdres",
            "Gudbrandsdalen",
        ],
        "39" => &["Tønsberg", "Sandefjord", "Larvik", "Horten", "Holmestrand"],
        "40" => &[
            "Skien",
            "Porsgrunn",
            "på Notodden",
            "Kragerø",
            "Vest-Telemark",
            "Bamble",
        ],
        "42" => &[
            "Kristiansand",
            "Arendal",
            "Grimstad",
            "Mandal",
            "Flekkefjord",
            "Setesdal",
        ],
        "46" => &[
            "Bergen",
            "på Voss",
            "på Stord",
            "Førde",
            "Sogndal",
            "Hardanger",
            "på Askøy",
            "Bjørnafjorden",
        ],
        "50" => &[
            "Trondheim",
            "på Steinkjer",
            "Stjørdal",
            "Namsos",
            "Orkland",
            "på Hitra",
            "på Frøya",
        ],
        "55" => &[
            "Tromsø",
            "Harstad",
            "på Finnsnes",
            "på Senja",
            "Lyngen",
            "på Skjervøy",
        ],
        "56" => &[
            "Alta",
            "Hammerfest",
            "Vadsø",
            "Kirkenes",
            "Honningsvåg",
            "Vardø",
        ],
        _ => &["Norge"],
    }
}

/// Places on the coast or on Mjøsa, for ferries, fast ferries and ports.
fn coastal_places(code: &str) -> &'static [&'static str] {
    match code {
        "03" => &["Oslo", "Bjørvika"],
        "11" => &["Stavanger", "Haugesund", "Ryfylke", "på Karmøy", "Egersund"],
        "15" => &[
            "Ålesund",
            "Molde",
            "Kristiansund",
            "på Sunnmøre",
            "Ulsteinvik",
        ],
        "18" => &["Bodø", "Lofoten", "Vesterålen", "på Helgeland", "Narvik"],
        "31" => &["Fredrikstad", "på Hvaler", "Moss", "Halden"],
        "32" => &["på Nesodden", "Asker", "Bærum"],
        "33" => &["Drammen", "Lier"],
        "34" => &["på Hamar", "på Gjøvik"],
        "39" => &["Tønsberg", "Horten", "Larvik", "Sandefjord"],
        "40" => &["Kragerø", "Porsgrunn", "Bamble"],
        "42" => &["Kristiansand", "Arendal", "Mandal", "Grimstad"],
        "46" => &["Bergen", "på Stord", "Hardanger", "på Askøy", "Sogndal"],
        "50" => &["Trondheim", "på Hitra", "på Frøya", "Namsos"],
        "55" => &["Tromsø", "Harstad", "på Senja", "på Skjervøy"],
        "56" => &["Hammerfest", "Honningsvåg", "Vardø", "Vadsø"],
        _ => &["Norge"],
    }
}

fn places_for(code: &str, domain: &Domain) -> &'static [&'static str] {
    if domain.coastal {
        coastal_places(code)
    } else {
        county_places(code)
    }
}

fn neighbours(code: &str) -> &'static [&'static str] {
    match code {
        "03" => &["32"],
        "11" => &["42", "46"],
        "15" => &["46", "50", "34"],
        "18" => &["50", "55"],
        "31" => &["32"],
        "32" => &["03", "31", "33", "34"],
        "33" => &["32", "34", "39", "40", "46"],
        "34" => &["32", "33", "15", "50"],
        "39" => &["33", "40"],
        "40" => &["39", "33", "42", "46"],
        "42" => &["11", "40"],
        "46" => &["11", "15", "33", "40"],
        "50" => &["15", "18", "34"],
        "55" => &["18", "56"],
        "56" => &["55"],
        _ => &[],
    }
}

/// Rough share of companies per county, so suppliers cluster where people and industry are.
const COUNTY_WEIGHTS: [(&str, u32); 15] = [
    ("03", 14),
    ("32", 12),
    ("46", 12),
    ("50", 9),
    ("11", 9),
    ("34", 7),
    ("42", 6),
    ("33", 5),
    ("31", 5),
    ("39", 5),
    ("15", 6),
    ("18", 5),
    ("40", 3),
    ("55", 3),
    ("56", 1),
];

const MARITIME_COUNTIES: [&str; 6] = ["15", "46", "11", "18", "55", "50"];

fn sort_counties(counties: &mut Vec<&'static str>) {
    counties.sort_unstable();
    counties.dedup();
}

// ---------------------------------------------------------------------------------------------
// Organisations.

#[derive(Clone, Copy, PartialEq, Eq)]
enum BuyerType {
    Municipality,
    County,
    State,
    Health,
    Other,
}

impl BuyerType {
    /// The letter used in phrase scopes such as "[mc]".
    fn scope(self) -> char {
        match self {
            BuyerType::Municipality => 'm',
            BuyerType::County => 'c',
            BuyerType::State => 's',
            BuyerType::Health => 'h',
            BuyerType::Other => 'o',
        }
    }
}

struct BuyerSpec {
    name: &'static str,
    btype: BuyerType,
    county: &'static str,
    coastal: bool,
    nynorsk: bool,
    /// The buyer's own town, used in most of its texts.
    place: &'static str,
    /// Counties it serves; empty for national bodies.
    area: &'static [&'static str],
    /// Domain keys; empty means the defaults for its type.
    focus: &'static [&'static str],
}

const fn muni(
    name: &'static str,
    county: &'static str,
    place: &'static str,
    coastal: bool,
) -> BuyerSpec {
    BuyerSpec {
        name,
        btype: BuyerType::Municipality,
        county,
        coastal,
        nynorsk: false,
        place,
        area: &[],
        focus: &[],
    }
}

const fn muni_nn(
    name: &'static str,
    county: &'static str,
    place: &'static str,
    coastal: bool,
) -> BuyerSpec {
    BuyerSpec {
        nynorsk: true,
        ..muni(name, county, place, coastal)
    }
}

const fn fylke(
    name: &'static str,
    county: &'static str,
    coastal: bool,
    nynorsk: bool,
) -> BuyerSpec {
    BuyerSpec {
        name,
        btype: BuyerType::County,
        county,
        coastal,
        nynorsk,
        place: "",
        area: &[],
        focus: &[],
    }
}

const fn body(
    name: &'static str,
    btype: BuyerType,
    county: &'static str,
    area: &'static [&'static str],
    focus: &'static [&'static str],
) -> BuyerSpec {
    BuyerSpec {
        name,
        btype,
        county,
        coastal: true,
        nynorsk: false,
        place: "",
        area,
        focus,
    }
}

use BuyerType::{Health, Other, State};

const HOSPITAL: &[&str] = &["hosplog", "cloud", "casework", "welfare", "energy"];
const WASTE: &[&str] = &["waste"];

static BUYERS: &[BuyerSpec] = &[
    muni("Oslo kommune", "03", "Oslo", true),
    muni("Bergen kommune", "46", "Bergen", true),
    muni("Trondheim kommune", "50", "Trondheim", true),
    muni("Stavanger kommune", "11", "Stavanger", true),
    muni("Kristiansand kommune", "42", "Kristiansand", true),
    muni("Tromsø kommune", "55", "Tromsø", true),
    muni("Bodø kommune", "18", "Bodø", true),
    muni("Ålesund kommune", "15", "Ålesund", true),
    muni("Drammen kommune", "33", "Drammen", true),
    muni("Fredrikstad kommune", "31", "Fredrikstad", true),
    muni("Bærum kommune", "32", "Bærum", true),
    muni("Lillestrøm kommune", "32", "på Lillestrøm", false),
    muni("Hamar kommune", "34", "på Hamar", false),
    muni("Lillehammer kommune", "34", "på Lillehammer", false),
    muni("Gjøvik kommune", "34", "på Gjøvik", false),
    muni("Molde kommune", "15", "Molde", true),
    muni("Alta kommune", "56", "Alta", true),
    muni("Hammerfest kommune", "56", "Hammerfest", true),
    muni("Skien kommune", "40", "Skien", true),
    muni("Tønsberg kommune", "39", "Tønsberg", true),
    muni("Arendal kommune", "42", "Arendal", true),
    muni("Haugesund kommune", "11", "Haugesund", true),
    muni_nn("Voss herad", "46", "på Voss", false),
    muni_nn("Sunnfjord kommune", "46", "Førde", true),
    muni_nn("Volda kommune", "15", "Volda", true),
    muni_nn("Stord kommune", "46", "på Stord", true),
    muni("Narvik kommune", "18", "Narvik", true),
    muni("Steinkjer kommune", "50", "på Steinkjer", true),
    muni("Kongsberg kommune", "33", "på Kongsberg", false),
    muni("Halden kommune", "31", "Halden", true),
    muni("Harstad kommune", "55", "Harstad", true),
    muni("Vadsø kommune", "56", "Vadsø", true),
    muni("Larvik kommune", "39", "Larvik", true),
    fylke("Rogaland fylkeskommune", "11", true, false),
    fylke("Møre og Romsdal fylkeskommune", "15", true, true),
    fylke("Nordland fylkeskommune", "18", true, false),
    fylke("Østfold fylkeskommune", "31", true, false),
    fylke("Akershus fylkeskommune", "32", true, false),
    fylke("Buskerud fylkeskommune", "33", true, false),
    fylke("Innlandet fylkeskommune", "34", false, false),
    fylke("Vestfold fylkeskommune", "39", true, false),
    fylke("Telemark fylkeskommune", "40", true, false),
    fylke("Agder fylkeskommune", "42", true, false),
    fylke("Vestland fylkeskommune", "46", true, true),
    fylke("Trøndelag fylkeskommune", "50", true, false),
    fylke("Troms fylkeskommune", "55", true, false),
    fylke("Finnmark fylkeskommune", "56", true, false),
    body(
        "Statens vegvesen",
        State,
        "03",
        &[],
        &[
            "ferry",
            "snow",
            "concrete",
            "machinery",
            "charging",
            "casework",
            "reuse",
        ],
    ),
    body(
        "Statsbygg",
        State,
        "03",
        &[],
        &["timber", "concrete", "reuse", "energy", "machinery"],
    ),
    body(
        "Arbeids- og velferdsetaten",
        State,
        "03",
        &[],
        &["casework", "cloud"],
    ),
    body("Skatteetaten", State, "03", &[], &["casework", "cloud"]),
    body(
        "Digitaliseringsdirektoratet",
        State,
        "46",
        &[],
        &["cloud", "casework"],
    ),
    body(
        "Kystverket",
        State,
        "15",
        &[],
        &["shorepower", "cloud", "casework", "energy"],
    ),
    body(
        "Miljødirektoratet",
        State,
        "50",
        &[],
        &["waste", "casework", "reuse", "cloud"],
    ),
    body(
        "Forsvarsbygg",
        State,
        "03",
        &[],
        &["energy", "timber", "reuse", "concrete", "machinery"],
    ),
    body(
        "Helsedirektoratet",
        State,
        "03",
        &[],
        &["welfare", "cloud", "casework"],
    ),
    body(
        "Husbanken",
        State,
        "33",
        &[],
        &["casework", "welfare", "timber"],
    ),
    body("Helse Vest RHF", Health, "11", &["11", "46"], HOSPITAL),
    body(
        "Helse Sør-Øst RHF",
        Health,
        "34",
        &["03", "31", "32", "33", "34", "39", "40", "42"],
        HOSPITAL,
    ),
    body(
        "Helse Midt-Norge RHF",
        Health,
        "50",
        &["15", "50"],
        HOSPITAL,
    ),
    body(
        "Helse Nord RHF",
        Health,
        "18",
        &["18", "55", "56"],
        HOSPITAL,
    ),
    body(
        "Oslo universitetssykehus HF",
        Health,
        "03",
        &["03"],
        HOSPITAL,
    ),
    body("Helse Bergen HF", Health, "46", &["46"], HOSPITAL),
    body("St. Olavs hospital HF", Health, "50", &["50"], HOSPITAL),
    body(
        "Universitetssykehuset Nord-Norge HF",
        Health,
        "55",
        &["55", "56"],
        HOSPITAL,
    ),
    body(
        "Sykehusbygg HF",
        Health,
        "50",
        &[],
        &[
            "timber",
            "concrete",
            "reuse",
            "energy",
            "machinery",
            "hosplog",
        ],
    ),
    body(
        "Sykehusinnkjøp HF",
        Health,
        "56",
        &[],
        &["hosplog", "welfare", "cloud"],
    ),
    body(
        "Ruter AS",
        Other,
        "03",
        &["03", "32"],
        &["ebus", "ondemand", "charging", "fastferry"],
    ),
    body(
        "AtB AS",
        Other,
        "50",
        &["50"],
        &["ebus", "ondemand", "fastferry"],
    ),
    body(
        "Kolumbus AS",
        Other,
        "11",
        &["11"],
        &["ebus", "fastferry", "ondemand"],
    ),
    body(
        "Nye Veier AS",
        Other,
        "42",
        &[],
        &["concrete", "machinery", "snow", "reuse"],
    ),
    body(
        "Bane NOR SF",
        Other,
        "03",
        &[],
        &["concrete", "machinery", "energy", "snow"],
    ),
    body("IVAR IKS", Other, "11", &["11"], &["water", "waste"]),
    body("Innherred Renovasjon IKS", Other, "50", &["50"], WASTE),
    body("BIR AS", Other, "46", &["46"], WASTE),
    body("Romerike Avfallsforedling IKS", Other, "32", &["32"], WASTE),
    body(
        "Nedre Romerike Vannverk IKS",
        Other,
        "32",
        &["32"],
        &["water"],
    ),
];

const MUNICIPAL_DOMAINS: &[&str] = &[
    "welfare",
    "casework",
    "cloud",
    "concrete",
    "timber",
    "reuse",
    "machinery",
    "charging",
    "schoolmeals",
    "water",
    "waste",
    "snow",
    "energy",
    "ondemand",
    "shorepower",
];
const COUNTY_DOMAINS: &[&str] = &[
    "ferry",
    "fastferry",
    "ebus",
    "ondemand",
    "schoolmeals",
    "snow",
    "concrete",
    "timber",
    "reuse",
    "energy",
    "charging",
    "casework",
    "cloud",
    "machinery",
];

struct ClusterSpec {
    name: &'static str,
    county: &'static str,
    domains: &'static [&'static str],
}

static CLUSTERS: &[ClusterSpec] = &[
    ClusterSpec {
        name: "Blue Shift Maritime Cluster",
        county: "15",
        domains: &["ferry", "fastferry", "shorepower"],
    },
    ClusterSpec {
        name: "Nordic Welfare Tech Cluster",
        county: "32",
        domains: &["welfare", "hosplog"],
    },
    ClusterSpec {
        name: "Klimabygg Vest",
        county: "46",
        domains: &["concrete", "timber", "reuse", "machinery", "energy"],
    },
    ClusterSpec {
        name: "Fremtidens Mobilitet Trøndelag",
        county: "50",
        domains: &["charging", "ebus", "ondemand", "snow"],
    },
    ClusterSpec {
        name: "GovTech Nord",
        county: "18",
        domains: &["casework", "cloud"],
    },
    ClusterSpec {
        name: "Sirkulær Ressursklynge Rogaland",
        county: "11",
        domains: &["waste", "water", "reuse", "schoolmeals"],
    },
];

/// Compoundable name stems ("Fjord" + "båt" -> "Fjordbåt").
const NAME_STEMS: &[&str] = &[
    "Fjord", "Nord", "Kyst", "Vest", "Sør", "Aust", "Fjell", "Hav", "Bølge", "Storm", "Polar",
    "Furu", "Bjørk", "Gran", "Elv", "Skjær", "Vik", "Tind", "Dal", "Lyng", "Sol", "Sjø", "Bre",
    "Øy", "Foss", "Vind", "Lys", "Grønn", "Blå", "Myr", "Stein", "Nes", "Arktis", "Midnatt",
];
const SURNAMES: &[&str] = &[
    "Hansen",
    "Berg",
    "Haugland",
    "Solberg",
    "Lunde",
    "Moen",
    "Eide",
    "Aasen",
    "Bakke",
    "Nygård",
    "Sæther",
    "Hagen",
    "Tveit",
    "Lien",
    "Kvam",
    "Sandvik",
    "Ødegård",
    "Fossum",
    "Holm",
    "Rønning",
    "Myhre",
    "Bjerke",
    "Hovland",
    "Skaar",
    "Vatne",
    "Grønli",
    "Brekke",
    "Løvås",
    "Hauge",
    "Strand",
    "Nordic",
    "Arctic",
    "Smart",
    "Clear",
];
const NAME_TAILS: &[&str] = &["Vest", "Nord", "Norge", "Midt", "Sør"];

const SIZES: [(&str, u32); 4] = [("micro", 46), ("small", 34), ("medium", 14), ("large", 6)];

struct Buyer {
    key: String,
    name: &'static str,
    btype: BuyerType,
    county: &'static str,
    place: &'static str,
    area: &'static [&'static str],
    nynorsk: bool,
    domains: Vec<usize>,
}

struct Provider {
    key: String,
    name: String,
    county: &'static str,
    size: Option<&'static str>,
    /// Main domain first.
    domains: Vec<usize>,
    /// Member count for clusters, 0 for suppliers.
    members: u32,
}

struct World {
    orgs: Vec<DemoOrg>,
    buyers: Vec<Buyer>,
    providers: Vec<Provider>,
    cluster_members: Vec<(String, String)>,
    buyers_by_domain: Vec<Vec<usize>>,
}

fn domain_index(key: &str) -> usize {
    DOMAINS
        .iter()
        .position(|d| d.key == key)
        .unwrap_or_else(|| panic!("unknown demo domain {key}"))
}

/// MOD11 check digit over the first eight digits, `None` where the remainder gives 10.
fn check_digit(first_eight: u32) -> Option<u32> {
    const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];
    let mut digits = [0u32; 8];
    let mut rest = first_eight;
    for d in digits.iter_mut().rev() {
        *d = rest % 10;
        rest /= 10;
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        d => Some(d),
    }
}

fn new_orgnr(rng: &mut StdRng, first_digit: u32, used: &mut BTreeSet<u32>) -> String {
    loop {
        let prefix = first_digit * 10_000_000 + rng.gen_range(0..10_000_000u32);
        if let Some(check) = check_digit(prefix) {
            let full = prefix * 10 + check;
            if used.insert(full) {
                return format!("{full:09}");
            }
        }
    }
}

impl World {
    fn build() -> World {
        let mut rng = StdRng::seed_from_u64(ORG_SEED);
        let mut used_orgnr = BTreeSet::new();
        let mut orgs = Vec::with_capacity(BUYERS.len() + SUPPLIERS + CLUSTERS.len());

        let mut buyers = Vec::with_capacity(BUYERS.len());
        let mut buyers_by_domain = vec![Vec::new(); DOMAINS.len()];
        for (i, spec) in BUYERS.iter().enumerate() {
            let key = format!("buyer-{:03}", i + 1);
            let (sector, default_domains, area): (&str, &[&str], &'static [&'static str]) =
                match spec.btype {
                    BuyerType::Municipality => {
                        ("municipality", MUNICIPAL_DOMAINS, county_slice(spec.county))
                    }
                    BuyerType::County => ("county", COUNTY_DOMAINS, county_slice(spec.county)),
                    BuyerType::State | BuyerType::Health => ("state", &[], spec.area),
                    BuyerType::Other => ("other", &[], spec.area),
                };
            let keys = if spec.focus.is_empty() {
                default_domains
            } else {
                spec.focus
            };
            let domains: Vec<usize> = keys
                .iter()
                .map(|k| domain_index(k))
                .filter(|&d| spec.coastal || !DOMAINS[d].coastal)
                .collect();
            for &d in &domains {
                buyers_by_domain[d].push(i);
            }
            let s = slug(spec.name);
            orgs.push(DemoOrg {
                key: key.clone(),
                kind: "buyer",
                orgnr: new_orgnr(&mut rng, 9, &mut used_orgnr),
                name: spec.name.to_string(),
                sector: Some(sector),
                size: None,
                county: Some(spec.county),
                website: Some(format!("https://www.{s}.no")),
                contact_email: Some(format!("postmottak@{s}.example")),
            });
            buyers.push(Buyer {
                key,
                name: spec.name,
                btype: spec.btype,
                county: spec.county,
                place: spec.place,
                area,
                nynorsk: spec.nynorsk,
                domains,
            });
        }

        // An even spread of main domains, shuffled so neighbouring keys differ in domain.
        let mut mains: Vec<usize> = (0..SUPPLIERS).map(|i| i % DOMAINS.len()).collect();
        shuffle(&mut rng, &mut mains);
        let mut names = BTreeSet::new();
        let mut providers = Vec::with_capacity(SUPPLIERS + CLUSTERS.len());
        for (i, &main) in mains.iter().enumerate() {
            let domain = &DOMAINS[main];
            let mut domains = vec![main];
            if pct(&mut rng, 35) {
                let related: Vec<usize> = (0..DOMAINS.len())
                    .filter(|&o| {
                        o != main && DOMAINS[o].themes.iter().any(|t| domain.themes.contains(t))
                    })
                    .collect();
                if !related.is_empty() {
                    domains.push(pick(&mut rng, &related));
                }
            }
            let county = if domain.coastal && pct(&mut rng, 80) {
                pick(&mut rng, &MARITIME_COUNTIES)
            } else {
                weighted(&mut rng, &COUNTY_WEIGHTS)
            };
            let size = weighted(&mut rng, &SIZES);
            let name = supplier_name(&mut rng, domain, &mut names);
            let s = slug(name.trim_end_matches(" AS"));
            let key = format!("supplier-{:03}", i + 1);
            let website =
                (size != "micro" || pct(&mut rng, 70)).then(|| format!("https://www.{s}.no"));
            let mailbox = pick(
                &mut rng,
                &["post", "post", "post", "kontakt", "firmapost", "hei"],
            );
            let first_digit = if pct(&mut rng, 55) { 9 } else { 8 };
            orgs.push(DemoOrg {
                key: key.clone(),
                kind: "supplier",
                orgnr: new_orgnr(&mut rng, first_digit, &mut used_orgnr),
                name: name.clone(),
                sector: None,
                size: Some(size),
                county: Some(county),
                website,
                contact_email: pct(&mut rng, 92).then(|| format!("{mailbox}@{s}.example")),
            });
            providers.push(Provider {
                key,
                name,
                county,
                size: Some(size),
                domains,
                members: 0,
            });
        }

        let mut cluster_members = Vec::new();
        for (c, spec) in CLUSTERS.iter().enumerate() {
            let key = format!("cluster-{:03}", c + 1);
            let wanted: Vec<usize> = spec.domains.iter().map(|k| domain_index(k)).collect();
            let eligible: Vec<usize> = (0..SUPPLIERS)
                .filter(|&p| providers[p].domains.iter().any(|d| wanted.contains(d)))
                .collect();
            let count = between(&mut rng, 8, 25) as usize;
            let mut chosen: Vec<usize> = distinct(&mut rng, eligible.len(), count)
                .into_iter()
                .map(|e| eligible[e])
                .collect();
            chosen.sort_unstable();
            for &p in &chosen {
                cluster_members.push((key.clone(), providers[p].key.clone()));
            }
            let s = slug(spec.name);
            orgs.push(DemoOrg {
                key: key.clone(),
                kind: "cluster",
                orgnr: new_orgnr(&mut rng, 9, &mut used_orgnr),
                name: spec.name.to_string(),
                sector: None,
                size: None,
                county: Some(spec.county),
                website: Some(format!("https://www.{s}.no")),
                contact_email: Some(format!("post@{s}.example")),
            });
            providers.push(Provider {
                key,
                name: spec.name.to_string(),
                county: spec.county,
                size: None,
                domains: wanted,
                members: chosen.len() as u32,
            });
        }

        World {
            orgs,
            buyers,
            providers,
            cluster_members,
            buyers_by_domain,
        }
    }
}

/// A one-county slice with a static lifetime.
fn county_slice(code: &str) -> &'static [&'static str] {
    let i = COUNTY_CODES
        .iter()
        .position(|c| *c == code)
        .unwrap_or_else(|| panic!("unknown county {code}"));
    std::slice::from_ref(&COUNTY_CODES[i])
}

fn supplier_name(rng: &mut StdRng, domain: &Domain, taken: &mut BTreeSet<String>) -> String {
    loop {
        let suffix = pick(rng, domain.name_suffixes);
        let mut name = if let Some(tail) = suffix.strip_prefix('+') {
            format!("{}{}", pick(rng, NAME_STEMS), tail)
        } else if pct(rng, 50) {
            format!("{} {}", pick(rng, NAME_STEMS), suffix)
        } else {
            format!("{} {}", pick(rng, SURNAMES), suffix)
        };
        if pct(rng, 12) {
            name.push(' ');
            name.push_str(pick(rng, NAME_TAILS));
        }
        name.push_str(" AS");
        if taken.insert(name.clone()) {
            return name;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Needs and capabilities.

fn choose_lang(rng: &mut StdRng, nynorsk_area: bool) -> Lang {
    let r = rng.gen_range(0..100u32);
    if nynorsk_area {
        match r {
            0..=44 => Lang::Nn,
            45..=59 => Lang::En,
            _ => Lang::Nb,
        }
    } else {
        match r {
            0..=1 => Lang::Nn,
            2..=22 => Lang::En,
            _ => Lang::Nb,
        }
    }
}

fn themes_for(rng: &mut StdRng, domain: &Domain) -> Vec<&'static str> {
    let mut themes = vec![domain.themes[0]];
    for t in &domain.themes[1..] {
        if pct(rng, 70) {
            themes.push(t);
        }
    }
    themes
}

fn cpv_for(rng: &mut StdRng, domain: &Domain) -> Vec<String> {
    let count = weighted(rng, &[(0usize, 10), (1, 35), (2, 35), (3, 20)]);
    distinct(rng, domain.cpv.len(), count)
        .into_iter()
        .map(|i| domain.cpv[i].to_string())
        .collect()
}

/// Round contract values on a roughly logarithmic grid (1, 1.2, 1.5, 2 ... 8 times a power of
/// ten), which is how buyers state estimates, without any floating point.
fn estimated_value(rng: &mut StdRng, domain: &Domain) -> i64 {
    const MANTISSAS: [i64; 10] = [10, 12, 15, 20, 25, 30, 40, 50, 60, 80];
    let (low, high) = domain.value_nok;
    let mut grid = Vec::with_capacity(40);
    let mut power = 1i64;
    for _ in 0..10 {
        for m in MANTISSAS {
            let v = m * power;
            if v >= low && v <= high {
                grid.push(v);
            }
        }
        power *= 10;
    }
    pick(rng, &grid)
}

fn need_place(
    rng: &mut StdRng,
    buyer: &Buyer,
    domain: &Domain,
    counties: &[&'static str],
) -> &'static str {
    match buyer.btype {
        // A municipality writes about itself, not about the neighbouring towns.
        BuyerType::Municipality => buyer.place,
        BuyerType::County if !domain.coastal && pct(rng, 35) => county_name(buyer.county),
        BuyerType::County | BuyerType::Other => pick(rng, places_for(buyer.county, domain)),
        BuyerType::State | BuyerType::Health => {
            // National bodies write about a concrete place inside the counties the need covers.
            let county = if counties.is_empty() {
                pick(rng, &COUNTY_CODES)
            } else {
                pick(rng, counties)
            };
            pick(rng, places_for(county, domain))
        }
    }
}

fn need_counties(rng: &mut StdRng, buyer: &Buyer, domain: &Domain) -> Vec<&'static str> {
    let mut counties: Vec<&'static str> = buyer.area.to_vec();
    match buyer.btype {
        BuyerType::State if !pct(rng, 65) => {
            let pool: &[&'static str] = if domain.coastal {
                &MARITIME_COUNTIES
            } else {
                &COUNTY_CODES
            };
            let k = between(rng, 1, 3) as usize;
            counties = distinct(rng, pool.len(), k)
                .into_iter()
                .map(|i| pool[i])
                .collect();
        }
        BuyerType::Municipality | BuyerType::County | BuyerType::Other
            if !counties.is_empty() && pct(rng, 12) =>
        {
            counties.push(pick(rng, neighbours(buyer.county)));
        }
        _ => {}
    }
    sort_counties(&mut counties);
    counties
}

fn gen_need(rng: &mut StdRng, world: &World, b: usize, d: usize) -> DemoNeed {
    let buyer = &world.buyers[b];
    let domain = &DOMAINS[d];
    let lang = choose_lang(rng, buyer.nynorsk);
    let text = domain.text(lang);
    let generic = generic(lang);
    let counties = need_counties(rng, buyer, domain);
    let place = need_place(rng, buyer, domain, &counties);
    let in_place = in_place(lang, place);
    let ctx = Ctx {
        place: split_place(place).1,
        in_place: &in_place,
        org: buyer.name,
        buyer: buyer.name,
        n: between(rng, 4, 30),
        year: 2026,
    };

    // Title and goal share an index, so both describe the same topic; topics whose every title
    // is scoped to other kinds of buyers are skipped.
    let scope = buyer.btype.scope();
    let topics: Vec<usize> = (0..text.need_titles.len())
        .filter(|&t| {
            text.need_titles[t]
                .split('|')
                .any(|alt| in_scope(alt, scope))
        })
        .collect();
    let topic = if topics.is_empty() {
        idx(rng, text.need_titles.len())
    } else {
        pick(rng, &topics)
    };
    let title_template = alternative(rng, text.need_titles[topic], scope);
    let mut title = fill(title_template, &ctx);
    if !title_template.contains("place}") && pct(rng, 30) {
        title.push_str(" – ");
        title.push_str(ctx.place);
    }

    let mut parts = Vec::with_capacity(5);
    for problem in pick_for_topic(rng, text.need_problems, topic, true, scope, 1) {
        parts.push(fill(problem, &ctx));
    }
    parts.push(fill(alternative(rng, text.need_goals[topic], scope), &ctx));
    let details = weighted(rng, &[(0usize, 25), (1, 50), (2, 25)]);
    for detail in pick_for_topic(rng, text.need_details, topic, true, scope, details) {
        parts.push(fill(detail, &ctx));
    }
    if pct(rng, 40) {
        parts.push(pick(rng, generic.need_closers).to_string());
    }

    let estimated_value_nok = pct(rng, 75).then(|| estimated_value(rng, domain));
    let planned_tender_date = pct(rng, 80).then(|| {
        let start = NaiveDate::from_ymd_opt(2027, 1, 1).expect("valid date");
        start + Days::new(u64::from(rng.gen_range(0..731u32)))
    });
    let status = weighted(rng, &[("open", 85), ("draft", 8), ("closed", 7)]);

    DemoNeed {
        org_key: buyer.key.clone(),
        title,
        description: parts.join(" "),
        themes: themes_for(rng, domain),
        cpv_codes: cpv_for(rng, domain),
        national: counties.is_empty(),
        counties,
        language: lang.code(),
        estimated_value_nok,
        planned_tender_date,
        status,
    }
}

fn gen_capability(rng: &mut StdRng, world: &World, p: usize, d: usize) -> DemoCapability {
    let provider = &world.providers[p];
    let is_cluster = provider.members > 0;
    let domain = &DOMAINS[d];
    let nynorsk_area = matches!(provider.county, "46" | "15") && pct(rng, 55);
    let lang = choose_lang(rng, nynorsk_area);
    let text = domain.text(lang);
    let generic = generic(lang);
    let place = pick(rng, places_for(provider.county, domain));
    let in_place_text = in_place(lang, place);
    let ctx = Ctx {
        place: split_place(place).1,
        in_place: &in_place_text,
        org: &provider.name,
        buyer: "",
        n: provider.members,
        year: 2026,
    };

    // Title, offer, details and references share a topic, so they describe the same thing.
    let topic = idx(rng, text.cap_titles.len());
    let mut title = fill(alternative(rng, text.cap_titles[topic], ANY), &ctx);
    if is_cluster && pct(rng, 40) {
        title = format!("{}{}", generic.cluster_title_prefix, lower_first(&title));
    }

    let maturity = if is_cluster {
        weighted(
            rng,
            &[("prototype", 10), ("piloted", 40), ("on_market", 50)],
        )
    } else {
        weighted(
            rng,
            &[
                ("idea", 10),
                ("prototype", 20),
                ("piloted", 30),
                ("on_market", 40),
            ],
        )
    };
    let proven = matches!(maturity, "piloted" | "on_market");

    let mut parts = Vec::with_capacity(6);
    if is_cluster {
        parts.push(fill(pick(rng, generic.cluster_intros), &ctx));
    }
    parts.push(fill(alternative(rng, text.cap_offers[topic], ANY), &ctx));
    let details = if is_cluster {
        1
    } else {
        weighted(rng, &[(1usize, 60), (2, 40)])
    };
    for detail in pick_for_topic(rng, text.cap_details, topic, proven, ANY, details) {
        parts.push(fill(detail, &ctx));
    }
    if let Some(size) = provider.size {
        if pct(rng, 45) {
            let i = SIZES.iter().position(|(s, _)| *s == size).unwrap_or(0);
            parts.push(fill(pick(rng, generic.about[i]), &ctx));
        }
    }
    if pct(rng, 65) {
        let pool = match maturity {
            "idea" => generic.maturity_idea,
            "prototype" => generic.maturity_prototype,
            "piloted" => generic.maturity_piloted,
            _ => generic.maturity_on_market,
        };
        parts.push(pick(rng, pool).to_string());
    }
    if pct(rng, 25) {
        parts.push(pick(rng, generic.cap_closers).to_string());
    }

    let national = if is_cluster {
        pct(rng, 70)
    } else {
        let p = match provider.size {
            Some("micro") => 15,
            Some("small") => 30,
            Some("medium") => 55,
            _ => 80,
        };
        pct(rng, p)
    };
    let mut counties = Vec::new();
    if !national {
        counties.push(provider.county);
        let near = neighbours(provider.county);
        let extra = between(rng, 0, 2) as usize;
        for i in distinct(rng, near.len(), extra) {
            counties.push(near[i]);
        }
        sort_counties(&mut counties);
    }

    let keyword_pool = if lang == Lang::En {
        domain.keywords_en
    } else {
        domain.keywords_nb
    };
    let keyword_count = between(rng, 3, 6) as usize;
    let keywords = distinct(rng, keyword_pool.len(), keyword_count)
        .into_iter()
        .map(|i| keyword_pool[i].to_string())
        .collect();

    let reference_count = match maturity {
        "idea" => 0,
        "prototype" => between(rng, 0, 1),
        "piloted" => between(rng, 1, 2),
        _ if is_cluster => between(rng, 0, 2),
        _ => between(rng, 1, 3),
    } as usize;
    let buyers = &world.buyers_by_domain[d];
    let mut references = Vec::with_capacity(reference_count);
    for template in pick_for_topic(rng, text.refs, topic, true, ANY, reference_count) {
        let buyer = &world.buyers[buyers[idx(rng, buyers.len())]];
        let ref_place = if pct(rng, 60) {
            place
        } else {
            pick(rng, places_for(buyer.county, domain))
        };
        let ref_in_place = in_place(lang, ref_place);
        let ref_ctx = Ctx {
            place: split_place(ref_place).1,
            in_place: &ref_in_place,
            org: &provider.name,
            buyer: buyer.name,
            n: between(rng, 3, 40),
            year: between(rng, 2017, 2025),
        };
        references.push(fill(template, &ref_ctx));
    }

    DemoCapability {
        org_key: provider.key.clone(),
        title,
        description: parts.join(" "),
        themes: themes_for(rng, domain),
        cpv_codes: cpv_for(rng, domain),
        national: counties.is_empty(),
        counties,
        maturity,
        keywords,
        references,
        language: lang.code(),
    }
}

// ---------------------------------------------------------------------------------------------
// Phrase pools. Every sentence entry is exactly one sentence (descriptions are counted in
// sentences). Placeholders: {place}, {i_place} ("i Bergen", "på Hamar"), {org}, {buyer}, {n},
// {year}.

struct Generic {
    need_closers: &'static [&'static str],
    cap_closers: &'static [&'static str],
    cluster_intros: &'static [&'static str],
    cluster_title_prefix: &'static str,
    maturity_idea: &'static [&'static str],
    maturity_prototype: &'static [&'static str],
    maturity_piloted: &'static [&'static str],
    maturity_on_market: &'static [&'static str],
    /// About the company, by size: micro, small, medium, large.
    about: [&'static [&'static str]; 4],
}

fn generic(lang: Lang) -> &'static Generic {
    match lang {
        Lang::Nb => &GENERIC_NB,
        Lang::Nn => &GENERIC_NN,
        Lang::En => &GENERIC_EN,
    }
}

static GENERIC_NB: Generic = Generic {
    need_closers: &[
        "Vi ønsker dialog med leverandører før vi bestemmer anskaffelsesprosedyre.",
        "Vi er åpne for løsninger som ikke finnes på markedet i dag, og vurderer innovasjonspartnerskap.",
        "Andre offentlige virksomheter med samme behov er velkomne til å slå seg sammen med oss.",
        "Vi planlegger en åpen dialogkonferanse der leverandører kan gi innspill på behovet.",
        "Vi beskriver behovet, ikke løsningen, og ønsker forslag fra både små og store aktører.",
        "Leverandørsamarbeid og klynger er velkomne til å melde interesse.",
        "Innspill fra markedet vil bli brukt til å utforme konkurransegrunnlaget.",
    ],
    cap_closers: &[
        "Vi deltar gjerne i markedsdialog og felles anskaffelser.",
        "Vi samarbeider gjerne med andre leverandører om en helhetlig leveranse.",
        "Gjennom partnere kan vi levere i hele landet.",
        "Ta kontakt for en demonstrasjon eller et befaringsbesøk.",
        "Vi stiller gjerne opp i innovasjonspartnerskap med offentlige innkjøpere.",
    ],
    cluster_intros: &[
        "{org} samler {n} medlemsbedrifter som til sammen dekker hele verdikjeden.",
        "Gjennom {org} kan offentlige innkjøpere møte {n} bedrifter med relevant kompetanse på ett sted.",
        "Klyngen består av {n} bedrifter som har gått sammen for å gi offentlige kunder helhetlige løsninger.",
    ],
    cluster_title_prefix: "Felles tilbud fra klyngen: ",
    maturity_idea: &[
        "Løsningen er på idéstadiet, og vi søker en offentlig partner som vil utvikle den sammen med oss.",
        "Vi har et ferdig konsept og ønsker å teste det mot reelle behov.",
    ],
    maturity_prototype: &[
        "Vi har en fungerende prototype og ser etter en pilotkunde.",
        "En prototype er testet under kontrollerte forhold, og neste steg er utprøving i ordinær drift.",
    ],
    maturity_piloted: &[
        "Løsningen er prøvd ut i et pilotprosjekt med gode resultater.",
        "Vi har gjennomført pilot med en offentlig kunde og er klare for større leveranser.",
    ],
    maturity_on_market: &[
        "Løsningen er i kommersiell drift hos flere kunder.",
        "Løsningen er tilgjengelig i dag og kan leveres på kort varsel.",
        "Vi har levert løsningen i flere år og har et etablert serviceapparat.",
    ],
    about: [
        &[
            "{org} er et lite selskap med base {i_place} og kort vei fra idé til levering.",
            "Vi er et lite team med høy fagkompetanse og stor fleksibilitet.",
            "Selskapet ble etablert for få år siden av gründere med lang erfaring fra bransjen.",
        ],
        &[
            "{org} har hovedkontor {i_place} og rundt 20 ansatte.",
            "Vi er et voksende selskap med kunder i flere fylker.",
            "Vi har egne utviklere og prosjektledere og kan ta ansvar for hele leveransen.",
        ],
        &[
            "{org} har om lag 120 ansatte og kontorer i flere byer.",
            "Vi har levert til offentlige kunder i mer enn 15 år.",
        ],
        &[
            "{org} er en av de største aktørene i bransjen, med kontorer over hele landet.",
            "Vi har kapasitet til store leveranser og lang erfaring med offentlige anskaffelser.",
        ],
    ],
};

static GENERIC_NN: Generic = Generic {
    need_closers: &[
        "Vi ønskjer dialog med leverandørar før vi vel anskaffingsprosedyre.",
        "Andre offentlege verksemder med same behov er velkomne til å gå saman med oss.",
        "Vi er opne for løysingar som ikkje finst på marknaden i dag.",
        "Innspel frå marknaden vil bli brukte når vi skriv konkurransegrunnlaget.",
    ],
    cap_closers: &[
        "Vi tek gjerne del i marknadsdialog og felles anskaffingar.",
        "Vi samarbeider gjerne med andre leverandørar om ei heilskapleg leveranse.",
        "Ta kontakt for ei demonstrasjon.",
    ],
    cluster_intros: &[
        "{org} samlar {n} medlemsbedrifter som til saman dekkjer heile verdikjeda.",
        "Gjennom {org} kan offentlege innkjøparar møte {n} bedrifter med relevant kompetanse på éin stad.",
    ],
    cluster_title_prefix: "Felles tilbod frå klynga: ",
    maturity_idea: &["Løysinga er på idéstadiet, og vi søkjer ein offentleg partnar som vil utvikle ho saman med oss."],
    maturity_prototype: &["Vi har ein fungerande prototype og ser etter ein pilotkunde."],
    maturity_piloted: &["Løysinga er prøvd ut i eit pilotprosjekt med gode resultat."],
    maturity_on_market: &[
        "Løysinga er i kommersiell drift hos fleire kundar.",
        "Løysinga er tilgjengeleg i dag og kan leverast på kort varsel.",
    ],
    about: [
        &["{org} er eit lite selskap med base {i_place}.", "Vi er eit lite team med høg fagkompetanse."],
        &["{org} har hovudkontor {i_place} og rundt 20 tilsette."],
        &["{org} har om lag 120 tilsette og kontor i fleire byar."],
        &["{org} er ein av dei største aktørane i bransjen, med kontor over heile landet."],
    ],
};

static GENERIC_EN: Generic = Generic {
    need_closers: &[
        "We would like to talk to suppliers before deciding on a procurement procedure.",
        "We are open to solutions that do not yet exist on the market and are considering an innovation partnership.",
        "Other public bodies with the same need are welcome to join us.",
        "We plan an open market dialogue where suppliers can comment on the need.",
        "Consortia of small and large suppliers are welcome.",
    ],
    cap_closers: &[
        "We are happy to take part in market dialogues and joint procurements.",
        "We welcome partnerships with other suppliers for a complete delivery.",
        "Through partners we can deliver anywhere in Norway.",
        "Contact us for a demonstration or a site visit.",
    ],
    cluster_intros: &[
        "{org} brings together {n} member companies covering the whole value chain.",
        "Through {org}, public buyers can meet {n} companies with relevant expertise in one place.",
        "The cluster's {n} member companies have joined forces to offer public customers complete solutions.",
    ],
    cluster_title_prefix: "Joint offer from the cluster: ",
    maturity_idea: &[
        "The solution is at the idea stage, and we are looking for a public partner to develop it with us.",
        "We have a finished concept and want to test it against real needs.",
    ],
    maturity_prototype: &[
        "We have a working prototype and are looking for a pilot customer.",
        "A prototype has been tested under controlled conditions, and the next step is a trial in regular operation.",
    ],
    maturity_piloted: &[
        "The solution has been trialled in a pilot project with good results.",
        "We have completed a pilot with a public customer and are ready for larger deliveries.",
    ],
    maturity_on_market: &[
        "The solution is in commercial operation with several customers.",
        "The solution is available today and can be delivered at short notice.",
    ],
    about: [
        &[
            "{org} is a small company based in {place} that moves quickly from idea to delivery.",
            "We are a small, specialised team.",
        ],
        &[
            "{org} is based in {place} and has around 20 employees.",
            "We are a growing company with customers in several counties.",
        ],
        &[
            "{org} has about 120 employees and offices in several cities.",
            "We have served public customers for more than 15 years.",
        ],
        &[
            "{org} is one of the largest companies in the field, with offices across Norway.",
            "We have the capacity for large deliveries and long experience with public procurement.",
        ],
    ],
};

/// One language's phrases for a domain.
///
/// Titles define topics: `need_goals[i]` belongs to `need_titles[i]` and `cap_offers[i]` to
/// `cap_titles[i]`. Other phrases fit every topic unless tagged "@i,j ". A '|' separates
/// alternative wordings of titles, goals and offers. After the tag, "[mc]" limits a need phrase to
/// some kinds of buyers and a leading '+' marks a capability phrase that claims earlier deliveries.
struct Text {
    need_titles: &'static [&'static str],
    need_problems: &'static [&'static str],
    need_goals: &'static [&'static str],
    need_details: &'static [&'static str],
    cap_titles: &'static [&'static str],
    cap_offers: &'static [&'static str],
    cap_details: &'static [&'static str],
    refs: &'static [&'static str],
}

struct Domain {
    key: &'static str,
    themes: &'static [&'static str],
    /// Real CPV 2008 codes, checked against the CPV table.
    cpv: &'static [&'static str],
    /// Range for estimated contract values, NOK.
    value_nok: (i64, i64),
    /// Only for buyers and suppliers on the coast.
    coastal: bool,
    keywords_nb: &'static [&'static str],
    keywords_en: &'static [&'static str],
    /// Company name endings; a leading '+' joins the ending to a stem ("Fjord" + "båt").
    name_suffixes: &'static [&'static str],
    nb: Text,
    nn: Text,
    en: Text,
}

impl Domain {
    fn text(&self, lang: Lang) -> &Text {
        match lang {
            Lang::Nb => &self.nb,
            Lang::Nn => &self.nn,
            Lang::En => &self.en,
        }
    }
}

const CLIMATE: &str = "climate_environment";
const HEALTH: &str = "health_welfare";
const DIGITAL: &str = "digitalisation";
const MOBILITY: &str = "mobility_transport";
const BUILDINGS: &str = "buildings_infrastructure";
const OTHER: &str = "other";

static DOMAINS: &[Domain] = &[
    // Zero-emission car ferries.
    Domain {
        key: "ferry",
        themes: &[MOBILITY, CLIMATE],
        cpv: &["34512100", "60610000", "50241200", "31434000", "34953100", "45213341", "34500000", "50242000"],
        value_nok: (50_000_000, 2_000_000_000),
        coastal: true,
        keywords_nb: &["ferje", "ferge", "elferje", "batteri", "lading", "ferjekai", "nullutslipp", "hybrid", "energilagring", "landstrøm", "hydrogen", "fergesamband"],
        keywords_en: &["ferry", "battery", "electric propulsion", "zero emission", "charging", "hybrid", "shore power", "hydrogen", "energy storage", "ferry quay"],
        name_suffixes: &["Marine", "Maritime", "Marine Elektro", "Skipsteknikk", "Propulsion", "Ship Design", "+ferje", "Maritim Energi"],
        nb: Text {
            need_titles: &[
                "Utslippsfri drift av ferjesambandene {i_place}|Nullutslippsferjer {i_place} fra neste kontraktsperiode|[c]Overgang til elektriske ferger på fylkesvegsambandene",
                "Lade- og energiløsning for ferjekaiene {i_place}|Energiforsyning til elferjer ved kaier med svakt strømnett",
                "Hydrogen eller batteri på lange fergestrekninger|Utslippsfri drift på de lengste ferjesambandene",
                "Ombygging av dieselferjer til elektrisk drift|Hybridisering av eksisterende ferjeflåte",
                "Lavere energibruk i ferjedriften|Energieffektiv drift av ferjesambandene {i_place}",
            ],
            need_goals: &[
                "Vi trenger en løsning som gir utslippsfri ferjedrift med minst samme regularitet som i dag.|Målet er at overfarten skal kunne gjennomføres uten fossilt drivstoff, også i vinterhalvåret med mye vind og tett rutetabell.",
                "Vi søker løsninger for energilagring på land som kan jevne ut effekttoppene når ferja lader ved kai.|Vi ønsker å se energiforsyning, lading og fartøy i sammenheng, slik at samlet kostnad over kontraktsperioden blir lavest mulig.",
                "Vi ønsker innspill på hvilke energibærere som er realistiske der ren batteridrift ikke strekker til.|Målet er en utslippsfri løsning også for samband med lang overfartstid og korte liggetider.",
                "Vi ønsker innspill på hvordan eksisterende ferger kan bygges om til hybrid eller helelektrisk drift i stedet for å erstattes.|Vi trenger en løsning som kutter utslippene fra dagens ferjer i resten av levetiden deres.",
                "Vi søker løsninger som reduserer energiforbruket per overfart gjennom bedre styring av fart, lading og rutetider.|Målet er å bruke mindre energi per overfart uten at rutetilbudet blir dårligere.",
            ],
            need_problems: &[
                "Ferjesambandene {i_place} står i dag for en stor del av klimagassutslippene fra transport i regionen.",
                "@0,1,2 Flere av fergekontraktene våre løper ut, og de nye kontraktene skal etter politisk vedtak være utslippsfrie.",
                "@1 Kapasiteten i strømnettet ved flere ferjekaier {i_place} er for svak til å lade store batteripakker i løpet av korte liggetider.",
                "@2 På de lengste fergestrekningene {i_place} er overfartstiden for lang til at ren batteridrift er realistisk med dagens teknologi.",
                "@3 Dagens ferjer er mellom 20 og 35 år gamle og går på diesel, men har fortsatt mange år igjen av levetiden.",
                "@0,4 Trafikken på sambandet har økt jevnt, og vi trenger mer kapasitet uten at utslippene øker.",
                "@4 Energikostnadene i ferjedriften har økt kraftig de siste årene.",
            ],
            need_details: &[
                "Løsningen må fungere med dagens kaianlegg eller med begrensede ombygginger.",
                "Reserveløsninger ved strømbrudd og lave temperaturer er en viktig del av behovet.",
                "Vi legger vekt på at mannskapet får opplæring og at driftsdata deles med oss.",
                "Fremdriften må tilpasses kontraktsstart for det nye driftsanbudet.",
                "[c]Vi vurderer å gå sammen med nabofylket om en felles anskaffelse for flere samband.",
                "@1 Landstrøm under nattopplag er også ønskelig.",
                "@2 Bunkring av hydrogen må kunne skje trygt og nær sambandet.",
            ],
            cap_titles: &[
                "Batterielektrisk fremdrift for ferjer|Batterisystemer og elektrisk fremdrift til ferger",
                "Ombygging av dieselferger til hybrid drift|Hybridisering av eksisterende ferjer",
                "Automatisk ladeplugg for ferjekai|Ladetårn med automatisk tilkobling for elferjer",
                "Design av nullutslippsferjer|Skipsdesign for energieffektive ferger",
                "Energistyring og ruteoptimalisering for elferjer|Beslutningsstøtte for energieffektiv ferjedrift",
                "Batteribank på land for ferjekaier med svakt nett|Energilager på kai for ferjelading",
                "Hydrogenbasert fremdrift for lange fergesamband|Brenselceller for ferjer",
            ],
            cap_offers: &[
                "Vi leverer komplette batterisystemer og elektrisk fremdrift for ferjer fra 20 til 120 personbilenheter.",
                "Vi bygger om eksisterende dieselferger til hybrid eller helelektrisk drift, inkludert batterirom, kjøling og styringssystem.",
                "Vi har utviklet en automatisk ladekontakt som kobler ferja til strøm i løpet av sekunder etter at den har lagt til kai.",
                "Vi prosjekterer nullutslippsferjer med lav vekt og en skrogform som gir lavere energiforbruk per overfart.",
                "Vår programvare samler sanntidsdata fra fartøyet og gir mannskapet råd om fart og ladetid som sparer energi.",
                "Vi leverer landbaserte batteribanker som lades sakte fra nettet og gir høy effekt til ferja når den ligger ved kai.",
                "Vi leverer brenselcellesystemer og hydrogenlagring for ferjer på samband der batteri alene ikke strekker til.",
            ],
            cap_details: &[
                "@0,1,2,5,6 Systemet er klassegodkjent og tilpasset norske værforhold.",
                "@0,1,2,5 +Løsningen er i drift på flere samband langs kysten, med regularitet over 99 prosent.",
                "Vi tar ansvar for hele kjeden fra energianalyse og design til installasjon og service.",
                "Vi har egen serviceorganisasjon med døgnvakt {i_place}.",
                "Driftsdata kan deles med oppdragsgiver i åpne formater.",
                "@0,1,3 Løsningen kan kombineres med biodiesel eller hydrogen som reserve.",
                "@4 Mannskapet får anbefalingene på en skjerm på broen.",
            ],
            refs: &[
                "@1 Ombygging av ferje til hybrid drift for {buyer} ({year})",
                "@0,2,5 Batteri- og ladeløsning på ferjesamband {i_place}, {year}",
                "Forprosjekt for utslippsfrie fergesamband, {buyer}, {year}",
                "@2 Automatisk ladeplugg på ferjekai {i_place} ({year})",
                "@3 Design av elferje for {buyer} ({year})",
                "@4 Energistyring på {n} ferjer for {buyer} ({year})",
                "@6 Konseptstudie for hydrogenferje, {buyer}, {year}",
            ],
        },
        nn: Text {
            need_titles: &[
                "Utsleppsfri drift av ferjesambanda {i_place}|Elektriske ferjer i neste kontraktsperiode",
                "Lading og energiforsyning på ferjekaiane {i_place}",
                "Ombygging av dieselferjer til elektrisk drift",
            ],
            need_goals: &[
                "Vi treng ei løysing som gjev utsleppsfri ferjedrift med minst like god regularitet som i dag.",
                "Vi søkjer løysingar for energilagring på land som kan jamne ut effekttoppane når ferja ladar ved kai.",
                "Vi ønskjer innspel på korleis eksisterande ferjer kan byggjast om til hybrid eller heilelektrisk drift.",
            ],
            need_problems: &[
                "Ferjesambanda {i_place} står for ein stor del av klimagassutsleppa frå transport i regionen.",
                "@0 Fleire av ferjekontraktane våre går ut, og dei nye kontraktane skal vere utsleppsfrie.",
                "@1 Straumnettet ved fleire ferjekaiar er for svakt til å lade store batteri i løpet av korte liggjetider.",
                "@2 Ferjene våre går på diesel, men har framleis mange år att av levetida.",
            ],
            need_details: &[
                "Løysinga må fungere med dagens kaianlegg eller med avgrensa ombyggingar.",
                "Reserveløysingar ved straumbrot er ein viktig del av behovet.",
                "Mannskapet må få opplæring, og driftsdata skal delast med oss.",
            ],
            cap_titles: &["Batterielektrisk framdrift for ferjer", "Ombygging av dieselferjer til hybrid drift", "Automatisk ladekontakt for ferjekaiar"],
            cap_offers: &[
                "Vi leverer komplette batterisystem og elektrisk framdrift for ferjer.",
                "Vi byggjer om eksisterande dieselferjer til hybrid eller heilelektrisk drift.",
                "Ladekontakten vår koplar ferja til straum nokre sekund etter at ho har lagt til kai.",
            ],
            cap_details: &["Systemet er klassegodkjent og tilpassa norske vêrtilhøve.", "Vi har eiga serviceavdeling med døgnvakt {i_place}."],
            refs: &["@1 Ombygging av ferje til hybrid drift for {buyer} ({year})", "Ladeløysing på ferjesamband {i_place}, {year}"],
        },
        en: Text {
            need_titles: &[
                "Zero-emission operation of the ferry routes in {place}|Battery-electric ferries for the next contract period",
                "Charging and energy supply for ferry quays in {place}",
                "Hydrogen or battery power on long ferry crossings",
                "Converting diesel ferries to electric propulsion",
            ],
            need_goals: &[
                "We need a solution that delivers zero-emission ferry operation with at least today's reliability.|The crossing should be possible without fossil fuel, also in winter with strong winds and a tight timetable.",
                "We want to plan energy supply, charging and vessels together to lower the total cost over the contract period.",
                "We would like input on which energy carriers are realistic where batteries alone are not enough.",
                "We would like input on how existing ferries can be converted to hybrid or fully electric propulsion instead of being replaced.",
            ],
            need_problems: &[
                "The ferry routes in {place} account for a large share of the region's transport emissions.",
                "@0,2 Several of our ferry contracts expire soon, and by political decision the new contracts must be zero-emission.",
                "@1 The grid capacity at several ferry quays is too weak to charge large battery packs during short port stays.",
                "@2 On our longest routes the crossing takes too long for battery-only operation with today's technology.",
                "@3 Our ferries are between 20 and 35 years old and run on diesel, but still have many years of service left.",
            ],
            need_details: &[
                "The solution must work with the existing quays or with limited modifications.",
                "Backup in case of power cuts and low temperatures is an important part of the need.",
                "We expect crew training and access to operational data.",
                "[c]We are considering a joint procurement with the neighbouring county for several routes.",
            ],
            cap_titles: &[
                "Battery-electric propulsion for ferries",
                "Hybrid conversion of diesel ferries",
                "Automatic charging connector for ferry quays",
                "Energy management for electric ferries",
                "Shore-side battery storage for weak grids",
            ],
            cap_offers: &[
                "We deliver complete battery systems and electric propulsion for ferries from 20 to 120 car units.",
                "We convert existing diesel ferries to hybrid or fully electric operation, including battery rooms, cooling and control systems.",
                "Our automatic charging connector links the ferry to shore power within seconds of docking.",
                "Our software collects real-time data from the vessel and advises the crew on speed and charging time to save energy.",
                "We supply shore-side battery banks that charge slowly from the grid and deliver high power to the ferry at the quay.",
            ],
            cap_details: &[
                "@0,1,2,4 The system is class-approved and designed for Norwegian weather conditions.",
                "@0,1,2,4 +The solution is in operation on several coastal routes with reliability above 99 percent.",
                "We take responsibility for the whole chain from energy analysis and design to installation and service.",
                "Operational data can be shared with the customer in open formats.",
                "Our service team in {place} is on call around the clock.",
            ],
            refs: &[
                "@1 Hybrid conversion of a ferry for {buyer} ({year})",
                "@0,2,4 Battery and charging solution for a ferry route in {place}, {year}",
                "Feasibility study for zero-emission ferry routes, {buyer}, {year}",
            ],
        },
    },
    // Fast passenger ferries.
    Domain {
        key: "fastferry",
        themes: &[MOBILITY, CLIMATE],
        cpv: &["34520000", "34521000", "60600000", "60653000", "31122100", "24111600", "50244000", "60651100"],
        value_nok: (20_000_000, 800_000_000),
        coastal: true,
        keywords_nb: &["hurtigbåt", "passasjerbåt", "elektrisk hurtigbåt", "hydrogen", "brenselcelle", "batteri", "karbonkompositt", "hydrofoil", "hekkbølge", "øysamfunn", "sjøtransport"],
        keywords_en: &["fast ferry", "passenger vessel", "high-speed craft", "hydrogen", "fuel cell", "battery", "hydrofoil", "carbon composite", "island communities", "wake wash"],
        name_suffixes: &["Båtbyggeri", "Composite", "+båt", "Foil", "Hurtigbåtdesign", "Yard", "Boats"],
        nb: Text {
            need_titles: &[
                "Utslippsfrie hurtigbåtruter {i_place}|Hurtigbåter med batteri eller hydrogen fra 2029|Fremtidens hurtigbåttilbud i distriktene",
                "Lettere og mer energieffektive hurtigbåter|Passasjerbåter med lavere energibehov per reisende",
                "Hurtigbåt med små hekkbølger i skjermet farvann|Mindre bølgeslag fra hurtigbåttrafikken {i_place}",
                "Ladeinfrastruktur for elektriske hurtigbåter {i_place}|Energiforsyning i endepunktene av hurtigbåtrutene",
            ],
            need_goals: &[
                "Vi trenger et hurtigbåttilbud med lave eller ingen utslipp som holder dagens reisetid.|Vi ønsker å vite hvilke kombinasjoner av fartøy, energibærer og ladepunkter som gir et realistisk utslippsfritt rutetilbud.",
                "Vi søker fartøykonsepter med lavere vekt og lavere energibehov per passasjer.",
                "Vi trenger fartøy som holder rutetiden uten å skape skadelige bølger for anlegg og båter langs leia.",
                "Behovet gjelder lading og energiforsyning i endepunktene av rutene, tilpasset korte snutider.",
            ],
            need_problems: &[
                "Hurtigbåtene {i_place} bruker mye diesel, og sjøtransporten er blant de største utslippskildene våre.",
                "@0,1 Hurtigbåtrutene binder sammen øysamfunn som ikke har vegforbindelse, og tilbudet må opprettholdes hele året.",
                "@0,3 Batterielektriske hurtigbåter har i dag begrenset rekkevidde, og flere av rutene våre er over 60 nautiske mil.",
                "@2 Hekkbølger fra dagens hurtigbåter skaper problemer for oppdrettsanlegg og småbåthavner langs leia.",
                "@1 Passasjertallet på hurtigbåtrutene {i_place} varierer mye mellom sommer og vinter.",
                "@3 Kaiene i de små havnene har svakt strømnett og lite plass til nye anlegg.",
            ],
            need_details: &[
                "Fartøyene må tåle åpent farvann og kunne operere i mørke og dårlig vær.",
                "Universell utforming og god plass til sykler og barnevogner er viktig.",
                "Vi ser gjerne at løsningen kan skaleres til flere ruter i regionen.",
                "@0,3 Hydrogen må kunne leveres og lagres trygt i små havner.",
                "Rutetilbudet må opprettholdes i hele overgangsperioden.",
            ],
            cap_titles: &[
                "Elektrisk hurtigbåt i karbonkompositt|Batterielektriske passasjerbåter",
                "Foilende passasjerbåt med lavt energiforbruk|Hydrofoilbåt for regionale ruter",
                "Hydrogendrevet hurtigbåt for lange ruter|Brenselceller og hydrogenlagring for hurtigbåter",
                "Hurtiglading for passasjerbåter|Ladestasjon for elektriske hurtigbåter",
                "Skrogdesign som gir mindre hekkbølger|Lavbølgeskrog for hurtigbåter",
            ],
            cap_offers: &[
                "Vi designer og bygger elektriske hurtigbåter i karbonkompositt for 80 til 150 passasjerer.",
                "Vi har utviklet en passasjerbåt med hydrofoiler som reduserer energibehovet kraftig sammenlignet med en konvensjonell hurtigbåt.",
                "Vi leverer brenselcellesystemer og hydrogenlagring tilpasset hurtigbåter på lange ruter.",
                "Vi leverer ladestasjoner for hurtigbåter som gir full lading i løpet av en vanlig snutid.",
                "Vi utvikler skrog som gir lav hekkbølge og god komfort i åpent farvann.",
            ],
            cap_details: &[
                "@0,1,2,4 Båtene bygges ved vårt verft {i_place}.",
                "@0,1,2,4 Konseptet er tanktestet og verifisert med simuleringer av reelle ruteprofiler.",
                "@0,1,2 Vi kan tilby leasing av fartøy slik at operatøren slipper store investeringer.",
                "@0,1,2,4 Fartøyene oppfyller kravene til universell utforming.",
                "Vi samarbeider med rederier og operatører om opplæring av mannskap.",
                "@3 Laderen tar liten plass på kaia og kan kobles til et energilager på land.",
            ],
            refs: &[
                "@0 Elektrisk hurtigbåt levert til rute {i_place} ({year})",
                "Ruteanalyse for utslippsfrie hurtigbåter for {buyer}, {year}",
                "@1 Testdrift med foilende passasjerbåt {i_place}, {year}",
                "@3 Ladestasjon for hurtigbåt {i_place} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Utsleppsfrie snøggbåtruter {i_place}|Snøggbåtar med batteri eller hydrogen", "Lading for elektriske snøggbåtar {i_place}"],
            need_goals: &[
                "Vi treng eit snøggbåttilbod med låge eller ingen utslepp som held dagens reisetid.",
                "Vi ønskjer å vite kva for ladepunkt og energilager som trengst i endepunkta av rutene.",
            ],
            need_problems: &[
                "Snøggbåtane {i_place} brukar mykje diesel, og sjøtransporten er blant dei største utsleppskjeldene våre.",
                "@0 Snøggbåtrutene bind saman øysamfunn utan vegsamband, og tilbodet må haldast oppe heile året.",
                "@1 Kaiane i dei små hamnene har svakt straumnett.",
            ],
            need_details: &["Fartøya må tole ope farvatn og dårleg vêr.", "Universell utforming og god plass til syklar er viktig."],
            cap_titles: &["Elektrisk snøggbåt i karbonkompositt", "Hydrogendriven snøggbåt for lange ruter"],
            cap_offers: &[
                "Vi designar og byggjer elektriske snøggbåtar i karbonkompositt.",
                "Vi leverer brenselcellesystem og hydrogenlagring tilpassa snøggbåtar på lange ruter.",
            ],
            cap_details: &["Båtane blir bygde ved verftet vårt {i_place}.", "Konseptet er tanktesta og verifisert med simuleringar av verkelege ruteprofilar."],
            refs: &["@0 Elektrisk snøggbåt levert til rute {i_place} ({year})"],
        },
        en: Text {
            need_titles: &[
                "Zero-emission fast ferry routes in {place}|Battery or hydrogen fast ferries from 2029",
                "Lighter and more energy-efficient passenger vessels",
                "Charging infrastructure for electric fast ferries",
            ],
            need_goals: &[
                "We need a fast ferry service with low or zero emissions that keeps today's travel times.|We want to know which combinations of vessel, energy carrier and charging points give a realistic zero-emission service.",
                "We are looking for vessel concepts with lower weight and lower energy use per passenger.",
                "We need charging and energy supply at the route ends that fit short turnaround times.",
            ],
            need_problems: &[
                "The fast ferries in {place} burn a lot of diesel, and sea transport is one of our largest sources of emissions.",
                "@0,1 The fast ferry routes connect island communities without road links, and the service must run all year.",
                "@0,2 Battery-electric fast ferries still have limited range, and several of our routes are longer than 60 nautical miles.",
                "@1 Wake wash from today's fast ferries causes problems for fish farms and marinas along the fairway.",
            ],
            need_details: &[
                "The vessels must handle open water and operate in darkness and bad weather.",
                "Universal design and room for bicycles and prams are important.",
                "@0,2 Hydrogen must be delivered and stored safely in small harbours.",
            ],
            cap_titles: &["Electric fast ferry in carbon composite", "Foiling passenger vessel with low energy use", "Hydrogen-powered fast ferry for long routes", "Fast charging for passenger vessels"],
            cap_offers: &[
                "We design and build electric fast ferries in carbon composite for 80 to 150 passengers.",
                "Our hydrofoil passenger vessel cuts energy use sharply compared with a conventional fast ferry.",
                "We deliver fuel cell systems and hydrogen storage adapted to fast ferries on long routes.",
                "We supply charging stations that fully charge a fast ferry during a normal turnaround.",
            ],
            cap_details: &[
                "@0,1,2 The vessels are built at our yard in {place}.",
                "@0,1,2 The concept has been tank-tested and verified against real route profiles.",
                "@0,1,2 We can lease vessels so that the operator avoids large investments.",
                "We train crews together with the operators.",
            ],
            refs: &["@0 Electric fast ferry delivered for a route in {place} ({year})", "Route analysis for zero-emission fast ferries for {buyer}, {year}"],
        },
    },
    // Shore power and charging in ports.
    Domain {
        key: "shorepower",
        themes: &[CLIMATE, MOBILITY],
        cpv: &["45315300", "31321500", "34931000", "63721200", "45241000", "31682000", "31213400"],
        value_nok: (5_000_000, 250_000_000),
        coastal: true,
        keywords_nb: &["landstrøm", "havn", "kai", "cruiseskip", "lading", "effektstyring", "nettkapasitet", "fiskefartøy", "utslipp ved kai", "havnestrøm"],
        keywords_en: &["shore power", "port", "quay", "cruise ships", "charging", "load management", "grid capacity", "fishing vessels", "emissions at berth"],
        name_suffixes: &["Havnekraft", "+havn Energi", "Shore Power", "Elektro", "Kaikraft", "Port Energy"],
        nb: Text {
            need_titles: &[
                "Landstrøm til cruiseskip og ferjer {i_place}|Landstrøm for store skip ved kai",
                "[m]Lading for fiskefartøy og arbeidsbåter i kommunale havner|Ladepunkter for elektriske fartøy i småbåthavner og fiskerihavner",
                "Effektstyring for havn med mange strømkunder|Betaling og styring av havnestrøm",
                "Utslippsfri havn {i_place}|Plan for nullutslipp fra skip i havna",
            ],
            need_goals: &[
                "Vi trenger landstrøm som dekker de store fartøyene som faktisk anløper havna, uten at nettet må bygges ut mer enn nødvendig.",
                "Vi trenger ladepunkter for mindre fartøy som er enkle å bruke og kan bygges ut trinnvis.",
                "Vi søker løsninger for effektstyring slik at flere fartøy kan lade samtidig, og der brukerne betaler for strømmen de bruker.",
                "Målet er å redusere utslipp og støy fra skip som ligger ved kai, og vi ønsker innspill på hvilke tiltak som gir mest effekt.",
            ],
            need_problems: &[
                "Skip som ligger til kai {i_place} kjører aggregat på diesel, noe som gir støy og lokal luftforurensning i sentrum.",
                "@0,3 Havna har ikke tilstrekkelig kapasitet i strømnettet til å forsyne store skip med landstrøm.",
                "@1,2 Flere rederier og fiskere har bestilt elektriske fartøy, men havna mangler ladepunkter.",
                "@1,2,3 Det er uklart hvem som skal eie, drifte og betale for landstrømanleggene i mindre havner.",
            ],
            need_details: &[
                "Anlegget må tåle salt sjøsprøyt og ising om vinteren.",
                "Vi samarbeider med nettselskapet om tilknytning.",
                "Løsningen bør kunne utvides trinnvis etter hvert som flere fartøy blir elektriske.",
                "@0,1 Standardiserte tilkoblinger er et krav.",
            ],
            cap_titles: &[
                "Landstrømanlegg for cruise og ferjer|Høyspent landstrøm for store skip",
                "Mobil landstrømenhet for mindre havner|Flyttbar landstrøm i container",
                "Effektstyring og betaling for havnestrøm|Plattform for deling av havnestrøm",
                "Ladestasjon for elektriske arbeidsbåter|Lading for fiskefartøy og oppdrettsbåter",
            ],
            cap_offers: &[
                "Vi leverer landstrømanlegg for skip fra 0,5 til 16 MW, med frekvensomforming og standardiserte tilkoblinger.",
                "Vi har utviklet en containerbasert landstrømenhet som kan flyttes mellom havner etter behov.",
                "Vår plattform fordeler effekten mellom fartøyene i havna og fakturerer hver bruker for strømmen de bruker.",
                "Vi leverer ladestasjoner for oppdrettsbåter, arbeidsbåter og fiskefartøy.",
            ],
            cap_details: &[
                "Vi tar ansvar for søknad om nettilknytning og dialog med nettselskapet.",
                "@0,1,3 Anleggene er bygd for tøffe forhold på kaia.",
                "Vi tilbyr drift og vedlikehold som tjeneste.",
                "@2,3 Betaling kan skje via app eller avtale med rederiet.",
                "Vi har montører {i_place}.",
            ],
            refs: &[
                "@0 Landstrømanlegg i havna {i_place} ({year})",
                "@1 Mobil landstrøm til {buyer}, {year}",
                "Mulighetsstudie for landstrøm for {buyer} ({year})",
                "@3 Ladestasjon for arbeidsbåter {i_place}, {year}",
            ],
        },
        nn: Text {
            need_titles: &["Landstraum til skip i hamna {i_place}", "[m]Lading for fartøy i kommunale hamner|Lading for elektriske fartøy i fiskerihamner"],
            need_goals: &[
                "Vi treng landstraum som dekkjer dei store fartøya som faktisk kjem til hamna.",
                "Vi treng ladepunkt for mindre fartøy som kan byggjast ut trinnvis.",
            ],
            need_problems: &[
                "Skip som ligg ved kai {i_place} køyrer aggregat på diesel, og det gjev støy og lokal luftforureining.",
                "@0 Hamna har ikkje nok kapasitet i straumnettet til å forsyne store skip med landstraum.",
                "@1 Fleire fiskarar har bestilt elektriske fartøy, men hamna manglar ladepunkt.",
            ],
            need_details: &["Anlegget må tole salt sjøsprøyt og ising om vinteren.", "Løysinga bør kunne byggjast ut trinnvis."],
            cap_titles: &["Landstraumanlegg for cruise og ferjer", "Mobil landstraumeining for mindre hamner"],
            cap_offers: &[
                "Vi leverer landstraumanlegg for skip med standardiserte tilkoplingar.",
                "Vi har utvikla ei containerbasert landstraumeining som kan flyttast mellom hamner.",
            ],
            cap_details: &["Vi tek ansvar for søknad om nettilknyting.", "Vi har montørar {i_place}."],
            refs: &["@0 Landstraumanlegg i hamna {i_place} ({year})"],
        },
        en: Text {
            need_titles: &["Shore power for cruise ships and ferries in {place}", "[m]Charging for fishing vessels and workboats in municipal ports|Charging for fishing vessels and workboats in small ports", "Load management for a port with many power users"],
            need_goals: &[
                "We need shore power that covers the large vessels that actually call at the port without more grid expansion than necessary.",
                "We need charge points for smaller vessels that are easy to use and can be expanded step by step.",
                "We are looking for load management so that several vessels can charge at once and each user pays for the power used.",
            ],
            need_problems: &[
                "Ships at berth in {place} run diesel generators, causing noise and local air pollution in the city centre.",
                "@0 The port lacks the grid capacity to supply large ships with shore power.",
                "@1,2 Several shipping companies and fishers have ordered electric vessels, but the port has no charging points.",
            ],
            need_details: &[
                "The installation must withstand salt spray and icing in winter.",
                "@0,1 Standardised connectors are a requirement.",
                "The solution should be expandable step by step as more vessels go electric.",
            ],
            cap_titles: &["Shore power systems for cruise and ferries", "Mobile shore power unit for small ports", "Load management and billing for port power"],
            cap_offers: &[
                "We deliver shore power systems for ships from 0.5 to 16 MW, with frequency conversion and standard connectors.",
                "We have developed a containerised shore power unit that can be moved between ports as needed.",
                "Our platform shares the available power between vessels in the port and bills each user for their consumption.",
            ],
            cap_details: &["We handle the grid connection application and the dialogue with the grid company.", "We offer operation and maintenance as a service."],
            refs: &["@0 Shore power installation in the port of {place} ({year})", "Feasibility study on shore power for {buyer} ({year})"],
        },
    },
    // Welfare technology in home and residential care.
    Domain {
        key: "welfare",
        themes: &[HEALTH, DIGITAL],
        cpv: &["33196100", "35121700", "79711000", "33195000", "85312400", "48180000", "33196000", "85311100"],
        value_nok: (1_000_000, 60_000_000),
        coastal: false,
        keywords_nb: &["velferdsteknologi", "digitalt tilsyn", "trygghetsalarm", "medisindispenser", "hjemmetjeneste", "responssenter", "fallsensor", "omsorgsbolig", "digital hjemmeoppfølging", "eldreomsorg", "sensorer"],
        keywords_en: &["welfare technology", "digital supervision", "social alarm", "medication dispenser", "home care", "response centre", "fall detection", "remote monitoring", "elderly care", "sensors"],
        name_suffixes: &["Omsorgsteknologi", "Care", "Trygghet", "Helse", "Welfare Tech", "+trygg", "Sensor", "Health"],
        nb: Text {
            need_titles: &[
                "[m]Digitalt tilsyn om natten i hjemmetjenesten|[m]Nattilsyn uten å vekke brukerne|[m]Sensorer som varsler fall og uro",
                "[m]Trygghetsalarm som også fungerer utenfor hjemmet|[m]Mobile trygghetsalarmer for hjemmeboende",
                "[m]Medisindispenser for hjemmeboende|[m]Riktig legemiddel til riktig tid i hjemmetjenesten",
                "[m]Felles responssenter for trygghetsalarmer og digitalt tilsyn|[m]Ett mottak for alle varsler fra velferdsteknologi",
                "Digital hjemmeoppfølging av kronisk syke|Oppfølging på avstand av pasienter med KOLS og hjertesvikt",
                "[m]Velferdsteknologi i nye omsorgsboliger {i_place}|[m]Teknologi i omsorgsboligene {i_place} fra første dag",
            ],
            need_goals: &[
                "Vi ønsker digitalt tilsyn som ivaretar personvernet, kan tilpasses den enkelte bruker og bare varsler når det faktisk trengs.",
                "Vi trenger en trygghetsalarm som gir brukeren trygghet både hjemme og ute, og som viser hvor brukeren er når alarmen utløses.",
                "Vi ser etter en løsning som sikrer riktig legemiddel til riktig tid, og som varsler hjemmetjenesten ved avvik.",
                "Målet er at varsler fra sensorer, alarmer og medisindispensere samles i ett mottak som er bemannet hele døgnet.",
                "Vi ønsker at pasienter kan sende målinger og svar hjemmefra, slik at helsepersonell kan følge dem opp på avstand.",
                "Vi trenger løsninger som lar beboerne bo trygt og selvstendig, samtidig som personalet får varsel når det trengs.",
            ],
            need_problems: &[
                "Antallet innbyggere over 80 år {i_place} vil nesten dobles de neste 15 årene, mens tilgangen på helsepersonell ikke øker tilsvarende.",
                "@0 Nattlige tilsynsbesøk i hjemmetjenesten forstyrrer søvnen til brukerne og binder mye personell.",
                "@1 Dagens trygghetsalarmer fungerer bare inne i boligen og gir lite trygghet når brukeren er ute.",
                "@2 Mange hjemmeboende tar feil dose eller glemmer medisiner, noe som fører til unødvendige innleggelser.",
                "@3 Kommunen har i dag flere ulike velferdsteknologiske løsninger som ikke snakker sammen.",
                "@4 Mange pasienter med kroniske sykdommer blir lagt inn på sykehus når tilstanden forverres, fordi endringene oppdages for sent.",
                "@0,2,4 [m]Hjemmetjenesten {i_place} dekker store avstander, og mye tid går med til kjøring.",
                "@5 Vi bygger nye omsorgsboliger og vil ikke gjenta feilen med å ettermontere teknologi som ikke passer sammen.",
            ],
            need_details: &[
                "Løsningen må kunne integreres med vårt elektroniske pasientjournalsystem.",
                "Brukerne og pårørende skal involveres i utprøvingen.",
                "Utstyret må være enkelt å ta i bruk for personer med kognitiv svikt.",
                "Vi forventer at leverandøren følger Normen for informasjonssikkerhet og personvern i helse- og omsorgssektoren.",
                "[m]Kommunene i regionen samarbeider om velferdsteknologi og kan gå sammen om en felles anskaffelse.",
            ],
            cap_titles: &[
                "Digitalt nattilsyn med anonymiserte sensorer|Fallsensor for hjem og sykehjem|Kamerafritt tilsyn",
                "Mobil trygghetsalarm med GPS|Trygghetsalarm for et aktivt liv",
                "Automatisk medisindispenser med varsling|Medisindispenser for hjemmetjenesten",
                "Responssenter for trygghetsalarmer og digitalt tilsyn|Døgnbemannet alarmmottak",
                "Plattform for digital hjemmeoppfølging|Avstandsoppfølging av kronisk syke",
            ],
            cap_offers: &[
                "Vi leverer sensorer som oppdager fall, uro og fravær fra seng uten bruk av kamera.|Vi har utviklet et digitalt tilsyn som lar nattevakten se om brukeren sover trygt, uten å gå inn i boligen.",
                "Vår mobile trygghetsalarm har GPS og toveis tale, og fungerer både inne og ute.",
                "Vi tilbyr en medisindispenser som gir ut riktig dose til riktig tid og varsler hjemmetjenesten hvis medisinen ikke blir tatt.",
                "Vi driver responssenter som tar imot alarmer døgnet rundt og vurderer hvem som skal rykke ut.",
                "Vår plattform lar pasienter sende målinger hjemmefra, slik at helsepersonell kan følge dem opp på avstand.",
            ],
            cap_details: &[
                "Løsningen er integrert med de vanligste journalsystemene i kommunehelsetjenesten.",
                "+Vi har gjennomført personvernkonsekvensvurdering sammen med kommunene vi leverer til.",
                "@0,1,2 Utstyret er utviklet sammen med brukere og helsepersonell.",
                "Vi tilbyr opplæring av ansatte og oppfølging i innføringsfasen.",
                "Alle data lagres i Norge.",
                "@0,1,2 Vi har kundestøtte og tekniker {i_place}.",
                "@3 Operatørene våre er sykepleiere med erfaring fra hjemmetjenesten.",
            ],
            refs: &[
                "@0 Digitalt tilsyn i {n} omsorgsboliger for {buyer} ({year})",
                "@2 Utrulling av medisindispensere {i_place}, {year}",
                "@1,3 Responssenter for trygghetsalarmer, {buyer}, {year}",
                "@4 Digital hjemmeoppfølging av pasienter med KOLS for {buyer} ({year})",
            ],
        },
        nn: Text {
            need_titles: &[
                "[m]Digitalt tilsyn om natta i heimetenesta",
                "[m]Tryggleiksalarm som òg fungerer ute",
                "[m]Medisindispenser for heimebuande",
                "Digital heimeoppfølging av kronisk sjuke",
            ],
            need_goals: &[
                "Vi ønskjer digitalt tilsyn som tek vare på personvernet og kan tilpassast kvar einskild brukar.",
                "Vi treng ein tryggleiksalarm som gjev brukaren tryggleik både heime og ute.",
                "Vi ser etter ei løysing som sikrar rett legemiddel til rett tid og varslar ved avvik.",
                "Vi ønskjer at pasientar kan sende målingar heimanfrå, slik at helsepersonell kan følgje dei opp på avstand.",
            ],
            need_problems: &[
                "Talet på innbyggjarar over 80 år {i_place} vil nesten doblast dei neste 15 åra, medan talet på helsepersonell ikkje aukar like mykje.",
                "@0 Nattlege tilsynsbesøk i heimetenesta forstyrrar søvnen til brukarane og bind mykje personell.",
                "@1 Dagens tryggleiksalarmar fungerer berre inne i bustaden.",
                "@2 Mange heimebuande tek feil dose eller gløymer medisinar, og det fører til unødvendige innleggingar.",
                "@3 Mange pasientar med kroniske sjukdomar blir lagde inn fordi forverring blir oppdaga for seint.",
            ],
            need_details: &["Løysinga må kunne integrerast med journalsystemet vårt.", "Brukarane og pårørande skal vere med i utprøvinga."],
            cap_titles: &["Digitalt nattilsyn med anonymiserte sensorar", "Mobil tryggleiksalarm med GPS", "Medisindispenser med varsling"],
            cap_offers: &[
                "Vi leverer sensorar som oppdagar fall, uro og fråvær frå seng utan bruk av kamera.",
                "Tryggleiksalarmen vår har GPS og tovegs tale og fungerer både inne og ute.",
                "Medisindispenseren vår gjev ut rett dose til rett tid og varslar heimetenesta viss medisinen ikkje blir teken.",
            ],
            cap_details: &["Løysinga er integrert med dei vanlegaste journalsystema i kommunane.", "Alle data blir lagra i Noreg."],
            refs: &["@0 Digitalt tilsyn i {n} omsorgsbustader for {buyer} ({year})", "@2 Medisindispenserar i heimetenesta {i_place}, {year}"],
        },
        en: Text {
            need_titles: &[
                "[m]Digital night-time supervision in home care",
                "[m]Social alarms that also work outside the home",
                "[m]Medication dispensers for people living at home",
                "Remote follow-up of patients with chronic illness",
            ],
            need_goals: &[
                "We want digital supervision that protects privacy, can be adapted to each user and alerts staff only when needed.",
                "We need a social alarm that gives security both at home and outdoors and shows where the user is when it is triggered.",
                "We are looking for a solution that ensures the right medicine at the right time and alerts staff when doses are missed.",
                "We want patients to send measurements from home so that clinicians can follow them up remotely.",
            ],
            need_problems: &[
                "The number of residents over 80 in {place} will almost double in the next 15 years, while the supply of health workers will not keep pace.",
                "@0 Night-time visits by home care staff disturb residents' sleep and tie up many employees.",
                "@1 Today's social alarms only work indoors and give little security when the user is outside.",
                "@2 Many people living at home take the wrong dose or forget their medication, which leads to avoidable hospital admissions.",
                "@3 Patients with chronic illness are often admitted to hospital because deterioration is noticed too late.",
            ],
            need_details: &[
                "The solution must integrate with our electronic patient record system.",
                "Users and relatives will take part in the trial.",
                "The equipment must be easy to use for people with dementia.",
            ],
            cap_titles: &["Camera-free night supervision", "Mobile social alarm with GPS", "Automatic medication dispenser with alerts", "Remote patient monitoring platform"],
            cap_offers: &[
                "We supply sensors that detect falls, restlessness and absence from bed without using cameras.",
                "Our mobile social alarm has GPS and two-way voice and works both indoors and outdoors.",
                "Our medication dispenser releases the right dose at the right time and alerts home care staff if it is not taken.",
                "Our platform lets patients send measurements from home so that clinicians can follow them up remotely.",
            ],
            cap_details: &[
                "The solution integrates with the most common municipal health record systems.",
                "+We have carried out a data protection impact assessment together with our municipal customers.",
                "All data is stored in Norway.",
            ],
            refs: &["@0 Digital supervision in {n} sheltered homes for {buyer} ({year})", "@2 Roll-out of medication dispensers in {place}, {year}"],
        },
    },
    // Hospital logistics.
    Domain {
        key: "hosplog",
        themes: &[HEALTH, DIGITAL],
        cpv: &["34911100", "42417100", "48430000", "42965100", "63120000", "42997300", "39518000"],
        value_nok: (2_000_000, 150_000_000),
        coastal: false,
        keywords_nb: &["sykehuslogistikk", "varetransport", "sporing", "forsyning", "lagerstyring", "rørpost", "robot", "prøvetransport", "drone", "sengelogistikk", "sykehus"],
        keywords_en: &["hospital logistics", "goods transport", "asset tracking", "supply chain", "inventory management", "pneumatic tube", "robots", "sample transport", "drones", "hospital"],
        name_suffixes: &["Logistikk", "Robotics", "Medtech", "Hospital Logistics", "Sporing", "Supply"],
        nb: Text {
            need_titles: &[
                "Automatisert varetransport i nytt sykehusbygg|Robotisert transport av mat, tøy og avfall",
                "Sporing av medisinsk utstyr i sanntid|Mindre leting etter senger og utstyr",
                "Forsyningslager som fyller opp avdelingene automatisk|Bedre vareforsyning til sengepostene",
                "Rask transport av prøver mellom sykehus og laboratorium|Sporbar prøvetransport i helseregionen",
                "Logistikk i planleggingen av nytt sykehus {i_place}|Vareflyt og transport i nytt sykehusbygg",
            ],
            need_goals: &[
                "Vi trenger en løsning som flytter varer mellom lager og avdelinger med mindre manuelt arbeid.",
                "Vi ønsker å vite hvor utstyret er til enhver tid, og når det trenger vedlikehold.",
                "Målet er at riktige varer er på riktig sted til riktig tid, med mindre svinn av varer som går ut på dato.",
                "Vi søker løsninger for rask og sporbar transport av prøver mellom sykehus og laboratorier.",
                "Vi ønsker å forstå vareflyt og personellbevegelser før bygget tegnes ferdig, slik at logistikken blir riktig fra start.",
            ],
            need_problems: &[
                "Sykepleiere bruker mye tid på å lete etter utstyr og hente varer i stedet for å være hos pasientene.",
                "@0,4 I det nye sykehusbygget {i_place} blir avstandene større, og dagens manuelle transport vil ikke strekke til.",
                "@1 Senger, infusjonspumper og annet utstyr blir stående på feil avdeling, og mye tid går med til leting.",
                "@2 Vi har for store lagre på enkelte avdelinger, samtidig som andre går tom for kritisk forbruksmateriell.",
                "@3 Blodprøver og annet biologisk materiale fraktes i dag med bil og bud, noe som gir forsinkelser og risiko for tap.",
            ],
            need_details: &[
                "Løsningen må fungere sammen med vårt ERP-system.",
                "Krav til hygiene og smittevern må ivaretas.",
                "@0 Roboter og kjøretøy må kunne bruke heiser og dører uten hjelp.",
                "Vi ønsker en trinnvis innføring, med start på én klinikk.",
                "@0,3 Løsningen må fungere sammen med det eksisterende rørpostanlegget.",
            ],
            cap_titles: &[
                "Selvkjørende varetransport for sykehus|Autonome transportroboter",
                "Sanntidssporing av medisinsk utstyr|Utstyrssporing for helseforetak",
                "Automatisk påfylling av forsyningslager|Lagerstyring på avdelingsnivå",
                "Droner for transport av prøver|Dronelogistikk for laboratorieprøver",
                "Logistikkanalyse for nye sykehusbygg|Simulering av vareflyt i sykehus",
            ],
            cap_offers: &[
                "Vi leverer selvkjørende roboter som frakter mat, tøy, avfall og forbruksvarer i sykehus, og som tar heisen på egen hånd.",
                "Vår sporingsløsning viser hvor senger, pumper og annet utstyr befinner seg, og varsler når service nærmer seg.",
                "Vi tilbyr et system som måler lagernivået på avdelingene og bestiller påfyll automatisk.",
                "Vi flyr blodprøver og annet biologisk materiale med drone mellom sykehus og laboratorier.",
                "Vi simulerer vareflyt og personellbevegelser i nye sykehusbygg før de bygges.",
            ],
            cap_details: &[
                "@0,1,2 Løsningen er integrert med de vanligste ERP- og innkjøpssystemene i helseforetakene.",
                "+Vi har erfaring fra både norske og nordiske sykehus.",
                "@0,3 Alle transporter logges, slik at sporbarheten er sikret.",
                "@0,1,2,3 Vi tar ansvar for drift og service i hele avtaleperioden.",
                "@4 Analysen gir grunnlag for dimensjonering av heiser, lager og transportsystemer.",
            ],
            refs: &[
                "@0 Robotisert varetransport for {buyer} ({year})",
                "@1 Sporing av utstyr ved sykehuset {i_place}, {year}",
                "@4 Logistikkanalyse for nytt sykehusbygg, {buyer} ({year})",
                "@3 Dronetransport av prøver {i_place}, {year}",
            ],
        },
        nn: Text {
            need_titles: &["Automatisert varetransport i nytt sjukehusbygg", "Sporing av medisinsk utstyr i sanntid"],
            need_goals: &[
                "Vi treng ei løysing som flyttar varer mellom lager og avdelingar med mindre manuelt arbeid.",
                "Vi ønskjer å vite kvar utstyret er til kvar tid.",
            ],
            need_problems: &[
                "Sjukepleiarar brukar mykje tid på å leite etter utstyr i staden for å vere hos pasientane.",
                "@0 I det nye sjukehusbygget {i_place} blir avstandane større, og dagens manuelle transport vil ikkje strekkje til.",
            ],
            need_details: &["Løysinga må fungere saman med ERP-systemet vårt.", "Krav til hygiene og smittevern må varetakast."],
            cap_titles: &["Sjølvkøyrande varetransport for sjukehus", "Sanntidssporing av medisinsk utstyr"],
            cap_offers: &[
                "Vi leverer sjølvkøyrande robotar som fraktar mat, tøy og forbruksvarer i sjukehus.",
                "Sporingsløysinga vår viser kvar senger, pumper og anna utstyr er.",
            ],
            cap_details: &["Alle transportar blir logga.", "+Vi har erfaring frå fleire sjukehus."],
            refs: &["@0 Robotisert varetransport for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["Automated goods transport in a new hospital building", "Real-time tracking of medical equipment", "Fast transport of samples between hospital and laboratory"],
            need_goals: &[
                "We need a solution that moves goods between stores and wards with less manual work.",
                "We want to know where equipment is at all times and when it needs maintenance.",
                "We are looking for fast and traceable transport of samples between hospitals and laboratories.",
            ],
            need_problems: &[
                "Nurses spend a lot of time searching for equipment and fetching supplies instead of being with patients.",
                "@0 In the new hospital building in {place}, distances grow and today's manual transport will not keep up.",
                "@1 Beds, pumps and other equipment end up on the wrong ward, and much time is spent looking for them.",
                "@2 Samples are carried by car and courier today, which causes delays and a risk of loss.",
            ],
            need_details: &[
                "The solution must work with our ERP system.",
                "Hygiene and infection control requirements must be met.",
                "@0 Robots must be able to use lifts and doors unaided.",
            ],
            cap_titles: &["Autonomous goods transport for hospitals", "Real-time asset tracking", "Drone transport of lab samples"],
            cap_offers: &[
                "We supply autonomous robots that carry meals, linen, waste and supplies through hospitals and ride the lifts on their own.",
                "Our tracking solution shows where beds, pumps and other equipment are, and warns when service is due.",
                "We fly blood samples and other biological material by drone between hospitals and laboratories.",
            ],
            cap_details: &["@0,1 The solution integrates with the ERP and purchasing systems used by the health trusts.", "@0,2 Every transport is logged for full traceability.", "+We have experience from Norwegian and Nordic hospitals."],
            refs: &["@0 Robotic goods transport for {buyer} ({year})", "@1 Asset tracking at the hospital in {place}, {year}"],
        },
    },
    // Case handling and AI in public administration.
    Domain {
        key: "casework",
        themes: &[DIGITAL],
        cpv: &["48311100", "72212100", "72316000", "72200000", "72312200", "48000000", "79995100", "72322000"],
        value_nok: (1_000_000, 40_000_000),
        coastal: false,
        keywords_nb: &["saksbehandling", "kunstig intelligens", "KI", "språkmodell", "klarspråk", "arkiv", "journalføring", "byggesak", "chatbot", "innsyn", "automatisering", "vedtak"],
        keywords_en: &["case handling", "artificial intelligence", "AI", "language model", "plain language", "records management", "building permits", "chatbot", "freedom of information", "automation"],
        name_suffixes: &["Analytics", "AI", "Digital", "+data", "Forvaltningsteknologi", "Språkteknologi", "Labs"],
        nb: Text {
            need_titles: &[
                "[m]Raskere behandling av byggesaker|[m]KI-støtte i byggesaksbehandlingen",
                "KI-støtte i saksbehandling av søknader|Beslutningsstøtte for saksbehandlere",
                "Automatisk journalføring og arkivering av e-post|Bedre arkivering av saksdokumenter",
                "Klarspråk i vedtaksbrev med hjelp av språkmodeller|Brev som innbyggerne forstår",
                "Bedre veiledning til innbyggere som søker om tjenester|Digital veiledning døgnet rundt",
                "Enklere behandling av innsynskrav|Raskere svar på innsynskrav",
            ],
            need_goals: &[
                "Vi trenger støtte som sjekker byggesøknader mot plan og regelverk, slik at saksbehandlerne kan bruke tiden på vurderinger.",
                "Vi ønsker løsninger basert på kunstig intelligens som foreslår, men ikke fatter, vedtak.|Målet er kortere saksbehandlingstid og bedre kvalitet i vedtakene.",
                "Vi trenger en løsning som sørger for at saksdokumenter blir journalført i riktig sak uten manuelt arbeid.",
                "Vi ser etter verktøy som gjør språket i brevene våre klarere uten å endre det juridiske innholdet.",
                "Vi vil at innbyggerne skal få svar på vanlige spørsmål døgnet rundt og vite hvor saken deres står.",
                "Vi ønsker verktøy som finner personopplysninger og taushetsbelagt informasjon, slik at innsyn kan gis raskere.",
            ],
            need_problems: &[
                "@0 Saksbehandlingstiden for byggesaker {i_place} er i dag over lovpålagt frist, og søkerne må vente lenge.",
                "@0,1 Saksbehandlerne bruker mye tid på å sjekke at søknader er komplette og på å sortere dokumenter.",
                "@1,4 Antallet søknader og henvendelser har økt, mens antallet saksbehandlere er det samme.",
                "@5 Antallet innsynskrav har økt kraftig, og behandlingen tar tid fra annet arbeid.",
                "@3,4 Mange innbyggere forstår ikke vedtaksbrevene vi sender, noe som gir unødvendige klager og henvendelser.",
                "@2 Store mengder e-post med saksdokumenter blir ikke journalført, og vi risikerer brudd på arkivloven.",
            ],
            need_details: &[
                "Løsningen må følge forvaltningsloven, arkivloven og personvernregelverket.",
                "@0,1,3,5 Det må være mulig å forklare hvordan modellen har kommet fram til et forslag.",
                "Våre data skal ikke brukes til å trene leverandørens modeller uten samtykke.",
                "Løsningen må kunne kobles til vårt sak- og arkivsystem gjennom åpne grensesnitt.",
                "Vi ønsker å prøve løsningen i liten skala før full innføring.",
                "@3,4 Løsningen må fungere på både bokmål og nynorsk.",
            ],
            cap_titles: &[
                "Automatisk kompletthetssjekk av byggesøknader|KI for byggesaksbehandling",
                "KI-assistent for saksbehandlere|Beslutningsstøtte med kunstig intelligens",
                "Automatisk journalføring av e-post|Intelligent arkivering",
                "Språkmodell for klarspråk i offentlige brev|Klarspråksverktøy for forvaltningen",
                "Chatbot for innbyggerdialog|Digital veileder for innbyggere",
                "Innsynsløsning med automatisk sladding|Verktøy for behandling av innsynskrav",
            ],
            cap_offers: &[
                "Vår løsning kontrollerer byggesøknader mot reguleringsplan og byggteknisk forskrift og lager utkast til mangelbrev.",
                "Vi har utviklet en KI-assistent som leser søknader og vedlegg, finner mangler og foreslår hva saksbehandleren bør sjekke.",
                "Vi automatiserer journalføringen ved å klassifisere e-post og dokumenter og legge dem i riktig sak.",
                "Vi leverer en språkmodell trent på norsk forvaltningsspråk som foreslår klarere formuleringer i vedtaksbrev.",
                "Vi lager samtaleroboter som svarer innbyggere på bokmål, nynorsk og engelsk og sender saken videre når et menneske trengs.",
                "Vår innsynsløsning finner personopplysninger og taushetsbelagt informasjon og foreslår sladding.",
            ],
            cap_details: &[
                "Modellene kjøres i norske datasentre og kan også kjøres i kundens egen infrastruktur.",
                "@0,1,3,5 Alle forslag kan spores og forklares, og saksbehandleren tar alltid den endelige avgjørelsen.",
                "Vi har integrasjoner mot de mest brukte sak- og arkivsystemene i kommunesektoren.",
                "+Vi har gjennomført personvernkonsekvensvurdering sammen med pilotkunden.",
                "Teamet vårt har lang erfaring fra offentlig forvaltning.",
            ],
            refs: &[
                "@0 KI-støtte i byggesaksbehandling for {buyer} ({year})",
                "@2 Automatisk journalføring, {buyer}, {year}",
                "@4 Chatbot for innbyggertorget {i_place} ({year})",
                "@3 Klarspråksverktøy for vedtaksbrev, {buyer} ({year})",
                "@1 KI-assistent i saksbehandlingen hos {buyer} ({year})",
                "@5 Innsynsløsning for {buyer}, {year}",
            ],
        },
        nn: Text {
            need_titles: &["[m]Raskare handsaming av byggjesaker", "KI-støtte i sakshandsaminga", "Klarspråk i vedtaksbrev"],
            need_goals: &[
                "Vi treng støtte som sjekkar byggjesøknader mot plan og regelverk.",
                "Vi ønskjer løysingar med kunstig intelligens som føreslår, men ikkje gjer, vedtak.",
                "Vi ser etter verktøy som gjer språket i breva klarare utan å endre det juridiske innhaldet.",
            ],
            need_problems: &[
                "@0 Sakshandsamingstida for byggjesaker {i_place} er over lovpålagd frist.",
                "@0,1 Sakshandsamarane brukar mykje tid på å sjekke at søknader er komplette.",
                "@2 Mange innbyggjarar forstår ikkje vedtaksbreva vi sender.",
            ],
            need_details: &["Løysinga må følgje forvaltningslova, arkivlova og personvernregelverket.", "Det må vere mogleg å forklare korleis modellen har kome fram til eit forslag."],
            cap_titles: &["KI-assistent for sakshandsamarar", "Språkmodell for klarspråk på nynorsk og bokmål"],
            cap_offers: &[
                "Vi har utvikla ein KI-assistent som les søknader og vedlegg og finn manglar.",
                "Vi leverer ein språkmodell som føreslår klarare formuleringar i vedtaksbrev, både på nynorsk og bokmål.",
            ],
            cap_details: &["Modellane køyrer i norske datasenter.", "Alle forslag kan sporast og forklarast."],
            refs: &["@0 KI-støtte i byggjesakshandsaming for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["[m]Faster handling of building permit applications", "AI support for case officers", "Automatic filing and archiving of email", "Plain language in decision letters"],
            need_goals: &[
                "We need support that checks applications against zoning plans and regulations so that case officers can focus on assessments.",
                "We want AI-based solutions that suggest, but never make, decisions.",
                "We need a solution that files case documents in the right case without manual work.",
                "We are looking for tools that make our letters clearer without changing their legal content.",
            ],
            need_problems: &[
                "@0 Processing times for building permits in {place} exceed the statutory deadline, and applicants wait a long time.",
                "@0,1 Case officers spend much of their time checking that applications are complete and sorting documents.",
                "@3 Many residents do not understand the decision letters we send, which leads to needless complaints and enquiries.",
                "@2 Large volumes of email containing case documents are never filed, and we risk breaching the Archives Act.",
            ],
            need_details: &[
                "The solution must comply with the Public Administration Act, the Archives Act and data protection law.",
                "@0,1,3 It must be possible to explain how the model arrived at a suggestion.",
                "Our data must not be used to train the supplier's models without consent.",
            ],
            cap_titles: &["Automatic completeness check of building applications", "AI assistant for case officers", "Automatic records management for email", "Citizen chatbot"],
            cap_offers: &[
                "Our solution checks building applications against the zoning plan and building regulations and drafts letters about missing items.",
                "Our AI assistant reads applications and attachments, finds gaps and suggests what the case officer should check.",
                "We automate records management by classifying emails and documents and filing them in the right case.",
                "We build chatbots that answer residents in Norwegian and English and hand over to a person when needed.",
            ],
            cap_details: &[
                "The models run in Norwegian data centres or in the customer's own infrastructure.",
                "@0,1 Every suggestion can be traced and explained, and the case officer always makes the final decision.",
                "We integrate with the case and records systems most used by municipalities.",
            ],
            refs: &["@0 AI support in building permit processing for {buyer} ({year})", "@2 Automatic email filing, {buyer}, {year}"],
        },
    },
    // Cloud services and privacy.
    Domain {
        key: "cloud",
        themes: &[DIGITAL],
        cpv: &["72416000", "72317000", "48732000", "72514000", "72251000", "72222000", "72600000"],
        value_nok: (2_000_000, 100_000_000),
        coastal: false,
        keywords_nb: &["skytjenester", "personvern", "informasjonssikkerhet", "datalagring", "backup", "løsepengevirus", "exit-strategi", "GDPR", "datasenter", "kryptering", "skymigrering"],
        keywords_en: &["cloud services", "privacy", "information security", "data storage", "backup", "ransomware", "exit strategy", "GDPR", "data centre", "encryption", "cloud migration"],
        name_suffixes: &["Cloud", "Datasenter", "Sky", "Sikkerhet", "IT", "+nett", "Security"],
        nb: Text {
            need_titles: &[
                "Overgang til skytjenester med kontroll på personopplysninger|Flytting av fagsystemer til skyen",
                "Sikker lagring av helseopplysninger i skyen|Skytjenester for sensitive personopplysninger",
                "Exit-strategi og flyttbarhet for skytjenester|Mindre innlåsing i skyleverandører",
                "[m]Felles skyplattform for kommunene rundt {place}|[m]Delt skyinfrastruktur for kommunesamarbeidet",
                "Backup og gjenoppretting etter løsepengevirus|Robust drift etter dataangrep",
            ],
            need_goals: &[
                "Vi trenger en trygg overgang til skytjenester der vi har full kontroll over hvor data lagres og hvem som behandler dem.",
                "Vi trenger lagring og drift som oppfyller kravene til helseopplysninger, med tilgangsstyring og logging.",
                "Vi ønsker en plattform der vi kan flytte tjenester til en annen leverandør uten store kostnader.",
                "Vi søker en løsning som lar flere kommuner dele infrastruktur, men holde dataene sine adskilt.",
                "Målet er robust drift, med gjenoppretting innen timer etter et alvorlig angrep.",
            ],
            need_problems: &[
                "@0,3 Mange av fagsystemene våre kjører på egne servere som nærmer seg slutten av levetiden.",
                "@0,1 Vi er usikre på om dagens skytjenester oppfyller personvernforordningens krav ved overføring til tredjeland.",
                "@4 [m]Et angrep med løsepengevirus hos en nabokommune har vist hvor sårbare vi er.",
                "@4 Flere offentlige virksomheter er rammet av løsepengevirus de siste årene, og vi må regne med å bli angrepet.",
                "@3,4 Det er krevende for en liten IT-avdeling å drifte og sikre egne serverrom.",
                "@0,2 Vi har lite oversikt over hvor dataene våre lagres og hvem som har tilgang til dem.",
                "@2 Flere av leverandørene våre bruker proprietære formater som gjør det dyrt å bytte.",
                "@1 Helseopplysninger er særlige kategorier av personopplysninger og krever ekstra sikring.",
            ],
            need_details: &[
                "Data skal lagres innenfor EØS, og leverandøren må kunne dokumentere dette.",
                "Løsningen skal følge Digdirs veiledning for skytjenester og NSMs grunnprinsipper for IKT-sikkerhet.",
                "Vi legger vekt på åpne standarder og lav innlåsing.",
                "Energiforbruk og utslipp fra datasentrene skal rapporteres.",
            ],
            cap_titles: &[
                "Norsk suveren skyplattform|Sky i norske datasentre",
                "Sikker sky for helse- og personopplysninger|Skytjenester for sensitive data",
                "Migrering av fagsystemer til skyen|Skymigrering med exit-plan",
                "Uforanderlig backup mot løsepengevirus|Backup og gjenoppretting som tjeneste",
                "Rådgivning i skystrategi og personvern|Risikovurdering av skytjenester",
            ],
            cap_offers: &[
                "Vi driver en skyplattform i norske datasentre, eid og driftet av et norsk selskap.|Plattformen vår bygger på åpen kildekode og Kubernetes, slik at tjenestene enkelt kan flyttes.",
                "Vi drifter skytjenester for helse- og personopplysninger med streng tilgangsstyring, logging og kryptering.",
                "Vi hjelper offentlige virksomheter med å flytte fagsystemer til skyen, med risikovurdering og exit-plan fra start.",
                "Vår backupløsning tar uforanderlige kopier som ikke kan slettes eller krypteres av angripere.",
                "Vi gir råd om skystrategi, informasjonssikkerhet og personvern, inkludert vurderinger av overføring til tredjeland.",
            ],
            cap_details: &[
                "@0,1,3 Datasentrene våre drives med fornybar energi, og overskuddsvarmen går til fjernvarme.",
                "Vi er sertifisert etter ISO 27001.",
                "@0,1,3 Alle data krypteres, og kunden styrer nøklene selv.",
                "@0,1,3 Vi har døgnbemannet driftssenter {i_place}.",
                "@2,4 +Vi har gjennomført slike prosjekter for både kommuner og statlige virksomheter.",
            ],
            refs: &[
                "@2 Migrering av fagsystemer til sky for {buyer} ({year})",
                "@3 Backup og gjenoppretting for {buyer}, {year}",
                "@4 Skystrategi for kommunene {i_place} ({year})",
                "@0,1 Drift av skyplattform for {buyer} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Skytenester med kontroll på personopplysningar", "Backup og gjenoppretting etter løysepengevirus"],
            need_goals: &[
                "Vi treng skytenester som gjev oss full kontroll over kvar data blir lagra.",
                "Målet er robust drift, med gjenoppretting innan nokre timar etter eit alvorleg åtak.",
            ],
            need_problems: &[
                "@0 Mange av fagsystema våre køyrer på eigne serverar som nærmar seg slutten av levetida.",
                "@1 [m]Eit åtak med løysepengevirus hos ein nabokommune har vist kor sårbare vi er.",
                "@1 Fleire offentlege verksemder er ramma av løysepengevirus dei siste åra.",
            ],
            need_details: &["Data skal lagrast innanfor EØS.", "Vi legg vekt på opne standardar og lite innlåsing."],
            cap_titles: &["Norsk skyplattform", "Sikker backup mot løysepengevirus"],
            cap_offers: &[
                "Vi driv ein skyplattform i norske datasenter.",
                "Backupløysinga vår tek kopiar som ikkje kan slettast eller krypterast av angriparar.",
            ],
            cap_details: &["Vi er sertifiserte etter ISO 27001.", "Vi har driftssenter {i_place}."],
            refs: &["@0 Skymigrering for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["Moving to cloud services while keeping control of personal data", "Exit strategy and portability for cloud services", "Backup and recovery after ransomware"],
            need_goals: &[
                "We need cloud services that give us full control of where data is stored and who processes it.",
                "We want a platform that lets us move services to another provider without large costs.",
                "The aim is robust operation, with recovery within hours after a serious attack.",
            ],
            need_problems: &[
                "@0 Many of our business systems run on our own servers, which are nearing the end of their life.",
                "@0 We are unsure whether today's cloud services meet the GDPR requirements on transfers to third countries.",
                "@1 Several of our suppliers use proprietary formats that make switching expensive.",
                "@2 [m]A ransomware attack on a neighbouring municipality has shown how vulnerable we are.",
                "@2 Several public bodies have been hit by ransomware in recent years, and we must expect to be attacked.",
            ],
            need_details: &["Data must be stored within the EEA, and the provider must document this.", "We emphasise open standards and low lock-in."],
            cap_titles: &["Sovereign Norwegian cloud platform", "Cloud migration with an exit plan", "Immutable backup against ransomware", "Cloud strategy and privacy advisory"],
            cap_offers: &[
                "We run a cloud platform in Norwegian data centres, owned and operated by a Norwegian company.",
                "We move business systems to the cloud with a risk assessment and an exit plan from day one.",
                "Our backup solution takes immutable copies that attackers cannot delete or encrypt.",
                "We advise on cloud strategy, information security and privacy, including assessments of third-country transfers.",
            ],
            cap_details: &["We are ISO 27001 certified.", "@0,2 All data is encrypted, and customers manage their own keys."],
            refs: &["@1 Cloud migration of business systems for {buyer} ({year})", "@2 Backup and recovery for {buyer}, {year}"],
        },
    },
    // Low-carbon concrete.
    Domain {
        key: "concrete",
        themes: &[BUILDINGS, CLIMATE],
        cpv: &["44114000", "44114100", "44111200", "45262300", "24957200", "44114200", "45223820"],
        value_nok: (5_000_000, 300_000_000),
        coastal: false,
        keywords_nb: &["lavkarbonbetong", "betong", "sement", "klimagassutslipp", "EPD", "bindemiddel", "resirkulert tilslag", "bestandighet", "karbonfangst", "materialbruk"],
        keywords_en: &["low-carbon concrete", "concrete", "cement", "embodied carbon", "EPD", "binder", "recycled aggregate", "durability", "carbon capture"],
        name_suffixes: &["Betong", "Betongindustri", "Sement", "+betong", "Grus og Betong", "Betongelement"],
        nb: Text {
            need_titles: &[
                "Lavkarbonbetong i nye skoler og sykehjem|Lavere klimaavtrykk fra betong i formålsbygg {i_place}",
                "Bestandig lavkarbonbetong i bruer og kaier|Lavere utslipp fra betong i kystnær infrastruktur",
                "Dokumentasjon av klimagassutslipp fra betongleveranser|Sammenlignbare klimadata for betong",
                "Mindre sement gjennom bedre prosjektering|Materialeffektive betongkonstruksjoner",
                "Resirkulert tilslag i betong til infrastruktur|Knust betong fra riving som nytt tilslag",
            ],
            need_goals: &[
                "Vi trenger betong med vesentlig lavere klimagassutslipp som oppfyller kravene til styrke og bestandighet i formålsbygg.|Målet er å bruke lavkarbonbetong i klasse A eller bedre i alle nye bygg fra neste år.",
                "Vi trenger lavkarbonbetong som tåler salt, frost og tøft kystklima like godt som vanlig betong.",
                "Vi ønsker innspill på hvordan vi kan stille krav til klimagassutslipp i konkurransen uten å utelukke lokale leverandører.",
                "Vi søker løsninger som reduserer sementbruken gjennom bedre prosjektering og materialvalg.",
                "Vi ønsker å bruke betong fra riving som tilslag i ny betong, med dokumentert kvalitet.",
            ],
            need_problems: &[
                "Betong står for en stor del av klimagassutslippene i bygge- og anleggsprosjektene våre, og sementen er den største kilden.",
                "@0 [m]Vi skal bygge flere skoler og sykehjem {i_place} de neste årene og har vedtatt å halvere utslippene fra materialene.",
                "@0 Vi har flere store byggeprosjekter {i_place} de neste årene og har vedtatt å halvere utslippene fra materialene.",
                "@3 Vaner og standardløsninger gjør at det ofte brukes mer sement enn konstruksjonen krever.",
                "@2 Det er vanskelig å sammenligne klimaavtrykket fra ulike betongleverandører fordi dokumentasjonen varierer.",
                "@1 Kaier og bruer langs kysten utsettes for salt og frost, og vi er usikre på bestandigheten til nye betongtyper.",
                "@4 Store mengder betong fra riving {i_place} blir i dag knust til fyllmasse av lav verdi.",
            ],
            need_details: &[
                "Leverandøren må dokumentere utslippene med EPD.",
                "[mc]Betongen må kunne leveres i hele fylket, også til mindre prosjekter.",
                "@0,1,4 Vi ønsker å prøve ut nye bindemidler i et pilotprosjekt med tett oppfølging.",
                "@0,1,4 Herdetid og vinterstøping må det tas hensyn til.",
            ],
            cap_titles: &[
                "Lavkarbonbetong med alternative bindemidler|Lavkarbonbetong klasse A og pluss",
                "Betong med resirkulert tilslag|Gjenvinning av betong fra riving",
                "Optimalisering av betongkonstruksjoner for lavere sementbruk|Materialeffektiv prosjektering i betong",
                "Karbonfangst i betongproduksjon|CO2-binding i ferdigbetong",
                "Klimadokumentasjon for betongleveranser|Automatisk EPD for betong",
            ],
            cap_offers: &[
                "Vi produserer lavkarbonbetong der en stor del av sementen er erstattet med flygeaske, slagg eller kalsinert leire.",
                "Vi knuser betong fra riving og bruker den som tilslag i ny betong.",
                "Vi prosjekterer betongkonstruksjoner med mindre materialbruk, blant annet med optimaliserte dekker og vegger.",
                "Vi har utviklet en prosess som binder CO2 i betongen under herdingen.",
                "Vår programvare beregner klimagassutslipp for hver betongleveranse og lager EPD automatisk.",
            ],
            cap_details: &[
                "@0,1,3 Alle reseptene er dokumentert med EPD og testet for bestandighet i norsk klima.",
                "@0,1,3 Vi leverer fra betongstasjoner {i_place} og omegn.",
                "Vi samarbeider med rådgivende ingeniører tidlig i prosjekteringen.",
                "@0,3 Betongen oppfyller kravene til lavkarbon klasse A i Norsk Betongforenings publikasjon 37.",
                "@2,4 Beregningene følger NS 3720 og kan brukes direkte i klimaregnskapet.",
            ],
            refs: &[
                "@0,3 Lavkarbonbetong til ny skole for {buyer} ({year})",
                "@0,3 Kaifront i lavkarbonbetong {i_place}, {year}",
                "@2,4 Klimaregnskap for betong i bruprosjekt, {buyer} ({year})",
                "@1 Gjenvinning av betong fra riving {i_place} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Lågkarbonbetong i nye skulebygg", "Betong med mindre sement {i_place}"],
            need_goals: &[
                "Vi treng betong med vesentleg lågare klimagassutslepp som held krava til styrke og bestandigheit.",
                "Vi søkjer løysingar som reduserer sementbruken gjennom betre prosjektering.",
            ],
            need_problems: &[
                "Betong står for ein stor del av klimagassutsleppa i byggjeprosjekta våre.",
                "@0 [m]Vi skal byggje fleire skular og sjukeheimar {i_place} dei neste åra og har vedteke å halvere utsleppa frå materiala.",
                "@0 Vi har fleire store byggjeprosjekt {i_place} dei neste åra.",
            ],
            need_details: &["Leverandøren må dokumentere utsleppa med EPD.", "[mc]Betongen må kunne leverast i heile fylket."],
            cap_titles: &["Lågkarbonbetong med alternative bindemiddel", "Betong med resirkulert tilslag"],
            cap_offers: &[
                "Vi produserer lågkarbonbetong der mykje av sementen er erstatta med slagg eller kalsinert leire.",
                "Vi knuser betong frå riving og brukar han som tilslag i ny betong.",
            ],
            cap_details: &["Alle reseptane er dokumenterte med EPD.", "Vi leverer frå betongstasjonar {i_place}."],
            refs: &["@0 Lågkarbonbetong til ny skule for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["Low-carbon concrete in new school buildings", "Durable low-carbon concrete for bridges and quays", "Documenting the carbon footprint of concrete deliveries"],
            need_goals: &[
                "We need concrete with substantially lower emissions that meets the requirements for strength and durability.",
                "We need low-carbon concrete that withstands salt, frost and a harsh coastal climate as well as conventional concrete.",
                "We would like input on how to set emission requirements in the tender without excluding local suppliers.",
            ],
            need_problems: &[
                "Concrete accounts for a large share of the emissions in our projects, and cement is the main source.",
                "@0 [m]We will build several schools and nursing homes in {place} in the coming years and have decided to halve emissions from materials.",
                "@0 We have several large building projects in {place} in the coming years and have decided to halve emissions from materials.",
                "@2 It is hard to compare the footprint of different concrete suppliers because their documentation varies.",
                "@1 Quays and bridges along the coast are exposed to salt and frost, and we are unsure how durable new concrete types are.",
            ],
            need_details: &["Suppliers must document emissions with an EPD.", "@0,1 Curing time and winter casting must be taken into account."],
            cap_titles: &["Low-carbon concrete with alternative binders", "Concrete with recycled aggregate", "Automatic EPDs for concrete deliveries"],
            cap_offers: &[
                "We produce low-carbon concrete in which much of the cement is replaced by fly ash, slag or calcined clay.",
                "We crush concrete from demolition and reuse it as aggregate in new concrete.",
                "Our software calculates the emissions of every concrete delivery and generates an EPD automatically.",
            ],
            cap_details: &["@0,1 All mixes are documented with EPDs and tested for durability in the Norwegian climate.", "@0,1 We deliver from batching plants in and around {place}.", "We work with consulting engineers early in the design phase."],
            refs: &["@0 Low-carbon concrete for a new school for {buyer} ({year})", "@0 Quay in low-carbon concrete in {place}, {year}"],
        },
    },
    // Massive timber buildings.
    Domain {
        key: "timber",
        themes: &[BUILDINGS, CLIMATE],
        cpv: &["44191200", "44191000", "45223810", "45214200", "45215213", "03419100", "45210000"],
        value_nok: (20_000_000, 600_000_000),
        coastal: false,
        keywords_nb: &["massivtre", "KL-tre", "limtre", "trebygg", "modulbygg", "brannsikkerhet", "fuktsikring", "lokalt trevirke", "klimagassregnskap", "prefabrikkering"],
        keywords_en: &["mass timber", "CLT", "glulam", "timber buildings", "modular construction", "fire safety", "moisture protection", "local wood", "embodied carbon"],
        name_suffixes: &["Tre", "Massivtre", "Limtre", "Trebygg", "+tre", "Sag og Høvleri", "Timber"],
        nb: Text {
            need_titles: &[
                "[m]Ny barneskole i massivtre {i_place}|Massivtre i nye skolebygg|Offentlige bygg i massivtre {i_place}",
                "Brannsikre løsninger for høye trehus|Trebygg i fire til åtte etasjer",
                "[ms]Prefabrikkerte tremoduler for omsorgsboliger|[ms]Raskere bygging av omsorgsboliger i tre",
                "Lokalt trevirke i offentlige bygg {i_place}|Mer bruk av regionens skog i egne byggeprosjekter",
            ],
            need_goals: &[
                "Vi trenger byggeløsninger i tre som gir godt inneklima, lave utslipp og kort byggetid.",
                "Vi ønsker å lære hvordan massivtre kan brukes i bærekonstruksjonen i bygg på fire til åtte etasjer, med trygg brann- og lydteknikk.",
                "Vi søker løsninger med prefabrikkerte elementer som kan monteres raskt på tomta.",
                "Målet er at offentlige bygg i regionen skal bruke mer lokalt trevirke.",
            ],
            need_problems: &[
                "@0 [m]Vi skal bygge en ny barneskole {i_place} og ønsker at bygget skal ha et vesentlig lavere klimaavtrykk enn et tradisjonelt bygg.",
                "@0 Vi skal bygge nytt {i_place} og ønsker at bygget skal ha et vesentlig lavere klimaavtrykk enn et tradisjonelt bygg.",
                "@0,2 Byggeprosjektene våre tar lang tid og skaper mye støy og trafikk i nærområdet.",
                "@1 Det er usikkerhet i markedet om brann, lyd og fukt i store trebygg.",
                "@2 Behovet for omsorgsboliger vokser raskere enn vi klarer å bygge med tradisjonelle metoder.",
                "@3 Regionen har mye skog, men lite av trevirket brukes i lokale byggeprosjekter.",
            ],
            need_details: &[
                "Bygget må oppfylle kravene i byggteknisk forskrift til brann og lyd.",
                "Fuktsikring i byggeperioden må dokumenteres.",
                "Vi ønsker en samspillsentreprise der leverandørene kommer tidlig inn.",
                "Klimagassregnskap etter NS 3720 skal legges fram.",
            ],
            cap_titles: &[
                "Massivtreelementer i KL-tre|Limtre og massivtre fra norsk skog",
                "Modulbygg i tre for omsorgsboliger|Prefabrikkerte tremoduler",
                "Brannrådgivning for høye trebygg|Brann- og lydteknikk for store trebygg",
                "Fuktovervåking av trebygg i byggeperioden|Sensorer for fukt i treelementer",
                "Skoler og barnehager i massivtre|Totalentreprise for formålsbygg i tre",
            ],
            cap_offers: &[
                "Vi produserer krysslimt tre og limtre av norsk gran, ferdig tilpasset for montering.",
                "Vi leverer prefabrikkerte modulbygg i massivtre for boliger, barnehager og omsorgsboliger.",
                "Vi er rådgivere innen brannsikkerhet og lyd i store trebygg.",
                "Vi har utviklet et system som overvåker fukt i treelementer fra fabrikk til ferdig bygg.",
                "Vi prosjekterer og bygger skoler og barnehager i massivtre, med vekt på inneklima og lavt klimaavtrykk.",
            ],
            cap_details: &[
                "@0,1,4 Tømmeret kommer fra sertifisert norsk skog.",
                "@0,1,4 Elementene monteres raskt, noe som gir kortere byggetid og mindre anleggstrafikk.",
                "Vi leverer klimagassberegninger for hvert prosjekt.",
                "@0,2,4 +Vi har erfaring fra bygg på opptil ti etasjer.",
                "@0,1,3,4 Vi har kontor og fabrikk {i_place}.",
                "@2 Vi har kontor {i_place} og jobber i hele landet.",
            ],
            refs: &[
                "@4 Barnehage i massivtre for {buyer} ({year})",
                "@1 Omsorgsboliger i tremoduler {i_place}, {year}",
                "@2 Brannteknisk rådgivning for trebygg, {buyer} ({year})",
                "@0 Levering av KL-tre til skolebygg {i_place} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["[mc]Massivtre i nye barnehagar og skular", "Lokalt trevirke i offentlege bygg {i_place}"],
            need_goals: &[
                "Vi treng byggjeløysingar i tre som gjev godt inneklima, låge utslepp og kort byggjetid.",
                "Målet er at offentlege bygg i regionen skal bruke meir lokalt trevirke.",
            ],
            need_problems: &[
                "@0 [m]Vi skal byggje ny barneskule {i_place} og ønskjer at bygget skal ha eit vesentleg lågare klimaavtrykk.",
                "@0 Vi skal byggje nytt {i_place} og ønskjer at bygget skal ha eit vesentleg lågare klimaavtrykk.",
                "@1 Regionen har mykje skog, men lite av trevirket blir brukt i lokale byggjeprosjekt.",
            ],
            need_details: &["Bygget må halde krava i byggteknisk forskrift til brann og lyd.", "Fuktsikring i byggjeperioden må dokumenterast."],
            cap_titles: &["Massivtreelement i KL-tre", "Modulbygg i tre for omsorgsbustader"],
            cap_offers: &[
                "Vi produserer krysslimt tre og limtre av norsk gran.",
                "Vi leverer prefabrikkerte modulbygg i massivtre for bustader og barnehagar.",
            ],
            cap_details: &["Tømmeret kjem frå sertifisert norsk skog.", "Vi leverer klimagassberekningar for kvart prosjekt."],
            refs: &["@1 Barnehage i massivtre for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["[m]A new primary school in mass timber in {place}|Public buildings in mass timber in {place}", "Fire-safe solutions for tall timber buildings", "Prefabricated timber modules for sheltered housing"],
            need_goals: &[
                "We need timber building solutions that give a good indoor climate, low emissions and short construction times.",
                "We want to learn how mass timber can be used in the load-bearing structure of four- to eight-storey buildings.",
                "We are looking for prefabricated elements that can be assembled quickly on site.",
            ],
            need_problems: &[
                "@0 [m]We are building a new primary school in {place} and want it to have a much lower carbon footprint than a conventional building.",
                "@0 We are planning a new building in {place} and want it to have a much lower carbon footprint than a conventional building.",
                "@0,2 Our building projects take a long time and cause a lot of noise and traffic in the neighbourhood.",
                "@1 The market is uncertain about fire, acoustics and moisture in large timber buildings.",
                "@2 The need for sheltered housing is growing faster than we can build with traditional methods.",
            ],
            need_details: &["The building must meet the fire and acoustic requirements of the building regulations.", "Moisture protection during construction must be documented."],
            cap_titles: &["CLT elements from Norwegian spruce", "Modular timber buildings", "Fire engineering for tall timber buildings"],
            cap_offers: &[
                "We produce cross-laminated timber and glulam from Norwegian spruce, ready for assembly.",
                "We deliver prefabricated mass timber modules for housing, kindergartens and sheltered homes.",
                "We advise on fire safety and acoustics in large timber buildings.",
            ],
            cap_details: &["@0,1 The timber comes from certified Norwegian forests.", "We provide a carbon calculation for every project."],
            refs: &["@1 Mass timber kindergarten for {buyer} ({year})"],
        },
    },
    // Reuse of building materials.
    Domain {
        key: "reuse",
        themes: &[BUILDINGS, CLIMATE],
        cpv: &["45111100", "45111000", "90514000", "45453000", "71315000", "71313000"],
        value_nok: (1_000_000, 50_000_000),
        coastal: false,
        keywords_nb: &["ombruk", "gjenbruk", "byggematerialer", "riving", "ombrukskartlegging", "sirkulær økonomi", "brukte byggevarer", "selektiv riving", "markedsplass", "rehabilitering"],
        keywords_en: &["reuse", "building materials", "demolition", "pre-demolition audit", "circular economy", "second-hand building products", "selective demolition", "marketplace"],
        name_suffixes: &["Ombruk", "Gjenbruk", "Sirkulær", "Riving", "+ombruk", "Circular"],
        nb: Text {
            need_titles: &[
                "Kartlegging av ombrukbare materialer før riving|Ombrukskartlegging av egne bygg {i_place}",
                "Ombruk av byggematerialer ved rehabilitering av eldre bygg {i_place}|Selektiv riving med høy ombruksgrad",
                "Marked for brukte byggevarer i regionen|Lager og omsetning av brukte byggematerialer",
                "Ombruk av innredning og møbler i offentlige bygg|Brukte møbler i nye kontorer",
            ],
            need_goals: &[
                "Vi trenger en oversikt over hvilke materialer i byggene som kan ombrukes, med mengder og tilstand, før vi søker om riving.",
                "Vi ønsker å øke ombruksgraden i egne bygge- og riveprosjekter betydelig.|Målet er at ombruk skal være lønnsomt og trygt, ikke bare et prøveprosjekt.",
                "Vi trenger en løsning som gjør det enkelt å finne, dokumentere og kjøpe brukte byggematerialer til nye prosjekter.",
                "Vi søker tjenester som tar vare på, setter i stand og leverer brukte møbler og innredning til nye lokaler.",
            ],
            need_problems: &[
                "Når vi river eller rehabiliterer bygg, blir store mengder materialer som kunne vært brukt på nytt, sendt til avfallsmottak.",
                "@0,1 Vi har flere bygg {i_place} som skal rives de neste årene, og vi har ikke oversikt over hva som kan ombrukes.",
                "@2 Det mangler lager og logistikk for å ta vare på brukte materialer mellom riving og nytt prosjekt.",
                "@1,2 Entreprenørene opplever at brukte materialer er vanskelige å dokumentere og gi garanti for.",
                "@3 Ved hver flytting kjøper vi nye møbler, mens de gamle kastes.",
            ],
            need_details: &[
                "@0,1,2 Materialene må dokumenteres slik at de oppfyller kravene i byggteknisk forskrift.",
                "@0 Ombrukskartlegging skal gjøres før rivesøknaden sendes.",
                "Vi ønsker samarbeid med andre byggherrer i regionen om et felles lager.",
                "@0,1 Miljøgifter må håndteres forsvarlig.",
            ],
            cap_titles: &[
                "Ombrukskartlegging før riving|Kartlegging av materialer for ombruk",
                "Digital markedsplass for brukte byggevarer|Nettbutikk for ombruksmaterialer",
                "Selektiv riving og demontering|Skånsom demontering for ombruk",
                "Dokumentasjon av brukt stål og tre for ombruk|Testing og dokumentasjon av brukte bærende konstruksjoner",
                "Ombruk av kontormøbler og innredning|Istandsetting av brukte møbler",
            ],
            cap_offers: &[
                "Vi kartlegger bygg før riving og lager en oversikt over materialer som kan ombrukes, med mengder og tilstand.",
                "Vi driver en digital markedsplass der byggherrer og entreprenører kan kjøpe og selge brukte byggevarer.",
                "Vi demonterer bygg skånsomt slik at vinduer, dører, stål og tegl kan brukes på nytt.",
                "Vi tester og dokumenterer brukte bærende konstruksjoner slik at de kan brukes i nye bygg.",
                "Vi tar imot brukte møbler fra offentlige virksomheter, setter dem i stand og leverer dem til nye kontorer.",
            ],
            cap_details: &[
                "Vi har lager og verksted {i_place}.",
                "@0,2 Kartleggingen gir et klimaregnskap som viser sparte utslipp.",
                "Vi samarbeider med riveentreprenører og avfallsselskaper.",
                "@0,3 Dokumentasjonen følger veiledningen fra Direktoratet for byggkvalitet om ombruk av byggevarer.",
            ],
            refs: &[
                "@0 Ombrukskartlegging av skolebygg for {buyer} ({year})",
                "@2 Selektiv riving med ombruk {i_place}, {year}",
                "@4 Ombruk av møbler i nytt kontorbygg, {buyer} ({year})",
                "@1 Markedsplass for ombruk i regionen {i_place} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Ombruk av byggjematerial før riving", "Marknad for brukte byggjevarer i regionen"],
            need_goals: &[
                "Vi treng ei oversikt over kva material i bygga som kan brukast om att, før vi søkjer om riving.",
                "Vi treng ei løysing som gjer det enkelt å finne, dokumentere og kjøpe brukte byggjematerial.",
            ],
            need_problems: &[
                "Når vi riv eller rehabiliterer bygg, blir store mengder material som kunne vore brukte på nytt, sende til avfallsmottak.",
                "@0 Vi har fleire bygg {i_place} som skal rivast, og vi har ikkje oversikt over kva som kan brukast om att.",
                "@1 Det manglar lager og logistikk for brukte material mellom riving og nytt prosjekt.",
            ],
            need_details: &["Materiala må dokumenterast slik at dei held krava i byggteknisk forskrift.", "@0 Miljøgifter må handterast forsvarleg."],
            cap_titles: &["Ombrukskartlegging før riving", "Digital marknadsplass for brukte byggjevarer"],
            cap_offers: &[
                "Vi kartlegg bygg før riving og lagar ei oversikt over material som kan brukast om att.",
                "Vi driv ein digital marknadsplass for brukte byggjevarer.",
            ],
            cap_details: &["Vi har lager og verkstad {i_place}.", "@0 Kartlegginga gjev eit klimarekneskap som viser sparte utslepp."],
            refs: &["@0 Ombrukskartlegging for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["Reuse audits before demolition", "A regional market for second-hand building products", "Selective demolition with a high reuse rate"],
            need_goals: &[
                "We need an overview of which materials in our buildings can be reused, with quantities and condition, before we apply for demolition.",
                "We need a solution that makes it easy to find, document and buy second-hand materials for new projects.",
                "We want to increase the reuse rate in our own construction and demolition projects substantially.",
            ],
            need_problems: &[
                "When we demolish or refurbish buildings, large amounts of reusable materials end up at waste facilities.",
                "@0,2 Several of our buildings in {place} are due for demolition, and we do not know what can be reused.",
                "@1 There is no storage or logistics for keeping used materials between demolition and a new project.",
            ],
            need_details: &["Materials must be documented to meet the building regulations.", "@0,2 Hazardous substances must be handled safely."],
            cap_titles: &["Pre-demolition reuse audits", "Online marketplace for reclaimed building products", "Selective dismantling"],
            cap_offers: &[
                "We survey buildings before demolition and list the materials that can be reused, with quantities and condition.",
                "We run an online marketplace where clients and contractors buy and sell reclaimed building products.",
                "We dismantle buildings carefully so that windows, doors, steel and bricks can be used again.",
            ],
            cap_details: &["We have a warehouse and workshop in {place}.", "@0 The audit includes a carbon account showing avoided emissions."],
            refs: &["@0 Reuse audit of school buildings for {buyer} ({year})"],
        },
    },
    // Zero-emission construction sites and electric machinery.
    Domain {
        key: "machinery",
        themes: &[CLIMATE, BUILDINGS],
        cpv: &["43260000", "43262100", "45500000", "45520000", "43300000", "31158100", "60182000"],
        value_nok: (2_000_000, 120_000_000),
        coastal: false,
        keywords_nb: &["utslippsfri byggeplass", "elektrisk gravemaskin", "anleggsmaskiner", "batteri", "byggvarme", "mobil lading", "fossilfri", "støy", "anleggsplass", "hjullaster"],
        keywords_en: &["zero-emission construction site", "electric excavator", "construction machinery", "battery", "mobile charging", "fossil-free", "noise", "wheel loader"],
        name_suffixes: &["Maskin", "Anlegg", "Maskinutleie", "Entreprenør", "Elektromaskin", "Machinery"],
        nb: Text {
            need_titles: &[
                "Utslippsfrie bygge- og anleggsplasser {i_place}|Krav om utslippsfrie maskiner i anleggskontrakter",
                "Elektriske gravemaskiner i veg- og VA-prosjekter|Batterielektriske anleggsmaskiner i egne prosjekter",
                "Mobil lading og energi på byggeplass uten nettilgang|Energiforsyning til elektriske maskiner på anleggsplassen",
                "Fossilfri oppvarming og uttørking av bygg|Utslippsfri byggvarme om vinteren",
            ],
            need_goals: &[
                "Vi trenger løsninger som gjør det mulig å gjennomføre bygge- og anleggsprosjekter uten fossile utslipp.|Målet er mindre støy og lokale utslipp ved byggeplasser nær skoler og boliger.",
                "Vi ønsker å vite hvilke maskinklasser som kan være elektriske i dag, og hva som krever overgangsløsninger.",
                "Vi søker løsninger for midlertidig energiforsyning og lading på byggeplassen.",
                "Vi trenger byggvarme og uttørking uten diesel og propan, også i kalde perioder.",
            ],
            need_problems: &[
                "Anleggsmaskiner på diesel står for en stor del av de direkte utslippene i bygge- og anleggsprosjektene våre.",
                "@0 Byggeplassene ligger ofte tett på boliger {i_place}, og støy og eksos plager naboer, skoler og barnehager.",
                "@2 Mange byggeplasser har ikke tilgang til nok strøm til å lade store maskiner.",
                "@0,1 Vi har vedtatt at alle egne byggeplasser skal være utslippsfrie, men det er få elektriske maskiner å få tak i.",
                "@3 Oppvarming og uttørking av bygg om vinteren skjer fortsatt ofte med diesel og propan.",
            ],
            need_details: &[
                "Vi vurderer å betale ekstra for utslippsfri drift i kontraktene.",
                "Løsningen må fungere om vinteren, også i sterk kulde.",
                "Vi ønsker rapportering av faktisk energibruk og utslipp fra hver maskin.",
                "Mindre entreprenører må kunne delta.",
            ],
            cap_titles: &[
                "Utleie av elektriske anleggsmaskiner|Elektriske gravemaskiner og hjullastere med fører",
                "Ombygging av gravemaskiner til batteridrift|Elektrifisering av eksisterende maskinpark",
                "Mobil batteribank for byggeplass|Flyttbart energilager for anleggsplasser",
                "Utslippsfri byggvarme|Byggvarme og uttørking uten fossil energi",
                "Dokumentasjon av utslipp fra maskinparken|Energi- og utslippsrapportering fra anleggsmaskiner",
            ],
            cap_offers: &[
                "Vi leier ut elektriske gravemaskiner, hjullastere og dumpere med fører.",
                "Vi bygger om dieseldrevne gravemaskiner til batteridrift, med ladetid tilpasset en vanlig arbeidsdag.",
                "Vi leverer mobile batteribanker som lades der strømnettet er sterkt og fraktes til byggeplassen.",
                "Vi tilbyr byggvarme og uttørking med fjernvarme, varmepumper og strøm i stedet for diesel og propan.",
                "Vår løsning henter data fra maskinene og rapporterer energibruk og utslipp per prosjekt.",
            ],
            cap_details: &[
                "@0,1,2 +Maskinene våre har vært i drift gjennom flere vintre {i_place}.",
                "@0,2 Vi tar ansvar for ladeinfrastrukturen på byggeplassen.",
                "@0,2,3 Vi samarbeider med nettselskapene om midlertidig tilknytning.",
                "@4 Rapportene kan brukes direkte i byggherrens klimaregnskap.",
                "Vi har base {i_place} og leverer i hele regionen.",
            ],
            refs: &[
                "@0,2 Utslippsfri byggeplass for {buyer} ({year})",
                "@0,1 Elektrisk gravemaskin i VA-prosjekt {i_place}, {year}",
                "@2 Mobil energiforsyning på anleggsplass, {buyer} ({year})",
                "@3 Fossilfri byggvarme i skoleprosjekt {i_place} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Utsleppsfrie byggjeplassar {i_place}", "Mobil lading på byggjeplassar utan nettilgang"],
            need_goals: &[
                "Vi treng løysingar som gjer det mogleg å gjennomføre byggje- og anleggsprosjekt utan fossile utslepp.",
                "Vi søkjer løysingar for mellombels energiforsyning og lading på byggjeplassen.",
            ],
            need_problems: &[
                "Anleggsmaskiner på diesel står for ein stor del av dei direkte utsleppa i byggjeprosjekta våre.",
                "@1 Mange byggjeplassar har ikkje tilgang til nok straum til å lade store maskiner.",
            ],
            need_details: &["Løysinga må fungere om vinteren.", "Mindre entreprenørar må kunne vere med."],
            cap_titles: &["Utleige av elektriske anleggsmaskiner", "Mobil batteribank for byggjeplassen"],
            cap_offers: &[
                "Vi leiger ut elektriske gravemaskiner og hjullastarar med førar.",
                "Vi leverer mobile batteribankar som blir lada der nettet er sterkt og frakta til byggjeplassen.",
            ],
            cap_details: &["+Maskinene våre har vore i drift gjennom fleire vintrar {i_place}.", "Vi tek ansvar for ladeinfrastrukturen."],
            refs: &["Utsleppsfri byggjeplass for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["Zero-emission construction sites in {place}", "Electric excavators in road and water projects", "Mobile energy for construction sites without grid access"],
            need_goals: &[
                "We need solutions that let us carry out construction projects without fossil emissions.",
                "We want to know which machine classes can be electric today and which need transitional solutions.",
                "We are looking for temporary energy supply and charging on site.",
            ],
            need_problems: &[
                "Diesel construction machinery accounts for a large share of the direct emissions from our projects.",
                "@0 Our sites are often close to homes in {place}, and noise and exhaust bother neighbours, schools and kindergartens.",
                "@2 Many sites lack enough grid power to charge large machines.",
            ],
            need_details: &["The solution must work in winter, including in severe cold.", "Smaller contractors must be able to take part."],
            cap_titles: &["Electric construction machinery for hire", "Battery conversion of excavators", "Mobile battery bank for construction sites"],
            cap_offers: &[
                "We hire out electric excavators, wheel loaders and dumpers with operators.",
                "We convert diesel excavators to battery power, with charging times that fit a normal working day.",
                "We supply mobile battery banks that are charged where the grid is strong and brought to the site.",
            ],
            cap_details: &["@0,1 +Our machines have run through several winters in {place}.", "Energy use and emissions are reported per project."],
            refs: &["Zero-emission construction site for {buyer} ({year})"],
        },
    },
    // Charging infrastructure for vehicles.
    Domain {
        key: "charging",
        themes: &[MOBILITY, CLIMATE],
        cpv: &["31158100", "45315300", "45310000", "34144900", "31682000", "50711000", "09310000"],
        value_nok: (1_000_000, 80_000_000),
        coastal: false,
        keywords_nb: &["ladeinfrastruktur", "ladepunkt", "elbil", "hurtiglader", "smart lading", "effektstyring", "gatelading", "tungtransport", "OCPP", "tjenestebiler"],
        keywords_en: &["charging infrastructure", "charge point", "electric vehicles", "fast charger", "smart charging", "load balancing", "kerbside charging", "heavy transport", "OCPP"],
        name_suffixes: &["Lading", "Elektro", "Charge", "+lading", "Energi", "EV"],
        nb: Text {
            need_titles: &[
                "[m]Lading av tjenestebiler ved kommunale bygg|[m]Lading for hjemmetjenestens elbiler|Lading av tjenestebiler ved egne bygg",
                "[c]Ladeinfrastruktur for tunge kjøretøy langs fylkesvegene|Hurtiglading for lastebiler og busser langs hovedvegene",
                "[m]Lading for beboere uten egen parkering {i_place}|[m]Gatelading i sentrumsgatene",
                "Smart lading som unngår effekttopper|Styring av lading for lavere nettleie",
            ],
            need_goals: &[
                "Vi trenger ladeinfrastruktur ved byggene våre som dekker dagens tjenestebiler og kan bygges ut etter hvert som flere kjøretøy blir elektriske.",
                "Vi ønsker forretningsmodeller der private aktører bygger og drifter hurtigladere for tungtransport på offentlig grunn.",
                "Målet er å gjøre det enkelt å velge elbil, også for innbyggere uten egen garasje.",
                "Vi søker styring av ladingen slik at den skjer når strømmen er billig og nettet har kapasitet.",
            ],
            need_problems: &[
                "@0 Bilparken vår er i ferd med å bli elektrisk, men mange av byggene har ikke nok ladepunkter.",
                "@2 Innbyggere i borettslag og sentrumsgater {i_place} har ikke mulighet til å lade hjemme.",
                "@1 Langs hovedvegene {i_place} mangler det hurtigladere som passer for lastebiler og busser.",
                "@0,3 Effekttopper fra lading gir høy nettleie og risiko for overbelastning av byggenes elektriske anlegg.",
                "Utbyggingen av lading {i_place} går saktere enn overgangen til elektriske kjøretøy.",
            ],
            need_details: &[
                "@1,2 Ladepunktene må være tilgjengelige for alle, med betaling uten app.",
                "Løsningen må tåle snø, salt og brøyting.",
                "Vi ønsker åpne protokoller som OCPP for å unngå innlåsing.",
                "Data om bruken skal deles med oss.",
            ],
            cap_titles: &[
                "Ladeanlegg for offentlige bygg og bilparker|Lading for tjenestebiler",
                "Hurtiglading for tungtransport|Ladestasjoner for lastebiler og busser",
                "Gatelading i lyktestolper|Lading for beboere uten garasje",
                "Lastbalansering og smart lading|Programvare for styring av lading",
                "Ladepunkter som tjeneste|Lading uten investering",
            ],
            cap_offers: &[
                "Vi prosjekterer, installerer og drifter ladeanlegg for offentlige bygg og tjenestebilparker.",
                "Vi bygger og drifter hurtigladestasjoner for lastebiler og busser langs hovedvegene.",
                "Vi monterer ladepunkter i eksisterende lyktestolper, slik at beboere kan lade i gata.",
                "Vår programvare fordeler effekten mellom ladepunktene og flytter ladingen til timer med lav pris.",
                "Vi tilbyr ladepunkter som tjeneste, der vi eier og drifter anlegget mot en fast månedspris.",
            ],
            cap_details: &[
                "Alle laderne støtter OCPP og kan styres fra andre plattformer.",
                "@0,1,2,4 Vi har montører {i_place} og kan rykke ut samme dag ved feil.",
                "@1,2,4 Betaling skjer med kort, app eller QR-kode.",
                "@0,1,2,4 Vi tar oss av søknader og kontakt med nettselskapet.",
                "@3 Løsningen reduserer effekttoppene uten at brukerne merker forskjell.",
            ],
            refs: &[
                "@0,3,4 Ladeanlegg for tjenestebiler, {buyer} ({year})",
                "@2 Gatelading i sentrumsgatene {i_place}, {year}",
                "@1 Hurtigladere for tungtransport langs fylkesveg, {buyer} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["[m]Lading av tenestebilar ved kommunale bygg|Lading av tenestebilar ved eigne bygg", "[m]Lading for bebuarar utan eiga parkering {i_place}"],
            need_goals: &[
                "Vi treng ladeinfrastruktur ved bygga våre som dekkjer dagens behov og kan byggjast ut etter kvart.",
                "Målet er å gjere det enkelt å velje elbil, også for innbyggjarar utan eigen garasje.",
            ],
            need_problems: &[
                "@0 Bilparken vår blir elektrisk, men mange av bygga har ikkje nok ladepunkt.",
                "@1 Innbyggjarar i burettslag og sentrumsgater {i_place} har ikkje høve til å lade heime.",
            ],
            need_details: &["Ladepunkta må tole snø, salt og brøyting.", "Vi ønskjer opne protokollar som OCPP."],
            cap_titles: &["Ladeanlegg for offentlege bygg", "Smart lading og lastbalansering"],
            cap_offers: &[
                "Vi prosjekterer, installerer og driftar ladeanlegg for offentlege bygg.",
                "Programvara vår fordeler effekten mellom ladepunkta og flyttar ladinga til timar med låg pris.",
            ],
            cap_details: &["Alle ladarane støttar OCPP.", "Vi har montørar {i_place}."],
            refs: &["@0 Ladeanlegg for tenestebilar, {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["[m]Charging for service vehicles at municipal buildings|Charging for service vehicles at our buildings", "[c]Charging for heavy vehicles along county roads|Fast charging for lorries and buses along main roads", "[m]Kerbside charging for residents without off-street parking"],
            need_goals: &[
                "We need charging at our buildings that covers today's service vehicles and can grow as more vehicles go electric.",
                "We would like business models where private operators build and run fast chargers for heavy vehicles on public land.",
                "The aim is to make electric cars an easy choice also for residents without a garage.",
            ],
            need_problems: &[
                "@0 Our fleet is going electric, but many of our buildings lack charge points.",
                "@1 There are no fast chargers suitable for lorries and buses along the main roads.",
                "@2 Residents of apartment blocks and central streets in {place} cannot charge at home.",
                "@0 Peaks from charging cause high grid tariffs and risk overloading the buildings' electrical systems.",
            ],
            need_details: &["@1,2 Charge points must be open to everyone, with payment without an app.", "We want open protocols such as OCPP to avoid lock-in."],
            cap_titles: &["Charging for public buildings and fleets", "Fast charging for heavy transport", "Kerbside charging in street lamps", "Smart charging and load balancing"],
            cap_offers: &[
                "We design, install and operate charging for public buildings and service vehicle fleets.",
                "We build and operate fast-charging stations for lorries and buses along the main roads.",
                "We install charge points in existing street lamps so residents can charge in the street.",
                "Our software balances power between charge points and shifts charging to low-price hours.",
            ],
            cap_details: &["All our chargers support OCPP.", "@0,1,2 Our technicians in {place} can be on site the same day."],
            refs: &["@0,3 Fleet charging for {buyer} ({year})", "@2 Kerbside charging in central {place}, {year}"],
        },
    },
    // Electric buses.
    Domain {
        key: "ebus",
        themes: &[MOBILITY, CLIMATE],
        cpv: &["34144910", "34121100", "60112000", "34121400", "60172000", "31158100", "50110000"],
        value_nok: (20_000_000, 1_500_000_000),
        coastal: false,
        keywords_nb: &["elbuss", "elektriske busser", "kollektivtransport", "regionruter", "skolebuss", "depotlading", "pantograf", "vognløp", "rekkevidde", "kaldt klima"],
        keywords_en: &["electric buses", "e-bus", "public transport", "regional routes", "school buses", "depot charging", "pantograph", "vehicle scheduling", "range", "cold climate"],
        name_suffixes: &["Buss", "Mobility", "Bussteknikk", "E-Mobility", "Transportteknikk"],
        nb: Text {
            need_titles: &[
                "Elektriske busser på regionrutene {i_place}|Batterielektriske busser i distriktene",
                "Utslippsfri skolebusstransport|Elektriske skolebusser",
                "Lading av elbusser i depot og på endeholdeplass|Ladeinfrastruktur for ny busskontrakt",
                "Elbusser i kaldt klima|Rekkevidde og oppvarming i elbusser om vinteren",
            ],
            need_goals: &[
                "Vi trenger et utslippsfritt busstilbud på regionrutene som holder samme frekvens og punktlighet som i dag.",
                "Målet er utslippsfri skoleskyss uten lengre reisetid for elevene.",
                "Vi ønsker innspill på hvordan lading, rutetider og vognløp kan planlegges samlet.",
                "Vi søker løsninger som gjør elbusser drivverdige på lange ruter også midt på vinteren.",
            ],
            need_problems: &[
                "@0,1 Bybussene {i_place} er i stor grad elektriske, men regionrutene og skolebussene går fortsatt på diesel.",
                "@0,2 Lange ruter i grisgrendte strøk gjør det krevende å få plass til lading innenfor dagens rutetider.",
                "@3 Vinterkulde reduserer rekkevidden til elbussene, og oppvarming av bussen krever mye energi.",
                "@2 Bussdepotene mangler kapasitet i strømnettet til å lade hele flåten om natten.",
                "@1 Skolebussene kjører korte turer morgen og ettermiddag og står stille resten av dagen.",
            ],
            need_details: &[
                "Operatøren må ha en reserveløsning ved feil på ladeinfrastrukturen.",
                "@2 Det er ønskelig at depotene kan brukes til lading av andre kjøretøy på dagtid.",
                "Vi ønsker data om energiforbruket til hver buss.",
                "Kontraktsperioden er normalt ti år.",
            ],
            cap_titles: &[
                "Elbusser for regionruter|Batterielektriske regionbusser",
                "Pantografladere for endeholdeplasser|Hurtiglading av busser underveis",
                "Planlegging av vognløp og lading|Programvare for elektrifisering av busskontrakter",
                "Depotlading med energilager|Bussdepot med batterilager",
                "Varmepumpe for elbusser|Energieffektiv oppvarming av elbusser",
            ],
            cap_offers: &[
                "Vi leverer batterielektriske busser for regionruter med rekkevidde på over 400 kilometer.",
                "Vi installerer pantografladere på endeholdeplasser, slik at bussene kan lade mens de står i regulering.",
                "Vår programvare planlegger vognløp og lading samtidig og viser hvor mange ladere som trengs.",
                "Vi bygger depotladeanlegg med batterilager som reduserer behovet for nettkapasitet.",
                "Vi monterer varmepumper i elbusser, noe som reduserer energibruken til oppvarming betydelig vinterstid.",
            ],
            cap_details: &[
                "@0,4 Bussene er testet i kulde ned mot minus 30 grader.",
                "@0,1,3,4 Vi har serviceverksted {i_place}.",
                "Vi samarbeider med operatørselskapene om opplæring av sjåfører.",
                "@0,1,3 Løsningen kan finansieres som leasing.",
                "@2 Planene kan eksporteres direkte til operatørens systemer.",
            ],
            refs: &[
                "@0,4 Elbusser på regionrute {i_place} ({year})",
                "@2 Ladeplan for busskontrakt, {buyer}, {year}",
                "@1,3 Ladere for {buyer} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Elektriske bussar på regionrutene {i_place}", "Utsleppsfri skulebusstransport"],
            need_goals: &[
                "Vi treng eit utsleppsfritt busstilbod med same frekvens og punktlegheit som i dag.",
                "Målet er utsleppsfri skuleskyss utan lengre reisetid for elevane.",
            ],
            need_problems: &[
                "Bybussane {i_place} er for det meste elektriske, men regionrutene og skulebussane går framleis på diesel.",
                "@0 Vinterkulde reduserer rekkjevidda til elbussane.",
            ],
            need_details: &["Operatøren må ha ei reserveløysing ved feil på ladeinfrastrukturen.", "Kontraktsperioden er normalt ti år."],
            cap_titles: &["Elbussar for regionruter", "Planlegging av vognløp og lading"],
            cap_offers: &[
                "Vi leverer batterielektriske bussar for regionruter med lang rekkjevidd.",
                "Programvara vår planlegg vognløp og lading samstundes.",
            ],
            cap_details: &["Vi har serviceverkstad {i_place}.", "Vi samarbeider med operatørane om opplæring av sjåførar."],
            refs: &["@0 Elbussar på regionrute {i_place} ({year})"],
        },
        en: Text {
            need_titles: &["Electric buses on regional routes in {place}", "Zero-emission school bus transport", "Depot and terminus charging for e-buses"],
            need_goals: &[
                "We need a zero-emission bus service on regional routes with the same frequency and punctuality as today.",
                "The aim is zero-emission school transport without longer journeys for pupils.",
                "We would like input on how charging, timetables and vehicle schedules can be planned together.",
            ],
            need_problems: &[
                "@0,1 City buses in {place} are largely electric, but regional routes and school buses still run on diesel.",
                "@0,2 Long rural routes make it hard to fit charging into today's timetables.",
                "@0 Winter cold reduces range, and heating the bus takes a lot of energy.",
                "@2 The bus depots lack the grid capacity to charge the whole fleet overnight.",
            ],
            need_details: &["The operator must have a fallback if the charging infrastructure fails.", "Contract periods are normally ten years."],
            cap_titles: &["Electric buses for regional routes", "Pantograph chargers for termini", "Vehicle and charging scheduling"],
            cap_offers: &[
                "We supply battery-electric buses for regional routes with a range of more than 400 kilometres.",
                "We install pantograph chargers at termini so that buses charge during layovers.",
                "Our software plans vehicle schedules and charging together and shows how many chargers are needed.",
            ],
            cap_details: &["@0 The buses have been tested down to minus 30 degrees.", "@0,1 We have a service workshop in {place}.", "We train drivers together with the operators."],
            refs: &["@0 Electric buses on a regional route in {place} ({year})", "@2 Charging plan for a bus contract, {buyer}, {year}"],
        },
    },
    // School meals.
    Domain {
        key: "schoolmeals",
        themes: &[HEALTH, OTHER],
        cpv: &["55523100", "55524000", "15894210", "39310000", "55321000", "15300000", "39312200"],
        value_nok: (2_000_000, 120_000_000),
        coastal: false,
        keywords_nb: &["skolemat", "skolemåltid", "skolelunsj", "matsvinn", "lokale råvarer", "kantine", "sentralkjøkken", "folkehelse", "elever", "kosthold"],
        keywords_en: &["school meals", "school lunch", "food waste", "local produce", "canteen", "central kitchen", "public health", "pupils", "nutrition"],
        name_suffixes: &["Mat", "Kjøkken", "Catering", "Storkjøkken", "Lokalmat", "Food"],
        nb: Text {
            need_titles: &[
                "Sunt skolemåltid for alle elever {i_place}|[m]Daglig skolelunsj i grunnskolen|[c]Gratis skolelunsj i videregående skole",
                "Kjøkkenløsning for skoler uten produksjonskjøkken|Servering av skolemat der det ikke finnes kjøkken",
                "Skolemat med lokale råvarer|Mer lokalmat i skoler og barnehager {i_place}",
                "Mindre matsvinn i skolekantinene|Digital bestilling og oversikt over skolemåltider",
            ],
            need_goals: &[
                "Vi trenger et sunt og godt skolemåltid som kan serveres til alle elever hver dag, til en kostnad vi kan bære over tid.|Målet er at måltidet skal følge de nasjonale retningslinjene for mat og måltider i skolen.",
                "Vi søker løsninger som gjør det mulig å tilby varm mat på skoler uten eget kjøkken, uten store ombygginger.",
                "Vi ønsker at skolematen i størst mulig grad skal lages av råvarer fra regionen.",
                "Vi ønsker å vite hvor mange som spiser og hvor mye som kastes, slik at vi kan lage riktig mengde mat.",
            ],
            need_problems: &[
                "@0 Mange elever kommer til skolen uten frokost eller matpakke, og det går ut over læring og trivsel.",
                "@1 Flere av skolene {i_place} mangler kjøkken og kantine, og det er ikke plass til å bygge nytt.",
                "@0,1 Vi har vedtatt å innføre et daglig skolemåltid, men har lite erfaring med drift av storkjøkken.",
                "@3 Det kastes mye mat i skolekantinene, og vi vet lite om hva elevene faktisk spiser.",
                "@2 Lokale bønder og fiskere når i liten grad fram til offentlige kjøkken fordi leveransene er for små og spredte.",
            ],
            need_details: &[
                "Allergier og religiøse hensyn må ivaretas.",
                "@0,1 Tiden elevene har til å spise, er begrenset, så serveringen må gå raskt.",
                "@0,1,2 Transport av mat mellom skoler må skje uten brudd i kjølekjeden.",
                "@0,2 Vi vil gjerne samarbeide med lokale produsenter og bønder.",
                "@0,3 Elevrådene skal være med på å utforme tilbudet.",
            ],
            cap_titles: &[
                "Skolelunsj fra sentralkjøkken|Daglig levering av skolemat",
                "Mobil kjøkkenmodul for skoler|Kjøkken i container for skolegården",
                "Bestilling og måling av matsvinn|App for skolemåltider",
                "Lokalmat til skoler og barnehager|Samlet innkjøp fra lokale produsenter",
                "Elevdrevet skolekantine|Kantine der elevene lager maten",
            ],
            cap_offers: &[
                "Vi lager skolelunsj i vårt sentralkjøkken og leverer den varm eller kjølt til skolene hver morgen.",
                "Vi leverer kjøkkenmoduler som kan settes opp i eksisterende skolebygg på få dager.",
                "Vår app lar elevene melde om de skal spise, og måler samtidig hvor mye mat som kastes.",
                "Vi samler varer fra lokale gårder og fiskere og leverer råvarer til skoler og barnehager.",
                "Vi hjelper skoler med å drive kantine der elevene lager maten sammen med en kokk.",
            ],
            cap_details: &[
                "@0,3,4 Menyene følger Helsedirektoratets retningslinjer og tar hensyn til allergier.",
                "@0,2,4 +Hos eksisterende kunder har vi redusert matsvinnet med om lag en tredjedel.",
                "@0,3 Vi leverer {i_place} og i nabokommunene.",
                "@0,3 Emballasjen er gjenbrukbar.",
                "@1 Modulene oppfyller kravene fra Mattilsynet og kan flyttes når behovet endrer seg.",
                "@2 Appen fungerer på skolens nettbrett og på elevenes egne telefoner.",
            ],
            refs: &[
                "@0,3 Skolelunsj til {n} skoler for {buyer} ({year})",
                "@4 Pilot med elevdrevet kantine {i_place}, {year}",
                "@2 Måling av matsvinn i skoler for {buyer} ({year})",
                "@1 Kjøkkenmoduler til skoler {i_place} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Sunt skulemåltid for alle elevar {i_place}", "Skulemat med lokale råvarer"],
            need_goals: &[
                "Vi treng eit sunt og godt skulemåltid som kan serverast til alle elevar kvar dag.",
                "Vi ønskjer at skulematen i størst mogleg grad skal lagast av råvarer frå regionen.",
            ],
            need_problems: &[
                "@0 Mange elevar kjem til skulen utan frukost eller matpakke, og det går ut over læring og trivsel.",
                "@0 Fleire av skulane {i_place} manglar kjøkken og kantine.",
                "@1 Lokale bønder og fiskarar når i liten grad fram til offentlege kjøkken.",
            ],
            need_details: &["Allergiar og religiøse omsyn må varetakast.", "@1 Vi vil gjerne samarbeide med lokale produsentar."],
            cap_titles: &["Skulelunsj frå sentralkjøkken", "Lokalmat til skular og barnehagar"],
            cap_offers: &[
                "Vi lagar skulelunsj i sentralkjøkkenet vårt og leverer han til skulane kvar morgon.",
                "Vi samlar varer frå lokale gardar og fiskarar og leverer råvarer til skular.",
            ],
            cap_details: &["Menyane følgjer dei nasjonale retningslinene.", "Vi leverer {i_place} og i nabokommunane."],
            refs: &["@0 Skulelunsj til {n} skular for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["A healthy school meal for every pupil in {place}", "Kitchen solutions for schools without a kitchen", "Less food waste in school canteens"],
            need_goals: &[
                "We need a healthy and tasty school meal that can be served to every pupil every day at a cost we can sustain.",
                "We are looking for ways to serve hot food at schools without their own kitchen, without major building work.",
                "We want to know how many pupils eat and how much is thrown away so that we cook the right amount.",
            ],
            need_problems: &[
                "@0 Many pupils arrive at school without breakfast or a packed lunch, which affects learning and well-being.",
                "@1 Several schools in {place} have no kitchen or canteen, and there is no room to build one.",
                "@2 A lot of food is thrown away in school canteens, and we know little about what pupils actually eat.",
            ],
            need_details: &["Allergies and religious requirements must be respected.", "@0,1 Pupils have little time to eat, so serving must be quick."],
            cap_titles: &["School lunch from a central kitchen", "Mobile kitchen modules for schools", "Food waste measurement for canteens"],
            cap_offers: &[
                "We cook school lunches in our central kitchen and deliver them hot or chilled to schools every morning.",
                "We supply kitchen modules that can be installed in existing school buildings in a few days.",
                "Our app lets pupils say whether they will eat and measures how much food is thrown away.",
            ],
            cap_details: &["@0 Menus follow the national dietary guidelines and take allergies into account.", "We deliver in {place} and neighbouring municipalities."],
            refs: &["@0 School lunch for {n} schools for {buyer} ({year})"],
        },
    },
    // Water supply and sewage.
    Domain {
        key: "water",
        themes: &[BUILDINGS, CLIMATE],
        cpv: &["65100000", "65111000", "45231300", "90400000", "90480000", "90491000", "71631430", "38421100", "45252127"],
        value_nok: (2_000_000, 400_000_000),
        coastal: false,
        keywords_nb: &["vann og avløp", "VA", "lekkasje", "ledningsnett", "overvann", "avløpsrensing", "drikkevann", "gravefri fornyelse", "klimatilpasning", "digital tvilling", "vannmåler"],
        keywords_en: &["water and wastewater", "leakage", "pipe network", "stormwater", "wastewater treatment", "drinking water", "trenchless", "climate adaptation", "digital twin", "water meters"],
        name_suffixes: &["VA", "Vannteknikk", "Rørfornying", "Water", "Miljøteknikk", "+vann"],
        nb: Text {
            need_titles: &[
                "Lekkasjesøk på vannledningsnettet {i_place}|Mindre vanntap fra ledningsnettet|Smarte vannmålere",
                "Håndtering av overvann ved ekstremnedbør|Klimatilpasning av avløpsnettet {i_place}",
                "Fornyelse av avløpsledninger uten graving|Raskere fornyelse av gamle vann- og avløpsledninger",
                "Sanntidsovervåking av avløpsnettet|Bedre oversikt over tilstanden i ledningsnettet",
                "Fjerning av mikroplast og legemiddelrester i renseanlegg|Rensing av avløpsvann etter nye krav",
            ],
            need_goals: &[
                "Vi trenger løsninger som finner lekkasjer tidlig og hjelper oss å prioritere hvor vi skal fornye.",
                "Vi ønsker å håndtere overvann lokalt med naturbaserte løsninger der det er mulig.|Målet er færre overløp og bedre vannkvalitet i fjorden.",
                "Vi søker metoder for fornyelse av ledninger som gir mindre graving og kortere stengetid for vegene.",
                "Vi trenger sanntidsdata om vannføring og overløp, slik at vi kan gripe inn før skadene oppstår.",
                "Vi søker rensemetoder som fjerner mikroforurensninger uten at energibruken øker mye.",
            ],
            need_problems: &[
                "@0 Rundt en tredjedel av drikkevannet {i_place} lekker ut av ledningsnettet før det når abonnentene.",
                "@1,3 Kraftigere regnskyll fører til oversvømte kjellere og overløp av urenset avløpsvann til sjø og vassdrag.",
                "@0,2 Mye av ledningsnettet ble lagt for mer enn 50 år siden og må fornyes raskere enn i dag.",
                "@0,3 Vi har lite informasjon om tilstanden i ledningsnettet før det oppstår brudd.",
                "@4 Nye krav i avløpsdirektivet gjør at renseanleggene må fjerne mer næringsstoffer og miljøgifter.",
                "@2 Graving i sentrumsgatene {i_place} gir lange stengeperioder og mye ulempe for næringsliv og beboere.",
            ],
            need_details: &[
                "@0,3,4 Løsningen må kunne kobles til vårt driftskontrollsystem.",
                "[m]Vi samarbeider med nabokommunene om felles drift av vann og avløp.",
                "[o]Vi drifter vann og avløp på vegne av eierkommunene.",
                "Data skal være tilgjengelige i åpne formater.",
                "@0 Sikkerheten i drikkevannsforsyningen er avgjørende, og løsningen må vurderes etter drikkevannsforskriften.",
            ],
            cap_titles: &[
                "Akustisk lekkasjesøk med sensorer|Lekkasjeovervåking av vannledningsnettet",
                "Digital tvilling av vann- og avløpsnettet|Simulering av avløpsnettet ved kraftig regn",
                "Rehabilitering av avløpsrør uten graving|Strømpeforing av vann- og avløpsledninger",
                "Naturbasert overvannshåndtering|Regnbed og fordrøyning",
                "Rensing av mikroforurensninger|Nytt rensetrinn for avløpsanlegg",
            ],
            cap_offers: &[
                "Vi monterer akustiske sensorer på ledningsnettet som lytter etter lekkasjer og viser omtrentlig posisjon på kart.",
                "Vi bygger en digital tvilling av vann- og avløpsnettet som simulerer hva som skjer ved kraftig regn.",
                "Vi fornyer avløpsledninger innenfra med strømpeforing, uten å grave opp vegen.",
                "Vi prosjekterer regnbed, grønne tak og fordrøyning som tar unna overvann lokalt.",
                "Vi har utviklet et rensetrinn som fjerner legemiddelrester og mikroplast fra avløpsvann.",
            ],
            cap_details: &[
                "+Vi har referanser fra både store og små kommuner.",
                "@0,1,4 Løsningen kan kobles til de vanligste driftskontrollsystemene.",
                "@0 Vi kan levere som tjeneste med betaling per funnet lekkasje.",
                "@0,2 Vi har eget feltmannskap {i_place}.",
                "@1,3 Beregningene tar hensyn til framtidig klima og økt nedbør.",
            ],
            refs: &[
                "@0 Lekkasjesøk for {buyer} ({year})",
                "@2 Strømpeforing av avløpsledninger {i_place}, {year}",
                "@1,3 Overvannsplan for {buyer} ({year})",
                "@4 Pilot med nytt rensetrinn ved renseanlegget {i_place} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Lekkasjesøk på vassleidningsnettet {i_place}", "Handtering av overvatn ved ekstremnedbør"],
            need_goals: &[
                "Vi treng løysingar som finn lekkasjar tidleg og hjelper oss å prioritere kvar vi skal fornye.",
                "Vi ønskjer å handtere overvatn lokalt med naturbaserte løysingar.",
            ],
            need_problems: &[
                "@0 Rundt ein tredjedel av drikkevatnet {i_place} lek ut av leidningsnettet før det når abonnentane.",
                "@1 Kraftigare regnbyer fører til oversvømde kjellarar og overløp av urensa avløpsvatn.",
            ],
            need_details: &["Løysinga må kunne koplast til driftskontrollsystemet vårt.", "Data skal vere tilgjengelege i opne format."],
            cap_titles: &["Akustisk lekkasjesøk med sensorar", "Naturbasert handtering av overvatn"],
            cap_offers: &[
                "Vi monterer akustiske sensorar på leidningsnettet som lyttar etter lekkasjar.",
                "Vi prosjekterer regnbed, grøne tak og fordrøying som tek unna overvatn lokalt.",
            ],
            cap_details: &["+Vi har referansar frå både store og små kommunar.", "Vi har eige feltmannskap {i_place}."],
            refs: &["@0 Lekkasjesøk for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["Leak detection in the water network in {place}", "Stormwater management during extreme rainfall", "Trenchless renewal of sewer pipes"],
            need_goals: &[
                "We need solutions that find leaks early and help us prioritise renewal.",
                "We want to manage stormwater locally with nature-based solutions where possible.",
                "We are looking for renewal methods that need less digging and shorter road closures.",
            ],
            need_problems: &[
                "@0 About a third of the drinking water in {place} leaks from the network before it reaches consumers.",
                "@1 Heavier downpours flood basements and cause overflows of untreated wastewater into the sea and rivers.",
                "@0,2 Much of the network was laid more than 50 years ago and must be renewed faster than today.",
            ],
            need_details: &["@0 The solution must connect to our SCADA system.", "Data must be available in open formats."],
            cap_titles: &["Acoustic leak detection", "Digital twin of water and sewer networks", "Trenchless pipe rehabilitation"],
            cap_offers: &[
                "We install acoustic sensors on the network that listen for leaks and show their approximate position on a map.",
                "We build a digital twin of the water and sewer network that simulates what happens in heavy rain.",
                "We renew sewer pipes from the inside with cured-in-place lining, without digging up the road.",
            ],
            cap_details: &[
                "+We have references from both large and small municipalities.",
                "@0,2 Our field crew is based in {place}.",
                "@1 The model takes future climate and heavier rainfall into account.",
            ],
            refs: &["@0 Leak detection for {buyer} ({year})", "@2 Pipe lining in {place}, {year}"],
        },
    },
    // Waste collection and sorting.
    Domain {
        key: "waste",
        themes: &[CLIMATE],
        cpv: &["90511200", "90514000", "34928480", "44613800", "34144511", "43411000", "90500000", "79723000"],
        value_nok: (2_000_000, 200_000_000),
        coastal: false,
        keywords_nb: &["avfallssortering", "kildesortering", "matavfall", "plast", "renovasjon", "gjenvinning", "ettersortering", "nedgravde containere", "ombruk", "fyllingsgrad"],
        keywords_en: &["waste sorting", "source separation", "food waste", "plastics", "waste collection", "recycling", "mechanical sorting", "underground containers", "reuse", "fill level"],
        name_suffixes: &["Gjenvinning", "Miljø", "Renovasjon", "Recycling", "Avfallsteknikk", "Waste Tech"],
        nb: Text {
            need_titles: &[
                "Bedre kildesortering i blokker og borettslag|Sortering av matavfall og plast {i_place}",
                "Avfallsbeholdere som melder når de er fulle|Behovsstyrt tømming av avfallsbeholdere",
                "Ettersortering av restavfall|Mer materialgjenvinning fra restavfallet",
                "Fossilfri innsamling av husholdningsavfall|Elektriske renovasjonsbiler",
                "Ombruksstasjon ved gjenvinningsstasjonen|Mer ombruk av det innbyggerne leverer",
            ],
            need_goals: &[
                "Vi trenger løsninger som gjør det enkelt for alle innbyggere å sortere riktig, også i blokker.",
                "Vi ønsker innsamling som tilpasses fyllingsgraden, slik at vi kjører mindre.",
                "Målet er at 65 prosent av husholdningsavfallet skal gå til materialgjenvinning innen 2035, og ettersortering kan være en del av svaret.",
                "Vi trenger innsamling uten fossile utslipp som klarer dagens ruter og vinterforhold.",
                "Vi søker løsninger som gjør ombruk til et naturlig førstevalg på gjenvinningsstasjonen.",
            ],
            need_problems: &[
                "@0,2 Utsorteringsgraden for matavfall og plast {i_place} er langt under de nye nasjonale kravene.",
                "@0 Beboere i blokker har dårligere tilgang til sortering enn de som bor i enebolig.",
                "@1,3 Renovasjonsbilene kjører faste ruter og tømmer ofte halvtomme beholdere.",
                "@4 Mye av det som leveres på gjenvinningsstasjonen, kunne vært brukt på nytt.",
                "@3 Renovasjonsbilene går på diesel og står for en stor del av utslippene fra tjenestene våre.",
            ],
            need_details: &[
                "@0,1,3 Løsningen må fungere i trange bygater og om vinteren.",
                "@0,4 Informasjonen til innbyggerne må finnes på flere språk.",
                "@1,3 Innsamlingen skal være fossilfri.",
                "Flere kommuner i regionen kan slutte seg til anskaffelsen.",
            ],
            cap_titles: &[
                "Nedgravde containere for bymiljø|Sortering i flere fraksjoner for blokker",
                "Sensorer for fyllingsgrad i avfallsbeholdere|Behovsstyrt tømming",
                "Optisk ettersortering av restavfall|KI-basert sortering av avfall",
                "Elektriske renovasjonsbiler|Batterielektrisk avfallsinnsamling",
                "Digital ombruksbutikk for gjenvinningsstasjoner|Ombruk på gjenvinningsstasjonen",
            ],
            cap_offers: &[
                "Vi leverer nedgravde containere med sortering i flere fraksjoner, tilpasset tette byområder.",
                "Vi leverer sensorer som måler fyllingsgraden i beholdere og planlegger tømmerutene etter behov.",
                "Vi har utviklet et anlegg som sorterer ut plast, metall og matavfall fra restavfallet med optiske sensorer og kunstig intelligens.",
                "Vi leverer batterielektriske renovasjonsbiler som klarer en hel arbeidsdag uten å lade.",
                "Vi har laget en nettbutikk der gjenvinningsstasjoner kan selge og gi bort brukte gjenstander.",
            ],
            cap_details: &[
                "+Løsningen er i drift hos flere interkommunale renovasjonsselskaper.",
                "@1,2,4 Systemet kan kobles til eksisterende fagsystem for renovasjon.",
                "@0,1,3 Vi har service og reservedeler på lager {i_place}.",
                "@0,1,2 Vi dokumenterer effekten på sorteringsgrad og kjørte kilometer.",
            ],
            refs: &[
                "@1 Fyllingssensorer for {buyer} ({year})",
                "@0 Nedgravde containere i sentrumsområdene {i_place}, {year}",
                "@2 Ettersorteringsanlegg, {buyer} ({year})",
                "@3 Elektriske renovasjonsbiler for {buyer} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Betre kjeldesortering i blokker og burettslag", "Behovsstyrt tømming av avfallsbehaldarar"],
            need_goals: &[
                "Vi treng løysingar som gjer det enkelt for alle innbyggjarar å sortere rett.",
                "Vi ønskjer innsamling som blir tilpassa fyllingsgraden, slik at vi køyrer mindre.",
            ],
            need_problems: &[
                "@0 Utsorteringsgraden for matavfall og plast {i_place} er langt under dei nye nasjonale krava.",
                "@1 Renovasjonsbilane køyrer faste ruter og tømmer ofte halvtomme behaldarar.",
            ],
            need_details: &["Løysinga må fungere i trange bygater og om vinteren.", "Fleire kommunar i regionen kan slutte seg til anskaffinga."],
            cap_titles: &["Nedgravne containerar for bymiljø", "Sensorar for fyllingsgrad i avfallsbehaldarar"],
            cap_offers: &[
                "Vi leverer nedgravne containerar med sortering i fleire fraksjonar.",
                "Vi leverer sensorar som måler fyllingsgraden i behaldarar og planlegg tømmerutene etter behov.",
            ],
            cap_details: &["+Løysinga er i drift hos fleire interkommunale renovasjonsselskap.", "Vi har service og reservedelar på lager {i_place}."],
            refs: &["@1 Fyllingssensorar for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["Better source separation in apartment blocks", "Bins that report when they are full", "More recycling from residual waste"],
            need_goals: &[
                "We need solutions that make it easy for every resident to sort correctly, also in apartment blocks.",
                "We want collection that adapts to fill levels so that we drive less.",
                "We need to recover far more material from residual waste to reach the 2035 recycling target.",
            ],
            need_problems: &[
                "@0,2 Separation rates for food waste and plastics in {place} are far below the new national requirements.",
                "@0 Residents of apartment blocks have poorer access to sorting than those living in houses.",
                "@1 Collection trucks follow fixed routes and often empty half-full bins.",
            ],
            need_details: &["@0,1 The solution must work in narrow streets and in winter.", "@0 Information for residents must be available in several languages."],
            cap_titles: &["Underground containers for dense areas", "Fill-level sensors for waste bins", "Optical sorting of residual waste"],
            cap_offers: &[
                "We supply underground containers with several fractions, designed for dense urban areas.",
                "We supply sensors that measure fill levels and plan collection routes on demand.",
                "Our plant uses optical sensors and AI to recover plastics, metals and food waste from residual waste.",
            ],
            cap_details: &[
                "+The solution is in use at several inter-municipal waste companies.",
                "@0,1 We keep service staff and spare parts in {place}.",
                "@2 The plant can be placed next to an existing waste facility.",
            ],
            refs: &["@1 Fill-level sensors for {buyer} ({year})", "@2 Sorting plant for {buyer} ({year})"],
        },
    },
    // Snow clearing and winter maintenance.
    Domain {
        key: "snow",
        themes: &[MOBILITY, BUILDINGS],
        cpv: &["90620000", "34143000", "43313100", "34927100", "34144420", "44113910", "90630000"],
        value_nok: (2_000_000, 150_000_000),
        coastal: false,
        keywords_nb: &["brøyting", "snørydding", "vintervedlikehold", "strøing", "veisalt", "friksjon", "gang- og sykkelveg", "føreforhold", "værdata", "brøytekart"],
        keywords_en: &["snow clearing", "winter maintenance", "gritting", "road salt", "friction", "cycle paths", "road conditions", "weather data", "ploughing"],
        name_suffixes: &["Vintervedlikehold", "Brøyting", "Vegdata", "Veiservice", "Maskin og Brøyting", "Winter Tech"],
        nb: Text {
            need_titles: &[
                "[m]Smartere brøyting av kommunale veger {i_place}|Behovsstyrt vintervedlikehold {i_place}",
                "Mindre salt på vegene uten dårligere fremkommelighet|Redusert saltbruk i vinterdriften",
                "Vintervedlikehold av gang- og sykkelveger|Bedre brøyting for gående og syklende",
                "Utslippsfrie brøytekjøretøy|Fossilfri vinterdrift",
                "Sanntidsinformasjon om brøyting og føreforhold|Brøytekart for innbyggerne",
            ],
            need_goals: &[
                "Vi trenger et vintervedlikehold som setter inn ressursene der og når behovet er størst.",
                "Vi ønsker å redusere saltbruken uten at friksjonen og trafikksikkerheten blir dårligere.",
                "Vi trenger løsninger som gir framkommelige gang- og sykkelveger tidlig om morgenen.",
                "Vi søker løsninger for utslippsfri brøyting og strøing.",
                "Målet er at innbyggerne kan se i sanntid når vegen er brøytet og strødd.",
            ],
            need_problems: &[
                "@0,4 Brøytingen {i_place} følger faste ruter og tider, uavhengig av hvor det faktisk har kommet snø.",
                "@1 Saltbruken på vegene gir skader på natur, kjøretøy og infrastruktur.",
                "@2 Gang- og sykkelveger blir ofte brøytet sist, noe som gjør det vanskelig for skolebarn og eldre å ta seg fram.",
                "@4 Innbyggerne ringer og spør når vegen deres blir brøytet, og vi har ikke gode svar.",
                "@3 Vinterdriften står for en stor del av dieselforbruket i driftskontraktene våre.",
            ],
            need_details: &[
                "Løsningen må fungere for lokale entreprenører med ulike kjøretøy.",
                "@0,1,4 Data fra vegstasjoner og værvarsler bør brukes.",
                "Vi ønsker dokumentasjon av utført arbeid for å forenkle fakturering.",
                "@0,1 Kystklima med mye veksling mellom mildvær og frost gir særlige utfordringer.",
            ],
            cap_titles: &[
                "Behovsstyrt brøyting med værdata|Planlegging av vinterdrift med sensordata",
                "Friksjonsmåling fra kjøretøy|Kart over glatte strekninger",
                "Strøing med varmt vann og sand|Saltfri strøing",
                "Elektrisk brøytetraktor|Batterielektriske småbrøytere",
                "Brøytekart for innbyggere|Sanntidsinformasjon om brøyting",
            ],
            cap_offers: &[
                "Vi kombinerer værvarsler, vegsensorer og data fra kjøretøy for å planlegge brøyting og strøing der behovet er størst.",
                "Vi måler friksjon fortløpende fra biler i vanlig trafikk og viser glatte strekninger på kart.",
                "Vi leverer utstyr for strøing med varmt vann og sand, som gir god friksjon uten salt.",
                "Vi har bygd om traktorer og småbrøytere til batteridrift for gang- og sykkelveger.",
                "Vår tjeneste viser innbyggerne et kart over hvor det er brøytet og strødd den siste timen.",
            ],
            cap_details: &[
                "@0,4 +Løsningen brukes av entreprenører med ulike typer kjøretøy.",
                "@0,3,4 Vi dokumenterer utført arbeid automatisk med GPS-logg.",
                "+Vi har erfaring fra både innlandsklima og kystklima.",
                "Vi har lokal kundestøtte {i_place}.",
            ],
            refs: &[
                "@0,1 Behovsstyrt vinterdrift for {buyer} ({year})",
                "@3 Elektrisk brøyting av gang- og sykkelveger {i_place}, {year}",
                "@1 Friksjonsmåling på fylkesveger, {buyer} ({year})",
                "@4 Brøytekart for innbyggerne {i_place} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["[m]Smartare brøyting av kommunale vegar {i_place}|Behovsstyrt vintervedlikehald {i_place}", "Vintervedlikehald av gang- og sykkelvegar"],
            need_goals: &[
                "Vi treng eit vintervedlikehald som set inn ressursane der og når behovet er størst.",
                "Vi treng løysingar som gjev framkomelege gang- og sykkelvegar tidleg om morgonen.",
            ],
            need_problems: &[
                "@0 Brøytinga {i_place} følgjer faste ruter og tider, same kvar snøen faktisk har kome.",
                "@1 Gang- og sykkelvegar blir ofte brøytte sist, og det gjer det vanskeleg for skuleborn og eldre å kome seg fram.",
            ],
            need_details: &["Data frå vegstasjonar og vêrvarsel bør brukast.", "Kystklima med mykje skifte mellom mildvêr og frost gjev særlege utfordringar."],
            cap_titles: &["Behovsstyrt brøyting med vêrdata", "Elektriske småbrøytarar for gang- og sykkelvegar"],
            cap_offers: &[
                "Vi kombinerer vêrvarsel, vegsensorar og data frå køyretøy for å planleggje brøyting der behovet er størst.",
                "Vi har bygd om traktorar og småbrøytarar til batteridrift for gang- og sykkelvegar.",
            ],
            cap_details: &["Vi dokumenterer utført arbeid automatisk med GPS-logg.", "Vi har lokal kundestøtte {i_place}."],
            refs: &["@0 Behovsstyrt vinterdrift for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["[m]Smarter snow clearing of municipal roads in {place}|Demand-driven winter maintenance in {place}", "Less road salt without poorer accessibility", "Winter maintenance of footpaths and cycle paths"],
            need_goals: &[
                "We need winter maintenance that puts resources where and when they are needed most.",
                "We want to use less salt without reducing friction and road safety.",
                "We need footpaths and cycle paths to be passable early in the morning.",
            ],
            need_problems: &[
                "@0 Snow clearing in {place} follows fixed routes and times, regardless of where the snow has actually fallen.",
                "@1 Road salt damages nature, vehicles and infrastructure.",
                "@2 Footpaths and cycle paths are often cleared last, making it hard for schoolchildren and older people to get around.",
            ],
            need_details: &["@0,1 Data from road weather stations and forecasts should be used.", "The solution must work for local contractors with different vehicles."],
            cap_titles: &["Demand-driven ploughing with weather data", "Friction measurement from vehicles", "Electric snow clearing for cycle paths"],
            cap_offers: &[
                "We combine forecasts, road sensors and vehicle data to plan ploughing and gritting where the need is greatest.",
                "We measure friction continuously from cars in normal traffic and map slippery stretches.",
                "We have converted tractors and small ploughs to battery power for footpaths and cycle paths.",
            ],
            cap_details: &["Completed work is documented automatically with GPS logs.", "We have local support in {place}."],
            refs: &["@0 Demand-driven winter maintenance for {buyer} ({year})"],
        },
    },
    // Energy efficiency in public buildings.
    Domain {
        key: "energy",
        themes: &[BUILDINGS, CLIMATE],
        cpv: &["71314300", "71314200", "42511110", "09332000", "45321000", "45331000", "38551000"],
        value_nok: (2_000_000, 200_000_000),
        coastal: false,
        keywords_nb: &["energieffektivisering", "enøk", "energisparekontrakt", "SD-anlegg", "solceller", "varmepumpe", "effektstyring", "formålsbygg", "inneklima", "energikartlegging"],
        keywords_en: &["energy efficiency", "energy performance contract", "building automation", "solar panels", "heat pumps", "peak load", "public buildings", "indoor climate", "energy audit"],
        name_suffixes: &["Energi", "Enøk", "Energy", "Solkraft", "Varme", "Byggautomasjon"],
        nb: Text {
            need_titles: &[
                "[m]Lavere energibruk i kommunale formålsbygg|[m]Energisparekontrakt for skoler og sykehjem|Lavere energibruk i eksisterende bygg",
                "[m]Energistyring i skoler og sykehjem|Styring av ventilasjon og varme etter faktisk bruk",
                "Solceller og lokal energilagring på offentlige bygg|Egenproduksjon av strøm {i_place}",
                "Energisparing i eldre bygg med vernestatus|Enøk i verneverdige bygg",
                "Oversikt over energibruken i bygningsmassen|Energikartlegging og tiltaksplan",
            ],
            need_goals: &[
                "Vi ønsker å betale for oppnådd energisparing, ikke for utstyr.|Målet er å redusere energibruken i bygningsmassen med 30 prosent innen 2030.",
                "Vi trenger styring som tilpasser ventilasjon og oppvarming til når byggene faktisk er i bruk.",
                "Vi søker løsninger for lokal produksjon og lagring av energi som passer byggene våre.",
                "Vi trenger løsninger som reduserer energibruken uten å skade de kulturhistoriske verdiene i byggene.",
                "Vi trenger en kartlegging som viser hvilke tiltak som gir mest effekt per krone.",
            ],
            need_problems: &[
                "Energikostnadene i byggene våre har økt kraftig, og mange av byggene er fra 1960- og 70-tallet.",
                "@1 Ventilasjon og oppvarming går ofte for fullt også når byggene står tomme.",
                "@0,4 Vi har lite oversikt over energibruken i det enkelte bygg og over hvilke tiltak som gir mest effekt.",
                "@3 Flere av byggene {i_place} er verneverdige, og vanlige tiltak som etterisolering er vanskelige å gjennomføre.",
                "@2 Effekttopper på kalde vinterdager gir høy nettleie.",
            ],
            need_details: &[
                "@0,1 Løsningen må kunne kobles til eksisterende SD-anlegg.",
                "@0 Vi vurderer en energisparekontrakt med garantert besparelse.",
                "Effekten må dokumenteres med målinger før og etter tiltak.",
                "Brukerne av byggene skal ikke oppleve dårligere komfort.",
            ],
            cap_titles: &[
                "Energisparekontrakter med garantert besparelse|EPC for offentlige bygg",
                "KI-basert styring av ventilasjon og varme|Smart byggautomasjon",
                "Solcelleanlegg med batteri for offentlige bygg|Solkraft og energilager",
                "Energikartlegging og tiltaksplan|Enøkanalyse for bygningsmassen",
                "Varmepumper og energibrønner|Varmepumpeanlegg for større bygg",
            ],
            cap_offers: &[
                "Vi tilbyr energisparekontrakter der vi garanterer besparelsen og tar risikoen hvis målet ikke nås.",
                "Vår programvare lærer hvordan bygget brukes, og styrer ventilasjon og varme etter faktisk bruk og værvarsel.",
                "Vi leverer solcelleanlegg med batterilager som reduserer effekttopper og nettleie.",
                "Vi kartlegger energibruken i bygg og lager en prioritert tiltaksplan med kostnader og besparelser.",
                "Vi prosjekterer og installerer varmepumper og energibrønner for større bygg.",
            ],
            cap_details: &[
                "@0,1 Vi integrerer mot de vanligste SD-anleggene.",
                "@0,1,2 Besparelsen dokumenteres med timesmålinger.",
                "+Vi har gjennomført prosjekter i skoler, sykehjem og kontorbygg.",
                "Vi har kontor {i_place}.",
                "@3 +Vi har erfaring med tiltak i verneverdige bygg i samarbeid med kulturminnemyndighetene.",
            ],
            refs: &[
                "@0 Energisparekontrakt for {n} formålsbygg, {buyer} ({year})",
                "@2 Solceller på skoler {i_place}, {year}",
                "@3 Energikartlegging for {buyer} ({year})",
                "@1 Smart styring av ventilasjon i {n} skoler, {buyer} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["[m]Lågare energibruk i kommunale formålsbygg|Lågare energibruk i eksisterande bygg", "[m]Energistyring i skular og sjukeheimar|Styring av ventilasjon og varme etter faktisk bruk"],
            need_goals: &[
                "Vi ønskjer å betale for oppnådd energisparing, ikkje for utstyr.",
                "Vi treng styring som tilpassar ventilasjon og oppvarming til når bygga faktisk er i bruk.",
            ],
            need_problems: &[
                "Energikostnadene i bygga våre har auka kraftig, og mange av bygga er frå 1960- og 70-talet.",
                "@1 Ventilasjon og oppvarming går ofte for fullt også når bygga står tomme.",
            ],
            need_details: &["Løysinga må kunne koplast til eksisterande SD-anlegg.", "Effekten må dokumenterast med målingar."],
            cap_titles: &["Energisparekontraktar med garantert innsparing", "Smart styring av ventilasjon og varme"],
            cap_offers: &[
                "Vi tilbyr energisparekontraktar der vi garanterer innsparinga.",
                "Programvara vår lærer korleis bygget blir brukt, og styrer ventilasjon og varme etter faktisk bruk.",
            ],
            cap_details: &["Innsparinga blir dokumentert med timesmålingar.", "Vi har kontor {i_place}."],
            refs: &["@0 Energisparekontrakt for {n} formålsbygg, {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["[m]Lower energy use in municipal buildings|Lower energy use in existing buildings", "[m]Energy management in schools and nursing homes|Demand-controlled ventilation and heating", "Solar power and storage on public buildings"],
            need_goals: &[
                "We want to pay for energy savings achieved, not for equipment.",
                "We need controls that adapt ventilation and heating to when buildings are actually in use.",
                "We are looking for local energy production and storage that suits our buildings.",
            ],
            need_problems: &[
                "Energy costs in our buildings have risen sharply, and many of them date from the 1960s and 70s.",
                "@1 Ventilation and heating often run at full power even when buildings are empty.",
                "@2 Peak loads on cold winter days lead to high grid tariffs.",
            ],
            need_details: &["@0,1 The solution must connect to our existing building management systems.", "Savings must be documented with measurements before and after."],
            cap_titles: &["Energy performance contracts with guaranteed savings", "AI-based control of ventilation and heating", "Solar and battery systems for public buildings"],
            cap_offers: &[
                "We offer energy performance contracts in which we guarantee the savings and carry the risk if targets are missed.",
                "Our software learns how a building is used and controls ventilation and heating by actual use and weather forecasts.",
                "We deliver solar systems with battery storage that cut peak loads and grid tariffs.",
            ],
            cap_details: &["Savings are documented with hourly metering.", "We have an office in {place}."],
            refs: &["@0 Energy performance contract for {n} buildings, {buyer} ({year})"],
        },
    },
    // Demand-responsive and coordinated transport.
    Domain {
        key: "ondemand",
        themes: &[MOBILITY, DIGITAL],
        cpv: &["60112000", "60120000", "60130000", "48813200", "60140000", "34114400"],
        value_nok: (2_000_000, 60_000_000),
        coastal: false,
        keywords_nb: &["bestillingstransport", "fleksibel transport", "kollektivtransport", "distrikt", "pasientreiser", "skoleskyss", "TT-transport", "selvkjørende buss", "samordning", "knutepunkt"],
        keywords_en: &["demand-responsive transport", "on-demand", "public transport", "rural mobility", "patient transport", "school transport", "autonomous bus", "coordination", "mobility hub"],
        name_suffixes: &["Transport", "Mobilitet", "Reiser", "Mobility", "Skyss"],
        nb: Text {
            need_titles: &[
                "Bestillingstransport i distriktene rundt {place}|Fleksibel kollektivtransport der rutebussen ikke lønner seg",
                "Samordning av pasientreiser, skoleskyss og kollektivtransport|Samordnet offentlig betalt transport",
                "Tilbringertjeneste til knutepunkter|Transport til stasjonen uten egen bil",
                "Selvkjørende minibuss {i_place}|Utprøving av selvkjørende kollektivtransport",
            ],
            need_goals: &[
                "Vi trenger et fleksibelt transporttilbud der innbyggerne kan bestille reiser når de trenger dem.|Målet er at flere skal kunne leve uten egen bil, også utenfor byene.",
                "Vi ønsker å samordne ulike typer offentlig betalt transport for å gi et bedre tilbud til samme kostnad.",
                "Vi søker et tilbringertilbud som gjør det enkelt å reise kollektivt til og fra knutepunktene.",
                "Vi ønsker å prøve ut selvkjørende minibusser i ordinær trafikk for å lære hva som skal til for drift i stor skala.",
            ],
            need_problems: &[
                "@0 Mange rutebusser i distriktene kjører med få eller ingen passasjerer, mens folk uten bil har et dårlig tilbud.",
                "@1 Pasientreiser, skoleskyss, TT-transport og kollektivtrafikk planlegges hver for seg, med mye tomkjøring.",
                "@0,1 Eldre og personer uten førerkort {i_place} har vanskelig for å komme seg til lege, butikk og aktiviteter.",
                "@2 Innfartsparkeringene ved knutepunktene er fulle, og mange kjører bil fordi det ikke finnes et tilbud til stasjonen.",
                "@3 Sjåførmangel gjør det krevende å opprettholde tilbudet på korte ruter med få reisende.",
            ],
            need_details: &[
                "@0,1,2 Bestilling må også kunne skje per telefon.",
                "Tilbudet skal være universelt utformet.",
                "Løsningen må kunne samkjøres med billettsystemet til kollektivselskapet.",
                "@0,1,2 Lokale taxi- og turbusselskaper bør kunne delta.",
            ],
            cap_titles: &[
                "Plattform for bestillingstransport|Bestillingstransport i app og på telefon",
                "Samordning av offentlig betalt transport|Felles reiseplanlegger for pasientreiser og skoleskyss",
                "Selvkjørende minibuss som tjeneste|Drift av selvkjørende busser",
                "Tilbringertjeneste med elektriske minibusser|Elektrisk tilbringertransport",
            ],
            cap_offers: &[
                "Vi har utviklet en plattform der innbyggere bestiller reiser i app eller på telefon, og som planlegger kjørerutene fortløpende.",
                "Vår løsning samordner pasientreiser, skoleskyss og TT-transport i en felles reiseplanlegger.",
                "Vi drifter selvkjørende minibusser med operatør i kontrollsenter.",
                "Vi kjører tilbringertjeneste med elektriske minibusser mellom boligområder og kollektivknutepunkter.",
            ],
            cap_details: &[
                "@0,1 Lokale transportører kan kobles på plattformen.",
                "+Løsningen er integrert med billettsystemene til flere kollektivselskaper.",
                "+Vi har drevet tjenesten {i_place} i flere år.",
                "Tjenesten er universelt utformet.",
            ],
            refs: &[
                "@0,3 Bestillingstransport for {buyer} ({year})",
                "@2 Pilot med selvkjørende buss {i_place}, {year}",
                "@1 Samordnet transport, {buyer} ({year})",
            ],
        },
        nn: Text {
            need_titles: &["Bestillingstransport i distrikta rundt {place}", "Samordning av pasientreiser og skuleskyss"],
            need_goals: &[
                "Vi treng eit fleksibelt transporttilbod der innbyggjarane kan bestille reiser når dei treng dei.",
                "Vi ønskjer å samordne ulike typar offentleg betalt transport.",
            ],
            need_problems: &[
                "@0 Mange rutebussar i distrikta køyrer med få eller ingen passasjerar, medan folk utan bil har eit dårleg tilbod.",
                "Eldre og personar utan førarkort {i_place} har vanskeleg for å kome seg til lege og butikk.",
                "@1 Pasientreiser, skuleskyss og kollektivtrafikk blir planlagde kvar for seg, med mykje tomkøyring.",
            ],
            need_details: &["Bestilling må òg kunne skje på telefon.", "Tilbodet skal vere universelt utforma."],
            cap_titles: &["Plattform for bestillingstransport", "Samordning av offentleg betalt transport"],
            cap_offers: &[
                "Vi har utvikla ein plattform der innbyggjarane bestiller reiser i app eller på telefon.",
                "Løysinga vår samordnar pasientreiser, skuleskyss og TT-transport.",
            ],
            cap_details: &["Lokale transportørar kan koplast på plattforma.", "+Vi har drive tenesta {i_place} i fleire år."],
            refs: &["@0 Bestillingstransport for {buyer} ({year})"],
        },
        en: Text {
            need_titles: &["Demand-responsive transport in rural areas around {place}", "Coordinating patient transport, school transport and public transport", "Feeder service to mobility hubs"],
            need_goals: &[
                "We need a flexible transport service where residents can book trips when they need them.",
                "We want to coordinate different kinds of publicly funded transport to give a better service at the same cost.",
                "We are looking for a feeder service that makes it easy to reach the mobility hubs by public transport.",
            ],
            need_problems: &[
                "@0 Many rural bus routes run with few or no passengers, while people without a car have a poor service.",
                "@1 Patient transport, school transport, paratransit and public transport are planned separately, with many empty trips.",
                "@0,1 Older people and those without a driving licence in {place} struggle to get to the doctor, shops and activities.",
                "@2 Park-and-ride sites at the hubs are full, and many drive because there is no way to reach the station.",
            ],
            need_details: &["@0,1 Booking must also be possible by phone.", "@0,1,2 Local taxi and coach companies should be able to take part."],
            cap_titles: &["Demand-responsive transport platform", "Coordination of publicly funded transport", "Autonomous minibus as a service"],
            cap_offers: &[
                "Our platform lets residents book trips by app or phone and plans vehicle routes continuously.",
                "Our solution coordinates patient transport, school transport and paratransit in a single trip planner.",
                "We operate autonomous minibuses with a remote operator in a control centre.",
            ],
            cap_details: &[
                "@0,1 Local transport operators can join the platform.",
                "+We have run the service in {place} for several years.",
                "@2 The buses are universally designed and run in mixed traffic.",
            ],
            refs: &["@0 Demand-responsive transport for {buyer} ({year})", "@2 Autonomous bus pilot in {place}, {year}"],
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::orgnr::Orgnr;
    use std::collections::BTreeMap;

    const THEMES: [&str; 6] = [CLIMATE, HEALTH, DIGITAL, MOBILITY, BUILDINGS, OTHER];

    fn kinds(reg: &DemoRegistry) -> BTreeMap<&str, &str> {
        reg.orgs.iter().map(|o| (o.key.as_str(), o.kind)).collect()
    }

    fn sentence_count(text: &str) -> usize {
        text.matches(". ").count() + 1
    }

    #[test]
    fn counts_match_the_brief() {
        let reg = registry();
        let count = |kind: &str| reg.orgs.iter().filter(|o| o.kind == kind).count();
        assert!(count("buyer") >= 40);
        assert!(count("supplier") >= 300);
        assert_eq!(count("cluster"), 6);
        assert_eq!(reg.needs.len(), 80);
        assert_eq!(reg.capabilities.len(), 500);
        for cluster in reg.orgs.iter().filter(|o| o.kind == "cluster") {
            let members = reg
                .cluster_members
                .iter()
                .filter(|(c, _)| *c == cluster.key)
                .count();
            assert!(
                (8..=25).contains(&members),
                "{} has {members} members",
                cluster.name
            );
        }
        let sectors: BTreeSet<_> = reg.orgs.iter().filter_map(|o| o.sector).collect();
        assert_eq!(
            sectors.len(),
            4,
            "every buyer sector is represented: {sectors:?}"
        );
    }

    #[test]
    fn orgnrs_are_valid_and_unique() {
        let reg = registry();
        let mut seen = BTreeSet::new();
        for org in &reg.orgs {
            assert_eq!(org.orgnr.len(), 9);
            let n: u32 = org.orgnr.parse().unwrap();
            assert_eq!(check_digit(n / 10), Some(n % 10), "{}", org.orgnr);
            assert!(Orgnr::parse(&org.orgnr).is_ok(), "{}", org.orgnr);
            assert!(
                seen.insert(org.orgnr.clone()),
                "duplicate orgnr {}",
                org.orgnr
            );
        }
        let keys: BTreeSet<_> = reg.orgs.iter().map(|o| &o.key).collect();
        let names: BTreeSet<_> = reg.orgs.iter().map(|o| &o.name).collect();
        assert_eq!(keys.len(), reg.orgs.len());
        assert_eq!(names.len(), reg.orgs.len());
    }

    #[test]
    fn org_keys_refer_to_orgs_of_the_right_kind() {
        let reg = registry();
        let kinds = kinds(&reg);
        for need in &reg.needs {
            assert_eq!(
                kinds.get(need.org_key.as_str()),
                Some(&"buyer"),
                "{}",
                need.org_key
            );
        }
        for cap in &reg.capabilities {
            let kind = kinds.get(cap.org_key.as_str()).copied();
            assert!(
                matches!(kind, Some("supplier" | "cluster")),
                "{}",
                cap.org_key
            );
        }
        for (cluster, supplier) in &reg.cluster_members {
            assert_eq!(kinds.get(cluster.as_str()), Some(&"cluster"));
            assert_eq!(kinds.get(supplier.as_str()), Some(&"supplier"));
        }
        let pairs: BTreeSet<_> = reg.cluster_members.iter().collect();
        assert_eq!(pairs.len(), reg.cluster_members.len());
    }

    #[test]
    fn org_fields_fit_their_kind() {
        let reg = registry();
        for org in &reg.orgs {
            match org.kind {
                "buyer" => {
                    assert!(matches!(
                        org.sector,
                        Some("state" | "county" | "municipality" | "other")
                    ));
                    assert!(org.size.is_none());
                }
                "supplier" => {
                    assert!(org.sector.is_none());
                    assert!(matches!(
                        org.size,
                        Some("micro" | "small" | "medium" | "large")
                    ));
                    assert!(org.name.ends_with(" AS"));
                }
                "cluster" => assert!(org.sector.is_none() && org.size.is_none()),
                other => panic!("unknown kind {other}"),
            }
            assert!(COUNTY_CODES.contains(&org.county.unwrap()));
            if let Some(email) = &org.contact_email {
                assert!(
                    email.is_ascii() && email.contains('@') && email.ends_with(".example"),
                    "{email}"
                );
                assert!(crate::domain::email::Email::parse(email).is_ok(), "{email}");
            }
            if let Some(site) = &org.website {
                assert!(
                    site.is_ascii() && site.starts_with("https://www."),
                    "{site}"
                );
            }
        }
        let micro_or_small = reg
            .orgs
            .iter()
            .filter(|o| matches!(o.size, Some("micro" | "small")))
            .count();
        assert!(
            micro_or_small * 3 > SUPPLIERS * 2,
            "suppliers are mostly micro or small"
        );
    }

    #[test]
    fn registry_is_deterministic() {
        assert_eq!(format!("{:?}", registry()), format!("{:?}", registry()));
    }

    #[test]
    fn all_languages_are_present() {
        let reg = registry();
        let need_langs: BTreeSet<_> = reg.needs.iter().map(|n| n.language).collect();
        let cap_langs: BTreeSet<_> = reg.capabilities.iter().map(|c| c.language).collect();
        let all: BTreeSet<_> = ["en", "nb", "nn"].into_iter().collect();
        assert_eq!(need_langs, all);
        assert_eq!(cap_langs, all);
        let nb = reg
            .capabilities
            .iter()
            .filter(|c| c.language == "nb")
            .count();
        assert!(nb > reg.capabilities.len() / 2, "Bokmål dominates");
    }

    #[test]
    fn bulk_has_requested_sizes_and_is_deterministic() {
        let (needs, caps) = bulk(1, 1000, 1000);
        assert_eq!(needs.len(), 1000);
        assert_eq!(caps.len(), 1000);
        let (needs2, caps2) = bulk(1, 1000, 1000);
        assert_eq!(format!("{needs:?}{caps:?}"), format!("{needs2:?}{caps2:?}"));
        let (other, _) = bulk(2, 10, 0);
        assert_ne!(format!("{:?}", &needs[..10]), format!("{other:?}"));

        let reg = registry();
        let kinds = kinds(&reg);
        assert!(needs
            .iter()
            .all(|n| kinds.get(n.org_key.as_str()) == Some(&"buyer")));
        assert!(caps.iter().all(|c| matches!(
            kinds.get(c.org_key.as_str()),
            Some(&("supplier" | "cluster"))
        )));
        assert_eq!(bulk(7, 0, 0).0.len(), 0);
    }

    #[test]
    fn titles_are_short_and_descriptions_have_two_to_six_sentences() {
        let reg = registry();
        let (bulk_needs, bulk_caps) = bulk(3, 2000, 2000);
        for need in reg.needs.iter().chain(&bulk_needs) {
            assert!(
                !need.title.is_empty() && need.title.chars().count() <= 200,
                "{}",
                need.title
            );
            let n = sentence_count(&need.description);
            assert!((2..=6).contains(&n), "{n} sentences: {}", need.description);
        }
        for cap in reg.capabilities.iter().chain(&bulk_caps) {
            assert!(
                !cap.title.is_empty() && cap.title.chars().count() <= 200,
                "{}",
                cap.title
            );
            let n = sentence_count(&cap.description);
            assert!((2..=6).contains(&n), "{n} sentences: {}", cap.description);
        }
        let distinct: BTreeSet<_> = reg.capabilities.iter().map(|c| &c.description).collect();
        assert!(
            distinct.len() >= 490,
            "capabilities read as copies: {}",
            distinct.len()
        );
    }

    #[test]
    fn fields_hold_allowed_values() {
        let reg = registry();
        let all_cpv: BTreeSet<&str> = DOMAINS.iter().flat_map(|d| d.cpv.iter().copied()).collect();
        let first = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2028, 12, 31).unwrap();
        let check_common =
            |themes: &[&str], cpv: &[String], counties: &[&str], national: bool, lang: &str| {
                assert!(!themes.is_empty() && themes.iter().all(|t| THEMES.contains(t)));
                assert!(cpv.len() <= 3);
                assert!(cpv
                    .iter()
                    .all(|c| c.len() == 8 && all_cpv.contains(c.as_str())));
                assert_eq!(national, counties.is_empty());
                assert!(counties.iter().all(|c| COUNTY_CODES.contains(c)));
                assert!(
                    counties.windows(2).all(|w| w[0] < w[1]),
                    "sorted, no duplicates"
                );
                assert!(matches!(lang, "nb" | "nn" | "en"));
            };
        for n in &reg.needs {
            check_common(&n.themes, &n.cpv_codes, &n.counties, n.national, n.language);
            assert!(matches!(n.status, "open" | "draft" | "closed"));
            if let Some(date) = n.planned_tender_date {
                assert!(date >= first && date <= last, "{date}");
            }
            if let Some(v) = n.estimated_value_nok {
                assert!(v >= 1_000_000, "{v}");
            }
        }
        let open = reg.needs.iter().filter(|n| n.status == "open").count();
        assert!(open > reg.needs.len() / 2);
        for c in &reg.capabilities {
            check_common(&c.themes, &c.cpv_codes, &c.counties, c.national, c.language);
            assert!(matches!(
                c.maturity,
                "idea" | "prototype" | "piloted" | "on_market"
            ));
            assert!(c.references.len() <= 3);
            assert!(c.keywords.len() >= 3);
        }
        let themes: BTreeSet<_> = reg
            .needs
            .iter()
            .flat_map(|n| n.themes.iter().copied())
            .collect();
        assert_eq!(
            themes.len(),
            THEMES.len(),
            "every theme is used: {themes:?}"
        );
    }

    #[test]
    fn phrase_pools_are_well_formed() {
        let ctx = Ctx {
            place: "Hamar",
            in_place: "på Hamar",
            org: "Test AS",
            buyer: "Hamar kommune",
            n: 5,
            year: 2024,
        };
        // Every alternative of every phrase, with its tag checked against the topic count.
        let expand = |pool: &[&'static str], topics: usize| -> Vec<String> {
            assert!(!pool.is_empty());
            let mut out = Vec::new();
            for phrase in pool {
                let (tags, text) = untag(phrase);
                for t in tags.into_iter().flat_map(|t| t.split(',')) {
                    let t: usize = t.parse().unwrap_or_else(|_| panic!("bad tag in {phrase}"));
                    assert!(t < topics, "tag {t} out of range in {phrase}");
                }
                let text = text.strip_prefix('+').unwrap_or(text);
                for alt in text.split('|') {
                    let (letters, alt) = unscope(alt);
                    assert!(
                        letters.unwrap_or("m").chars().all(|c| "mcsho".contains(c)),
                        "{phrase}"
                    );
                    out.push(fill(alt, &ctx));
                }
            }
            out
        };
        let sentences = |pool: &[&'static str], topics: usize| {
            for s in expand(pool, topics) {
                assert!(
                    s.ends_with('.') && !s.contains(". ") && !s.contains('@'),
                    "one sentence: {s}"
                );
                assert!(!s.contains("  ") && !s.contains('{'), "{s}");
            }
        };
        let labels = |pool: &[&'static str], topics: usize| {
            for s in expand(pool, topics) {
                assert!(
                    !s.ends_with('.') && s.chars().count() <= 150 && !s.contains('@'),
                    "{s}"
                );
            }
        };
        for g in [&GENERIC_NB, &GENERIC_NN, &GENERIC_EN] {
            for pool in [
                g.need_closers,
                g.cap_closers,
                g.cluster_intros,
                g.maturity_idea,
            ] {
                sentences(pool, 0);
            }
            for pool in [
                g.maturity_prototype,
                g.maturity_piloted,
                g.maturity_on_market,
            ] {
                sentences(pool, 0);
            }
            for pool in g.about {
                sentences(pool, 0);
            }
        }
        for d in DOMAINS {
            assert!(!d.themes.is_empty() && d.themes.iter().all(|t| THEMES.contains(t)));
            let codes: BTreeSet<_> = d.cpv.iter().collect();
            assert_eq!(codes.len(), d.cpv.len(), "{}", d.key);
            assert!(d
                .cpv
                .iter()
                .all(|c| c.len() == 8 && c.bytes().all(|b| b.is_ascii_digit())));
            assert!(d.keywords_nb.len() >= 6 && d.keywords_en.len() >= 6);
            assert!(d.value_nok.0 < d.value_nok.1);
            for t in [&d.nb, &d.nn, &d.en] {
                let needs = t.need_titles.len();
                let caps = t.cap_titles.len();
                assert_eq!(
                    needs,
                    t.need_goals.len(),
                    "{}: titles and goals pair up",
                    d.key
                );
                assert_eq!(
                    caps,
                    t.cap_offers.len(),
                    "{}: titles and offers pair up",
                    d.key
                );
                assert!(t
                    .need_titles
                    .iter()
                    .chain(t.cap_titles)
                    .all(|p| !p.starts_with('@')));
                assert!(t
                    .need_goals
                    .iter()
                    .chain(t.cap_offers)
                    .all(|p| !p.starts_with('@')));
                for topic in 0..needs {
                    assert!(
                        t.need_problems.iter().any(|p| fits_topic(p, topic)),
                        "{}: no problem for need topic {topic}",
                        d.key
                    );
                }
                for topic in 0..caps {
                    assert!(
                        t.cap_details
                            .iter()
                            .any(|p| fits_topic(p, topic) && !untag(p).1.starts_with('+')),
                        "{}: no detail for capability topic {topic}",
                        d.key
                    );
                }
                sentences(t.need_problems, needs);
                sentences(t.need_goals, needs);
                sentences(t.need_details, needs);
                sentences(t.cap_offers, caps);
                sentences(t.cap_details, caps);
                labels(t.need_titles, needs);
                labels(t.cap_titles, caps);
                labels(t.refs, caps);
            }
        }
    }

    #[test]
    fn every_domain_has_buyers_and_suppliers() {
        let world = World::build();
        for (d, buyers) in world.buyers_by_domain.iter().enumerate() {
            assert!(!buyers.is_empty(), "no buyer for {}", DOMAINS[d].key);
            assert!(
                world.providers.iter().any(|p| p.domains[0] == d),
                "no supplier for {}",
                DOMAINS[d].key
            );
        }
    }

    #[test]
    fn needs_suit_their_buyer() {
        let reg = registry();
        let sectors: BTreeMap<&str, &str> = reg
            .orgs
            .iter()
            .filter_map(|o| o.sector.map(|s| (o.key.as_str(), s)))
            .collect();
        let (bulk_needs, _) = bulk(11, 5000, 0);
        let municipal = [
            "kommunale",
            "byggesak",
            "byggjesak",
            "hjemmetjenest",
            "heimetenest",
            "nabokommune",
            "municipal",
            "building permit",
            "grunnskolen",
        ];
        let county = [
            "fylkesveg",
            "nabofylket",
            "videregående",
            "county roads",
            "neighbouring county",
        ];
        for need in reg.needs.iter().chain(&bulk_needs) {
            let text = format!("{} {}", need.title, need.description);
            let sector = sectors[need.org_key.as_str()];
            if sector != "municipality" {
                assert!(
                    !municipal.iter().any(|w| text.contains(w)),
                    "{sector}: {text}"
                );
            }
            if sector != "county" {
                assert!(!county.iter().any(|w| text.contains(w)), "{sector}: {text}");
            }
        }
    }

    #[test]
    fn places_take_the_right_preposition() {
        assert_eq!(in_place(Lang::Nb, "på Hamar"), "på Hamar");
        assert_eq!(in_place(Lang::Nn, "Bergen"), "i Bergen");
        assert_eq!(in_place(Lang::En, "på Hamar"), "in Hamar");
        let reg = registry();
        let all = reg
            .needs
            .iter()
            .map(|n| format!("{} {}", n.title, n.description))
            .chain(
                reg.capabilities
                    .iter()
                    .map(|c| format!("{} {}", c.description, c.references.join(" "))),
            );
        for text in all {
            assert!(
                !text.contains(" i på ") && !text.contains(" in på ") && !text.contains(" på på "),
                "{text}"
            );
        }
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Ålesund kommune"), "alesund-kommune");
        assert_eq!(slug("Sæther & Sønn Betong"), "saether-og-sonn-betong");
        assert_eq!(slug("St. Olavs hospital HF"), "st-olavs-hospital-hf");
    }
}
