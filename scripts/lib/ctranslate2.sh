# Sourced by scripts/lib/prereqs.sh: provides the CTranslate2 library that ct2rs links on x86-64 Linux.
#
# ct2rs is built with its `system` feature there (translator/Cargo.toml): it compiles only its C++
# bridge and links a shared libctranslate2 found through `.ctranslate2/` in the clone, a link that
# this file points at one of two builds of CTranslate2 4.8.4 (the version ct2rs 0.10.3 bundles),
# kept outside the clone in ~/.cache/tolk so every clone and script shares them:
#   prebuilt (default)  the library of PyPI's `ctranslate2` 4.8.4 wheel: a 42 MB download, pinned by
#                       its SHA-256, seconds instead of the 40 minutes CTranslate2 and oneDNN take to
#                       compile on 2 cores.
#   source              CTranslate2 and oneDNN compiled here from the sources ct2rs and onednn-src
#                       bundle (scripts/ctranslate2-source), oneDNN cut to what CTranslate2 calls.
# TOLK_CTRANSLATE2=source chooses the second; the Rust build is the same either way, so switching
# relinks Tolk and compiles nothing else. Other platforms (ARM: ruy) build CTranslate2 inside ct2rs.

ct2_version=4.8.4
ct2_wheel_url="https://files.pythonhosted.org/packages/d5/fb/c20dd76f7636bdef710e2f6e8419db3a07687cec65e78228ff3624875afe/ctranslate2-4.8.4-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl"
ct2_wheel_sha256=1037b3f51d18f1546120686670d71fcdaf85a0500fffccc56d8439ded5d284e5

# Empty archives for the libraries ct2rs's `system` mode names although this build does not use
# them: cuBLAS (named even without CUDA) and cpu_features (inside libctranslate2 already).
ct2_write_stubs() {
  local lib="$1" name
  for name in cpu_features cublas_static cublasLt_static culibos; do
    [ -f "$lib/lib$name.a" ] || ar rcs "$lib/lib$name.a"
  done
}

# Extracts member files under $2/ of the zip archive $1 into $3, flat.
ct2_unzip() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" "$2" "$3" <<'EOF'
import os, shutil, sys, zipfile
archive, prefix, dest = sys.argv[1:]
with zipfile.ZipFile(archive) as z:
    for member in z.namelist():
        if member.startswith(prefix + "/") and not member.endswith("/"):
            target = os.path.join(dest, os.path.basename(member))
            with z.open(member) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            os.chmod(target, 0o755)
EOF
  elif command -v unzip >/dev/null 2>&1; then
    unzip -q -j -o "$1" "$2/*" -d "$3"
  else
    return 1
  fi
}

ct2_fetch_prebuilt() {
  local lib="$1" tmp
  say "Fetching CTranslate2 $ct2_version (the library of PyPI's ctranslate2 wheel, 42 MB)..."
  command -v curl >/dev/null 2>&1 || apt_install curl || { say "Install curl (sudo apt-get install curl) and run this again."; exit 1; }
  tmp="$(mktemp -d)"
  if ! curl -fsSL --retry 3 -o "$tmp/ct2.whl" "$ct2_wheel_url"; then
    rm -rf "$tmp"
    say "Could not download $ct2_wheel_url; connect to the internet, or build CTranslate2 from source with TOLK_CTRANSLATE2=source, and run this again."
    exit 1
  fi
  if [ "$(sha256sum "$tmp/ct2.whl" | cut -d' ' -f1)" != "$ct2_wheel_sha256" ]; then
    rm -rf "$tmp"
    say "The downloaded CTranslate2 wheel does not have the pinned SHA-256; refusing to use it (retry, or use TOLK_CTRANSLATE2=source)."
    exit 1
  fi
  mkdir -p "$tmp/lib"
  ct2_unzip "$tmp/ct2.whl" ctranslate2.libs "$tmp/lib" || { rm -rf "$tmp"; say "Install python3 or unzip (needed to unpack the CTranslate2 wheel) and run this again."; exit 1; }
  (cd "$tmp/lib" && ln -sf libctranslate2-*.so.$ct2_version libctranslate2.so)
  ct2_write_stubs "$tmp/lib"
  rm -rf "$lib" && mkdir -p "$(dirname "$lib")" && mv "$tmp/lib" "$lib"
  rm -rf "$tmp"
}

ct2_build_source() {
  local lib="$1" build="$2" root="$3" started
  local cores; cores="$(nproc 2>/dev/null || echo 2)"
  say "Building CTranslate2 $ct2_version and oneDNN from source with $cores cores (TOLK_CTRANSLATE2=source),"
  say "about $(( (70 + cores - 1) / cores + 2 )) minutes on this machine (70 CPU-minutes), once; cargo's progress follows."
  started=$(date +%s)
  # .cargo/config.toml's toolchain file (scripts/cmake/native-deps.cmake) cuts oneDNN down; an
  # empty CMAKE_LIBRARY_PATH keeps its other setting (the link to a library) out of this build.
  CMAKE_LIBRARY_PATH= cargo build --release --locked --manifest-path "$root/scripts/ctranslate2-source/Cargo.toml" \
    --target-dir "$build" >&2
  local ct2_out dnnl_out
  ct2_out="$(ls -d "$build"/release/build/ct2rs-*/out/build | head -n 1)"
  dnnl_out="$(ls -d "$build"/release/build/onednn-src-*/out/lib | head -n 1)"
  mkdir -p "$lib.tmp"
  # One shared library, as the wheel's: CTranslate2 whole (its API), with the parts of oneDNN
  # and cpu_features it calls, and GNU OpenMP, which oneDNN's and CTranslate2's threads share.
  c++ -shared -o "$lib.tmp/libctranslate2.so.$ct2_version" -Wl,-soname,libctranslate2.so.4 \
    -Wl,--whole-archive "$ct2_out/libctranslate2.a" -Wl,--no-whole-archive \
    "$dnnl_out/libdnnl.a" "$(find "$ct2_out" -name libcpu_features.a | head -n 1)" \
    -fopenmp -lpthread -ldl
  (cd "$lib.tmp" && ln -sf "libctranslate2.so.$ct2_version" libctranslate2.so.4 \
    && ln -sf "libctranslate2.so.$ct2_version" libctranslate2.so)
  ct2_write_stubs "$lib.tmp"
  rm -rf "$lib" && mv "$lib.tmp" "$lib"
  say "CTranslate2 built from source in $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s."
}

# Makes `.ctranslate2/` in the clone point at a CTranslate2 library, fetching or building it first.
ensure_ctranslate2() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] || return 0
  local mode="${TOLK_CTRANSLATE2:-prebuilt}"
  local base="${TOLK_CTRANSLATE2_CACHE:-$HOME/.cache/tolk}/ctranslate2-$ct2_version"
  case "$mode" in
    prebuilt) [ -e "$base/prebuilt/libctranslate2.so" ] || ct2_fetch_prebuilt "$base/prebuilt" ;;
    source) [ -e "$base/source/libctranslate2.so" ] || ct2_build_source "$base/source" "$base/source-build" "$root" ;;
    *) say "TOLK_CTRANSLATE2 must be prebuilt or source, not '$mode'."; exit 1 ;;
  esac
  if [ "$(readlink "$root/.ctranslate2" 2>/dev/null)" != "$base/$mode" ]; then
    ln -sfn "$base/$mode" "$root/.ctranslate2"
    # Newer than the last build, so the build scripts that read the link run again and every
    # binary is relinked with the other library (cargo compares the mtime of the file reached).
    touch "$base/$mode/libctranslate2.so"
  fi
}
