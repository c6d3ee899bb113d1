//! Detection built without lingua (`--no-default-features`): no broad model, so the profiles, the
//! script rules and whatlang decide alone. The same functions as `broad.rs`, answering nothing.

use crate::code::LangCode;

/// Whether lingua knows `code`: never, as it is not built in.
pub fn knows(_code: LangCode) -> bool {
    false
}

/// lingua's opinion: none without lingua.
pub fn opinion(_text: &str, _candidates: &[LangCode]) -> Option<Vec<(LangCode, f64)>> {
    None
}

/// lingua alone: no answer without lingua.
pub fn lingua_alone(_text: &str) -> Option<LangCode> {
    None
}
