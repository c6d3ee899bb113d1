//! Character n-gram profiles: how often each language uses each n-gram, and the naive Bayes score
//! of a text under each profile.
//!
//! File layout (little-endian), written by [`Profiles::to_bytes`]:
//! `TOLKPRF1`, max order (u8), language count (u16), then per language its NLLB code (8 bytes) and
//! per order its n-gram total (u32); per order the vocabulary size over all languages (u32); the key
//! count (u32) and, sorted by key, each key (u64) with its postings count (u16) and postings
//! (language index u16, count u16).

use std::collections::HashMap;

use super::text::{for_each_ngram, normalize};
use crate::code::LangCode;

const MAGIC: &[u8; 8] = b"TOLKPRF1";

/// Why profile bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The bytes end early, carry another format, or name a language that is not an NLLB code.
    #[error("malformed detection profiles: {0}")]
    Malformed(&'static str),
}

/// How profiles are built from training text.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// Longest n-gram counted.
    pub max_order: usize,
    /// N-grams of order 3 and longer seen fewer times than this in a language are left out of its
    /// profile: they are most of the file and carry little.
    pub min_count: u32,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            max_order: 4,
            min_count: 2,
        }
    }
}

/// One language's count of one n-gram.
#[derive(Debug, Clone, Copy)]
struct Posting {
    lang: u16,
    count: u16,
}

/// N-gram counts per language, ready to score texts.
#[derive(Debug, Clone)]
pub struct Profiles {
    max_order: usize,
    langs: Vec<LangCode>,
    /// Per language, per order: how many n-grams its training text had.
    totals: Vec<Vec<u32>>,
    /// Per order: distinct n-grams over all languages (the smoothing vocabulary).
    vocabulary: Vec<u32>,
    keys: Vec<u64>,
    starts: Vec<u32>,
    postings: Vec<Posting>,
    /// The smoothing constant `gains` were computed for.
    alpha: f64,
    /// Per posting: ln(1 + count / alpha), what a seen n-gram adds over an unseen one.
    gains: Vec<f32>,
}

/// Additive smoothing of n-gram counts unless [`Profiles::set_alpha`] says otherwise.
pub const DEFAULT_ALPHA: f64 = 0.1;

fn gains(postings: &[Posting], alpha: f64) -> Vec<f32> {
    postings
        .iter()
        .map(|p| (1.0 + f64::from(p.count) / alpha).ln() as f32)
        .collect()
}

impl Profiles {
    /// Counts the n-grams of each language's training text (several samples of one language add up).
    pub fn build<'a>(samples: impl IntoIterator<Item = (LangCode, &'a str)>, options: BuildOptions) -> Profiles {
        let max_order = options.max_order;
        let mut langs: Vec<LangCode> = Vec::new();
        let mut counts: Vec<HashMap<(u8, u64), u32>> = Vec::new();
        for (code, text) in samples {
            let index = match langs.iter().position(|&c| c == code) {
                Some(i) => i,
                None => {
                    langs.push(code);
                    counts.push(HashMap::new());
                    langs.len() - 1
                }
            };
            for_each_ngram(&normalize(text), max_order, |order, key| {
                *counts[index].entry((order as u8, key)).or_default() += 1;
            });
        }
        let mut totals = vec![vec![0u32; max_order]; langs.len()];
        let mut vocabulary_sets: Vec<std::collections::HashSet<u64>> = vec![Default::default(); max_order];
        let mut by_key: HashMap<u64, Vec<Posting>> = HashMap::new();
        for (lang, table) in counts.iter().enumerate() {
            for (&(order, key), &count) in table {
                let order = usize::from(order);
                totals[lang][order - 1] += count;
                vocabulary_sets[order - 1].insert(key);
                if order >= 3 && count < options.min_count {
                    continue;
                }
                by_key.entry(key).or_default().push(Posting {
                    lang: lang as u16,
                    count: count.min(u32::from(u16::MAX)) as u16,
                });
            }
        }
        let vocabulary = vocabulary_sets.iter().map(|s| s.len() as u32).collect();
        let mut keys: Vec<u64> = by_key.keys().copied().collect();
        keys.sort_unstable();
        let mut starts = Vec::with_capacity(keys.len() + 1);
        let mut postings = Vec::new();
        for key in &keys {
            starts.push(postings.len() as u32);
            let mut list = by_key.remove(key).unwrap_or_default();
            list.sort_by_key(|p| p.lang);
            postings.extend(list);
        }
        starts.push(postings.len() as u32);
        Profiles::assemble(max_order, langs, totals, vocabulary, keys, starts, postings)
    }

    /// Profiles from their stored parts; the smoothing-dependent gains are derived here, so
    /// built and loaded profiles compute them the same way.
    fn assemble(
        max_order: usize,
        langs: Vec<LangCode>,
        totals: Vec<Vec<u32>>,
        vocabulary: Vec<u32>,
        keys: Vec<u64>,
        starts: Vec<u32>,
        postings: Vec<Posting>,
    ) -> Profiles {
        Profiles {
            max_order,
            langs,
            totals,
            vocabulary,
            keys,
            starts,
            gains: gains(&postings, DEFAULT_ALPHA),
            postings,
            alpha: DEFAULT_ALPHA,
        }
    }

    /// The languages that have a profile, in index order.
    pub fn languages(&self) -> &[LangCode] {
        &self.langs
    }

    /// The longest n-gram the profiles count.
    pub fn max_order(&self) -> usize {
        self.max_order
    }

    /// Changes the additive smoothing of n-gram counts.
    pub fn set_alpha(&mut self, alpha: f64) {
        if alpha != self.alpha {
            self.alpha = alpha;
            self.gains = gains(&self.postings, alpha);
        }
    }

    /// The log-likelihood of `text` under each language's profile (indexed like [`Self::languages`]),
    /// computed only where `wanted` is true (others stay 0), and the number of n-grams scored.
    pub fn score(&self, text: &str, wanted: &[bool]) -> (Vec<f64>, usize) {
        let chars = normalize(text);
        let mut per_order = vec![0usize; self.max_order];
        let mut gains = vec![0f32; self.langs.len()];
        for_each_ngram(&chars, self.max_order, |order, key| {
            per_order[order - 1] += 1;
            if let Some(i) = self.find(key) {
                let range = self.starts[i] as usize..self.starts[i + 1] as usize;
                for (p, gain) in self.postings[range.clone()].iter().zip(&self.gains[range]) {
                    if wanted[usize::from(p.lang)] {
                        gains[usize::from(p.lang)] += gain;
                    }
                }
            }
        });
        let alpha = self.alpha;
        let scores = (0..self.langs.len())
            .map(|lang| {
                if !wanted[lang] {
                    return 0.0;
                }
                let unseen: f64 = (0..self.max_order)
                    .map(|o| {
                        let denominator = f64::from(self.totals[lang][o]) + alpha * f64::from(self.vocabulary[o]);
                        per_order[o] as f64 * (alpha / denominator).ln()
                    })
                    .sum();
                unseen + f64::from(gains[lang])
            })
            .collect();
        (scores, per_order.iter().sum())
    }

    /// The index of `key`. Keys are hashes, spread evenly over the u64 range, so interpolation
    /// search finds one in a few probes where binary search takes about twenty cache misses.
    fn find(&self, key: u64) -> Option<usize> {
        let keys = &self.keys;
        let (mut lo, mut hi) = (0usize, keys.len());
        while lo < hi {
            let (first, last) = (keys[lo], keys[hi - 1]);
            if key < first || key > last {
                return None;
            }
            if first == last {
                return (first == key).then_some(lo);
            }
            // Float arithmetic: a 128-bit division here costs more than the probes it saves.
            let fraction = (key - first) as f64 / (last - first) as f64;
            let pos = (lo + (fraction * (hi - 1 - lo) as f64) as usize).min(hi - 1);
            match keys[pos].cmp(&key) {
                std::cmp::Ordering::Equal => return Some(pos),
                std::cmp::Ordering::Less => lo = pos + 1,
                std::cmp::Ordering::Greater => hi = pos,
            }
        }
        None
    }

    /// The profiles in the file layout of the module documentation.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.keys.len() * 10 + self.postings.len() * 4);
        out.extend_from_slice(MAGIC);
        out.push(self.max_order as u8);
        out.extend_from_slice(&(self.langs.len() as u16).to_le_bytes());
        for (lang, totals) in self.langs.iter().zip(&self.totals) {
            out.extend_from_slice(format!("{:<8}", lang.as_str()).as_bytes());
            for total in totals {
                out.extend_from_slice(&total.to_le_bytes());
            }
        }
        for size in &self.vocabulary {
            out.extend_from_slice(&size.to_le_bytes());
        }
        out.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        for (i, key) in self.keys.iter().enumerate() {
            let list = &self.postings[self.starts[i] as usize..self.starts[i + 1] as usize];
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&(list.len() as u16).to_le_bytes());
            for p in list {
                out.extend_from_slice(&p.lang.to_le_bytes());
                out.extend_from_slice(&p.count.to_le_bytes());
            }
        }
        out
    }

    /// Reads profiles written by [`Self::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Profiles, ProfileError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(8)? != MAGIC {
            return Err(ProfileError::Malformed("not a profile file"));
        }
        let max_order = usize::from(r.take(1)?[0]);
        if !(1..=8).contains(&max_order) {
            return Err(ProfileError::Malformed("n-gram order out of range"));
        }
        let lang_count = usize::from(r.u16()?);
        let mut langs = Vec::with_capacity(lang_count);
        let mut totals = Vec::with_capacity(lang_count);
        for _ in 0..lang_count {
            let code = std::str::from_utf8(r.take(8)?).map_err(|_| ProfileError::Malformed("code"))?;
            langs.push(LangCode::from_nllb(code.trim_end()).ok_or(ProfileError::Malformed("unknown code"))?);
            totals.push((0..max_order).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?);
        }
        let vocabulary = (0..max_order).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?;
        let key_count = r.u32()? as usize;
        let mut keys = Vec::with_capacity(key_count);
        let mut starts = Vec::with_capacity(key_count + 1);
        let mut postings = Vec::with_capacity(bytes.len() / 4);
        for _ in 0..key_count {
            keys.push(r.u64()?);
            starts.push(postings.len() as u32);
            for _ in 0..r.u16()? {
                let lang = r.u16()?;
                if usize::from(lang) >= lang_count {
                    return Err(ProfileError::Malformed("language index out of range"));
                }
                postings.push(Posting { lang, count: r.u16()? });
            }
        }
        starts.push(postings.len() as u32);
        if !keys.windows(2).all(|w| w[0] < w[1]) {
            return Err(ProfileError::Malformed("keys out of order"));
        }
        Ok(Profiles::assemble(
            max_order, langs, totals, vocabulary, keys, starts, postings,
        ))
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ProfileError> {
        let slice = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or(ProfileError::Malformed("truncated"))?;
        self.at += n;
        Ok(slice)
    }
    fn u16(&mut self) -> Result<u16, ProfileError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("two bytes")))
    }
    fn u32(&mut self) -> Result<u32, ProfileError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("four bytes")))
    }
    fn u64(&mut self) -> Result<u64, ProfileError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("eight bytes")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> LangCode {
        LangCode::from_nllb(s).unwrap()
    }

    fn tiny() -> Profiles {
        Profiles::build(
            [
                (code("eng_Latn"), "the cat sat on the mat with the hat and the bat"),
                (
                    code("deu_Latn"),
                    "die katze sitzt auf der matte mit dem hut und der fledermaus",
                ),
            ],
            BuildOptions {
                max_order: 3,
                min_count: 1,
            },
        )
    }

    #[test]
    fn the_profile_of_the_texts_language_scores_highest() {
        let profiles = tiny();
        let (scores, grams) = profiles.score("the hat", &[true, true]);
        assert!(grams > 0);
        assert!(scores[0] > scores[1], "{scores:?}");
        let (scores, _) = profiles.score("der hut", &[true, true]);
        assert!(scores[1] > scores[0], "{scores:?}");
    }

    #[test]
    fn unwanted_languages_are_not_scored() {
        let (scores, _) = tiny().score("the hat", &[false, true]);
        assert_eq!(scores[0], 0.0);
        assert!(scores[1] < 0.0);
    }

    #[test]
    fn bytes_round_trip() {
        let profiles = tiny();
        let back = Profiles::from_bytes(&profiles.to_bytes()).unwrap();
        assert_eq!(back.languages(), profiles.languages());
        assert_eq!(
            back.score("the hat", &[true, true]),
            profiles.score("the hat", &[true, true])
        );
    }

    #[test]
    fn find_agrees_with_binary_search() {
        let profiles = tiny();
        for (i, &key) in profiles.keys.iter().enumerate() {
            assert_eq!(profiles.find(key), Some(i));
            assert_eq!(
                profiles.find(key.wrapping_add(1)),
                profiles.keys.binary_search(&key.wrapping_add(1)).ok()
            );
        }
        assert_eq!(profiles.find(0), profiles.keys.binary_search(&0).ok());
        assert_eq!(profiles.find(u64::MAX), profiles.keys.binary_search(&u64::MAX).ok());
    }

    #[test]
    fn malformed_bytes_are_refused() {
        let bytes = tiny().to_bytes();
        assert!(Profiles::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Profiles::from_bytes(b"NOTPROFILES").is_err());
    }
}
