#!/usr/bin/env bash
# The logic of action.yml (the repository's GitHub Action), as one script that runs outside GitHub
# too: the tests run it as the runner does, with the runner's variables and files.
#
# Reads (inputs, set by action.yml from its `with:`):
#   INPUT_COMMAND            plan | apply | test
#   INPUT_MANIFEST           -f, relative to the working directory (default assistants.yaml)
#   INPUT_ENVIRONMENT        --env overlay ("" for none)
#   INPUT_WORKING_DIRECTORY  the project folder (default .)
#   INPUT_ARGS               extra arguments for the command, split at spaces
#   INPUT_PLAN_FILE          apply: reviewed | PATH | none
#   INPUT_SETUP              true: `npm ci` first
#   INPUT_BASELINE           test: default-branch | PATH | "" (the JSON report to compare with)
# and from the runner: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP (where the plans are
# written), GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_REPOSITORY,
# GITHUB_WORKFLOW_REF / GITHUB_WORKFLOW, GITHUB_SERVER_URL, GITHUB_RUN_ID, GITHUB_ACTIONS, and
# GH_TOKEN for `gh` (apply of the reviewed plan: which pull request, which run, its artifact).
#
# Writes to GITHUB_OUTPUT: has_changes, plan_markdown, plan_json, exit_code, and artifact (the name
# of the plan's artifact and of the pull request comment); for test: test_markdown, test_json and,
# with a baseline, regressed. Appends the markdown to
# GITHUB_STEP_SUMMARY. Exit status: 0 when the command succeeded (changes pending or not), 1 on any
# error; a failed plan still writes its markdown (the error), so the comment never shows a plan
# that no longer holds.
#
# Runs the project's own copy: WORKING_DIRECTORY/node_modules/.bin/assistants-deploy.
# Portable to the bash 3.2 of macOS runners (no ${x,,}, no empty "${a[@]}" under set -u).
# shellcheck disable=SC2016 # backquotes in single quotes are markdown, not command substitution
set -uo pipefail

command="${INPUT_COMMAND:-plan}"
manifest="${INPUT_MANIFEST:-assistants.yaml}"
environment="${INPUT_ENVIRONMENT:-}"
workdir="${INPUT_WORKING_DIRECTORY:-.}"
args="${INPUT_ARGS:-}"
plan_file="${INPUT_PLAN_FILE:-reviewed}"
setup="${INPUT_SETUP:-true}"
baseline="${INPUT_BASELINE:-}"
output_file="${GITHUB_OUTPUT:-/dev/null}"
summary_file="${GITHUB_STEP_SUMMARY:-/dev/null}"

output() { printf '%s=%s\n' "$1" "$2" >> "$output_file"; }

# an error annotation on the run's page (a workflow command: stdout, on a runner only)
annotate() {
  if [ "${GITHUB_ACTIONS:-}" = "true" ]; then printf '::error title=assistants-deploy %s::%s\n' "$command" "$1"; fi
}

fail() {
  printf 'error: %s\n' "$1" >&2
  if [ -n "${2:-}" ]; then printf 'hint: %s\n' "$2" >&2; fi
  annotate "$1"
  output exit_code 1
  exit 1
}

case "$command" in
  plan | apply | test) ;;
  *) fail "command \"$command\" is not one of plan, apply, test" 'set the input `command` to plan (pull requests), apply (the default branch) or test' ;;
esac
case "$setup" in
  true | false) ;;
  *) fail "setup \"$setup\" is not true or false" 'use setup: false when the job runs npm ci itself' ;;
esac

cd "$workdir" 2> /dev/null || fail "working-directory \"$workdir\" does not exist (in $(pwd))" 'give the folder of the project, relative to the repository root'

if [ "$setup" = "true" ]; then
  if [ ! -f package-lock.json ] && [ ! -f npm-shrinkwrap.json ]; then
    fail "no package-lock.json in \"$workdir\", so npm ci cannot install assistants-deploy" 'run npm install (it writes package-lock.json) and commit package-lock.json'
  fi
  echo "npm ci in $workdir" >&2
  npm ci --no-audit --no-fund >&2 || fail "npm ci failed in \"$workdir\" (see above)" 'run npm install locally, commit package.json and package-lock.json together'
fi

bin="$PWD/node_modules/.bin/assistants-deploy"
if [ ! -x "$bin" ]; then
  fail "assistants-deploy is not installed in \"$workdir\" (no node_modules/.bin/assistants-deploy)" \
    'list it in devDependencies (npx assistants-deploy init writes that package.json) and commit package-lock.json; with setup: false, run npm ci before this action'
fi

# the global options go before the command; INPUT_ARGS after it
global=()
if [ -n "$environment" ]; then global+=(--env "$environment"); fi
extra=()
if [ -n "$args" ]; then read -r -a extra <<< "$args"; fi
# the global options among INPUT_ARGS, for the check after an apply (a plan takes no apply flags)
check_args=()
i=0
while [ "$i" -lt "${#extra[@]}" ]; do
  a="${extra[$i]}"
  case "$a" in
    --var | --target | --env)
      check_args+=("$a")
      i=$((i + 1))
      if [ "$i" -lt "${#extra[@]}" ]; then check_args+=("${extra[$i]}"); fi
      ;;
    --var=* | --target=* | --env=* | -v | --verbose | -q | --quiet | --no-color) check_args+=("$a") ;;
  esac
  i=$((i + 1))
done

# one name per project, manifest and environment: the artifact, the comment, the files
slug() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9._-' '-' | sed -e 's/--*/-/g' -e 's/^[-.]*//' -e 's/-*$//'; }
key=""
add_key() { local s; s="$(slug "$1")"; if [ -n "$s" ]; then key="${key:+$key-}$s"; fi; }
if [ "$workdir" != "." ]; then add_key "$workdir"; fi
if [ "$manifest" != "assistants.yaml" ]; then add_key "$manifest"; fi
if [ -n "$environment" ]; then add_key "$environment"; fi
kind="plan"
if [ "$command" = "test" ]; then kind="test"; fi
artifact="assistants-deploy-$kind${key:+-$key}"
temp="${RUNNER_TEMP:-}"
if [ -z "$temp" ]; then temp="$(mktemp -d)"; fi
dir="$temp/assistants-deploy"
mkdir -p "$dir" || fail "cannot create $dir"
md="$dir/$kind${key:+-$key}.md"
json="$dir/plan${key:+-$key}.json"
errlog="$dir/stderr.log"
output artifact "$artifact"

# Runs "$@" with stdout into $1 and stderr both shown and kept in $errlog; sets $code.
capture() {
  local out="$1"
  shift
  { "$@" > "$out"; } 2>&1 | tee "$errlog" >&2
  code=${PIPESTATUS[0]}
}

# A line under the plan: which commit, which run (only on a runner).
footer() {
  if [ -z "${GITHUB_RUN_ID:-}" ]; then return; fi
  local sha="${GITHUB_SHA:-}"
  if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "${GITHUB_EVENT_PATH}" ]; then
    sha="$(node -e 'const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(e.pull_request?.head?.sha ?? process.argv[2]))' "$GITHUB_EVENT_PATH" "$sha" 2> /dev/null || printf '%s' "$sha")"
  fi
  printf '\n<sub>%s at %s, [run %s](%s/%s/actions/runs/%s).</sub>\n' \
    "$1" "${sha:0:7}" "$GITHUB_RUN_ID" "${GITHUB_SERVER_URL:-https://github.com}" "${GITHUB_REPOSITORY:-}" "$GITHUB_RUN_ID"
}

# The markdown of a failed command: the error, as the CLI printed it.
failure_markdown() {
  {
    printf '### assistants-deploy %s failed for `%s`\n\n' "$1" "$manifest"
    printf '`assistants-deploy %s` exited with code %s; nothing was changed by this run.\n\n' "$1" "$2"
    printf '````text\n'
    tail -n 60 "$errlog"
    printf '````\n'
    footer "Failed"
  } > "$md"
}

finish_failed() {
  failure_markdown "$1" "$2"
  cat "$md" >> "$summary_file"
  output plan_markdown "$md"
  output exit_code 1
  annotate "assistants-deploy $1 failed (exit $2); the error is above"
  exit 1
}

run_plan() {
  rm -f "$md" "$json"
  capture "$md" "$bin" ${global[@]+"${global[@]}"} plan -f "$manifest" --format markdown --out "$json" --detailed-exitcode ${extra[@]+"${extra[@]}"}
  case "$code" in
    0) output has_changes false ;;
    2) output has_changes true ;;
    *) finish_failed plan "$code" ;;
  esac
  footer "Planned" >> "$md"
  cat "$md" >> "$summary_file"
  output plan_markdown "$md"
  output plan_json "$json"
  output exit_code "$code"
}

# The plan saved by the plan run of the merged pull request's last commit ($artifact of that run).
fetch_reviewed() {
  command -v gh > /dev/null || fail 'the GitHub CLI (gh) is needed to fetch the reviewed plan' 'GitHub-hosted runners have it; elsewhere set plan-file to a saved plan'
  local repo="${GITHUB_REPOSITORY:-}" sha="${GITHUB_SHA:-}" pr head workflow run
  if [ -z "$repo" ] || [ -z "$sha" ]; then fail 'GITHUB_REPOSITORY and GITHUB_SHA are needed to find the reviewed plan' 'run on a GitHub runner, or set plan-file to a saved plan'; fi
  pr="$(gh api "repos/$repo/commits/$sha/pulls" --jq '.[0].number // empty')" || fail "cannot list the pull requests of commit ${sha:0:7}" 'the job needs permissions: pull-requests: read (or write), actions: read'
  if [ -z "$pr" ]; then
    fail "commit ${sha:0:7} belongs to no pull request, so there is no reviewed plan to apply" 'merge through a pull request, or set plan-file: none to apply the manifest as it is'
  fi
  head="$(gh pr view "$pr" --repo "$repo" --json headRefOid --jq .headRefOid)" || fail "cannot read pull request #$pr"
  workflow="${GITHUB_WORKFLOW_REF:-}"
  workflow="${workflow%%@*}"
  workflow="${workflow##*/}"
  if [ -z "$workflow" ]; then workflow="${GITHUB_WORKFLOW:-}"; fi
  run="$(gh run list --repo "$repo" --workflow "$workflow" --commit "$head" --event pull_request --status success --limit 1 --json databaseId --jq '.[0].databaseId // empty')" ||
    fail "cannot list the runs of workflow $workflow"
  if [ -z "$run" ]; then
    fail "no successful run of $workflow planned the last commit ${head:0:7} of pull request #$pr" 'rerun the workflow on the pull request, or set plan-file'
  fi
  rm -rf "$dir/reviewed"
  gh run download "$run" --repo "$repo" --name "$artifact" --dir "$dir/reviewed" ||
    fail "cannot download the artifact $artifact of run $run" 'artifacts are kept 30 days: rerun the plan on the pull request'
  reviewed="$dir/reviewed/$(basename "$json")"
  if [ ! -f "$reviewed" ]; then fail "the artifact $artifact of run $run holds no $(basename "$json")"; fi
  echo "The plan reviewed on pull request #$pr (commit ${head:0:7}, run $run)." >&2
}

run_apply() {
  local saved="" applied="$dir/apply.txt"
  case "$plan_file" in
    reviewed)
      fetch_reviewed
      saved="$reviewed"
      ;;
    none) ;;
    *)
      if [ ! -f "$plan_file" ]; then fail "plan-file \"$plan_file\" does not exist (in $PWD)" 'give the path of a saved plan (plan --out FILE), "reviewed" or "none"'; fi
      saved="$plan_file"
      ;;
  esac
  if [ -n "$saved" ]; then
    "$bin" ${global[@]+"${global[@]}"} apply "$saved" --auto-approve ${extra[@]+"${extra[@]}"} | tee "$applied"
  else
    "$bin" ${global[@]+"${global[@]}"} apply -f "$manifest" --auto-approve ${extra[@]+"${extra[@]}"} | tee "$applied"
  fi
  code=${PIPESTATUS[0]}
  {
    printf '### assistants-deploy apply of `%s`\n\n' "$manifest"
    printf '```text\n'
    tail -n 40 "$applied"
    printf '```\n'
  } >> "$summary_file"
  if [ "$code" -ne 0 ]; then
    # the CLI said what and why (error: … hint: …); the annotation points at it
    annotate "assistants-deploy apply failed (exit $code); the error is above"
    output exit_code 1
    exit 1
  fi
  # the account now matches the manifest?
  capture "$md" "$bin" ${global[@]+"${global[@]}"} ${check_args[@]+"${check_args[@]}"} plan -f "$manifest" --format markdown --detailed-exitcode
  case "$code" in
    0) output has_changes false ;;
    2)
      output has_changes true
      cat "$md" >> "$summary_file"
      output plan_markdown "$md"
      fail 'the account still differs from the manifest after the apply (the plan is in the job summary)' 'run the plan again on a pull request and review it'
      ;;
    *) finish_failed plan "$code" ;;
  esac
  output plan_markdown "$md"
  output exit_code 0
}

# The JSON report saved by the last successful run of this workflow on the default branch, or
# nothing (a note says so): the first run has no baseline, and that is no error.
fetch_baseline() {
  baseline_file=""
  if ! command -v gh > /dev/null; then
    echo "No baseline: the GitHub CLI (gh) is needed to fetch the default branch's report." >&2
    return
  fi
  local repo="${GITHUB_REPOSITORY:-}" branch="" workflow run
  if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "${GITHUB_EVENT_PATH}" ]; then
    branch="$(node -e 'const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(e.repository?.default_branch ?? e.pull_request?.base?.repo?.default_branch ?? ""))' "$GITHUB_EVENT_PATH" 2> /dev/null || true)"
  fi
  if [ -z "$branch" ]; then branch=main; fi
  workflow="${GITHUB_WORKFLOW_REF:-}"
  workflow="${workflow%%@*}"
  workflow="${workflow##*/}"
  if [ -z "$workflow" ]; then workflow="${GITHUB_WORKFLOW:-}"; fi
  run="$(gh run list --repo "$repo" --workflow "$workflow" --branch "$branch" --event push --status success --limit 1 --json databaseId --jq '.[0].databaseId // empty')" || run=""
  if [ -z "$run" ]; then
    echo "No baseline: no successful run of $workflow on $branch saved a test report yet; testing without one." >&2
    return
  fi
  rm -rf "$dir/baseline"
  if ! gh run download "$run" --repo "$repo" --name "$artifact" --dir "$dir/baseline" > /dev/null; then
    echo "No baseline: run $run on $branch has no artifact $artifact (kept 90 days); testing without one." >&2
    return
  fi
  baseline_file="$dir/baseline/$(basename "$report")"
  if [ ! -f "$baseline_file" ]; then
    echo "No baseline: the artifact $artifact of run $run holds no $(basename "$report")." >&2
    baseline_file=""
    return
  fi
  echo "Baseline: the test report of run $run on $branch." >&2
}

run_test() {
  if ! "$bin" help test > /dev/null 2>&1; then
    fail "this copy of assistants-deploy ($("$bin" --version)) has no test command" 'update assistants-deploy in package.json, or use command: plan'
  fi
  report="$dir/test${key:+-$key}.json"
  local against=()
  case "$baseline" in
    "") ;;
    default-branch)
      fetch_baseline
      if [ -n "$baseline_file" ]; then against=(--baseline "$baseline_file"); fi
      ;;
    *)
      if [ ! -f "$baseline" ]; then fail "baseline \"$baseline\" does not exist (in $PWD)" 'give the path of a JSON report (test --format json --out FILE), "default-branch" or ""'; fi
      against=(--baseline "$baseline")
      ;;
  esac
  rm -f "$md" "$report"
  capture "$md" "$bin" ${global[@]+"${global[@]}"} test -f "$manifest" --format markdown --json "$report" ${against[@]+"${against[@]}"} ${extra[@]+"${extra[@]}"}
  if [ ! -s "$report" ]; then
    # no report: the command failed before it tested (a bad manifest, no account): say why
    failure_markdown test "$code"
    cat "$md" >> "$summary_file"
    output test_markdown "$md"
    output exit_code 1
    annotate "assistants-deploy test failed (exit $code); the error is above"
    exit 1
  fi
  footer "Tested" >> "$md"
  cat "$md" >> "$summary_file"
  output test_markdown "$md"
  output test_json "$report"
  if [ ${#against[@]} -gt 0 ]; then
    output regressed "$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(r.baseline ? r.baseline.regressed.length : ""))' "$report")"
  fi
  output exit_code "$code"
  if [ "$code" -ne 0 ]; then
    annotate "assistants-deploy test: a threshold failed, or a check could not be run (the report is in the job summary)"
    exit 1
  fi
}

case "$command" in
  plan) run_plan ;;
  apply) run_apply ;;
  test) run_test ;;
esac
