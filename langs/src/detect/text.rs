//! Text as the detector sees it: which writing system each letter belongs to, and the normalized
//! letters that character n-grams are taken from.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A writing system as told by Unicode blocks: the first thing detection decides, because it narrows
/// 202 languages to the few written that way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScriptGroup {
    /// Latin.
    Latin,
    /// Greek.
    Greek,
    /// Cyrillic.
    Cyrillic,
    /// Armenian.
    Armenian,
    /// Hebrew.
    Hebrew,
    /// Arabic.
    Arabic,
    /// Devanagari.
    Devanagari,
    /// Bengali (Bangla–Assamese).
    Bengali,
    /// Gurmukhi.
    Gurmukhi,
    /// Gujarati.
    Gujarati,
    /// Oriya (Odia).
    Oriya,
    /// Tamil.
    Tamil,
    /// Telugu.
    Telugu,
    /// Kannada.
    Kannada,
    /// Malayalam.
    Malayalam,
    /// Sinhala.
    Sinhala,
    /// Thai.
    Thai,
    /// Lao.
    Lao,
    /// Tibetan.
    Tibetan,
    /// Myanmar.
    Myanmar,
    /// Georgian.
    Georgian,
    /// Hangul.
    Hangul,
    /// Ethiopic.
    Ethiopic,
    /// Khmer.
    Khmer,
    /// Ol Chiki.
    OlChiki,
    /// Tifinagh.
    Tifinagh,
    /// Han ideographs and Japanese kana together: Chinese and Japanese share the ideographs.
    Han,
}

impl ScriptGroup {
    /// The ISO 15924 scripts of NLLB codes written in this group.
    pub fn nllb_scripts(self) -> &'static [&'static str] {
        use ScriptGroup::*;
        match self {
            Latin => &["Latn"],
            Greek => &["Grek"],
            Cyrillic => &["Cyrl"],
            Armenian => &["Armn"],
            Hebrew => &["Hebr"],
            Arabic => &["Arab"],
            Devanagari => &["Deva"],
            Bengali => &["Beng"],
            Gurmukhi => &["Guru"],
            Gujarati => &["Gujr"],
            Oriya => &["Orya"],
            Tamil => &["Taml"],
            Telugu => &["Telu"],
            Kannada => &["Knda"],
            Malayalam => &["Mlym"],
            Sinhala => &["Sinh"],
            Thai => &["Thai"],
            Lao => &["Laoo"],
            Tibetan => &["Tibt"],
            Myanmar => &["Mymr"],
            Georgian => &["Geor"],
            Hangul => &["Hang"],
            Ethiopic => &["Ethi"],
            Khmer => &["Khmr"],
            OlChiki => &["Olck"],
            Tifinagh => &["Tfng"],
            Han => &["Hans", "Hant", "Jpan"],
        }
    }
}

/// The writing system of one character, or `None` for digits, punctuation, symbols, combining marks
/// (they belong to their base letter) and scripts no NLLB language uses.
pub fn script_of(c: char) -> Option<ScriptGroup> {
    use ScriptGroup::*;
    let group = match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xAA | 0xBA => Latin,
        0xC0..=0x24F if c != '×' && c != '÷' => Latin,
        0x250..=0x2AF | 0x1D00..=0x1D7F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xAB30..=0xAB6F => {
            Latin
        }
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Latin,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Greek,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Cyrillic,
        0x530..=0x58F | 0xFB13..=0xFB17 => Armenian,
        0x590..=0x5FF | 0xFB1D..=0xFB4F => Hebrew,
        0x600..=0x6FF | 0x750..=0x77F | 0x870..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Arabic,
        0x900..=0x97F | 0xA8E0..=0xA8FF => Devanagari,
        0x980..=0x9FF => Bengali,
        0xA00..=0xA7F => Gurmukhi,
        0xA80..=0xAFF => Gujarati,
        0xB00..=0xB7F => Oriya,
        0xB80..=0xBFF => Tamil,
        0xC00..=0xC7F => Telugu,
        0xC80..=0xCFF => Kannada,
        0xD00..=0xD7F => Malayalam,
        0xD80..=0xDFF => Sinhala,
        0xE00..=0xE7F => Thai,
        0xE80..=0xEFF => Lao,
        0xF00..=0xFFF => Tibetan,
        0x1000..=0x109F | 0xA9E0..=0xA9FF | 0xAA60..=0xAA7F => Myanmar,
        0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F => Georgian,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF => Hangul,
        0x1200..=0x139F | 0x2D80..=0x2DDF | 0xAB00..=0xAB2F => Ethiopic,
        0x1780..=0x17FF | 0x19E0..=0x19FF => Khmer,
        0x1C50..=0x1C7F => OlChiki,
        0x2D30..=0x2D7F => Tifinagh,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Han,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F => Han,
        _ => return None,
    };
    // Signs inside a block that are not letters (Arabic comma, Devanagari danda, Thai baht…).
    (c.is_alphabetic() || is_combining_mark(c)).then_some(group)
}

/// A text prepared for n-gram counting: NFC, lower case, every run of non-letters one space, with a
/// space at both ends so that n-grams see word boundaries.
pub fn normalize(text: &str) -> Vec<char> {
    let mut out = vec![' '];
    for c in text.nfc() {
        if c.is_alphabetic() || is_combining_mark(c) {
            out.extend(c.to_lowercase());
        } else if out.last() != Some(&' ') {
            out.push(' ');
        }
    }
    if out.last() != Some(&' ') {
        out.push(' ');
    }
    out
}

/// How many letters of each writing system a text has, most first.
pub fn script_counts(text: &str) -> Vec<(ScriptGroup, usize)> {
    let mut counts: Vec<(ScriptGroup, usize)> = Vec::new();
    for group in text.chars().filter_map(script_of) {
        match counts.iter_mut().find(|(g, _)| *g == group) {
            Some((_, n)) => *n += 1,
            None => counts.push((group, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// FNV-1a over the UTF-8 of an n-gram: profiles store these 64-bit keys instead of the n-grams.
pub fn ngram_key(chars: &[char]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut buf = [0u8; 4];
    for c in chars {
        for byte in c.encode_utf8(&mut buf).bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// Calls `f(order, key)` for every n-gram of orders 1..=`max_order` of a normalized text, leaving
/// out the lone space (it says nothing about the language).
pub fn for_each_ngram(chars: &[char], max_order: usize, mut f: impl FnMut(usize, u64)) {
    for start in 0..chars.len() {
        for order in 1..=max_order.min(chars.len() - start) {
            let gram = &chars[start..start + order];
            if order == 1 && gram[0] == ' ' {
                continue;
            }
            f(order, ngram_key(gram));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_keeps_letters_and_marks_only() {
        let text: String = normalize("Hello,  WORLD! 42 नमस्ते").into_iter().collect();
        assert_eq!(text, " hello world नमस्ते ");
    }

    #[test]
    fn scripts_are_counted_by_letters() {
        assert_eq!(
            script_counts("Привет, world!"),
            vec![(ScriptGroup::Cyrillic, 6), (ScriptGroup::Latin, 5)]
        );
        assert_eq!(script_counts("日本語のテキスト")[0], (ScriptGroup::Han, 8));
        assert_eq!(script_counts("ᱥᱟᱱᱛᱟᱲᱤ")[0].0, ScriptGroup::OlChiki);
        assert!(script_counts("123 !?").is_empty());
    }

    #[test]
    fn ngrams_cover_every_order_but_the_lone_space() {
        let mut seen = Vec::new();
        for_each_ngram(&normalize("ab"), 3, |order, _| seen.push(order));
        // " ab ": unigrams a, b; bigrams " a", "ab", "b "; trigrams " ab", "ab ".
        assert_eq!(seen.iter().filter(|&&o| o == 1).count(), 2);
        assert_eq!(seen.iter().filter(|&&o| o == 2).count(), 3);
        assert_eq!(seen.iter().filter(|&&o| o == 3).count(), 2);
        assert_ne!(ngram_key(&['a', 'b']), ngram_key(&['b', 'a']));
    }
}
