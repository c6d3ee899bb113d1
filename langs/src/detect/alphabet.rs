//! What the letters alone can settle, before any statistics: which Cyrillic alphabets can have
//! written a text (і ї є ґ are Ukrainian, ђ ћ Serbian, ѓ ќ ѕ Macedonian, ы э never Ukrainian or
//! Bulgarian …), and whether Han text is Japanese, simplified or traditional Chinese, or Cantonese.
//! N-gram models trained on little text confuse exactly these close pairs; the letters do not.

use std::sync::OnceLock;

use crate::code::LangCode;

/// Each Cyrillic NLLB language and the letters its alphabet has beyond the 23 every one of them
/// shares (а б в г д е ж з к л м н о п р с т у ф х ц ч ш). Loanword letters the orthographies admit
/// (Russian letters in Kazakh, Tatar, Bashkir, Kyrgyz, Tajik and Mongolian) are included, so that
/// only a letter the language never writes rules it out.
const CYRILLIC: [(&str, &str); 12] = [
    ("rus_Cyrl", "иийщъыьэюяё"),
    ("ukr_Cyrl", "ийщьюяєіїґ"),
    ("bel_Cyrl", "йьыэюяёіў"),
    ("bul_Cyrl", "ийщъьюя"),
    ("mkd_Cyrl", "иѓѕјљњќџ"),
    ("srp_Cyrl", "иђјљњћџ"),
    ("kaz_Cyrl", "иийщъыьэюяёәғқңөұүһі"),
    ("kir_Cyrl", "иийщъыьэюяёңөү"),
    ("tat_Cyrl", "иийщъыьэюяёәҗңөүһ"),
    ("bak_Cyrl", "иийщъыьэюяёәғҙҡңөҫүһ"),
    ("tgk_Cyrl", "иийщъыьэюяёғӣқӯҳҷ"),
    ("khk_Cyrl", "иийщъыьэюяёөү"),
];

/// The letters all Cyrillic alphabets above share.
const CYRILLIC_COMMON: &str = "абвгдежзклмнопрстуфхцчш";

/// The `candidates` whose alphabets explain the most of the text's Cyrillic letters: those with the
/// fewest letters they never write. Languages that are not Cyrillic pass untouched; when the text
/// has no distinctive letter, every candidate stays.
pub fn narrow_cyrillic(text: &str, candidates: &[LangCode]) -> Vec<LangCode> {
    let distinctive: Vec<char> = text
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|&c| ('\u{400}'..='\u{52F}').contains(&c) && c.is_alphabetic() && !CYRILLIC_COMMON.contains(c))
        .collect();
    if distinctive.is_empty() {
        return candidates.to_vec();
    }
    let alien = |code: LangCode| -> Option<usize> {
        let (_, letters) = CYRILLIC.iter().find(|(c, _)| *c == code.as_str())?;
        Some(distinctive.iter().filter(|&&c| !letters.contains(c)).count())
    };
    let fewest = candidates.iter().filter_map(|&c| alien(c)).min();
    candidates
        .iter()
        .copied()
        .filter(|&c| alien(c).is_none_or(|n| Some(n) == fewest))
        .collect()
}

/// What the characters of a Han-script text say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HanVerdict {
    /// Kana: Japanese.
    Japanese,
    /// Colloquial Cantonese characters (嘅 咗 唔 佢 …), which written Mandarin does not use.
    Cantonese,
    /// More simplified-only than traditional-only characters.
    Simplified,
    /// More traditional-only than simplified-only characters.
    Traditional,
    /// Nothing that tells the scripts apart: the text is written alike in both.
    Either,
}

/// Characters of written Cantonese that written Mandarin does not use.
const CANTONESE: &str = "嘅咗唔佢冇啲嘢喺哋嚟咁乜嗰睇攞諗啱咩喎囉噉畀搵揾瞓嘥冚啫咋嘞啩咪㗎揸枱";

/// Words of written Cantonese whose characters written Mandarin uses, but not together: 係 as "to
/// be" (Mandarin 是; 關係 is Mandarin), 幾多 (多少), 屋企 (家), 點解 (為甚麼), 邊度 (哪裡), 而家
/// (現在), 聽日 (明天), 鍾意 (喜歡), 好食 (好吃), 呢個 (這個) …
const CANTONESE_WORDS: [&str; 30] = [
    "我係", "你係", "真係", "仲係", "都係", "就係", "但係", "唔係", "係咪", "幾多", "屋企", "點解", "點樣", "邊度",
    "邊個", "而家", "聽日", "琴日", "尋日", "尋晚", "鍾意", "好食", "食飯", "少少", "老細", "返工", "先至", "落緊",
    "呢個", "呢度",
];

/// Judges a text whose letters are mostly Han ideographs or kana.
pub fn han_verdict(text: &str) -> HanVerdict {
    let (simplified, traditional) = han_variants();
    let (mut kana, mut cantonese, mut s, mut t) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        match c as u32 {
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => kana += 1,
            _ if CANTONESE.contains(c) => cantonese += 1,
            _ if simplified.binary_search(&c).is_ok() => s += 1,
            _ if traditional.binary_search(&c).is_ok() => t += 1,
            _ => {}
        }
    }
    cantonese += CANTONESE_WORDS.iter().filter(|w| text.contains(*w)).count();
    if kana > 0 {
        HanVerdict::Japanese
    } else if cantonese > 0 && t >= s {
        HanVerdict::Cantonese
    } else if s > t {
        HanVerdict::Simplified
    } else if t > s {
        HanVerdict::Traditional
    } else {
        HanVerdict::Either
    }
}

/// The simplified-only and traditional-only characters of `data/han_variants.txt` (made from
/// OpenCC's tables by `scripts/make_han_variants.py`), each sorted.
fn han_variants() -> &'static (Vec<char>, Vec<char>) {
    static TABLES: OnceLock<(Vec<char>, Vec<char>)> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut lines = include_str!("../../data/han_variants.txt").lines();
        let sorted = |line: Option<&str>| {
            let mut chars: Vec<char> = line.unwrap_or_default().chars().collect();
            chars.sort_unstable();
            chars
        };
        let simplified = sorted(lines.next());
        let traditional = sorted(lines.next());
        (simplified, traditional)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Vec<LangCode> {
        list.iter().map(|c| LangCode::from_nllb(c).unwrap()).collect()
    }

    fn cyrillic() -> Vec<LangCode> {
        codes(&CYRILLIC.map(|(c, _)| c))
    }

    #[test]
    fn every_alphabet_belongs_to_a_cyrillic_nllb_language() {
        for (code, letters) in CYRILLIC {
            assert!(code.ends_with("_Cyrl") && LangCode::from_nllb(code).is_some(), "{code}");
            assert!(letters.chars().all(|c| !CYRILLIC_COMMON.contains(c)), "{code}");
        }
        let all_cyrillic = LangCode::all().filter(|c| c.as_str().ends_with("_Cyrl")).count();
        assert_eq!(all_cyrillic, CYRILLIC.len());
    }

    #[test]
    fn distinctive_letters_rule_out_the_alphabets_without_them() {
        assert_eq!(
            narrow_cyrillic("Мені подобається їхній сад", &cyrillic()),
            codes(&["ukr_Cyrl"])
        );
        assert_eq!(
            narrow_cyrillic("Ђорђе је купио хлеб", &cyrillic()),
            codes(&["srp_Cyrl"])
        );
        assert_eq!(
            narrow_cyrillic("Ќе одам утре во ѕоолошката", &cyrillic()),
            codes(&["mkd_Cyrl"])
        );
        // ы and щ: Russian and the languages that borrow its letters, never Serbian or Ukrainian.
        let left = narrow_cyrillic("Мы ещё не были в этом магазине", &cyrillic());
        assert!(left.contains(&codes(&["rus_Cyrl"])[0]));
        assert!(!left
            .iter()
            .any(|c| ["srp_Cyrl", "ukr_Cyrl", "bul_Cyrl", "mkd_Cyrl"].contains(&c.as_str())));
        // Only shared letters: nothing to decide.
        assert_eq!(narrow_cyrillic("Добро утро", &cyrillic()).len(), CYRILLIC.len());
    }

    #[test]
    fn non_cyrillic_candidates_are_kept() {
        let mixed = codes(&["ukr_Cyrl", "srp_Cyrl", "eng_Latn"]);
        assert_eq!(narrow_cyrillic("їжак", &mixed), codes(&["ukr_Cyrl", "eng_Latn"]));
    }

    #[test]
    fn han_characters_tell_the_scripts_apart() {
        assert_eq!(han_verdict("我们明天去学校"), HanVerdict::Simplified);
        assert_eq!(han_verdict("我們明天去學校"), HanVerdict::Traditional);
        assert_eq!(han_verdict("私は学校に行きます"), HanVerdict::Japanese);
        assert_eq!(han_verdict("佢哋聽日去學校"), HanVerdict::Cantonese);
        assert_eq!(han_verdict("我仲係單身。"), HanVerdict::Cantonese);
        assert_eq!(han_verdict("我們的關係很好"), HanVerdict::Traditional);
        assert_eq!(han_verdict("中文"), HanVerdict::Either);
    }
}
