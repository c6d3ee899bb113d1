//! whatlang as a second opinion: it was trained on far more (and more varied) text than our UDHR
//! profiles, but names only about 68 languages, some of them macrolanguages.

use whatlang::Lang;

use crate::code::LangCode;

/// The NLLB codes a whatlang answer stands for (Mandarin covers both Chinese scripts).
pub fn nllb_codes(lang: Lang) -> &'static [&'static str] {
    use Lang::*;
    match lang {
        Epo => &["epo_Latn"],
        Eng => &["eng_Latn"],
        Rus => &["rus_Cyrl"],
        Cmn => &["zho_Hans", "zho_Hant"],
        Spa => &["spa_Latn"],
        Por => &["por_Latn"],
        Ita => &["ita_Latn"],
        Ben => &["ben_Beng"],
        Fra => &["fra_Latn"],
        Deu => &["deu_Latn"],
        Ukr => &["ukr_Cyrl"],
        Kat => &["kat_Geor"],
        Ara => &["arb_Arab"],
        Hin => &["hin_Deva"],
        Jpn => &["jpn_Jpan"],
        Heb => &["heb_Hebr"],
        Yid => &["ydd_Hebr"],
        Pol => &["pol_Latn"],
        Amh => &["amh_Ethi"],
        Jav => &["jav_Latn"],
        Kor => &["kor_Hang"],
        Nob => &["nob_Latn"],
        Dan => &["dan_Latn"],
        Swe => &["swe_Latn"],
        Fin => &["fin_Latn"],
        Tur => &["tur_Latn"],
        Nld => &["nld_Latn"],
        Hun => &["hun_Latn"],
        Ces => &["ces_Latn"],
        Ell => &["ell_Grek"],
        Bul => &["bul_Cyrl"],
        Bel => &["bel_Cyrl"],
        Mar => &["mar_Deva"],
        Kan => &["kan_Knda"],
        Ron => &["ron_Latn"],
        Slv => &["slv_Latn"],
        Hrv => &["hrv_Latn"],
        Srp => &["srp_Cyrl"],
        Mkd => &["mkd_Cyrl"],
        Lit => &["lit_Latn"],
        Lav => &["lvs_Latn"],
        Est => &["est_Latn"],
        Tam => &["tam_Taml"],
        Vie => &["vie_Latn"],
        Urd => &["urd_Arab"],
        Tha => &["tha_Thai"],
        Guj => &["guj_Gujr"],
        Uzb => &["uzn_Latn"],
        Pan => &["pan_Guru"],
        Aze => &["azj_Latn"],
        Ind => &["ind_Latn"],
        Tel => &["tel_Telu"],
        Pes => &["pes_Arab"],
        Mal => &["mal_Mlym"],
        Ori => &["ory_Orya"],
        Mya => &["mya_Mymr"],
        Nep => &["npi_Deva"],
        Sin => &["sin_Sinh"],
        Khm => &["khm_Khmr"],
        Tuk => &["tuk_Latn"],
        Aka => &["aka_Latn"],
        Zul => &["zul_Latn"],
        Sna => &["sna_Latn"],
        Afr => &["afr_Latn"],
        Slk => &["slk_Latn"],
        Cat => &["cat_Latn"],
        Tgl => &["tgl_Latn"],
        Hye => &["hye_Armn"],
        // Latin is not an NLLB language.
        Lat => &[],
    }
}

/// whatlang's answer among the languages that map to `candidates`, when it calls it reliable.
/// `None` when whatlang cannot tell at least two of the candidates apart.
pub fn opinion(text: &str, candidates: &[LangCode]) -> Option<Vec<LangCode>> {
    let allowed: Vec<Lang> = Lang::all()
        .iter()
        .copied()
        .filter(|&lang| {
            nllb_codes(lang)
                .iter()
                .any(|code| candidates.iter().any(|c| c.as_str() == *code))
        })
        .collect();
    if allowed.len() < 2 {
        return None;
    }
    let info = whatlang::Detector::with_allowlist(allowed).detect(text)?;
    info.is_reliable().then(|| {
        nllb_codes(info.lang())
            .iter()
            .filter_map(|code| LangCode::from_nllb(code))
            .collect()
    })
}

/// whatlang alone, for comparison: its answer as an NLLB code (the first one for Mandarin).
pub fn whatlang_alone(text: &str) -> Option<LangCode> {
    let info = whatlang::detect(text)?;
    nllb_codes(info.lang())
        .first()
        .and_then(|code| LangCode::from_nllb(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapped_code_is_an_nllb_code() {
        for &lang in Lang::all() {
            for code in nllb_codes(lang) {
                assert!(LangCode::from_nllb(code).is_some(), "{lang:?} → {code}");
            }
        }
    }

    #[test]
    fn whatlang_answers_only_among_candidates() {
        let text = "Tout le monde a droit à la liberté d'opinion et d'expression, ce qui implique le droit de ne pas être inquiété.";
        let fra = LangCode::from_nllb("fra_Latn").unwrap();
        let spa = LangCode::from_nllb("spa_Latn").unwrap();
        assert_eq!(opinion(text, &[fra, spa]), Some(vec![fra]));
        assert_eq!(opinion(text, &[fra]), None);
    }
}
