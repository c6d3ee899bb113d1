//! Build script: where the engine's binaries find CTranslate2 at run time.
include!("ctranslate2_link.rs");

fn main() {
    // The text and document handling alone (no `engine` feature, as the fuzz targets build it).
    link_ctranslate2(std::env::var_os("CARGO_FEATURE_ENGINE").is_some());
}
