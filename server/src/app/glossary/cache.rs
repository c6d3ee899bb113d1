//! Stored glossaries' compiled terms, kept per glossary, pair and version: compiling 10,000
//! entries takes milliseconds that a request should not pay each time.

use std::sync::Arc;

use super::terms::Terms;

/// Which compiled terms: owner, glossary id, source and target language codes.
pub type TermsKey = (String, String, String, String);

/// Stored glossaries' compiled terms, by glossary and pair with the glossary's version, so that a
/// request does not read and compile 10,000 entries each time; bounded at [`CACHED_TERMS`].
#[derive(Default)]
pub struct TermsCache {
    compiled: std::sync::Mutex<std::collections::VecDeque<(TermsKey, i64, Arc<Terms>)>>,
}

/// Compiled dictionaries kept, the oldest dropped first.
const CACHED_TERMS: usize = 64;

impl TermsCache {
    /// The terms compiled for `key` at `version`.
    pub fn get(&self, key: &TermsKey, version: i64) -> Option<Arc<Terms>> {
        let compiled = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        compiled
            .iter()
            .find(|(k, v, _)| k == key && *v == version)
            .map(|(_, _, terms)| Arc::clone(terms))
    }

    /// Keeps `terms` for `key` at `version`, replacing an older version's.
    pub fn put(&self, key: TermsKey, version: i64, terms: Arc<Terms>) {
        let mut compiled = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        compiled.retain(|(k, _, _)| *k != key);
        if compiled.len() == CACHED_TERMS {
            compiled.pop_front();
        }
        compiled.push_back((key, version, terms));
    }

    /// Forgets a deleted glossary's terms.
    pub fn forget(&self, id: &str) {
        let mut compiled = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        compiled.retain(|(k, _, _)| k.1 != id);
    }
}
