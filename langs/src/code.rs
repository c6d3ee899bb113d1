//! NLLB codes and the small types around them. This module is the leaf of the crate: resolution,
//! the catalogue and detection all build on these types, so it imports none of them (parsing what
//! users type, which needs the catalogue, lives in `resolve.rs`).

use std::fmt;

/// Every language code of NLLB-200, in the order of the model's vocabulary (fairseq's list).
pub const NLLB_CODES: [&str; 202] = [
    "ace_Arab", "ace_Latn", "acm_Arab", "acq_Arab", "aeb_Arab", "afr_Latn", "ajp_Arab", "aka_Latn", "amh_Ethi",
    "apc_Arab", "arb_Arab", "ars_Arab", "ary_Arab", "arz_Arab", "asm_Beng", "ast_Latn", "awa_Deva", "ayr_Latn",
    "azb_Arab", "azj_Latn", "bak_Cyrl", "bam_Latn", "ban_Latn", "bel_Cyrl", "bem_Latn", "ben_Beng", "bho_Deva",
    "bjn_Arab", "bjn_Latn", "bod_Tibt", "bos_Latn", "bug_Latn", "bul_Cyrl", "cat_Latn", "ceb_Latn", "ces_Latn",
    "cjk_Latn", "ckb_Arab", "crh_Latn", "cym_Latn", "dan_Latn", "deu_Latn", "dik_Latn", "dyu_Latn", "dzo_Tibt",
    "ell_Grek", "eng_Latn", "epo_Latn", "est_Latn", "eus_Latn", "ewe_Latn", "fao_Latn", "pes_Arab", "fij_Latn",
    "fin_Latn", "fon_Latn", "fra_Latn", "fur_Latn", "fuv_Latn", "gla_Latn", "gle_Latn", "glg_Latn", "grn_Latn",
    "guj_Gujr", "hat_Latn", "hau_Latn", "heb_Hebr", "hin_Deva", "hne_Deva", "hrv_Latn", "hun_Latn", "hye_Armn",
    "ibo_Latn", "ilo_Latn", "ind_Latn", "isl_Latn", "ita_Latn", "jav_Latn", "jpn_Jpan", "kab_Latn", "kac_Latn",
    "kam_Latn", "kan_Knda", "kas_Arab", "kas_Deva", "kat_Geor", "knc_Arab", "knc_Latn", "kaz_Cyrl", "kbp_Latn",
    "kea_Latn", "khm_Khmr", "kik_Latn", "kin_Latn", "kir_Cyrl", "kmb_Latn", "kon_Latn", "kor_Hang", "kmr_Latn",
    "lao_Laoo", "lvs_Latn", "lij_Latn", "lim_Latn", "lin_Latn", "lit_Latn", "lmo_Latn", "ltg_Latn", "ltz_Latn",
    "lua_Latn", "lug_Latn", "luo_Latn", "lus_Latn", "mag_Deva", "mai_Deva", "mal_Mlym", "mar_Deva", "min_Latn",
    "mkd_Cyrl", "plt_Latn", "mlt_Latn", "mni_Beng", "khk_Cyrl", "mos_Latn", "mri_Latn", "zsm_Latn", "mya_Mymr",
    "nld_Latn", "nno_Latn", "nob_Latn", "npi_Deva", "nso_Latn", "nus_Latn", "nya_Latn", "oci_Latn", "gaz_Latn",
    "ory_Orya", "pag_Latn", "pan_Guru", "pap_Latn", "pol_Latn", "por_Latn", "prs_Arab", "pbt_Arab", "quy_Latn",
    "ron_Latn", "run_Latn", "rus_Cyrl", "sag_Latn", "san_Deva", "sat_Beng", "scn_Latn", "shn_Mymr", "sin_Sinh",
    "slk_Latn", "slv_Latn", "smo_Latn", "sna_Latn", "snd_Arab", "som_Latn", "sot_Latn", "spa_Latn", "als_Latn",
    "srd_Latn", "srp_Cyrl", "ssw_Latn", "sun_Latn", "swe_Latn", "swh_Latn", "szl_Latn", "tam_Taml", "tat_Cyrl",
    "tel_Telu", "tgk_Cyrl", "tgl_Latn", "tha_Thai", "tir_Ethi", "taq_Latn", "taq_Tfng", "tpi_Latn", "tsn_Latn",
    "tso_Latn", "tuk_Latn", "tum_Latn", "tur_Latn", "twi_Latn", "tzm_Tfng", "uig_Arab", "ukr_Cyrl", "umb_Latn",
    "urd_Arab", "uzn_Latn", "vec_Latn", "vie_Latn", "war_Latn", "wol_Latn", "xho_Latn", "ydd_Hebr", "yor_Latn",
    "yue_Hant", "zho_Hans", "zho_Hant", "zul_Latn",
];

/// An NLLB-200 language code such as `quy_Latn`: ISO 639-3 language, underscore, ISO 15924 script.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LangCode(&'static str);

/// A writing system, by its ISO 15924 code (the suffix of an NLLB code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Script(&'static str);

/// Why a text could not be resolved to a language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LangError {
    /// Nothing matched; `suggestions` holds the closest codes, best first.
    #[error("unknown language '{}'{}", shown(.input), did_you_mean(.suggestions))]
    Unknown {
        /// What the user typed.
        input: String,
        /// The closest known codes.
        suggestions: Vec<LangCode>,
    },
}

impl LangError {
    /// What the user typed, as error messages quote it (long values cut).
    pub fn input_shown(&self) -> String {
        match self {
            LangError::Unknown { input, .. } => shown(input),
        }
    }
}

/// Longest input an error message quotes whole: a 10,000-character value is cut, not echoed.
const SHOWN_CHARS: usize = 64;

/// `input` as an error message quotes it: at most [`SHOWN_CHARS`] characters, then an ellipsis.
fn shown(input: &str) -> String {
    match input.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &input[..cut]),
        None => input.to_string(),
    }
}

fn did_you_mean(suggestions: &[LangCode]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let list: Vec<&str> = suggestions.iter().map(|c| c.as_str()).collect();
    format!("; did you mean {}?", list.join(", "))
}

impl LangCode {
    /// The code itself when `input` spells an NLLB code, ignoring case; nothing else is accepted.
    pub fn from_nllb(input: &str) -> Option<LangCode> {
        NLLB_CODES
            .iter()
            .find(|code| code.eq_ignore_ascii_case(input))
            .map(|code| LangCode(code))
    }

    /// All 202 codes.
    pub fn all() -> impl Iterator<Item = LangCode> {
        NLLB_CODES.iter().map(|code| LangCode(code))
    }

    /// The code as the model's vocabulary spells it.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The ISO 639-3 part, e.g. `quy`.
    pub fn iso639_3(self) -> &'static str {
        &self.0[..3]
    }

    /// The script part, e.g. `Latn`.
    pub fn script(self) -> Script {
        Script(&self.0[4..])
    }
}

impl Script {
    /// The ISO 15924 code, e.g. `Hans`.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Whether the script writes sentences one after another without a space between them
    /// (Chinese, Japanese), so that joining translated sentences must not add one.
    pub fn joins_sentences_without_space(self) -> bool {
        matches!(self.0, "Hans" | "Hant" | "Jpan")
    }

    /// The direction the script is written in.
    pub fn direction(self) -> Direction {
        // Every right-to-left script of ISO 15924 that a language of ours could be written in; NLLB
        // itself uses only Arab and Hebr.
        match self.0 {
            "Arab" | "Hebr" | "Thaa" | "Syrc" | "Nkoo" | "Adlm" | "Rohg" | "Samr" | "Mand" => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }

    /// The English name of the script, e.g. `Devanagari`.
    pub fn name(self) -> &'static str {
        match self.0 {
            "Arab" => "Arabic",
            "Armn" => "Armenian",
            "Beng" => "Bengali",
            "Cyrl" => "Cyrillic",
            "Deva" => "Devanagari",
            "Ethi" => "Ethiopic",
            "Geor" => "Georgian",
            "Grek" => "Greek",
            "Gujr" => "Gujarati",
            "Guru" => "Gurmukhi",
            "Hang" => "Hangul",
            "Hans" => "Han (Simplified)",
            "Hant" => "Han (Traditional)",
            "Hebr" => "Hebrew",
            "Jpan" => "Japanese (Han and Kana)",
            "Khmr" => "Khmer",
            "Knda" => "Kannada",
            "Laoo" => "Lao",
            "Latn" => "Latin",
            "Mlym" => "Malayalam",
            "Mymr" => "Myanmar",
            "Olck" => "Ol Chiki",
            "Orya" => "Oriya",
            "Sinh" => "Sinhala",
            "Taml" => "Tamil",
            "Telu" => "Telugu",
            "Tfng" => "Tifinagh",
            "Thai" => "Thai",
            "Tibt" => "Tibetan",
            _ => "other",
        }
    }
}

/// Which way a script runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left (Arabic, Hebrew).
    Rtl,
}

impl Direction {
    /// `ltr` or `rtl`, as HTML's `dir` attribute spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

impl fmt::Display for LangCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for LangCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for LangCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl serde::Serialize for Script {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn an_error_quotes_a_long_input_cut() {
        let error = LangError::Unknown {
            input: "x".repeat(10_000),
            suggestions: Vec::new(),
        };
        let message = error.to_string();
        assert_eq!(message, format!("unknown language '{}…'", "x".repeat(SHOWN_CHARS)));
        let short = LangError::Unknown {
            input: "Frnech".to_string(),
            suggestions: Vec::new(),
        };
        assert_eq!(short.to_string(), "unknown language 'Frnech'");
    }

    #[test]
    fn there_are_202_unique_well_formed_codes() {
        let unique: HashSet<&str> = NLLB_CODES.iter().copied().collect();
        assert_eq!(unique.len(), 202);
        for code in NLLB_CODES {
            let (lang, script) = code.split_once('_').expect("code has an underscore");
            assert_eq!(lang.len(), 3, "{code}");
            assert!(lang.chars().all(|c| c.is_ascii_lowercase()), "{code}");
            assert_eq!(script.len(), 4, "{code}");
            assert!(script.chars().next().unwrap().is_ascii_uppercase(), "{code}");
        }
    }
}
