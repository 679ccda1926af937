#!/usr/bin/env bash
# Idempotent: make the virtual environments in which third-party agent frameworks run against the
# emulator over the Responses API (test/emulator/agents.test.ts), from PyPI, unless they are there:
#   .venv/agents      the OpenAI Agents SDK (openai-agents), pinned
#   .venv/langchain   langchain-openai (ChatOpenAI(...).with_structured_output over the Responses API), pinned
# Usage: scripts/python-env-agents.sh [agents|langchain]...   (default: both)
# Prints one line per environment, `NAME PATH-TO-ITS-PYTHON`, on stdout; the rest goes to stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
AGENTS_SPEC='openai-agents==0.24.0'
LANGCHAIN_SPEC='langchain-openai==1.7.4'

spec_for() {
  case "$1" in
    agents) echo "$AGENTS_SPEC" ;;
    langchain) echo "$LANGCHAIN_SPEC" ;;
    *) echo "python-env-agents: unknown environment $1 (agents, langchain)" >&2; exit 2 ;;
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
    local lock="$ROOT/.venv/.agents-$name.lock"
    mkdir -p "$ROOT/.venv"
    local got=""
    for _ in $(seq 1 900); do
      if mkdir "$lock" 2>/dev/null; then got=1; break; fi
      sleep 1
    done
    [[ -n "$got" ]] || { echo "python-env-agents: $lock is held; remove it if no setup is running" >&2; exit 1; }
    if [[ ! -f "$stamp" || ! -x "$venv/bin/python" ]]; then
      echo "python-env-agents: creating $venv with $spec" >&2
      rm -rf "$venv"
      if ! { "$PYTHON" -m venv "$venv" >&2 &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $spec >&2; }; then
        rmdir "$lock"
        echo "python-env-agents: could not create $venv" >&2
        exit 1
      fi
      printf '%s\n' "$spec" >"$stamp"
    fi
    rmdir "$lock"
  fi
  echo "$name $venv/bin/python"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(agents langchain)
for n in "${names[@]}"; do make_env "$n"; done
