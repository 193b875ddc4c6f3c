//! Notices from the national notice database (eForms XML): imported, turned into open needs when
//! they announce early dialogue, counted in the programme's indicators, and sent to suppliers
//! whose capabilities match.

pub mod parse;

use crate::domain::Theme;

/// The theme a CPV division belongs to, for needs made from notices (which name no theme).
fn theme_of(cpv: &str) -> Theme {
    match cpv.get(..2).unwrap_or("") {
        "33" | "85" => Theme::HealthWelfare,
        "34" | "35" | "60" | "63" => Theme::MobilityTransport,
        "44" | "45" | "70" | "71" => Theme::BuildingsInfrastructure,
        "30" | "32" | "48" | "64" | "72" => Theme::Digitalisation,
        "09" | "31" | "65" | "90" => Theme::ClimateEnvironment,
        _ => Theme::Other,
    }
}

/// The themes of a notice's CPV codes, in order, each once; `other` when there are none.
pub fn themes_of(cpv_codes: &[String]) -> Vec<String> {
    let mut themes: Vec<String> = Vec::new();
    for code in cpv_codes {
        let theme = theme_of(code).as_str().to_owned();
        if !themes.contains(&theme) {
            themes.push(theme);
        }
    }
    if themes.is_empty() {
        themes.push(Theme::Other.as_str().to_owned());
    }
    themes
}

/// Norway's NUTS 2024 level-3 codes with their counties: one row per code of the eForms SDK's
/// codelist `nuts_nuts-nor-lvl3.gc`, shipped beside it (`data/eforms/README.md` names the source,
/// its version and licence, and how the county column was decided).
const NUTS_COUNTIES: &str = include_str!("../../data/eforms/nuts-counties.csv");

/// NUTS 2021 codes that the 2024 list replaced, which older notices still carry, with all the
/// counties each covered.
const NUTS_2021: &[(&str, &[&str])] = &[
    ("NO082", &["31", "32", "33"]),
    ("NO091", &["39", "40"]),
    ("NO074", &["55", "56"]),
];

/// The county numbers (2024) of a Norwegian NUTS-3 code, from the 2024 codelist or the 2021
/// codes it replaced; none for a code of no county (Svalbard, Jan Mayen, extra-regio) or
/// another country.
fn counties_of_nuts(code: &str) -> Vec<&'static str> {
    let code = code.trim().to_ascii_uppercase();
    if let Some((_, counties)) = NUTS_2021.iter().find(|(c, _)| *c == code) {
        return counties.to_vec();
    }
    NUTS_COUNTIES
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (nuts, rest) = line.split_once(',')?;
            let (_, counties) = rest.rsplit_once(',')?;
            Some((nuts, counties))
        })
        .find(|(nuts, _)| *nuts == code)
        .map(|(_, counties)| counties.split(';').filter(|c| !c.is_empty()).collect())
        .unwrap_or_default()
}

/// Counties for a notice's NUTS codes, and whether it is national (no county-level code).
pub fn counties_of(nuts: &[String]) -> (Vec<String>, bool) {
    let mut counties: Vec<String> = Vec::new();
    for code in nuts {
        for c in counties_of_nuts(code) {
            if !counties.iter().any(|x| x == c) {
                counties.push((*c).to_owned());
            }
        }
    }
    let national = counties.is_empty();
    (counties, national)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpv_divisions_give_themes_and_nuts_codes_give_counties() {
        let codes = vec![
            "85000000".to_owned(),
            "33190000".to_owned(),
            "48000000".to_owned(),
        ];
        assert_eq!(themes_of(&codes), ["health_welfare", "digitalisation"]);
        assert_eq!(themes_of(&[]), ["other"]);
        let (counties, national) = counties_of(&["NO0A2".into(), "NO074".into()]);
        assert_eq!(counties, ["46", "55", "56"]);
        assert!(!national);
        assert_eq!(counties_of(&["NOZZZ".into()]), (vec![], true));
        assert_eq!(counties_of(&["NO091".into()]).0, ["39", "40"]);
    }

    /// Every code of the SDK's codelist, read from the shipped file itself, has its row, and
    /// every row names counties that exist; each of the 15 counties has exactly one code.
    #[test]
    fn every_norwegian_nuts_2024_code_of_the_sdk_gives_its_county() {
        let gc = include_str!("../../data/eforms/nuts_nuts-nor-lvl3.gc");
        let doc = roxmltree::Document::parse(gc).unwrap();
        let codes: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("Value") && n.attribute("ColumnRef") == Some("code"))
            .filter_map(|n| n.children().find(|c| c.has_tag_name("SimpleValue")))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(codes.len(), 18, "the SDK lists 18 Norwegian level-3 codes");
        let mut seen = std::collections::BTreeMap::new();
        for code in &codes {
            let counties = counties_of_nuts(code);
            for c in &counties {
                assert!(
                    crate::domain::County::parse(c).is_ok(),
                    "{code} gives {c}, which is no county"
                );
                *seen.entry(*c).or_insert(0) += 1;
            }
            let outside = ["NO0B1", "NO0B2", "NOZZZ"].contains(code);
            assert_eq!(counties.is_empty(), outside, "{code}: {counties:?}");
        }
        assert_eq!(seen.len(), crate::domain::organisation::COUNTIES.len());
        assert!(seen.values().all(|n| *n == 1), "{seen:?}");
        for (code, county) in [
            ("NO093", "39"),
            ("NO094", "40"),
            ("NO072", "55"),
            ("NO073", "56"),
        ] {
            assert_eq!(counties_of_nuts(code), [county], "{code}");
        }
    }
}
