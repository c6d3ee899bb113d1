//! Build script: where `tolk` and the server's tests find CTranslate2 at run time.
include!("../translator/ctranslate2_link.rs");

fn main() {
    link_ctranslate2(true);
}
