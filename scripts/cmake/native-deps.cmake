# CMake toolchain file for the C++ libraries the Rust crates build with CMake (.cargo/config.toml
# names it for x86-64 Linux; the cmake crate passes it to every CMake project it configures, and
# each project reads only its own variables). It compiles only what Tolk links: on 2 cores the
# first build is dominated by these projects (docs/benchmarks.md, "First build").

# SentencePiece (sentencepiece-sys): the static library only. Its shared libraries compile every
# source a second time; TCMalloc is left out so the build does not depend on what is installed.
set(SPM_ENABLE_SHARED OFF CACHE BOOL "" FORCE)
set(SPM_ENABLE_TCMALLOC OFF CACHE BOOL "" FORCE)

# oneDNN (TOLK_CTRANSLATE2=source, scripts/ctranslate2-source): CTranslate2 calls its BLAS-like
# GEMM functions, which these options leave alone, and the convolution and reorder primitives only
# for Whisper's Conv1D, which Tolk never runs; inference only, no backward passes.
set(ONEDNN_ENABLE_WORKLOAD "INFERENCE" CACHE STRING "" FORCE)
set(ONEDNN_ENABLE_PRIMITIVE "REORDER" CACHE STRING "" FORCE)
set(ONEDNN_BUILD_GRAPH OFF CACHE BOOL "" FORCE)
