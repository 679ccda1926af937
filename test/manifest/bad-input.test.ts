/**
 * The bad-input corpus: broken manifests, each run through the real CLI (`validate`), each
 * asserting exit 1, no stack trace, and the exact file:line:col and message written by hand.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCliAsync, tempProject } from '../helpers/cli.js';

interface Case {
  name: string;
  /** Files of the project; the manifest is `assistants.yaml` unless `target` says otherwise. */
  files: Record<string, string>;
  /** Expected problems: `file:line:col` and a pattern for the message after it. */
  expect: [string, RegExp][];
  args?: string[];
  target?: string;
  setup?: (dir: string) => void;
  env?: Record<string, string>;
}

const HEAD = 'version: 1\ndeployment: t\n'; // lines 1-2; a case's body starts on line 3
const m = (body: string) => ({ 'assistants.yaml': HEAD + body });
const asst = (fields: string) => m(`assistants:\n  a:\n    model: gpt-4o\n${fields}`); // fields start on line 6
const vs = (fields: string, files: Record<string, string> = { 'docs/a.md': '# A\n' }) => ({
  ...m(`vector_stores:\n  docs:\n    files: ["docs/*.md"]\n${fields}`), // fields start on line 6
  ...files,
});
const X = (n: number, c = 'x') => c.repeat(n);

const cases: Case[] = [
  // --- YAML syntax ---
  { name: 'unclosed flow sequence', files: m('assistants: [\n'), expect: [['assistants.yaml:4:1', /YAML syntax error: Flow sequence/]] },
  { name: 'bad indentation', files: m('assistants:\n  a:\n    model: x\n   name: y\n'), expect: [['assistants.yaml:6:1', /YAML syntax error: All mapping items must start at the same column/]] },
  { name: 'tab indentation', files: m('assistants:\n\ta: {}\n'), expect: [['assistants.yaml:4:1', /YAML syntax error.*[Tt]ab/]] },
  { name: 'two documents in one file', files: m('---\nassistants: {}\n'), expect: [['assistants.yaml:3:1', /several YAML documents/]] },
  { name: 'unknown YAML tag', files: m('assistants:\n  a:\n    model: !secret gpt-4o\n'), expect: [['assistants.yaml:5:12', /unsupported YAML tag/]] },
  { name: 'alias to an undefined anchor', files: m('assistants:\n  a: *nothing\n'), expect: [['assistants.yaml:4:6', /YAML syntax error|unknown YAML alias/]] },
  { name: 'duplicate top-level key', files: m('deployment: u\n'), expect: [['assistants.yaml:3:1', /duplicate key/]] },
  { name: 'duplicate key in an assistant', files: asst('    model: gpt-4.1\n'), expect: [['assistants.yaml:6:5', /duplicate key/]] },
  {
    name: 'alias bomb',
    files: m(
      'vars:\n  a: &a ["x","x","x","x","x","x","x","x","x","x"]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n  f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
    ),
    expect: [['assistants.yaml:1:1', /alias bomb/]],
  },
  { name: 'root is a list', files: { 'assistants.yaml': '- version: 1\n' }, expect: [['assistants.yaml:1:1', /a manifest is a map of sections/]] },
  { name: 'complex map key', files: m('assistants:\n  ? [a, b]\n  : { model: x }\n'), expect: [['assistants.yaml:4:5', /map keys must be plain strings/]] },

  // --- schema: structure and types ---
  { name: 'version 2', files: { 'assistants.yaml': 'version: 2\ndeployment: t\n' }, expect: [['assistants.yaml:1:10', /version: must be 1, not number 2/]] },
  { name: 'missing version', files: { 'assistants.yaml': 'deployment: t\n' }, expect: [['assistants.yaml:1:1', /missing required field "version"/]] },
  { name: 'missing deployment', files: { 'assistants.yaml': 'version: 1\nassistants: {}\n' }, expect: [['assistants.yaml:1:1', /missing required field "deployment"/]] },
  { name: 'deployment with capitals', files: { 'assistants.yaml': 'version: 1\ndeployment: Support\n' }, expect: [['assistants.yaml:2:13', /deployment: "Support" is not allowed: a deployment name uses lowercase/]] },
  { name: 'assistants as a list', files: m('assistants:\n  - model: x\n'), expect: [['assistants.yaml:4:3', /assistants: must be a map, not a list/]] },
  { name: 'model is a number', files: m('assistants:\n  a:\n    model: 4\n'), expect: [['assistants.yaml:5:12', /assistants\.a\.model: must be a string, not number 4/]] },
  { name: 'missing model', files: m('assistants:\n  a:\n    name: x\n'), expect: [['assistants.yaml:4:3', /assistants\.a: missing required field "model"/]] },
  { name: 'temperature is a word', files: asst('    temperature: hot\n'), expect: [['assistants.yaml:6:18', /temperature: must be a number, not the string "hot"/]] },
  { name: 'tools is a map', files: asst('    tools: { type: file_search }\n'), expect: [['assistants.yaml:6:12', /tools: must be a list, not a map/]] },
  { name: 'tool without type', files: asst('    tools:\n      - file_search: {}\n'), expect: [['assistants.yaml:7:9', /tools\[0\]: missing required field "type"/]] },
  { name: 'tool with unknown type', files: asst('    tools:\n      - type: retrieval\n'), expect: [['assistants.yaml:7:15', /unknown type "retrieval": must be one of code_interpreter, file_search, function/]] },
  { name: 'tool type misspelt', files: asst('    tools:\n      - type: file_serch\n'), expect: [['assistants.yaml:7:15', /did you mean "file_search"/]] },
  { name: 'function without name', files: asst('    tools:\n      - type: function\n        function: { description: x }\n'), expect: [['assistants.yaml:8:9', /function: missing required field "name"/]] },
  { name: 'function name with a space', files: asst('    tools:\n      - type: function\n        function: { name: "look up" }\n'), expect: [['assistants.yaml:8:27', /"look up" is not allowed: a function name uses only/]] },
  { name: 'function name 65 characters', files: asst(`    tools:\n      - type: function\n        function: { name: ${X(65)} }\n`), expect: [['assistants.yaml:8:27', /function\.name: is 65 characters long; the limit is 64/]] },
  { name: 'metadata value is a number', files: asst('    metadata: { tier: 1 }\n'), expect: [['assistants.yaml:6:23', /metadata\.tier: must be a string, not number 1/]] },
  { name: 'name 257 characters', files: asst(`    name: ${X(257)}\n`), expect: [['assistants.yaml:6:11', /name: is 257 characters long; the limit is 256/]] },
  { name: 'description 513 characters', files: asst(`    description: ${X(513)}\n`), expect: [['assistants.yaml:6:18', /description: is 513 characters long; the limit is 512/]] },
  { name: 'instructions 256,001 characters', files: asst(`    instructions: ${X(256001)}\n`), expect: [['assistants.yaml:6:19', /instructions: is 256001 characters long; the limit is 256000/]] },
  { name: 'temperature above 2', files: asst('    temperature: 2.01\n'), expect: [['assistants.yaml:6:18', /temperature: must be at most 2, not 2\.01/]] },
  { name: 'top_p below 0', files: asst('    top_p: -0.1\n'), expect: [['assistants.yaml:6:12', /top_p: must be at least 0, not -0\.1/]] },
  { name: 'max_num_results 51', files: asst('    tools:\n      - type: file_search\n        file_search: { max_num_results: 51 }\n'), expect: [['assistants.yaml:8:41', /max_num_results: must be at most 50, not 51/]] },
  { name: 'max_num_results 0', files: asst('    tools:\n      - type: file_search\n        file_search: { max_num_results: 0 }\n'), expect: [['assistants.yaml:8:41', /max_num_results: must be at least 1, not 0/]] },
  { name: 'ranking options without score_threshold', files: asst('    tools:\n      - type: file_search\n        file_search: { ranking_options: { ranker: auto } }\n'), expect: [['assistants.yaml:8:24', /ranking_options: missing required field "score_threshold"/]] },
  { name: 'unknown ranker', files: asst('    tools:\n      - type: file_search\n        file_search: { ranking_options: { ranker: best, score_threshold: 0.5 } }\n'), expect: [['assistants.yaml:8:51', /ranker: must be one of "auto", "default_2024_08_21"/]] },
  { name: 'score_threshold above 1', files: asst('    tools:\n      - type: file_search\n        file_search: { ranking_options: { score_threshold: 1.5 } }\n'), expect: [['assistants.yaml:8:60', /score_threshold: must be at most 1, not 1\.5/]] },
  { name: 'reasoning_effort unknown', files: asst('    reasoning_effort: extreme\n'), expect: [['assistants.yaml:6:23', /reasoning_effort: must be one of "none", "minimal"/]] },
  { name: 'response_format unknown string', files: asst('    response_format: json\n'), expect: [['assistants.yaml:6:22', /response_format: the string "json" is not allowed: use "auto"/]] },
  { name: 'json_schema without name', files: asst('    response_format: { type: json_schema, json_schema: { strict: true } }\n'), expect: [['assistants.yaml:6:43', /json_schema: missing required field "name"/]] },
  { name: 'unknown top-level field', files: m('assistant: {}\n'), expect: [['assistants.yaml:3:1', /assistant: unknown field "assistant" \(did you mean "assistants"\?\)/]] },
  { name: 'unknown assistant field', files: asst('    temprature: 0.2\n'), expect: [['assistants.yaml:6:5', /unknown field "temprature" \(did you mean "temperature"\?\)/]] },
  { name: 'unknown vector store field', files: vs('    chunking: { type: auto }\n'), expect: [['assistants.yaml:6:5', /vector_stores\.docs\.chunking: unknown field "chunking"/]] },
  { name: 'two vector stores on one assistant', files: { ...vs(''), 'assistants.yaml': `${vs('')['assistants.yaml']}assistants:\n  a:\n    model: x\n    tools: [{ type: file_search }]\n    tool_resources: { file_search: { vector_stores: [docs, docs] } }\n` }, expect: [['assistants.yaml:10:53', /vector_stores: has 2 items; the limit is 1/]] },
  { name: '129 tools', files: asst(`    tools: [${Array.from({ length: 129 }, () => '{type: code_interpreter}').join(', ')}]\n`), expect: [['assistants.yaml:6:12', /tools: has 129 items; the limit is 128/]] },
  { name: 'resource key with a space', files: m('assistants:\n  "my bot": { model: x }\n'), expect: [['assistants.yaml:4:3', /assistants\["my bot"\]: invalid key "my bot"/]] },
  { name: 'chunk size 99', files: vs('    chunking_strategy: { type: static, static: { max_chunk_size_tokens: 99, chunk_overlap_tokens: 0 } }\n'), expect: [['assistants.yaml:6:73', /max_chunk_size_tokens: must be at least 100, not 99/]] },
  { name: 'chunk size 4097', files: vs('    chunking_strategy: { type: static, static: { max_chunk_size_tokens: 4097, chunk_overlap_tokens: 0 } }\n'), expect: [['assistants.yaml:6:73', /max_chunk_size_tokens: must be at most 4096, not 4097/]] },
  { name: 'chunk overlap above half', files: vs('    chunking_strategy: { type: static, static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 401 } }\n'), expect: [['assistants.yaml:6:100', /chunk_overlap_tokens: is 401; the overlap must not exceed half of max_chunk_size_tokens \(400\)/]] },
  { name: 'chunking type unknown', files: vs('    chunking_strategy: { type: semantic }\n'), expect: [['assistants.yaml:6:32', /unknown type "semantic": must be one of auto, static/]] },
  { name: 'expiry 366 days', files: vs('    expires_after: { anchor: last_active_at, days: 366 }\n'), expect: [['assistants.yaml:6:52', /days: must be at most 365, not 366/]] },
  { name: 'expiry anchored on created_at', files: vs('    expires_after: { anchor: created_at, days: 7 }\n'), expect: [['assistants.yaml:6:30', /anchor: must be "last_active_at", not the string "created_at"/]] },
  { name: 'metadata with 15 keys', files: asst(`    metadata: { ${Array.from({ length: 15 }, (_, i) => `k${i}: v`).join(', ')} }\n`), expect: [['assistants.yaml:6:15', /metadata: has 15 keys; the limit is 14 \(the API allows 16 and assistants-deploy reserves 2/]] },
  { name: 'metadata key 65 characters', files: asst(`    metadata: { ${X(65, 'k')}: v }\n`), expect: [['assistants.yaml:6:17', /invalid key "k{65}"/]] },
  { name: 'metadata value 513 characters', files: asst(`    metadata: { k: ${X(513)} }\n`), expect: [['assistants.yaml:6:20', /metadata\.k: is 513 characters long; the limit is 512/]] },
  { name: 'reserved metadata key', files: asst('    metadata: { assistants-deploy.deployment: other }\n'), expect: [['assistants.yaml:6:17', /reserved for ownership tags/]] },
  { name: 'attributes with 15 keys', files: vs(`    attributes: { ${Array.from({ length: 15 }, (_, i) => `a${i}: 1`).join(', ')} }\n`), expect: [['assistants.yaml:6:17', /attributes: has 15 keys; the limit is 14/]] },
  { name: 'reserved attribute', files: vs('    attributes: { assistants-deploy.path: x }\n'), expect: [['assistants.yaml:6:19', /attribute names starting with "assistants-deploy" are reserved/]] },
  { name: 'attribute value is a map', files: vs('    attributes: { team: { a: 1 } }\n'), expect: [['assistants.yaml:6:25', /attributes\.team: a map is not allowed: attribute values are strings/]] },

  // --- references and cross-resource limits ---
  { name: 'dangling vector store reference', files: { ...vs(''), 'assistants.yaml': `${vs('')['assistants.yaml']}assistants:\n  a:\n    model: x\n    tools: [{ type: file_search }]\n    tool_resources: { file_search: { vector_stores: [doc] } }\n` }, expect: [['assistants.yaml:10:54', /no vector_stores entry named "doc" \(did you mean "docs"\?\)/]] },
  { name: 'dangling file set reference', files: asst('    tools: [{ type: code_interpreter }]\n    tool_resources: { code_interpreter: { file_sets: [sales] } }\n'), expect: [['assistants.yaml:7:55', /no file_sets entry named "sales"; the manifest defines no file_sets/]] },
  {
    name: '21 files for code_interpreter',
    files: {
      ...m('file_sets:\n  data: { files: ["data/*.csv"] }\nassistants:\n  a:\n    model: x\n    tools: [{ type: code_interpreter }]\n    tool_resources: { code_interpreter: { file_sets: [data] } }\n'),
      ...Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`data/f${i}.csv`, 'a,b\n1,2\n'])),
    },
    expect: [['assistants.yaml:9:54', /gives code_interpreter 21 files; the API allows 20 per assistant/]],
  },
  // --- tools of the Responses era (web_search, mcp) ---
  { name: 'web_search context size misspelt', files: asst('    tools:\n      - type: web_search\n        search_context_size: hihg\n'), expect: [['assistants.yaml:8:30', /search_context_size: must be one of "low", "medium", "high", not the string "hihg" \(did you mean "high"\?\)/]] },
  { name: 'web_search country in lower case', files: asst('    tools:\n      - type: web_search\n        user_location: { country: nl }\n'), expect: [['assistants.yaml:8:35', /user_location\.country: "nl" is not allowed: a country is a two-letter ISO 3166 code/]] },
  { name: 'web_search domain with a scheme', files: asst('    tools:\n      - type: web_search\n        filters: { allowed_domains: ["https://example.com"] }\n'), expect: [['assistants.yaml:8:38', /allowed_domains\[0\]: "https:\/\/example\.com" is not allowed: a domain such as pubmed\.ncbi\.nlm\.nih\.gov, without https:\/\//]] },
  { name: 'web_search listed twice', files: asst('    tools:\n      - type: web_search\n      - type: web_search\n'), expect: [['assistants.yaml:8:15', /web_search is listed twice/]] },
  { name: 'mcp without server_url', files: asst('    tools:\n      - type: mcp\n        server_label: wiki\n'), expect: [['assistants.yaml:7:9', /tools\[0\]: missing required field "server_url"/]] },
  { name: 'mcp server over plain http', files: asst('    tools:\n      - type: mcp\n        server_label: wiki\n        server_url: http://mcp.example.com\n'), expect: [['assistants.yaml:9:21', /server_url: "http:\/\/mcp\.example\.com" is not allowed: the MCP server's URL must start with https:\/\//]] },
  { name: 'mcp label with a space', files: asst('    tools:\n      - { type: mcp, server_label: "my wiki", server_url: "https://m.example.com" }\n'), expect: [['assistants.yaml:7:36', /server_label: "my wiki" is not allowed: a server label starts with a letter/]] },
  { name: 'mcp approval policy unknown', files: asst('    tools:\n      - { type: mcp, server_label: w, server_url: "https://m.example.com", require_approval: sometimes }\n'), expect: [['assistants.yaml:7:94', /require_approval: the string "sometimes" is not allowed: write always, never, or a map/]] },
  { name: 'mcp connector (not supported)', files: asst('    tools:\n      - { type: mcp, server_label: w, server_url: "https://m.example.com", connector_id: connector_gmail }\n'), expect: [['assistants.yaml:7:76', /unknown field "connector_id"; allowed here: type, server_label, server_url, server_description, allowed_tools, require_approval, headers, authorization/]] },
  { name: 'two mcp tools with one label', files: asst('    tools:\n      - { type: mcp, server_label: w, server_url: "https://a.example.com" }\n      - { type: mcp, server_label: w, server_url: "https://b.example.com" }\n'), expect: [['assistants.yaml:8:36', /server label "w" is already used by tools\[0\]/]] },
  { name: 'mcp Authorization header written out', files: asst('    tools:\n      - type: mcp\n        server_label: wiki\n        server_url: https://mcp.example.com\n        headers: { Authorization: "Bearer abc123" }\n'), expect: [['assistants.yaml:10:35', /header Authorization is written out in the manifest, which would put the credential in git, plans and generated code; write it as \$\{env:NAME\}/]] },
  { name: 'mcp API key header from a var', files: asst('    tools:\n      - type: mcp\n        server_label: wiki\n        server_url: https://mcp.example.com\n        headers: { X-Api-Key: "${var:key}" }\nvars:\n  key: abc123\n'), expect: [['assistants.yaml:10:31', /header X-Api-Key is written out in the manifest/]] },
  { name: 'mcp authorization written out', files: asst('    tools:\n      - type: mcp\n        server_label: wiki\n        server_url: https://mcp.example.com\n        authorization: tok-123\n'), expect: [['assistants.yaml:10:24', /authorization is written out in the manifest/]] },
  { name: 'mcp header twice in other case', files: asst('    tools:\n      - type: mcp\n        server_label: wiki\n        server_url: https://mcp.example.com\n        headers: { X-Tenant: a, x-tenant: b }\n'), expect: [['assistants.yaml:10:33', /header "x-tenant" is already given as "X-Tenant"; header names are not case-sensitive/]] },
  { name: 'mcp header reads the API key', files: asst('    tools:\n      - type: mcp\n        server_label: wiki\n        server_url: https://mcp.example.com\n        headers: { Authorization: "Bearer ${env:OPENAI_API_KEY}" }\n'), env: { OPENAI_API_KEY: 'sk-test-key-123456' }, expect: [['assistants.yaml:10:35', /\$\{env:OPENAI_API_KEY\} is the tool's own credential; give the MCP server a token of its own/]] },
  { name: 'mcp header with a malformed reference', files: asst('    tools:\n      - type: mcp\n        server_label: wiki\n        server_url: https://mcp.example.com\n        headers: { Authorization: "Bearer ${MCP_TOKEN}" }\n'), expect: [['assistants.yaml:10:35', /cannot read "\$\{MCP_TOKEN\}": write \$\{env:NAME\}/]] },
  { name: 'duplicate function name', files: asst('    tools:\n      - { type: function, function: { name: f } }\n      - { type: function, function: { name: f } }\n'), expect: [['assistants.yaml:8:45', /function "f" is already defined by tools\[0\]/]] },
  { name: 'code_interpreter listed twice', files: asst('    tools:\n      - type: code_interpreter\n      - type: code_interpreter\n'), expect: [['assistants.yaml:8:15', /code_interpreter is listed twice/]] },

  // --- interpolation ---
  { name: 'unset environment variable', files: asst('    instructions: "Hello ${env:AD_TEST_UNSET_VARIABLE}"\n'), expect: [['assistants.yaml:6:19', /environment variable AD_TEST_UNSET_VARIABLE is not set/]] },
  { name: 'unset manifest variable', files: asst('    name: "${var:brand} bot"\n'), expect: [['assistants.yaml:6:11', /variable brand is not set: pass --var brand=VALUE/]] },
  { name: 'malformed interpolation', files: asst('    name: "${brand}"\n'), expect: [['assistants.yaml:6:11', /cannot read "\$\{brand\}": write \$\{env:NAME\} or \$\{var:NAME\}/]] },

  // --- files and globs ---
  { name: 'missing instructions file', files: asst('    instructions: { file: prompts/missing.md }\n'), expect: [['assistants.yaml:6:27', /"prompts\/missing\.md": file not found/]] },
  { name: 'instructions file too long', files: { ...asst('    instructions: { file: long.md }\n'), 'long.md': X(256001) }, expect: [['assistants.yaml:6:27', /holds 256,001 characters; instructions are limited to 256,000/]] },
  { name: 'instructions file outside the root', files: asst('    instructions: { file: ../outside.md }\n'), expect: [['assistants.yaml:6:27', /"\.\.\/outside\.md" is outside the manifest folder/]] },
  { name: 'glob escaping the root', files: m('vector_stores:\n  docs:\n    files: ["../**/*.md"]\n'), expect: [['assistants.yaml:5:13', /"\.\.\/\*\*\/\*\.md" points outside the manifest folder/]] },
  { name: 'glob matching nothing', files: m('vector_stores:\n  docs:\n    files: ["guides/**/*.md"]\n'), expect: [['assistants.yaml:5:13', /"guides\/\*\*\/\*\.md" matches no files/]] },
  { name: 'named file missing', files: m('vector_stores:\n  docs:\n    files: [faq.md]\n'), expect: [['assistants.yaml:5:13', /file not found: "faq\.md"/]] },
  { name: 'everything excluded', files: { ...m('vector_stores:\n  docs:\n    files: ["docs/*.md", "!docs/**"]\n'), 'docs/a.md': '# a\n' }, expect: [['assistants.yaml:5:13', /every file "docs\/\*\.md" matches is excluded by a "!" pattern/]] },
  { name: 'a folder named as a file', files: { ...m('vector_stores:\n  docs:\n    files: [docs]\n'), 'docs/a.md': '# a\n' }, expect: [['assistants.yaml:5:13', /"docs" is a folder; name its files with a pattern/]] },
  { name: 'csv in a vector store', files: { ...m('vector_stores:\n  docs:\n    files: ["docs/*"]\n'), 'docs/a.csv': 'a,b\n' }, expect: [['assistants.yaml:5:13', /"docs\/a\.csv" \(matched by "docs\/\*"\) is a \.csv file, which file_search does not accept/]] },
  { name: 'exe in a file set', files: { ...m('file_sets:\n  tools:\n    files: ["bin/*"]\n'), 'bin/run.exe': 'MZ' }, expect: [['assistants.yaml:5:13', /"bin\/run\.exe" .* is a \.exe file, which code_interpreter does not accept/]] },
  { name: 'empty file', files: { ...m('vector_stores:\n  docs:\n    files: ["docs/*.md"]\n'), 'docs/empty.md': '' }, expect: [['assistants.yaml:5:13', /"docs\/empty\.md" is empty; the API refuses empty files/]] },
  {
    name: 'symlink out of the root',
    files: { ...m('vector_stores:\n  docs:\n    files: ["docs/*.md"]\n'), 'docs/a.md': '# a\n' },
    setup: (dir) => {
      writeFileSync(path.join(dir, '..', `${path.basename(dir)}-secret.md`), 'secret');
      symlinkSync(path.join(dir, '..', `${path.basename(dir)}-secret.md`), path.join(dir, 'docs', 'leak.md'));
    },
    expect: [['assistants.yaml:5:13', /"docs\/leak\.md" \(matched by "docs\/\*\.md"\) is a symlink to a file outside the manifest folder/]],
  },
  {
    name: 'symlink loop under a glob (a folder linking to its parent)',
    files: { ...m('vector_stores:\n  docs:\n    files: ["docs/**/*.md"]\n'), 'docs/a.md': '# a\n', 'docs/sub/b.md': '# b\n' },
    setup: (dir) => symlinkSync('..', path.join(dir, 'docs', 'sub', 'up')),
    expect: [['assistants.yaml:5:13', /"docs\/sub\/up" is a symlink to "docs", a folder that contains it, so "docs\/\*\*\/\*\.md" would match the same files again and again; remove the link, or exclude it with "!docs\/sub\/up\/\*\*"/]],
  },
  {
    name: 'symlink loop to the manifest folder itself',
    files: { ...m('vector_stores:\n  docs:\n    files: ["docs/**/*.md"]\n'), 'docs/a.md': '# a\n' },
    setup: (dir) => symlinkSync('..', path.join(dir, 'docs', 'root')),
    expect: [['assistants.yaml:5:13', /"docs\/root" is a symlink to "\.", a folder that contains it/]],
  },
  {
    name: 'a named file that is a symlink to itself',
    files: { ...m('vector_stores:\n  docs:\n    files: [docs/a.md, docs/self.md]\n'), 'docs/a.md': '# a\n' },
    setup: (dir) => symlinkSync('self.md', path.join(dir, 'docs', 'self.md')),
    expect: [['assistants.yaml:5:24', /"docs\/self\.md" reaches "docs\/self\.md", a symlink that points back to itself/]],
  },
  {
    name: 'a binary file named .md',
    files: { ...m('vector_stores:\n  docs:\n    files: ["docs/*.md"]\n'), 'docs/a.md': '# a\n' },
    setup: (dir) => writeFileSync(path.join(dir, 'docs', 'logo.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00])),
    expect: [['assistants.yaml:5:13', /"docs\/logo\.md" \(matched by "docs\/\*\.md"\) is named \.md but is not text \(a NUL byte at offset 8\); give it the extension of its real type, or exclude it with "!docs\/logo\.md"/]],
  },
  {
    name: 'instructions file that is not UTF-8',
    files: asst('    instructions: { file: p.md }\n'),
    setup: (dir) => writeFileSync(path.join(dir, 'p.md'), Buffer.from([0xff, 0xfe, 0x41, 0x42])),
    expect: [['assistants.yaml:6:27', /"p\.md" is not UTF-8 text; save it as UTF-8/]],
  },
  { name: 'parameters file missing', files: asst('    tools:\n      - type: function\n        function: { name: f, parameters: { file: schemas/f.json } }\n'), expect: [['assistants.yaml:8:50', /"schemas\/f\.json": file not found/]] },

  // --- JSON Schema of function parameters and response formats ---
  { name: 'parameters with an unknown type', files: asst('    tools:\n      - type: function\n        function: { name: f, parameters: { type: objekt } }\n'), expect: [['assistants.yaml:8:50', /invalid JSON Schema: unknown type "objekt"/]] },
  { name: 'parameters file is not JSON', files: { ...asst('    tools:\n      - type: function\n        function: { name: f, parameters: { file: f.json } }\n'), 'f.json': '{ "type": "object", \n  "properties": { \n' }, expect: [['f.json:3:1', /YAML syntax error/]] },
  { name: 'parameters file holds a list', files: { ...asst('    tools:\n      - type: function\n        function: { name: f, parameters: { file: f.json } }\n'), 'f.json': '[1, 2]\n' }, expect: [['f.json:1:1', /must hold a JSON object/]] },
  {
    name: 'strict schema without additionalProperties false',
    files: { ...asst('    tools:\n      - type: function\n        function: { name: f, strict: true, parameters: { file: f.json } }\n'), 'f.json': '{\n  "type": "object",\n  "properties": { "q": { "type": "string" } },\n  "required": ["q"]\n}\n' },
    expect: [['f.json:1:1', /with strict: true every object needs additionalProperties: false/]],
  },
  {
    name: 'strict schema with an optional property',
    files: { ...asst('    tools:\n      - type: function\n        function: { name: f, strict: true, parameters: { file: f.json } }\n'), 'f.json': '{\n  "type": "object",\n  "properties": {\n    "q": { "type": "string" },\n    "n": { "type": "integer" }\n  },\n  "required": ["q"],\n  "additionalProperties": false\n}\n' },
    expect: [['f.json:1:1', /every property must be required; add "n" to required/]],
  },
  {
    name: 'strict schema with allOf',
    files: { ...asst('    tools:\n      - type: function\n        function: { name: f, strict: true, parameters: { file: f.json } }\n'), 'f.json': '{\n  "type": "object",\n  "properties": {\n    "q": { "allOf": [{ "type": "string" }] }\n  },\n  "required": ["q"],\n  "additionalProperties": false\n}\n' },
    expect: [['f.json:4:12', /"allOf" is not supported with strict: true/]],
  },
  { name: 'strict schema whose root is a string', files: asst('    tools:\n      - type: function\n        function: { name: f, strict: true, parameters: { type: string } }\n'), expect: [['assistants.yaml:8:64', /with strict: true the root schema must have type: object/]] },
  { name: 'strict without parameters', files: asst('    tools:\n      - type: function\n        function: { name: f, strict: true }\n'), expect: [['assistants.yaml:8:19', /strict: true needs parameters/]] },
  { name: 'strict response format with an open object', files: asst('    response_format:\n      type: json_schema\n      json_schema:\n        name: answer\n        strict: true\n        schema: { type: object, properties: { a: { type: string } }, required: [a] }\n'), expect: [['assistants.yaml:11:17', /with strict: true every object needs additionalProperties: false/]] },

  // --- several files, environments ---
  {
    name: 'an assistant defined in two files',
    target: '.',
    files: { 'a.yaml': `${HEAD}assistants:\n  bot: { model: x }\n`, 'b.yaml': 'assistants:\n  bot: { model: y }\n' },
    expect: [['b.yaml:2:3', /assistants\.bot: defined twice: also at a\.yaml:4:3; keep one definition/]],
  },
  {
    name: 'two deployments in two files',
    target: '.',
    files: { 'a.yaml': HEAD, 'b.yaml': 'deployment: other\n' },
    expect: [['b.yaml:1:1', /deployment: defined twice: also at a\.yaml:2:1/]],
  },
  {
    name: 'overlay sets an invalid value',
    args: ['--env', 'prod'],
    files: asst('environments:\n  prod:\n    assistants:\n      a: { temperature: 3 }\n'),
    expect: [['assistants.yaml:9:25', /assistants\.a\.temperature: must be at most 2, not 3/]],
  },
  {
    name: 'overlay adds an unknown field',
    files: asst('environments:\n  prod:\n    assistants:\n      a: { modle: gpt-4.1 }\n'),
    expect: [['assistants.yaml:9:12', /unknown field "modle" \(did you mean "model"\?\).*\[environment prod\]/]],
  },
  {
    name: 'overlay of an unknown section',
    files: asst('environments:\n  prod:\n    assistant: {}\n'),
    expect: [['assistants.yaml:8:5', /environments\.prod\.assistant: unknown field "assistant" \(did you mean "assistants"\?\)/]],
  },
];

describe('bad-input corpus: validate exits 1 with located errors', () => {
  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = tempProject(c.files);
    c.setup?.(dir);
    const args = ['validate', '-f', c.target ?? 'assistants.yaml', ...(c.args ?? [])];
    const r = await runCliAsync(args, { cwd: dir, env: c.env ?? {} });
    expect(r.code, r.stderr).toBe(1);
    expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
    expect(r.stdout).toBe('');
    for (const [loc, message] of c.expect) {
      const lines = r.stderr.split('\n').filter((l) => l.startsWith(`${loc}: `));
      expect(lines.length, `no error at ${loc} in:\n${r.stderr}`).toBeGreaterThan(0);
      expect(lines.some((l) => message.test(l)), `at ${loc} expected ${message} in:\n${r.stderr}`).toBe(true);
    }
    expect(r.stderr).toMatch(/problems? found; nothing was sent to the API\.\n$/);
  });
});
