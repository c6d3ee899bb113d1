# Sourced by scripts/api-check: the pinned Python environment of the API client tests
# (tests/clients/requirements.txt: libretranslatepy, deepl, schemathesis), created once outside
# the repository and re-installed only when that file changes. `ensure_client_venv` sets
# $client_python, or says in one sentence what is missing and returns 1.
ensure_client_venv() {
  local reqs venv stamp hash
  reqs="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/clients/requirements.txt"
  venv="${TOLK_CLIENT_VENV:-$HOME/.cache/tolk/client-venv}"
  stamp="$venv/.tolk-requirements.sha256"
  # schemathesis 4 and hypothesis need Python 3.11; Debian splits venv and ensurepip off python3.
  if ! command -v python3 >/dev/null 2>&1 \
    || ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    printf '%s\n' "The API client tests need python3 3.11 or newer; install it (Debian/Ubuntu: sudo apt-get install python3 python3-venv) and run this again." >&2
    return 1
  fi
  if [ ! -x "$venv/bin/python" ] && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    printf '%s\n' "The API client tests need Python's venv module; install it (Debian/Ubuntu: sudo apt-get install python3-venv) and run this again." >&2
    return 1
  fi
  hash="$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$reqs")"
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    printf '%s\n' "Installing the API client test tools (tests/clients/requirements.txt) into $venv..." >&2
    rm -f "$stamp"
    if ! { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } \
      || ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$reqs" >&2; then
      printf '%s\n' "Could not install tests/clients/requirements.txt into $venv (see pip's message above); fix that, or delete $venv, and run this again." >&2
      return 1
    fi
    printf '%s\n' "$hash" >"$stamp"
  fi
  client_python="$venv/bin/python"
}
