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

/// The county numbers (2024) of Norwegian NUTS-3 codes, from both the 2021 and 2024 NUTS
/// versions; codes that cover several counties give all of them.
fn counties_of_nuts(code: &str) -> &'static [&'static str] {
    match code.trim().to_ascii_uppercase().as_str() {
        "NO081" => &["03"],
        "NO083" => &["31"],
        "NO084" => &["32"],
        "NO085" => &["33"],
        "NO082" => &["31", "32", "33"],
        "NO020" => &["34"],
        "NO091" => &["39", "40"],
        "NO092" => &["42"],
        "NO0A1" => &["11"],
        "NO0A2" => &["46"],
        "NO0A3" => &["15"],
        "NO060" => &["50"],
        "NO071" => &["18"],
        "NO074" => &["55", "56"],
        _ => &[],
    }
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
    }
}
