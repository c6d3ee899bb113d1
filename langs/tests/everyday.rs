//! Detection on everyday text, out of the UDHR domain the profiles were trained on: the test split
//! of `data/everyday.tsv` (Tatoeba and lingua's held-out sentences; see `docs/languages.md`), and
//! sentences written for this test in the languages the issue found confused.

// lingua is part of what is measured here; built without it, detection is weaker by design.
#![cfg(feature = "lingua")]

use langs::{detect, Detector, LangCode};

#[test]
fn the_everyday_test_split_is_mostly_right_and_reliable_answers_nearly_always() {
    let data = include_str!("../data/everyday.tsv");
    let detector = Detector::shared();
    let mut per_language: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let (mut reliable, mut reliable_right) = (0usize, 0usize);
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let [code, key, text] = fields[..] else {
            panic!("malformed line: {line}");
        };
        if key.split('/').nth(1) != Some("test") {
            continue;
        }
        let found = detector.detect(text).expect("every sentence has letters");
        let right = found.language.as_str() == code;
        let tally = per_language.entry(code).or_default();
        tally.0 += 1;
        tally.1 += usize::from(right);
        if found.reliable {
            reliable += 1;
            reliable_right += usize::from(right);
        }
    }
    assert!(per_language.len() >= 90, "{} languages", per_language.len());
    let rates: Vec<f64> = per_language.values().map(|&(n, r)| r as f64 / n as f64).collect();
    let macro_accuracy = rates.iter().sum::<f64>() / rates.len() as f64;
    // Measured 94.0% (docs/languages.md); the floor catches a regression, not noise.
    assert!(macro_accuracy >= 0.93, "macro accuracy {macro_accuracy:.3}");
    let precision = reliable_right as f64 / reliable as f64;
    assert!(precision >= 0.98, "reliable answers right {precision:.4} of {reliable}");
    assert!(
        reliable * 2 >= per_language.values().map(|t| t.0).sum::<usize>(),
        "too few reliable"
    );
}

#[test]
fn everyday_sentences_in_the_languages_once_confused() {
    let cases = [
        ("rus_Cyrl", "Вчера вечером мы ходили в магазин за хлебом и молоком."),
        ("zul_Latn", "Ngizohamba esitolo kusasa ukuyothenga ubisi nesinkwa."),
        ("est_Latn", "Ma lähen homme hommikul poodi piima ja leiba ostma."),
        ("slk_Latn", "Zajtra ráno idem do obchodu kúpiť mlieko a chlieb."),
        (
            "tgl_Latn",
            "Pupunta ako sa palengke bukas ng umaga para bumili ng gatas.",
        ),
        (
            "ind_Latn",
            "Besok pagi saya akan pergi ke pasar untuk membeli susu dan roti.",
        ),
        (
            "dan_Latn",
            "Jeg skal i supermarkedet i morgen tidlig og købe mælk og brød.",
        ),
        ("afr_Latn", "Ek gaan môre oggend winkel toe om melk en brood te koop."),
        ("pes_Arab", "فردا صبح به فروشگاه می‌روم تا شیر و نان بخرم."),
        ("zho_Hans", "我明天早上去商店买牛奶和面包。"),
        ("zho_Hant", "我明天早上去商店買牛奶和麵包。"),
        ("ukr_Cyrl", "Завтра вранці я піду до магазину по хліб і молоко."),
        ("srp_Cyrl", "Сутра ујутру идем у продавницу да купим хлеб и млеко."),
        // Close languages told apart by their words (`data/words.tsv`).
        ("glg_Latn", "Mañá pola mañá vou á tenda mercar leite e pan."),
        ("ast_Latn", "Güei nun tengo tiempu pa dir a la tienda."),
        ("oci_Latn", "Deman ieu vau a la botiga crompar de lach e de pan."),
        ("fao_Latn", "Í morgin fari eg í handilin at keypa mjólk og breyð."),
        ("ceb_Latn", "Moadto ko sa merkado ugma sa buntag aron mopalit og gatas."),
        ("bos_Latn", "Sutra ujutro idem u prodavnicu da kupim hljeb i mlijeko."),
        ("hrv_Latn", "Sutra ujutro idem u trgovinu kupiti kruh i mlijeko."),
        (
            "nno_Latn",
            "Eg skal i butikken i morgon tidleg for å kjøpe mjølk og brød.",
        ),
        (
            "nob_Latn",
            "Jeg skal i butikken i morgen tidlig for å kjøpe melk og brød.",
        ),
        (
            "zsm_Latn",
            "Esok pagi saya akan pergi ke kedai untuk membeli susu dan roti.",
        ),
        ("spa_Latn", "Hoy no tengo tiempo para hacer nada, mañana te llamo."),
        // Yoruba without its tone marks, Cantonese in characters Mandarin also writes, Zulu
        // next to Swati.
        ("yor_Latn", "Awon omo naa lo si ile iwe lati ka iwe pelu olukoni won."),
        ("yue_Hant", "我而家返屋企。"),
        (
            "zul_Latn",
            "Ngiyabonga kakhulu, kodwa angikwazi ukuza namuhla ngoba ngimatasa.",
        ),
        ("war_Latn", "Karuyag ko umuli ha akon balay yana."),
    ];
    let mut wrong = Vec::new();
    for (expected, text) in cases {
        let found = detect(text).unwrap();
        if found.language.as_str() != expected {
            wrong.push(format!("{text} → {} (expected {expected})", found.language));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_short_or_ambiguous_text_is_unreliable_and_keeps_its_candidates() {
    for text in ["Hola", "Dobro jutro", "中文", "Danke"] {
        let found = detect(text).unwrap();
        assert!(!found.reliable, "{text}: {found:?}");
        assert!(found.candidates.len() >= 2, "{text}: {found:?}");
    }
    // Written alike in both Chinese scripts: an even split between them.
    let found = detect("中文").unwrap();
    let codes: Vec<LangCode> = found.candidates.iter().map(|c| c.language).collect();
    assert!(codes.contains(&LangCode::from_nllb("zho_Hans").unwrap()));
    assert!(codes.contains(&LangCode::from_nllb("zho_Hant").unwrap()));
    assert_eq!(found.confidence, 0.5);
}
