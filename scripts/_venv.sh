# Sourced by scripts/demo and scripts/test: make .venv with famlink installed, once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "famlink needs Python 3.11 or newer; found $("$PY" --version 2>&1). Set PYTHON=..." >&2
  exit 1
}
EXTRAS="${1:-}"
STAMP=".venv/.famlink-$EXTRAS-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv ..."
  "$PY" -m venv .venv
fi
if [ ! -f "$STAMP" ]; then
  echo "Installing famlink${EXTRAS:+[$EXTRAS]} into .venv (first run only) ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
  touch "$STAMP"
fi
