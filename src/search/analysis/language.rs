//! Which of innolift's three languages a text is written in.
//!
//! whatlang tells English from Norwegian by character trigrams. It knows only Bokmål, so
//! Nynorsk is then told from Bokmål by the words only one of the two written forms uses: the
//! Nynorsk words that Snowball's Norwegian stop list marks with `*`, against their Bokmål
//! counterparts, plus a handful of words every need uses ("løysing", "tenester").

use std::collections::HashSet;
use std::sync::OnceLock;

use whatlang::{Detector, Lang};

use super::words;
use crate::domain::Language;

/// Bokmål forms of the words Snowball marks as Nynorsk, and of the common content words below.
const BOKMAL_ONLY: &[&str] = &[
    "ikke",
    "jeg",
    "hva",
    "hvordan",
    "hvem",
    "hvorfor",
    "hver",
    "hvert",
    "noe",
    "noen",
    "mye",
    "bare",
    "fra",
    "hos",
    "hun",
    "dere",
    "deres",
    "dem",
    "sammen",
    "løsning",
    "løsningen",
    "løsninger",
    "tjeneste",
    "tjenester",
    "tjenestene",
    "sykehus",
    "uten",
    "hele",
    "flere",
    "mens",
    "siden",
    "ellers",
    "også",
    "skal",
    "kommunene",
    "ansatte",
    "behovet",
];

/// Common Nynorsk content words that the stop list does not have.
const NYNORSK_ALSO: &[&str] = &[
    "frå",
    "løysing",
    "løysinga",
    "løysingar",
    "teneste",
    "tenester",
    "tenestene",
    "sjukehus",
    "utan",
    "heile",
    "fleire",
    "òg",
    "saman",
    "kommunane",
    "tilsette",
    "behovet",
    "skal",
    "treng",
    "ynskjer",
    "gjennom",
    "ikkje",
];

fn nynorsk_markers() -> &'static HashSet<String> {
    static MARKERS: OnceLock<HashSet<String>> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let mut set: HashSet<String> = super::lexicon::nynorsk_stopwords().collect();
        set.extend(NYNORSK_ALSO.iter().map(|w| (*w).to_owned()));
        // Words both forms write alike say nothing.
        for shared in [
            "skal", "behovet", "gjennom", "me", "mi", "mine", "so", "no", "di",
        ] {
            set.remove(shared);
        }
        set
    })
}

fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| Detector::with_allowlist(vec![Lang::Eng, Lang::Nob]))
}

/// The language of `text`: English, Bokmål or Nynorsk. Text in another language or script
/// gets the nearest of the three, and text with no letters Bokmål, so that it still matches.
pub fn detect_language(text: &str) -> Language {
    // Trigram statistics need a few words; a short title says little, so look at its words too.
    let english = match detector().detect(text) {
        Some(info) => info.lang() == Lang::Eng,
        None => false,
    };
    let (mut nynorsk, mut bokmal, mut norwegian_letters) = (0u32, 0u32, false);
    let markers = nynorsk_markers();
    for (_, word) in words(text) {
        let w = word.to_lowercase();
        if markers.contains(&w) {
            nynorsk += 1;
        } else if BOKMAL_ONLY.contains(&w.as_str()) {
            bokmal += 1;
        }
        norwegian_letters |= w.contains(['æ', 'ø', 'å']);
    }
    // whatlang is sure of English, yet one Norwegian marker may be a stray loan word or name.
    if english && !norwegian_letters && nynorsk + bokmal < 2 {
        return Language::En;
    }
    if nynorsk > bokmal {
        Language::Nn
    } else {
        Language::Nb
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bokmal_nynorsk_and_english_are_told_apart() {
        let cases = [
            ("Vi trenger en løsning for lading av elektriske ferjer i kommunen", Language::Nb),
            ("Kommunen treng ei løysing som ikkje krev mykje vedlikehald, og eg veit kva det kostar", Language::Nn),
            ("We need a solution for charging electric ferries in the county", Language::En),
            ("Sensors that monitor indoor air quality in school buildings", Language::En),
            ("Fylkeskommunen ønsker å kjøpe nye hurtigbåter med lavere utslipp", Language::Nb),
            ("Helseføretaket vil kjøpe ei teneste for digitalt heimesjukehus frå neste år", Language::Nn),
            ("Me treng sensorar som måler inneklima i skulane våre, utan at det krev mykje straum", Language::Nn),
        ];
        for (text, language) in cases {
            assert_eq!(detect_language(text), language, "{text}");
        }
    }

    #[test]
    fn text_in_another_script_or_without_letters_still_gets_a_language() {
        // Any of the three will do; the point is an answer rather than a failure.
        for text in [
            "Нам нужна система видеонаблюдения",
            "東京都の学校",
            "12345 --- !!!",
            "",
        ] {
            let _ = detect_language(text);
        }
        assert_eq!(detect_language(""), Language::Nb);
        assert_eq!(detect_language("12345"), Language::Nb);
    }
}
