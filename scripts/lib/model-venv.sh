# Sourced by the model scripts: the pinned Python environment (scripts/requirements-model.txt),
# created once outside the repository. Sets $model_python.
venv="${TOLK_MODEL_VENV:-$HOME/.cache/tolk-py}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" freeze 2>/dev/null | grep -qx 'ctranslate2==4.8.4' \
  || "$venv/bin/pip" install -q -r "$(dirname "${BASH_SOURCE[0]}")/../requirements-model.txt"
model_python="$venv/bin/python"
