#!/usr/bin/env bash
# Idempotent: make the virtual environment that validates `test --format junit` output against
# vendor/junit/junit-10.xsd (libxml2's XML Schema validator, through lxml), from PyPI, unless it
# is already there: .venv/junit. Prints `junit PATH-TO-ITS-PYTHON` on stdout; the rest on stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
SPEC='lxml==6.1.3'
venv="$ROOT/.venv/junit"
stamp="$venv/.spec-$(printf '%s' "$SPEC" | cksum | cut -d' ' -f1)"
if [[ ! -f "$stamp" || ! -x "$venv/bin/python" ]]; then
  lock="$ROOT/.venv/.junit.lock"
  mkdir -p "$ROOT/.venv"
  got=""
  for _ in $(seq 1 900); do
    if mkdir "$lock" 2>/dev/null; then got=1; break; fi
    sleep 1
  done
  [[ -n "$got" ]] || { echo "python-env-junit: $lock is held; remove it if no setup is running" >&2; exit 1; }
  if [[ ! -f "$stamp" || ! -x "$venv/bin/python" ]]; then
    echo "python-env-junit: creating $venv with $SPEC" >&2
    rm -rf "$venv"
    if ! { "$PYTHON" -m venv "$venv" >&2 && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $SPEC >&2; }; then
      rmdir "$lock"
      echo "python-env-junit: could not create $venv" >&2
      exit 1
    fi
    printf '%s\n' "$SPEC" >"$stamp"
  fi
  rmdir "$lock"
fi
echo "junit $venv/bin/python"
