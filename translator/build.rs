//! Build script: where the engine's binaries find CTranslate2 at run time.
include!("ctranslate2_link.rs");

fn main() {
    link_ctranslate2();
}
