// Shared by translator/build.rs and server/build.rs (through `include!`): the two packages whose
// binaries, tests and examples link CTranslate2.

/// On x86-64 Linux ct2rs links a shared libctranslate2 (its `system` feature, translator/Cargo.toml)
/// from the folder `TOLK_CTRANSLATE2_LIB` names (.cargo/config.toml: the clone's `.ctranslate2/`,
/// which scripts/lib/ctranslate2.sh points at the library it fetched or built). Each binary gets
/// that folder's real path as its RPATH, so `tolk` runs without LD_LIBRARY_PATH, from anywhere.
/// `engine` says whether the package's binaries link the engine at all.
fn link_ctranslate2(engine: bool) {
    println!("cargo:rerun-if-env-changed=TOLK_CTRANSLATE2_LIB");
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if !engine || target("CARGO_CFG_TARGET_OS") != "linux" || target("CARGO_CFG_TARGET_ARCH") != "x86_64" {
        return;
    }
    let Some(folder) = std::env::var_os("TOLK_CTRANSLATE2_LIB") else {
        return;
    };
    let library = std::path::Path::new(&folder).join("libctranslate2.so");
    // The link is re-pointed when TOLK_CTRANSLATE2 changes; the library it reaches then differs.
    println!("cargo:rerun-if-changed={}", library.display());
    match std::fs::canonicalize(&library) {
        Ok(real) => {
            let folder = real.parent().expect("a file has a parent folder");
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", folder.display());
            // Then the binary's own folder: a deployment copies the library next to `tolk`.
            println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN");
        }
        Err(_) => println!(
            "cargo:warning=no CTranslate2 library at {}: run scripts/tolk or scripts/test once, \
             which fetch it (scripts/lib/ctranslate2.sh)",
            library.display()
        ),
    }
}
