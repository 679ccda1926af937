#!/usr/bin/env bash
# The large Schemathesis sweep: scripts/schemathesis.sh over both descriptions with every check and all
# four phases, at a large example budget and longer stateful scenarios, coverage for every operation;
# every failure reported is checked against the accepted ones of scripts/schemathesis-baseline.json. CPU-heavy (tens of minutes on two
# cores): run it by hand before a release or after changing the emulator's validation, not in `npm test`
# (which runs the small budget, test/emulator/schemathesis.test.ts).
#
#   scripts/schemathesis-sweep.sh                   # 200 examples per operation, 12 stateful steps
#   SCHEMATHESIS_MAX_EXAMPLES=1000 scripts/schemathesis-sweep.sh
#
# The figures (operations, cases, unique failures by check, the emulator's 5xx count) are printed at the
# end and kept, with each description's full output, in SCHEMATHESIS_OUT (default
# schemathesis-sweep/ in the repository, which git ignores).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SCHEMATHESIS_MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-200}"
export SCHEMATHESIS_MAX_STEPS="${SCHEMATHESIS_MAX_STEPS:-12}"
export SCHEMATHESIS_SEED="${SCHEMATHESIS_SEED:-$RANDOM}"
export SCHEMATHESIS_OUT="${SCHEMATHESIS_OUT:-$ROOT/schemathesis-sweep}"
export SCHEMATHESIS_SKIP_COVERAGE=""
# Without Schemathesis's baseline, so every failure is itemized in the figures; the summary then checks
# each one against the accepted ones (by operation and check) and fails the sweep on any other.
export SCHEMATHESIS_BASELINE=""
export SCHEMATHESIS_BASELINE_FILE="$ROOT/scripts/schemathesis-baseline.json"
rm -rf "$SCHEMATHESIS_OUT"
mkdir -p "$SCHEMATHESIS_OUT"
start=$(date +%s)
set +e
bash "$ROOT/scripts/schemathesis.sh" --no-shrink "$@"
status=$?
set -e
echo "schemathesis-sweep: seed $SCHEMATHESIS_SEED, ${SCHEMATHESIS_MAX_EXAMPLES} examples per operation, $(( $(date +%s) - start )) s, exit $status; output in $SCHEMATHESIS_OUT" >&2
exit "$status"
