#!/usr/bin/env bash
# Schemathesis against the emulator: every operation of both descriptions (openapi.assistants.yaml and
# openapi.responses.yaml, with the documented deviations of docs/API-DEVIATIONS.md applied by
# scripts/write-schemathesis-spec.mjs), every check, all four phases (examples, coverage, fuzzing,
# stateful), then one summary of the figures (scripts/schemathesis-summary.mjs).
#
#   scripts/schemathesis.sh                          # SCHEMATHESIS_MAX_EXAMPLES=5 (the npm test budget)
#   SCHEMATHESIS_MAX_EXAMPLES=100 scripts/schemathesis.sh
#   SCHEMATHESIS_SPECS=responses scripts/schemathesis.sh        # one description only
#   EMULATOR_URL=http://127.0.0.1:8787/v1 scripts/schemathesis.sh   # a running emulator (SCHEMATHESIS_API_KEY, sk-schemathesis)
#   scripts/schemathesis-sweep.sh                    # the large sweep
#
# Environment: SCHEMATHESIS_MAX_EXAMPLES (5), SCHEMATHESIS_SEED (1), SCHEMATHESIS_MAX_STEPS (stateful
# scenario length, 6), SCHEMATHESIS_MAX_TIME (seconds per description, unset: no limit),
# SCHEMATHESIS_SPECS ("assistants responses"), SCHEMATHESIS_SKIP_COVERAGE (operation labels, `|`
# between them, whose coverage phase is left out), SCHEMATHESIS_OUT (keep the reports and the summary
# there). Extra arguments go to every `st run`.
#
# Before the run the emulator is seeded with an object of every kind (scripts/schemathesis-seed.mjs)
# and the generators are handed their ids, so positive cases reach the API's logic, not only 404s.
#
# Every check runs (`--checks all`); the failures each check may still report are listed, with their
# reason, in docs/API-DEVIATIONS.md ("Schemathesis"). The Assistants operations are sent
# `OpenAI-Beta: assistants=v2`, as the API requires. Exit status: 0 when no check failed, no
# request answered 5xx (counted from the emulator's own request log) and the emulator neither crashed
# nor logged an internal error.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ST="$(bash "$ROOT/scripts/python-env.sh")"
EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-5}"
SEED="${SCHEMATHESIS_SEED:-1}"
STEPS="${SCHEMATHESIS_MAX_STEPS:-6}"
SPECS="${SCHEMATHESIS_SPECS:-assistants responses}"
KEY="${SCHEMATHESIS_API_KEY:-sk-schemathesis}"
BASELINE="${SCHEMATHESIS_BASELINE-$ROOT/scripts/schemathesis-baseline.json}"
# Inside the repository so the build resolves node_modules.
mkdir -p "$ROOT/node_modules/.cache"
WORK="$(mktemp -d "$ROOT/node_modules/.cache/schemathesis.XXXXXX")"
OUT="${SCHEMATHESIS_OUT:-$WORK/out}"
mkdir -p "$OUT"
EMU_PID=""
cleanup() {
  if [[ -n "$EMU_PID" ]]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

node scripts/write-schemathesis-spec.mjs "$WORK/specs"
# Schemathesis makes a missing baseline file from the run, accepting every failure: only on purpose.
if [[ -n "$BASELINE" && ! -f "$BASELINE" && -z "${SCHEMATHESIS_BASELINE_UPDATE:-}" ]]; then
  echo "schemathesis.sh: no baseline at $BASELINE (SCHEMATHESIS_BASELINE_UPDATE=1 records one, SCHEMATHESIS_BASELINE= runs without)" >&2
  exit 2
fi

URL="${EMULATOR_URL:-}"
if [[ -z "$URL" ]]; then
  # A fresh build of src/ (type errors elsewhere in the tree do not stop the emit).
  node_modules/.bin/tsc -p tsconfig.json --outDir "$WORK/build" >/dev/null 2>&1 || true
  test -f "$WORK/build/cli/commands/emulator.js" || { echo "schemathesis.sh: build failed" >&2; exit 2; }
  : >"$WORK/emu.out"
  node test/helpers/emulator-child.mjs "$WORK/build" "{\"port\":0,\"quiet\":true,\"indexingDelay\":5,\"apiKey\":\"$KEY\"}" >"$WORK/emu.out" 2>"$WORK/emu.err" &
  EMU_PID=$!
  for _ in $(seq 1 100); do
    URL="$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$WORK/emu.out" | head -1)"
    [[ -n "$URL" ]] && break
    sleep 0.1
  done
  [[ -n "$URL" ]] || { echo "schemathesis.sh: emulator did not start" >&2; cat "$WORK/emu.err" >&2; exit 2; }
fi
ORIGIN="${URL%/v1}"
echo "schemathesis: $URL, specs: $SPECS, max examples $EXAMPLES, stateful steps $STEPS, seed $SEED" >&2
# Objects of every kind, whose ids the generators are handed (scripts/schemathesis-seed.mjs).
node scripts/schemathesis-seed.mjs "$URL" "$KEY" "$WORK/seed.toml"
curl -fsS -X POST "$ORIGIN/__emulator/log/clear" >/dev/null 2>&1 || true

STATUS=0
for spec in $SPECS; do
  headers=(-H "Authorization: Bearer $KEY")
  [[ "$spec" == assistants ]] && headers+=(-H "OpenAI-Beta: assistants=v2")
  limits=()
  [[ -n "${SCHEMATHESIS_MAX_TIME:-}" ]] && limits+=(--max-time "$SCHEMATHESIS_MAX_TIME")
  # The failures accepted, each with its reason (scripts/schemathesis-baseline.json): only new ones fail the run.
  if [[ -n "$BASELINE" ]]; then
    limits+=(--baseline "$BASELINE")
    [[ -n "${SCHEMATHESIS_BASELINE_UPDATE:-}" ]] && limits+=(--baseline-update)
    [[ -n "${SCHEMATHESIS_BASELINE_PRUNE:-}" ]] && limits+=(--baseline-prune)
  fi
  # The config: the seeded ids, the stateful phase's scenario length, and the operations whose coverage
  # phase is left out (SCHEMATHESIS_SKIP_COVERAGE, labels separated by `|`: the quick run's budget).
  {
    cat "$WORK/seed-$spec.toml"
    printf '[phases.stateful]\nmax-steps = %s\n\n' "$STEPS"
    IFS='|' read -r -a skip <<<"${SCHEMATHESIS_SKIP_COVERAGE:-}"
    for label in "${skip[@]}"; do
      [[ -n "$label" ]] && printf '[[operations]]\ninclude-name = "%s"\n[operations.phases.coverage]\nenabled = false\n\n' "$label"
    done
  } >"$WORK/schemathesis-$spec.toml"
  echo "== schemathesis: $spec" >&2
  set +e
  # From the work folder: Schemathesis keeps its cache (.schemathesis/) in the current directory.
  (cd "$WORK" && "$ST" --config-file "$WORK/schemathesis-$spec.toml" run "$WORK/specs/$spec.json" \
    --url "$URL" \
    "${headers[@]}" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$EXAMPLES" \
    --seed "$SEED" \
    --request-timeout 30 \
    --continue-on-failure \
    --no-color \
    "${limits[@]}" \
    "$@") | tee "$OUT/$spec.txt"
  code=${PIPESTATUS[0]}
  set -e
  # (with SCHEMATHESIS_BASELINE_FILE the summary decides: it checks each failure against that file)
  [[ "$code" -ne 0 && -z "${SCHEMATHESIS_BASELINE_FILE:-}" ]] && STATUS=1
done

# The emulator's own log: every request it answered, so a 5xx is counted whatever the checks say.
curl -fsS "$ORIGIN/__emulator/log" >"$OUT/emulator-log.json" 2>/dev/null || echo '[]' >"$OUT/emulator-log.json"
node scripts/schemathesis-summary.mjs "$OUT" $SPECS | tee "$OUT/summary.txt" || STATUS=1

if [[ -n "$EMU_PID" ]] && ! kill -0 "$EMU_PID" 2>/dev/null; then
  echo "schemathesis.sh: the emulator crashed" >&2
  cat "$WORK/emu.err" >&2
  exit 3
fi
if [[ -s "$WORK/emu.err" ]] && grep -q "internal error" "$WORK/emu.err"; then
  echo "schemathesis.sh: the emulator logged internal errors:" >&2
  head -50 "$WORK/emu.err" >&2
  STATUS=4
fi
exit "$STATUS"
