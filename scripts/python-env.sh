#!/usr/bin/env bash
# Idempotent: make .venv/schemathesis with a pinned Schemathesis from PyPI, unless it is already there.
# Prints the path of the venv's `st` executable on stdout (everything else goes to stderr).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv/schemathesis"
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.schemathesis-$SCHEMATHESIS_VERSION"

if [[ ! -f "$STAMP" || ! -x "$VENV/bin/st" ]]; then
  # Serialise concurrent setups (two test workers, two shells) with a lock directory.
  LOCK="$ROOT/.venv/.schemathesis.lock"
  mkdir -p "$ROOT/.venv"
  for _ in $(seq 1 600); do
    if mkdir "$LOCK" 2>/dev/null; then break; fi
    sleep 1
  done
  trap 'rmdir "$LOCK" 2>/dev/null || true' EXIT
  if [[ ! -f "$STAMP" || ! -x "$VENV/bin/st" ]]; then
    echo "python-env: creating $VENV with schemathesis==$SCHEMATHESIS_VERSION" >&2
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
    touch "$STAMP"
  fi
fi
echo "$VENV/bin/st"
