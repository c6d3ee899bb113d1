# Sourced by scripts/tolk and scripts/test: makes sure the tools a build needs are here, installing
# them where this machine allows it, or stops with one sentence saying what to install.

say() { printf '%s\n' "$*" >&2; }
. "$(dirname "${BASH_SOURCE[0]}")/ctranslate2.sh"

# Runs a command as root, through sudo when we are not root; fails when neither is possible.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

# Installs Debian packages when apt-get can be used; returns non-zero otherwise.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 && return 0
  as_root apt-get update -q >/dev/null 2>&1 || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1
}

ensure_prereqs() {
  if ! command -v cargo >/dev/null 2>&1; then
    say "Install the Rust toolchain (https://rustup.rs) and run this again."
    exit 1
  fi
  # CTranslate2 and SentencePiece are C++ projects that ct2rs and sentencepiece-sys build with CMake.
  local missing=() packages=()
  command -v cmake >/dev/null 2>&1 || { missing+=("cmake"); packages+=(cmake); }
  command -v c++ >/dev/null 2>&1 || { missing+=("a C++ compiler"); packages+=(g++ make); }
  if [ ${#missing[@]} -gt 0 ]; then
    local what="${missing[0]}${missing[1]:+ and ${missing[1]}}"
    say "Installing $what (needed to build CTranslate2)..."
    if ! apt_install "${packages[@]}"; then
      say "Install $what (Debian/Ubuntu: sudo apt-get install ${packages[*]}) and run this again."
      exit 1
    fi
  fi
  # The build directory lives outside the clone so CTranslate2 (minutes to build) is built once.
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tolk/target}"
  ensure_ctranslate2
}

# The job tests start a PostgreSQL server on loopback (several Tolk servers sharing one queue).
ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "Installing PostgreSQL (the job tests start one on loopback)..."
    if ! apt_install postgresql; then
      say "Install the PostgreSQL server (Debian/Ubuntu: sudo apt-get install postgresql) and run this again."
      exit 1
    fi
  fi
}

# The network test records the server's connections with strace.
ensure_strace() {
  if ! command -v strace >/dev/null 2>&1; then
    say "Installing strace (the network test records the server's connections with it)..."
    if ! apt_install strace; then
      say "Install strace (Debian/Ubuntu: sudo apt-get install strace) and run this again."
      exit 1
    fi
  fi
}

# Says what the first build compiles and about how long it takes here, when tolk has not been
# built in this build directory yet: without it a first run looks hung for minutes.
announce_first_build() {
  [ -x "$CARGO_TARGET_DIR/release/tolk" ] && return 1
  local cores; cores="$(nproc 2>/dev/null || echo 2)"
  if [ -e "$(dirname "${BASH_SOURCE[0]}")/../../.ctranslate2/libctranslate2.so" ]; then
    # Measured: 7 min wall, 13.5 CPU-minutes on 2 cores (docs/benchmarks.md, "First run and build time").
    say "Building Tolk for the first time with $cores cores: about $(( (14 + cores - 1) / cores + 1 )) minutes on this machine"
    say "(CTranslate2 is linked, not compiled); later builds take seconds. Cargo's progress follows."
  else
    # Measured: 41 min wall, 68 CPU-minutes on 2 cores (docs/benchmarks.md); it scales with cores.
    say "Building Tolk for the first time: CTranslate2 and oneDNN are compiled from source with $cores cores,"
    say "about $(( (70 + cores - 1) / cores + 6 )) minutes on this machine; later builds take seconds. Cargo's progress follows."
  fi
  return 0
}

# Node.js and npm, for the browser tests and the npm API clients; returns 1 after saying what to
# install when they are missing and cannot be installed.
ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then return 0; fi
  say "Installing Node.js and npm (for the browser tests and the npm API clients)..."
  if apt_install nodejs npm && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then return 0; fi
  say "Install Node.js 20 or newer with npm (sudo apt install nodejs npm) and run this again."
  return 1
}

# Installs the npm packages of folder $1 from its package-lock.json when $1/node_modules lacks
# package $2 (or the lock changed since), so that every run uses the same versions.
ensure_node_modules() {
  local dir="$1" probe="$2" stamp="$1/node_modules/.tolk-lock.sha256" hash
  hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -d "$dir/node_modules/$probe" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then return 0; fi
  say "Installing the npm packages of $dir (package-lock.json)..."
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || {
    say "npm could not install $dir/package-lock.json (see its message above); fix that and run this again."
    return 1
  }
  printf '%s\n' "$hash" >"$stamp"
}
