#!/usr/bin/env bash
# Idempotent: make the virtual environments that run and check `codegen python` output, from PyPI,
# unless they are already there:
#   .venv/codegen-assistants  openai in the range `--api assistants` code states (has beta.assistants/threads)
#   .venv/codegen-responses   openai in the range `--api responses` code states (pip picks the newest)
#   .venv/codegen-floor       openai at the floor of both ranges, to prove the floor works
#   .venv/codegen-tools       ruff and mypy (mypy checks the code against the others' openai)
# The ranges must equal the ones in src/codegen/python/versions.ts (a test checks it).
# Usage: scripts/python-env-codegen.sh [assistants|responses|floor|tools]...   (default: all)
# Prints one line per environment, `NAME PATH-TO-ITS-PYTHON`, on stdout; the rest goes to stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
ASSISTANTS_SPEC='openai>=3.3.1,<3.58'
RESPONSES_SPEC='openai>=3.3.1,<4'
FLOOR_SPEC='openai==3.3.1'
TOOLS_SPEC='ruff==0.17.6 mypy==2.4.1'

spec_for() {
  case "$1" in
    assistants) echo "$ASSISTANTS_SPEC" ;;
    responses) echo "$RESPONSES_SPEC" ;;
    floor) echo "$FLOOR_SPEC" ;;
    tools) echo "$TOOLS_SPEC" ;;
    *) echo "python-env-codegen: unknown environment $1 (assistants, responses, floor, tools)" >&2; exit 2 ;;
  esac
}

make_env() {
  local name="$1" spec venv stamp
  spec="$(spec_for "$name")"
  venv="$ROOT/.venv/codegen-$name"
  # The stamp names the spec, so changing a range rebuilds the environment.
  stamp="$venv/.spec-$(printf '%s' "$spec" | cksum | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || ! -x "$venv/bin/python" ]]; then
    # Serialise concurrent setups (test workers, shells) with a lock directory per environment.
    local lock="$ROOT/.venv/.codegen-$name.lock"
    mkdir -p "$ROOT/.venv"
    local got=""
    for _ in $(seq 1 900); do
      if mkdir "$lock" 2>/dev/null; then got=1; break; fi
      sleep 1
    done
    [[ -n "$got" ]] || { echo "python-env-codegen: $lock is held; remove it if no setup is running" >&2; exit 1; }
    if [[ ! -f "$stamp" || ! -x "$venv/bin/python" ]]; then
      echo "python-env-codegen: creating $venv with $spec" >&2
      rm -rf "$venv"
      if ! { "$PYTHON" -m venv "$venv" >&2 &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $spec >&2; }; then
        rmdir "$lock"
        echo "python-env-codegen: could not create $venv" >&2
        exit 1
      fi
      printf '%s\n' "$spec" >"$stamp"
    fi
    rmdir "$lock"
  fi
  echo "$name $venv/bin/python"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(assistants responses floor tools)
for n in "${names[@]}"; do make_env "$n"; done
