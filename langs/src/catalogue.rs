//! The catalogue: what Tolk knows about each of the 202 NLLB languages, read once from
//! `data/languages.tsv` (embedded in the binary).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::code::{Direction, LangCode, Script, NLLB_CODES};

/// The data file, one row per NLLB code; its header comment documents the columns.
const DATA: &str = include_str!("../data/languages.tsv");

/// One language of NLLB-200 with the facts users and clients ask about.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Language {
    /// The NLLB code, e.g. `quy_Latn`.
    pub code: LangCode,
    /// The English name FLORES-200 gives it, e.g. `Ayacucho Quechua`.
    pub name: &'static str,
    /// Its name in itself, in its own script, e.g. `Runasimi`.
    pub autonym: &'static str,
    /// ISO 639-3 code (the first part of the NLLB code).
    pub iso639_3: &'static str,
    /// ISO 639-1 code of the language, or of the macrolanguage it belongs to when this code is the
    /// one a two-letter code resolves to (`arb_Arab` has `ar`), if there is one.
    pub iso639_1: Option<&'static str>,
    /// ISO 15924 script (the second part of the NLLB code).
    pub script: Script,
    /// Writing direction of the script.
    pub direction: Direction,
    /// Whether NLLB-200 counts it as low-resource (fewer than a million public parallel sentences).
    pub low_resource: bool,
    /// Further codes and names that resolve to this language (`pb`, `zh-TW`, `Luganda`, …).
    pub aliases: Vec<&'static str>,
}

struct Catalogue {
    languages: Vec<Language>,
    position: HashMap<&'static str, usize>,
}

fn catalogue_data() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let languages = parse(DATA);
        let position = languages
            .iter()
            .enumerate()
            .map(|(i, l)| (l.code.as_str(), i))
            .collect();
        Catalogue { languages, position }
    })
}

/// Every language, in the order of the model vocabulary ([`NLLB_CODES`]).
pub fn catalogue() -> &'static [Language] {
    &catalogue_data().languages
}

impl LangCode {
    /// The catalogue entry of this code.
    pub fn info(self) -> &'static Language {
        let data = catalogue_data();
        &data.languages[data.position[self.as_str()]]
    }
}

/// Parses the embedded data. The file ships with the crate and a test checks it, so a malformed row
/// is a bug in this crate: panic with the line rather than carry an error type nobody can handle.
fn parse(data: &'static str) -> Vec<Language> {
    let mut rows = data.lines().filter(|line| !line.starts_with('#'));
    let header = rows.next().expect("languages.tsv has a header");
    assert_eq!(
        header, "code\tiso639_1\tname\tautonym\tresource\taliases",
        "languages.tsv header"
    );
    let languages: Vec<Language> = rows
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&'static str> = line.split('\t').collect();
            assert_eq!(fields.len(), 6, "languages.tsv: six columns expected in {line:?}");
            let code = LangCode::from_nllb(fields[0]).unwrap_or_else(|| panic!("languages.tsv: {line:?}"));
            let low_resource = match fields[4] {
                "low" => true,
                "high" => false,
                other => panic!("languages.tsv: resource must be low or high, not {other:?}"),
            };
            Language {
                code,
                name: fields[2],
                autonym: fields[3],
                iso639_3: code.iso639_3(),
                iso639_1: Some(fields[1]).filter(|s| !s.is_empty()),
                script: code.script(),
                direction: code.script().direction(),
                low_resource,
                aliases: fields[5].split(';').map(str::trim).filter(|s| !s.is_empty()).collect(),
            }
        })
        .collect();
    assert_eq!(
        languages.len(),
        NLLB_CODES.len(),
        "languages.tsv must list every NLLB code"
    );
    languages
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use unicode_normalization::UnicodeNormalization;

    /// Whether `c` belongs to the Unicode blocks of an ISO 15924 script.
    fn in_script(c: char, script: &str) -> bool {
        crate::detect::script_of(c).is_some_and(|group| group.nllb_scripts().contains(&script))
    }

    #[test]
    fn the_catalogue_lists_the_202_codes_once_in_vocabulary_order() {
        let codes: Vec<&str> = catalogue().iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, NLLB_CODES.to_vec());
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 202);
    }

    #[test]
    fn every_row_is_complete_and_consistent() {
        for lang in catalogue() {
            let code = lang.code.as_str();
            assert!(!lang.name.trim().is_empty(), "{code} has no name");
            assert!(!lang.autonym.trim().is_empty(), "{code} has no autonym");
            assert_eq!(&code[4..], lang.script.as_str(), "{code}: script suffix");
            assert_eq!(&code[..3], lang.iso639_3, "{code}: ISO 639-3");
            if let Some(two) = lang.iso639_1 {
                assert!(
                    two.len() == 2 && two.chars().all(|c| c.is_ascii_lowercase()),
                    "{code}: {two}"
                );
            }
            let rtl = matches!(lang.script.as_str(), "Arab" | "Hebr");
            assert_eq!(lang.direction == Direction::Rtl, rtl, "{code}: direction");
        }
    }

    #[test]
    fn autonyms_are_written_in_their_own_script() {
        for lang in catalogue() {
            // NLLB's vocabulary calls Santali `sat_Beng`, but its training data and FLORES-200 are in
            // Ol Chiki (`sat_Olck`), so Santali's autonym is in Ol Chiki on purpose.
            let script = if lang.code.as_str() == "sat_Beng" {
                "Olck"
            } else {
                lang.script.as_str()
            };
            let letters: Vec<char> = lang.autonym.nfc().filter(|c| c.is_alphabetic()).collect();
            let own = letters.iter().filter(|&&c| in_script(c, script)).count();
            assert!(
                own * 2 > letters.len(),
                "{}: autonym {:?} is not in {script}",
                lang.code,
                lang.autonym
            );
        }
    }

    #[test]
    fn resource_levels_match_the_paper_counts() {
        // NLLB-200 counts 150 of its languages as low-resource.
        assert_eq!(catalogue().iter().filter(|l| l.low_resource).count(), 150);
        assert!(LangCode::from_nllb("quy_Latn").unwrap().info().low_resource);
        assert!(!LangCode::from_nllb("fra_Latn").unwrap().info().low_resource);
    }

    #[test]
    fn info_finds_the_row_of_a_code() {
        let urdu = LangCode::from_nllb("urd_Arab").unwrap().info();
        assert_eq!((urdu.name, urdu.autonym, urdu.iso639_1), ("Urdu", "اردو", Some("ur")));
        assert_eq!(urdu.direction, Direction::Rtl);
        let maori = LangCode::from_nllb("mri_Latn").unwrap().info();
        assert_eq!(
            (maori.name, maori.iso639_1, maori.direction),
            ("Māori", Some("mi"), Direction::Ltr)
        );
    }
}
