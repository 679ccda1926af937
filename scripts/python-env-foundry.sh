#!/usr/bin/env bash
# Idempotent: make the virtual environment in which the Azure AI Projects Python SDK drives the
# emulator as a Foundry project (test/emulator/foundry-python-sdk.test.ts), from PyPI, unless it is there:
#   .venv/foundry   azure-ai-projects (the version ../shared/azure-foundry was read from), azure-identity, openai
# Usage: scripts/python-env-foundry.sh [foundry]   (default: foundry)
# Prints one line per environment, `NAME PATH-TO-ITS-PYTHON`, on stdout; the rest goes to stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
FOUNDRY_SPEC='azure-ai-projects==2.10.0 azure-identity==1.27.0 openai==3.57.0'

spec_for() {
  case "$1" in
    foundry) echo "$FOUNDRY_SPEC" ;;
    *) echo "python-env-foundry: unknown environment $1 (foundry)" >&2; exit 2 ;;
  esac
}

make_env() {
  local name="$1" spec venv stamp
  spec="$(spec_for "$name")"
  venv="$ROOT/.venv/$name"
  # The stamp names the spec, so changing a pin rebuilds the environment.
  stamp="$venv/.spec-$(printf '%s' "$spec" | cksum | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || ! -x "$venv/bin/python" ]]; then
    # Serialise concurrent setups (test workers, shells) with a lock directory per environment.
    local lock="$ROOT/.venv/.foundry-$name.lock"
    mkdir -p "$ROOT/.venv"
    local got=""
    for _ in $(seq 1 900); do
      if mkdir "$lock" 2>/dev/null; then got=1; break; fi
      sleep 1
    done
    [[ -n "$got" ]] || { echo "python-env-foundry: $lock is held; remove it if no setup is running" >&2; exit 1; }
    if [[ ! -f "$stamp" || ! -x "$venv/bin/python" ]]; then
      echo "python-env-foundry: creating $venv with $spec" >&2
      rm -rf "$venv"
      if ! { "$PYTHON" -m venv "$venv" >&2 &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $spec >&2; }; then
        rmdir "$lock"
        echo "python-env-foundry: could not create $venv" >&2
        exit 1
      fi
      printf '%s\n' "$spec" >"$stamp"
    fi
    rmdir "$lock"
  fi
  echo "$name $venv/bin/python"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(foundry)
for n in "${names[@]}"; do make_env "$n"; done
