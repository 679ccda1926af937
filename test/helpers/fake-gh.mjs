#!/usr/bin/env node
// Stands in for the GitHub CLI (`gh`) in tests: answers the calls action/run.sh and the example
// workflows make, from a JSON file describing the repository (FAKE_GH_STATE), and appends every
// call to FAKE_GH_LOG (one JSON array of arguments a line). An unknown call exits 2, so a script
// that starts asking something else fails its test instead of passing by accident.
//
// State: { repository, pulls: { "<commit sha>": [pr numbers] }, prs: { "<n>": { headRefOid } },
//          runs: [{ databaseId, workflow, headSha, headBranch, event, status }],
//          artifacts: { "<run id>": { "<name>": "<folder whose files are the artifact>" } },
//          issues: [{ number, labels: [..], state }] }
import { appendFileSync, cpSync, mkdirSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (process.env.FAKE_GH_LOG) appendFileSync(process.env.FAKE_GH_LOG, `${JSON.stringify(args)}\n`);
const state = JSON.parse(readFileSync(process.env.FAKE_GH_STATE ?? '', 'utf8'));

function flag(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
function out(text) {
  process.stdout.write(text === undefined || text === null ? '\n' : `${text}\n`);
  process.exit(0);
}
function unknown() {
  process.stderr.write(`fake gh: unexpected call: gh ${args.join(' ')}\n`);
  process.exit(2);
}
function checkRepo() {
  const repo = flag('--repo');
  if (repo !== undefined && repo !== state.repository) {
    process.stderr.write(`HTTP 404: Not Found (repository ${repo})\n`);
    process.exit(1);
  }
}

const [a, b] = args;
if (a === 'api') {
  const m = /^repos\/([^/]+\/[^/]+)\/commits\/([0-9a-f]+)\/pulls$/.exec(b ?? '');
  if (!m || flag('--jq') !== '.[0].number // empty') unknown();
  if (m[1] !== state.repository) {
    process.stderr.write('HTTP 404: Not Found\n');
    process.exit(1);
  }
  const prs = state.pulls?.[m[2]] ?? [];
  out(prs.length ? String(prs[0]) : '');
}
if (a === 'pr' && b === 'view') {
  checkRepo();
  if (flag('--json') !== 'headRefOid' || flag('--jq') !== '.headRefOid') unknown();
  const pr = state.prs?.[args[2]];
  if (!pr) {
    process.stderr.write(`GraphQL: Could not resolve to a PullRequest with the number of ${args[2]}.\n`);
    process.exit(1);
  }
  out(pr.headRefOid);
}
if (a === 'run' && b === 'list') {
  checkRepo();
  if (flag('--json') !== 'databaseId' || flag('--jq') !== '.[0].databaseId // empty') unknown();
  const match = (state.runs ?? []).filter(
    (r) =>
      (flag('--workflow') === undefined || r.workflow === flag('--workflow')) &&
      (flag('--commit') === undefined || r.headSha === flag('--commit')) &&
      (flag('--branch') === undefined || r.headBranch === flag('--branch')) &&
      (flag('--event') === undefined || r.event === flag('--event')) &&
      (flag('--status') === undefined || r.status === flag('--status')),
  );
  out(match.length ? String(match[0].databaseId) : '');
}
if (a === 'run' && b === 'download') {
  checkRepo();
  const run = args[2];
  const name = flag('--name');
  const from = state.artifacts?.[run]?.[name];
  if (!from) {
    process.stderr.write(`no valid artifacts found to download\n`);
    process.exit(1);
  }
  const dir = flag('--dir') ?? '.';
  mkdirSync(dir, { recursive: true });
  cpSync(from, dir, { recursive: true });
  process.exit(0);
}
if (a === 'issue' && b === 'list') {
  checkRepo();
  if (flag('--json') !== 'number' || flag('--jq') !== '.[0].number // empty') unknown();
  const label = flag('--label');
  const wanted = flag('--state') ?? 'open';
  const match = (state.issues ?? []).filter((i) => i.state === wanted && (label === undefined || i.labels.includes(label)));
  out(match.length ? String(match[0].number) : '');
}
unknown();
