#!/usr/bin/env bash
# Idempotent: install promptfoo (pinned) into .venv/promptfoo from the npm registry, unless it is
# already there, for the tests that check `codegen promptfoo` output with promptfoo itself
# (test/codegen/promptfoo.test.ts). Not a dependency of the project: it is large, and users of
# assistants-deploy must not get its install warnings. Prints `promptfoo PATH-TO-ITS-BIN` on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION='0.123.1'
dir="$ROOT/.venv/promptfoo"
bin="$dir/node_modules/.bin/promptfoo"
stamp="$dir/.version-$VERSION"
if [[ ! -f "$stamp" || ! -x "$bin" ]]; then
  lock="$ROOT/.venv/.promptfoo.lock"
  mkdir -p "$ROOT/.venv"
  got=""
  for _ in $(seq 1 900); do
    if mkdir "$lock" 2>/dev/null; then got=1; break; fi
    sleep 1
  done
  [[ -n "$got" ]] || { echo "promptfoo-env: $lock is held; remove it if no install is running" >&2; exit 1; }
  if [[ ! -f "$stamp" || ! -x "$bin" ]]; then
    echo "promptfoo-env: installing promptfoo@$VERSION into $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "promptfoo@$VERSION" >&2; then
      rmdir "$lock"
      echo "promptfoo-env: could not install promptfoo@$VERSION" >&2
      exit 1
    fi
    touch "$stamp"
  fi
  rmdir "$lock"
fi
echo "promptfoo $bin"
