/**
 * Golden tests for the three renderings of a plan. The plans below are built by hand (not by
 * diff), and the expected text and markdown are written by hand, in full, from what a reviewer
 * should see. The JSON goldens are diff()s of hand-made Desired and Live states against
 * hand-written Plans.
 */
import { describe, expect, it } from 'vitest';
import type { Live, LiveAssistant, LiveVectorStore } from '../../src/targets/live.js';
import type { Desired } from '../../src/manifest/desired.js';
import { ATTR_PATH, ATTR_SHA256, TAG_DEPLOYMENT, TAG_RESOURCE } from '../../src/ownership/metadata.js';
import { diff } from '../../src/plan/diff.js';
import { ASSISTANT_FIELDS, liveAssistantSpec, liveVectorStoreSpec, VECTOR_STORE_FIELDS } from '../../src/kinds/index.js';
import { renderMarkdown } from '../../src/render/plan-markdown.js';
import { renderText, resultLine, statusLine, value } from '../../src/render/plan-text.js';
import { planValidator } from '../../src/plan/saved.js';
import { encodeResourceTag, fieldHashes } from '../../src/ownership/resource-tag.js';
import type { Plan, ResourceChange } from '../../src/plan/types.js';

const SHA_B = 'b'.repeat(64);
const SHA_C = 'c'.repeat(64);
const SHA_E = 'e'.repeat(64);
const NO_CHANGES = { add: 0, change: 0, destroy: 0, drifted: 0, files: { upload: 0, attach: 0, detach: 0, update_attributes: 0, delete: 0 } };

const PLAN: Plan = {
  format_version: '1.0',
  tool_version: '0.1.0',
  created_at: '2026-11-25T12:00:00.000Z',
  deployment: 'shop',
  environment: 'prod',
  manifest: { root: '.', sources: ['assistants.yaml'] },
  target: { base_url: 'https://api.openai.com/v1', local: false, assistants_api: true },
  live_fingerprint: 'a'.repeat(64),
  resource_changes: [
    {
      address: 'vector_store.docs',
      type: 'vector_store',
      key: 'docs',
      id: 'vs_1',
      actions: ['update'],
      action_reason: 'update_because_files_changed',
      drift: false,
      protect: false,
      field_changes: [],
      body: { name: 'Docs', description: null, expires_after: null, metadata: {} },
      files: {
        attach: [
          { path: 'docs/new.md', sha256: SHA_B, size: 10, attributes: {}, chunking_strategy: {}, reason: 'new' },
          { path: 'docs/faq.md', sha256: SHA_C, size: 2048, attributes: {}, chunking_strategy: {}, reason: 'content_changed' },
        ],
        detach: [
          { file_id: 'file-old', path: 'docs/faq.md', reason: 'content_changed' },
          { file_id: 'file-gone', path: 'docs/gone.md', reason: 'removed' },
        ],
        update_attributes: [{ file_id: 'file-r', path: 'docs/guide.md', from_path: 'docs/manual.md', attributes: {}, reason: 'renamed' }],
        unchanged: 4,
        total_after: 7,
        duplicates: [],
      },
    },
    {
      // a description cannot be changed in place: a new store is created first, then the old one destroyed
      address: 'vector_store.kb',
      type: 'vector_store',
      key: 'kb',
      id: 'vs_2',
      actions: ['create', 'delete'],
      action_reason: 'replace_because_cannot_update',
      drift: false,
      protect: false,
      field_changes: [{ field: 'description', path: 'description', before: 'Product notes', after: 'Product notes, 2026 edition', cause: 'manifest', forces_replacement: true }],
      body: { name: 'KB', description: 'Product notes, 2026 edition', expires_after: null, metadata: {} },
      files: {
        attach: [{ path: 'kb/intro.md', sha256: SHA_E, size: 300, attributes: {}, chunking_strategy: {}, reason: 'new' }],
        detach: [],
        update_attributes: [],
        unchanged: 0,
        total_after: 1,
        duplicates: [],
      },
    },
    {
      address: 'assistant.support',
      type: 'assistant',
      key: 'support',
      id: 'asst_1',
      actions: ['update'],
      action_reason: 'update_because_drift',
      drift: true,
      protect: false,
      field_changes: [
        { field: 'instructions', path: 'instructions', before: 'Be kind.\nBe brief.\n', after: 'Be kind.\nBe precise.\n', cause: 'drift' },
        { field: 'temperature', path: 'temperature', before: 1, after: 0.2, cause: 'drift' },
      ],
      body: {
        name: 'Support',
        description: null,
        model: 'gpt-4o',
        instructions: 'Be kind.\nBe precise.\n',
        tools: [],
        tool_resources: {},
        metadata: {},
        temperature: 0.2,
        top_p: 1,
        response_format: 'auto',
        reasoning_effort: null,
      },
    },
    {
      // a JSON-schema change inside a function tool, shown by path
      address: 'assistant.orders',
      type: 'assistant',
      key: 'orders',
      id: 'asst_2',
      actions: ['update'],
      action_reason: 'update_because_manifest_changed',
      drift: false,
      protect: false,
      field_changes: [{ field: 'tools', path: 'tools[lookup_order].function.parameters.properties.id.type', before: 'integer', after: 'string', cause: 'manifest' }],
      body: {
        name: 'Orders',
        description: null,
        model: 'gpt-4o',
        instructions: 'Look orders up.',
        tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, strict: true } }],
        tool_resources: {},
        metadata: {},
        temperature: 1,
        top_p: 1,
        response_format: 'auto',
        reasoning_effort: null,
      },
    },
    {
      address: 'assistant.triage',
      type: 'assistant',
      key: 'triage',
      id: null,
      actions: ['create'],
      action_reason: 'create_because_missing',
      drift: false,
      protect: false,
      field_changes: [],
      body: {
        name: 'Triage',
        description: null,
        model: 'gpt-4.1-mini',
        instructions: 'Route the customer.\nNever promise refunds.\n',
        tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { order: { type: 'string' } } }, strict: true } }],
        tool_resources: { file_search: { vector_store_ids: ['vs_1'] } },
        metadata: { owner: 'desk' },
        temperature: 1,
        top_p: 1,
        response_format: 'auto',
        reasoning_effort: null,
      },
    },
    {
      address: 'assistant.legacy',
      type: 'assistant',
      key: 'legacy',
      id: 'asst_9',
      actions: ['delete'],
      action_reason: 'delete_because_no_resource_config',
      drift: false,
      protect: false,
      field_changes: [],
      body: null,
    },
  ],
  uploads: [
    { sha256: SHA_B, path: 'docs/new.md', size: 10, filename: `ad~shop~${'b'.repeat(16)}~new.md` },
    { sha256: SHA_C, path: 'docs/faq.md', size: 2048, filename: `ad~shop~${'c'.repeat(16)}~faq.md` },
  ],
  file_deletions: [{ file_id: 'file-gone', filename: `ad~shop~${'d'.repeat(16)}~gone.md`, reason: 'unreferenced' }],
  // kb/intro.md is already uploaded: the new store attaches it without an upload
  existing_files: { [SHA_E]: 'file-kb' },
  not_deployable: [],
  conflicts: [],
  warnings: [],
  // the replace counts once in add and once in destroy
  summary: { add: 2, change: 3, destroy: 2, drifted: 1, files: { upload: 2, attach: 3, detach: 2, update_attributes: 1, delete: 1 } },
  read: { requests: 5, pages: { assistants: 1, vector_stores: 1, files: 1, vector_store_files: 2 }, minimumPages: 5 },
};

const EXPECTED_TEXT = `Resource actions are indicated with the following symbols:
  + create
  ~ update in place
+/- create replacement and then destroy
  - destroy

assistants-deploy will perform the following actions:

  # vector_store.docs will be updated in place (its files changed)
  ~ vector_store "docs" {
        id = "vs_1"
      files: 1 to add, 1 to replace, 1 renamed, 1 to remove, 4 unchanged
        ~ docs/faq.md (content changed)
        - docs/gone.md (no longer in the manifest)
        ~ docs/guide.md (renamed from docs/manual.md)
        + docs/new.md (new)
    }

  # vector_store.kb must be replaced (description cannot be changed in place)
+/- vector_store "kb" {
        id = "vs_2"
      ~ description = "Product notes" -> "Product notes, 2026 edition"  # forces replacement
      files: 1 to add, 0 unchanged
        + kb/intro.md (new)
    }

  # assistant.support will be updated in place (changed outside the manifest (drift); apply puts back what the manifest says)
  ~ assistant "support" {
        id = "asst_1"
      ~ instructions = <<-EOT  # drift: changed outside the manifest
          @@ -1,2 +1,2 @@
           Be kind.
          -Be brief.
          +Be precise.
        EOT
      ~ temperature = 1 -> 0.2  # drift: changed outside the manifest
    }

  # assistant.orders will be updated in place (the manifest changed)
  ~ assistant "orders" {
        id = "asst_2"
      ~ tools[lookup_order].function.parameters.properties.id.type = "integer" -> "string"
    }

  # assistant.triage will be created (not in the account yet)
  + assistant "triage" {
      + name           = "Triage"
      + model          = "gpt-4.1-mini"
      + instructions   = "Route the customer." (2 lines)
      + tools[0]       = function lookup_order(order) strict
      + tool_resources = { file_search = { vector_store_ids = ["vs_1"] } }
      + metadata       = { owner = "desk" }
    }

  # assistant.legacy will be destroyed (no longer in the manifest)
  - assistant "legacy" {
        id = "asst_9"
    }

  # files of deployment "shop"
    + upload docs/new.md (10 B)
    + upload docs/faq.md (2 KiB)
    - delete ad~shop~dddddddddddddddd~gone.md (file-gone, no longer used)

1 of these changed outside the manifest (drift).
Plan: 2 to add, 3 to change, 2 to destroy. Files: 2 to upload, 3 to attach, 1 to re-attribute, 2 to detach, 1 to delete.
`;

describe('text rendering', () => {
  it('matches the golden text', () => {
    expect(renderText(PLAN, { color: false })).toBe(EXPECTED_TEXT);
  });

  it('colours symbols only when asked', () => {
    const coloured = renderText(PLAN, { color: true });
    expect(coloured).toContain('\u001b[32m  +\u001b[0m create');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(EXPECTED_TEXT);
  });

  it('an empty plan is its result line alone', () => {
    const empty: Plan = { ...PLAN, resource_changes: [], uploads: [], file_deletions: [], existing_files: {}, summary: NO_CHANGES };
    expect(renderText(empty, { color: false })).toBe('No changes. The account matches the manifest.\n');
    expect(resultLine(empty)).toBe('No changes. The account matches the manifest.');
  });

  it('the result line is the last line; which target was read is a status line apart', () => {
    expect(EXPECTED_TEXT.trimEnd().split('\n').at(-1)).toBe(resultLine(PLAN));
    expect(resultLine(PLAN)).toBe('Plan: 2 to add, 3 to change, 2 to destroy. Files: 2 to upload, 3 to attach, 1 to re-attribute, 2 to detach, 1 to delete.');
    expect(statusLine(PLAN)).toBe('Target: https://api.openai.com/v1; deployment "shop", environment "prod". Read the account with 5 list requests.');
  });

  it('destroy refuses a protected resource in its own name', () => {
    const guarded = structuredClone(PLAN);
    guarded.resource_changes[5]!.protect = true;
    expect(renderText(guarded, { color: false })).toContain('  # assistant.legacy will be destroyed (no longer in the manifest) — PROTECTED: apply will refuse\n');
    expect(renderText(guarded, { color: false, command: 'destroy' })).toContain('  # assistant.legacy will be destroyed (no longer in the manifest) — PROTECTED: destroy will refuse\n');
  });

  it('summarises long file lists with a count', () => {
    const many = structuredClone(PLAN);
    many.resource_changes[0]!.files!.attach = Array.from({ length: 25 }, (_, i) => ({
      path: `docs/p${String(i).padStart(2, '0')}.md`,
      sha256: SHA_B,
      size: 1,
      attributes: {},
      chunking_strategy: {},
      reason: 'new' as const,
    }));
    const text = renderText(many, { color: false, maxFiles: 10 });
    // 25 added, 1 renamed, 1 removed: 27 lines, 10 shown
    expect(text).toContain('        + docs/p00.md (new)\n');
    expect(text).not.toContain('docs/p10.md');
    expect(text).toContain('        … and 17 more file changes (see --format json)\n');
  });
});

/**
 * The pull-request comment: summary and table first, then the text plan folded into a diff block
 * in which `+`/`-` markers move to the first column (GitHub colours by it); a `+/-` replace and
 * `~` lines stay uncoloured.
 */
const EXPECTED_MARKDOWN = `### assistants-deploy plan for \`shop\` (environment \`prod\`)

**Plan: 2 to add, 3 to change, 2 to destroy.** Files: 2 to upload, 3 to attach, 1 to re-attribute, 2 to detach, 1 to delete.

Target: https://api.openai.com/v1.

⚠️ 1 resource(s) changed outside the manifest (drift); apply reverts them.

| | resource | action | why | files |
|---|---|---|---|---|
| 🟡 | \`vector_store.docs\` | update | its files changed | 1 to add, 1 to replace, 1 renamed, 1 to remove, 4 unchanged |
| 🟠 | \`vector_store.kb\` | replace | description cannot be changed in place | 1 to add, 0 unchanged |
| 🟡 | \`assistant.support\` | update | changed outside the manifest (drift); apply puts back what the manifest says |  |
| 🟡 | \`assistant.orders\` | update | the manifest changed |  |
| 🟢 | \`assistant.triage\` | create | not in the account yet |  |
| 🔴 | \`assistant.legacy\` | destroy | no longer in the manifest |  |

<details><summary>Full plan</summary>

\`\`\`diff
Resource actions are indicated with the following symbols:
+   create
  ~ update in place
 +/- create replacement and then destroy
-   destroy

assistants-deploy will perform the following actions:

  # vector_store.docs will be updated in place (its files changed)
  ~ vector_store "docs" {
        id = "vs_1"
      files: 1 to add, 1 to replace, 1 renamed, 1 to remove, 4 unchanged
        ~ docs/faq.md (content changed)
-         docs/gone.md (no longer in the manifest)
        ~ docs/guide.md (renamed from docs/manual.md)
+         docs/new.md (new)
    }

  # vector_store.kb must be replaced (description cannot be changed in place)
 +/- vector_store "kb" {
        id = "vs_2"
      ~ description = "Product notes" -> "Product notes, 2026 edition"  # forces replacement
      files: 1 to add, 0 unchanged
+         kb/intro.md (new)
    }

  # assistant.support will be updated in place (changed outside the manifest (drift); apply puts back what the manifest says)
  ~ assistant "support" {
        id = "asst_1"
      ~ instructions = <<-EOT  # drift: changed outside the manifest
          @@ -1,2 +1,2 @@
           Be kind.
-          Be brief.
+          Be precise.
        EOT
      ~ temperature = 1 -> 0.2  # drift: changed outside the manifest
    }

  # assistant.orders will be updated in place (the manifest changed)
  ~ assistant "orders" {
        id = "asst_2"
      ~ tools[lookup_order].function.parameters.properties.id.type = "integer" -> "string"
    }

  # assistant.triage will be created (not in the account yet)
+   assistant "triage" {
+       name           = "Triage"
+       model          = "gpt-4.1-mini"
+       instructions   = "Route the customer." (2 lines)
+       tools[0]       = function lookup_order(order) strict
+       tool_resources = { file_search = { vector_store_ids = ["vs_1"] } }
+       metadata       = { owner = "desk" }
    }

  # assistant.legacy will be destroyed (no longer in the manifest)
-   assistant "legacy" {
        id = "asst_9"
    }

  # files of deployment "shop"
+     upload docs/new.md (10 B)
+     upload docs/faq.md (2 KiB)
-     delete ad~shop~dddddddddddddddd~gone.md (file-gone, no longer used)

1 of these changed outside the manifest (drift).
Plan: 2 to add, 3 to change, 2 to destroy. Files: 2 to upload, 3 to attach, 1 to re-attribute, 2 to detach, 1 to delete.
\`\`\`

</details>
`;

describe('markdown rendering', () => {
  it('matches the golden markdown: summary, table, then the full plan folded', () => {
    expect(renderMarkdown(PLAN)).toBe(EXPECTED_MARKDOWN);
  });
  it('an empty plan is one line of news, no details', () => {
    const empty: Plan = { ...PLAN, environment: null, resource_changes: [], uploads: [], file_deletions: [], existing_files: {}, summary: NO_CHANGES };
    expect(renderMarkdown(empty)).toBe('### assistants-deploy plan for `shop`\n\n**No changes.** The account matches the manifest.\n\nTarget: https://api.openai.com/v1.\n');
  });
  it('folds warnings into their own collapsible list', () => {
    const warned: Plan = {
      ...PLAN,
      environment: null,
      resource_changes: [],
      uploads: [],
      file_deletions: [],
      existing_files: {},
      warnings: ['vector_store.docs: docs/faq-copy.md has the same content as docs/faq.md; the store holds it once'],
      summary: NO_CHANGES,
    };
    expect(renderMarkdown(warned)).toBe(`### assistants-deploy plan for \`shop\`

**No changes.** The account matches the manifest.

Target: https://api.openai.com/v1.

<details><summary>Warnings</summary>

- vector_store.docs: docs/faq-copy.md has the same content as docs/faq.md; the store holds it once

</details>
`);
    expect(renderText(warned, { color: false })).toBe('Warning: vector_store.docs: docs/faq-copy.md has the same content as docs/faq.md; the store holds it once\n\nNo changes. The account matches the manifest.\n');
  });
});

/** A target without the Assistants API: the vector store deploys, the assistant is listed as not deployable. */
const NOT_DEPLOYABLE_PLAN: Plan = {
  ...PLAN,
  environment: null,
  target: { base_url: 'https://api.openai.com/v1', local: false, assistants_api: false },
  resource_changes: [
    {
      address: 'vector_store.docs',
      type: 'vector_store',
      key: 'docs',
      id: null,
      actions: ['create'],
      action_reason: 'create_because_missing',
      drift: false,
      protect: false,
      field_changes: [],
      body: { name: 'Docs', description: null, expires_after: null, metadata: {} },
      files: {
        attach: [{ path: 'docs/new.md', sha256: SHA_B, size: 10, attributes: {}, chunking_strategy: {}, reason: 'new' }],
        detach: [],
        update_attributes: [],
        unchanged: 0,
        total_after: 1,
        duplicates: [],
      },
    },
  ],
  uploads: [{ sha256: SHA_B, path: 'docs/new.md', size: 10, filename: `ad~shop~${'b'.repeat(16)}~new.md` }],
  file_deletions: [],
  existing_files: {},
  not_deployable: [{ address: 'assistant.support', key: 'support', reason: 'run `assistants-deploy codegen python --api responses` to call it through the Responses API' }],
  summary: { add: 1, change: 0, destroy: 0, drifted: 0, files: { upload: 1, attach: 1, detach: 0, update_attributes: 0, delete: 0 } },
  read: null,
};

const EXPECTED_NOT_DEPLOYABLE_TEXT = `Resource actions are indicated with the following symbols:
  + create

assistants-deploy will perform the following actions:

  # vector_store.docs will be created (not in the account yet)
  + vector_store "docs" {
      + name = "Docs"
      files: 1 to add, 0 unchanged
        + docs/new.md (new)
    }

  # files of deployment "shop"
    + upload docs/new.md (10 B)

Not deployable on this target (Assistants API not served):
  ! assistant.support: run \`assistants-deploy codegen python --api responses\` to call it through the Responses API

Plan: 1 to add, 0 to change, 0 to destroy. Files: 1 to upload, 1 to attach.
`;

const EXPECTED_NOT_DEPLOYABLE_MARKDOWN = `### assistants-deploy plan for \`shop\`

**Plan: 1 to add, 0 to change, 0 to destroy.** Files: 1 to upload, 1 to attach.

Target: https://api.openai.com/v1 (Assistants API not served).

| | resource | action | why | files |
|---|---|---|---|---|
| 🟢 | \`vector_store.docs\` | create | not in the account yet | 1 to add, 0 unchanged |

**Not deployable on this target** (Assistants API not served):

- \`assistant.support\`: run \`assistants-deploy codegen python --api responses\` to call it through the Responses API

<details><summary>Full plan</summary>

\`\`\`diff
Resource actions are indicated with the following symbols:
+   create

assistants-deploy will perform the following actions:

  # vector_store.docs will be created (not in the account yet)
+   vector_store "docs" {
+       name = "Docs"
      files: 1 to add, 0 unchanged
+         docs/new.md (new)
    }

  # files of deployment "shop"
+     upload docs/new.md (10 B)

Not deployable on this target (Assistants API not served):
  ! assistant.support: run \`assistants-deploy codegen python --api responses\` to call it through the Responses API

Plan: 1 to add, 0 to change, 0 to destroy. Files: 1 to upload, 1 to attach.
\`\`\`

</details>
`;

describe('an assistant left out for its model', () => {
  const ERRORED: Plan = {
    ...PLAN,
    environment: null,
    resource_changes: [],
    uploads: [],
    file_deletions: [],
    existing_files: {},
    errors: [
      {
        address: 'assistant.typo',
        key: 'typo',
        code: 'model_not_served',
        path: 'assistants.typo.model',
        loc: { file: 'assistants.yaml', line: 12, col: 12 },
        message: 'model "gpt-4o-mni" is not served by this target (its model list does not name it); nothing is sent for this assistant',
      },
    ],
    warnings: ['assistant.old: model "gpt-4.5-preview" was shut down on 2025-07-14 (https://developers.openai.com/api/docs/deprecations, read 2026-12-02, announced 2025-04-14); recommended replacement: gpt-4.1'],
    summary: NO_CHANGES,
  };

  it('the plan is valid', async () => {
    expect((await planValidator())(ERRORED)).toEqual([]);
  });

  it('text: the errors with their manifest location, then the warning with its date; the result line counts them', () => {
    expect(renderText(ERRORED, { color: false })).toBe(`Errors (nothing is sent for this assistant; the rest of the plan goes ahead):
  ✗ assistant.typo: assistants.yaml:12:12: assistants.typo.model: model "gpt-4o-mni" is not served by this target (its model list does not name it); nothing is sent for this assistant

Warning: assistant.old: model "gpt-4.5-preview" was shut down on 2025-07-14 (https://developers.openai.com/api/docs/deprecations, read 2026-12-02, announced 2025-04-14); recommended replacement: gpt-4.1

No changes. 1 error: assistant.typo is left out.
`);
    expect(resultLine({ ...ERRORED, resource_changes: PLAN.resource_changes, summary: PLAN.summary })).toBe(
      'Plan: 2 to add, 3 to change, 2 to destroy. Files: 2 to upload, 3 to attach, 1 to re-attribute, 2 to detach, 1 to delete. 1 error: assistant.typo is left out.',
    );
  });

  it('markdown: the errors under the summary, the warning folded', () => {
    expect(renderMarkdown(ERRORED)).toBe(`### assistants-deploy plan for \`shop\`

**No changes.** 1 error (below).

Target: https://api.openai.com/v1.

**Errors**: nothing is sent for this assistant; the rest of the plan goes ahead:

- ❌ \`assistant.typo\`: \`assistants.yaml:12:12\` \`assistants.typo.model\`: model "gpt-4o-mni" is not served by this target (its model list does not name it); nothing is sent for this assistant

<details><summary>Warnings</summary>

- assistant.old: model "gpt-4.5-preview" was shut down on 2025-07-14 (https://developers.openai.com/api/docs/deprecations, read 2026-12-02, announced 2025-04-14); recommended replacement: gpt-4.1

</details>
`);
  });
});

describe('a target without the Assistants API', () => {
  it('the plan is valid', async () => {
    expect((await planValidator())(NOT_DEPLOYABLE_PLAN)).toEqual([]);
  });
  it('text lists what is not deployable after the actions', () => {
    expect(renderText(NOT_DEPLOYABLE_PLAN, { color: false })).toBe(EXPECTED_NOT_DEPLOYABLE_TEXT);
  });
  it('markdown lists it under the table', () => {
    expect(renderMarkdown(NOT_DEPLOYABLE_PLAN)).toBe(EXPECTED_NOT_DEPLOYABLE_MARKDOWN);
  });
});

describe('JSON plan (diff of hand-made states)', () => {
  const sha = (c: string) => c.repeat(64);
  const desired: Desired = {
    deployment: 'shop',
    root: '/work/shop',
    sources: ['assistants.yaml'],
    vectorStores: [
      {
        key: 'docs',
        name: 'Docs',
        files: [
          { path: 'docs/a.md', abs: '/work/shop/docs/a.md', size: 5, mtimeMs: 0, ino: 1, sha256: sha('1') },
          { path: 'docs/b.md', abs: '/work/shop/docs/b.md', size: 7, mtimeMs: 0, ino: 2, sha256: sha('2') },
        ],
        attributes: {},
        metadata: {},
        protect: false,
      },
    ],
    fileSets: [],
    assistants: [],
  };
  const live: Live = {
    assistantsApi: true,
    assistants: [],
    vectorStores: [
      {
        id: 'vs_1',
        created_at: 1,
        name: 'Docs',
        description: null,
        expires_after: null,
        metadata: { [TAG_DEPLOYMENT]: 'shop', [TAG_RESOURCE]: 'docs;v1;' },
        usage_bytes: 5,
        status: 'completed',
        last_active_at: 1,
        file_counts: { in_progress: 0, completed: 1, failed: 0, cancelled: 0, total: 1 },
        files: [
          {
            id: 'file-a',
            status: 'completed',
            attributes: { [ATTR_PATH]: 'docs/a.md', [ATTR_SHA256]: sha('1') },
            chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } },
            usage_bytes: 5,
            created_at: 1,
          },
        ],
      },
    ],
    files: [{ id: 'file-a', filename: `ad~shop~${'1'.repeat(16)}~a.md`, bytes: 5, created_at: 1, purpose: 'assistants' }],
    others: { assistants: 0, vectorStores: 0 },
    stats: { requests: 4, pages: { assistants: 1, vector_stores: 1, files: 1, vector_store_files: 1 }, minimumPages: 4 },
  };

  it('adds the one missing file, and nothing else', async () => {
    const plan = diff(desired, live, { toolVersion: '9.9.9', createdAt: '2026-11-25T00:00:00.000Z', target: { base_url: 'local', local: true }, manifestRoot: '.' });
    const expected: Omit<Plan, 'live_fingerprint'> = {
      format_version: '1.3',
      tool_version: '9.9.9',
      created_at: '2026-11-25T00:00:00.000Z',
      deployment: 'shop',
      environment: null,
      manifest: { root: '.', sources: ['assistants.yaml'] },
      target: { base_url: 'local', local: true, assistants_api: true },
      resource_changes: [
        {
          address: 'vector_store.docs',
          type: 'vector_store',
          key: 'docs',
          id: 'vs_1',
          actions: ['update'],
          action_reason: 'update_because_files_changed',
          drift: false,
          protect: false,
          field_changes: [],
          body: { name: 'Docs', description: null, expires_after: null, metadata: {} },
          files: {
            // what every file of the store has once applied: the API's default chunking, no attributes of the user's
            chunking_strategy: { type: 'static', static: { chunk_overlap_tokens: 400, max_chunk_size_tokens: 800 } },
            attributes: {},
            attach: [
              {
                path: 'docs/b.md',
                sha256: sha('2'),
                size: 7,
                attributes: { [ATTR_PATH]: 'docs/b.md', [ATTR_SHA256]: sha('2') },
                chunking_strategy: { type: 'static', static: { chunk_overlap_tokens: 400, max_chunk_size_tokens: 800 } },
                reason: 'new',
              },
            ],
            detach: [],
            update_attributes: [],
            unchanged: 1,
            total_after: 2,
            duplicates: [],
          },
        },
      ],
      uploads: [{ sha256: sha('2'), path: 'docs/b.md', size: 7, filename: `ad~shop~${'2'.repeat(16)}~b.md` }],
      file_deletions: [],
      // only content the plan's attaches refer to: a.md stays as it is, b.md is uploaded
      existing_files: {},
      not_deployable: [],
      errors: [],
      conflicts: [],
      warnings: [],
      summary: { add: 0, change: 1, destroy: 0, drifted: 0, files: { upload: 1, attach: 1, detach: 0, update_attributes: 0, delete: 0 } },
      read: live.stats,
    };
    const { live_fingerprint, ...rest } = plan;
    expect(rest).toEqual(expected);
    expect(live_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await planValidator())(JSON.parse(JSON.stringify(plan)))).toEqual([]);
    expect((await planValidator())(PLAN)).toEqual([]);
  });

  it('replaces a store whose description changed, and shows a parameter change by path', async () => {
    const lookupOrder = (idType: string) => ({
      type: 'function' as const,
      function: { name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: idType } }, required: ['id'] }, strict: true },
    });
    // what the last apply wrote: the live store and assistant carry its fingerprint, so each change is the manifest's
    const kb: LiveVectorStore = {
      id: 'vs_2',
      created_at: 1,
      name: 'KB',
      description: 'Product notes',
      expires_after: null,
      metadata: { [TAG_DEPLOYMENT]: 'shop' },
      usage_bytes: 300,
      status: 'completed',
      last_active_at: 1,
      file_counts: { in_progress: 0, completed: 1, failed: 0, cancelled: 0, total: 1 },
      files: [
        {
          id: 'file-k',
          status: 'completed',
          attributes: { [ATTR_PATH]: 'kb/intro.md', [ATTR_SHA256]: sha('5') },
          chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } },
          usage_bytes: 300,
          created_at: 1,
        },
      ],
    };
    kb.metadata[TAG_RESOURCE] = encodeResourceTag('kb', fieldHashes(liveVectorStoreSpec(kb), VECTOR_STORE_FIELDS));
    const orders: LiveAssistant = {
      id: 'asst_2',
      created_at: 1,
      name: 'Orders',
      description: null,
      model: 'gpt-4o',
      instructions: 'Look orders up.',
      tools: [lookupOrder('integer')],
      tool_resources: {},
      metadata: { [TAG_DEPLOYMENT]: 'shop' },
      temperature: 1,
      top_p: 1,
      response_format: 'auto',
      reasoning_effort: null,
    };
    orders.metadata[TAG_RESOURCE] = encodeResourceTag('orders', fieldHashes(liveAssistantSpec(orders), ASSISTANT_FIELDS));
    const desired2: Desired = {
      deployment: 'shop',
      root: '/work/shop',
      sources: ['assistants.yaml'],
      vectorStores: [
        {
          key: 'kb',
          name: 'KB',
          description: 'Product notes, 2026 edition',
          files: [{ path: 'kb/intro.md', abs: '/work/shop/kb/intro.md', size: 300, mtimeMs: 0, ino: 1, sha256: sha('5') }],
          attributes: {},
          metadata: {},
          protect: false,
        },
      ],
      fileSets: [],
      assistants: [
        { key: 'orders', model: 'gpt-4o', name: 'Orders', instructions: 'Look orders up.', tools: [lookupOrder('string')], vectorStores: [], fileSets: [], metadata: {}, protect: false },
      ],
    };
    const live2: Live = {
      assistantsApi: true,
      assistants: [orders],
      vectorStores: [kb],
      files: [{ id: 'file-k', filename: `ad~shop~${'5'.repeat(16)}~intro.md`, bytes: 300, created_at: 1, purpose: 'assistants' }],
      others: { assistants: 0, vectorStores: 0 },
      stats: { requests: 4, pages: { assistants: 1, vector_stores: 1, files: 1, vector_store_files: 1 }, minimumPages: 4 },
    };
    const plan = diff(desired2, live2, { toolVersion: '9.9.9', createdAt: '2026-11-25T00:00:00.000Z', target: { base_url: 'local', local: true }, manifestRoot: '.' });
    const expected: Omit<Plan, 'live_fingerprint'> = {
      format_version: '1.3',
      tool_version: '9.9.9',
      created_at: '2026-11-25T00:00:00.000Z',
      deployment: 'shop',
      environment: null,
      manifest: { root: '.', sources: ['assistants.yaml'] },
      target: { base_url: 'local', local: true, assistants_api: true },
      resource_changes: [
        {
          address: 'vector_store.kb',
          type: 'vector_store',
          key: 'kb',
          id: 'vs_2',
          // one change: the new store first, then the old one deleted
          actions: ['create', 'delete'],
          action_reason: 'replace_because_cannot_update',
          drift: false,
          protect: false,
          field_changes: [{ field: 'description', path: 'description', before: 'Product notes', after: 'Product notes, 2026 edition', cause: 'manifest', forces_replacement: true }],
          body: { name: 'KB', description: 'Product notes, 2026 edition', expires_after: null, metadata: {} },
          // the new store gets every file, attached from the upload already in the account
          files: {
            chunking_strategy: { type: 'static', static: { chunk_overlap_tokens: 400, max_chunk_size_tokens: 800 } },
            attributes: {},
            attach: [
              {
                path: 'kb/intro.md',
                sha256: sha('5'),
                size: 300,
                attributes: { [ATTR_PATH]: 'kb/intro.md', [ATTR_SHA256]: sha('5') },
                chunking_strategy: { type: 'static', static: { chunk_overlap_tokens: 400, max_chunk_size_tokens: 800 } },
                reason: 'new',
              },
            ],
            detach: [],
            update_attributes: [],
            unchanged: 0,
            total_after: 1,
            duplicates: [],
          },
        },
        {
          address: 'assistant.orders',
          type: 'assistant',
          key: 'orders',
          id: 'asst_2',
          actions: ['update'],
          action_reason: 'update_because_manifest_changed',
          drift: false,
          protect: false,
          field_changes: [{ field: 'tools', path: 'tools[lookup_order].function.parameters.properties.id.type', before: 'integer', after: 'string', cause: 'manifest' }],
          body: {
            name: 'Orders',
            description: null,
            model: 'gpt-4o',
            instructions: 'Look orders up.',
            tools: [lookupOrder('string')],
            tool_resources: {},
            metadata: {},
            temperature: 1,
            top_p: 1,
            response_format: 'auto',
            reasoning_effort: null,
          },
        },
      ],
      uploads: [],
      file_deletions: [],
      existing_files: { [sha('5')]: 'file-k' },
      not_deployable: [],
      errors: [],
      conflicts: [],
      warnings: [],
      summary: { add: 1, change: 1, destroy: 1, drifted: 0, files: { upload: 0, attach: 1, detach: 0, update_attributes: 0, delete: 0 } },
      read: live2.stats,
    };
    const { live_fingerprint, ...rest } = plan;
    expect(rest).toEqual(expected);
    expect(live_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await planValidator())(JSON.parse(JSON.stringify(plan)))).toEqual([]);
  });
});

describe('values in the text plan', () => {
  it('shows an id known only after apply bare, and any other string quoted', () => {
    expect(value('(known after apply: vector_store.kb)')).toBe('(known after apply: vector_store.kb)');
    expect(value({ $ref: 'vector_store.kb' })).toBe('(known after apply: vector_store.kb)');
    expect(value(['vs_2', '(known after apply: vector_store.kb)'])).toBe('["vs_2", (known after apply: vector_store.kb)]');
    expect(value('(known after apply')).toBe('"(known after apply"');
  });

  it('sets warnings apart from the changes above them', () => {
    const plan = { ...PLAN, warnings: ['vector_store.docs: two paths hold the same content'] } as Plan;
    expect(renderText(plan, { color: false })).toMatch(/\n\nWarning: vector_store\.docs: two paths hold the same content\n/);
  });
});

/**
 * A store's chunking and attributes (format 1.1): a create lists them (the chunking only when it is
 * not the API's default); an update shows each changed chunking setting and attribute key, before
 * -> after, with the number of files it applies to, and each file says every aspect that changed.
 */
describe('chunking and file attributes', () => {
  const STATIC = (size: number, overlap: number) => ({ static: { chunk_overlap_tokens: overlap, max_chunk_size_tokens: size }, type: 'static' });
  const attrs = (path: string, sha: string, user: Record<string, string | number | boolean>) => ({ ...user, [ATTR_PATH]: path, [ATTR_SHA256]: sha });
  const SHA_1 = '1'.repeat(64);
  const SHA_2 = '2'.repeat(64);
  const SHA_3 = '3'.repeat(64);
  const SHA_4 = '4'.repeat(64);
  const SHA_5 = '5'.repeat(64);
  const SHA_6 = '6'.repeat(64);
  const store = (over: Partial<ResourceChange>): ResourceChange => ({
    address: 'vector_store.docs',
    type: 'vector_store',
    key: 'docs',
    id: 'vs_1',
    actions: ['update'],
    action_reason: 'update_because_files_changed',
    drift: false,
    protect: false,
    field_changes: [],
    body: { name: 'Docs', description: null, expires_after: null, metadata: {} },
    ...over,
  });
  const plan = (changes: ResourceChange[], summary: Plan['summary']): Plan => ({
    ...PLAN,
    format_version: '1.2',
    environment: null,
    resource_changes: changes,
    uploads: [],
    file_deletions: [],
    existing_files: {},
    summary,
  });

  const UPDATE = plan(
    [
      store({
        files: {
          chunking_strategy: STATIC(600, 100),
          attributes: { lang: 'en', team: 'docs' },
          attach: [
            // chunking alone
            {
              path: 'docs/a.md',
              sha256: SHA_1,
              size: 1,
              attributes: attrs('docs/a.md', SHA_1, { lang: 'en', team: 'docs' }),
              chunking_strategy: STATIC(600, 100),
              reason: 'chunking_changed',
              before: { file_id: 'file-a', attributes: attrs('docs/a.md', SHA_1, { lang: 'en', team: 'docs' }), chunking_strategy: STATIC(800, 400) },
            },
            // chunking and attributes: both said
            {
              path: 'docs/b.md',
              sha256: SHA_2,
              size: 1,
              attributes: attrs('docs/b.md', SHA_2, { lang: 'en', team: 'docs' }),
              chunking_strategy: STATIC(600, 100),
              reason: 'chunking_changed',
              before: { file_id: 'file-b', attributes: attrs('docs/b.md', SHA_2, { lang: 'en', team: 'ops' }), chunking_strategy: STATIC(800, 400) },
            },
            // a failed file attached again, its attributes changed too
            {
              path: 'docs/c.md',
              sha256: SHA_3,
              size: 1,
              attributes: attrs('docs/c.md', SHA_3, { lang: 'en', team: 'docs' }),
              chunking_strategy: STATIC(600, 100),
              reason: 'retry_failed',
              before: { file_id: 'file-c', attributes: attrs('docs/c.md', SHA_3, { team: 'docs' }), chunking_strategy: STATIC(600, 100) },
            },
          ],
          detach: [
            { file_id: 'file-a', path: 'docs/a.md', reason: 'chunking_changed' },
            { file_id: 'file-b', path: 'docs/b.md', reason: 'chunking_changed' },
            { file_id: 'file-c', path: 'docs/c.md', reason: 'failed' },
          ],
          update_attributes: [
            {
              file_id: 'file-d',
              path: 'docs/d.md',
              from_path: null,
              attributes: attrs('docs/d.md', SHA_4, { lang: 'en', team: 'docs' }),
              reason: 'attributes_changed',
              before: { file_id: 'file-d', attributes: attrs('docs/d.md', SHA_4, { team: 'ops' }), chunking_strategy: STATIC(600, 100) },
            },
            // a rename that also changes an attribute
            {
              file_id: 'file-e',
              path: 'docs/e2.md',
              from_path: 'docs/e.md',
              attributes: attrs('docs/e2.md', SHA_5, { lang: 'en', team: 'docs' }),
              reason: 'renamed',
              before: { file_id: 'file-e', attributes: attrs('docs/e.md', SHA_5, { lang: 'fr', team: 'docs' }), chunking_strategy: STATIC(600, 100) },
            },
            // a plain rename: nothing of the user's changes
            {
              file_id: 'file-f',
              path: 'docs/f2.md',
              from_path: 'docs/f.md',
              attributes: attrs('docs/f2.md', SHA_6, { lang: 'en', team: 'docs' }),
              reason: 'renamed',
              before: { file_id: 'file-f', attributes: attrs('docs/f.md', SHA_6, { lang: 'en', team: 'docs' }), chunking_strategy: STATIC(600, 100) },
            },
          ],
          unchanged: 10,
          total_after: 16,
          duplicates: [],
        },
      }),
    ],
    { add: 0, change: 1, destroy: 0, drifted: 0, files: { upload: 0, attach: 3, detach: 3, update_attributes: 3, delete: 0 } },
  );

  const EXPECTED_UPDATE = `Resource actions are indicated with the following symbols:
  ~ update in place

assistants-deploy will perform the following actions:

  # vector_store.docs will be updated in place (its files changed)
  ~ vector_store "docs" {
        id = "vs_1"
      ~ chunking_strategy.static.chunk_overlap_tokens = 400 -> 100  # 2 files
      ~ chunking_strategy.static.max_chunk_size_tokens = 800 -> 600  # 2 files
      + attributes.lang = "en"  # 2 files
      ~ attributes.lang = "fr" -> "en"  # 1 file
      ~ attributes.team = "ops" -> "docs"  # 2 files
      files: 3 to replace, 2 renamed, 1 to re-attribute, 10 unchanged
        ~ docs/a.md (chunking changed)
        ~ docs/b.md (chunking and attributes changed)
        ~ docs/c.md (last indexing failed; attributes changed)
        ~ docs/d.md (attributes changed)
        ~ docs/e2.md (renamed from docs/e.md; attributes changed)
        ~ docs/f2.md (renamed from docs/f.md)
    }

Plan: 0 to add, 1 to change, 0 to destroy. Files: 3 to attach, 3 to re-attribute, 3 to detach.
`;

  it('an update shows each changed setting before -> after with its number of files, and every aspect per file', async () => {
    expect(renderText(UPDATE, { color: false })).toBe(EXPECTED_UPDATE);
    expect((await planValidator())(UPDATE)).toEqual([]);
  });

  const CREATE = plan(
    [
      store({
        id: null,
        actions: ['create'],
        action_reason: 'create_because_missing',
        files: {
          chunking_strategy: STATIC(300, 50),
          attributes: { lang: 'en', n: 2 },
          attach: [
            { path: 'docs/a.md', sha256: SHA_1, size: 1, attributes: attrs('docs/a.md', SHA_1, { lang: 'en', n: 2 }), chunking_strategy: STATIC(300, 50), reason: 'new' },
            // not what the manifest makes (attributes are per store), but a plan may say so: shown on its line
            { path: 'docs/b.md', sha256: SHA_2, size: 1, attributes: attrs('docs/b.md', SHA_2, { lang: 'fr', n: 2 }), chunking_strategy: STATIC(300, 50), reason: 'new' },
          ],
          detach: [],
          update_attributes: [],
          unchanged: 0,
          total_after: 2,
          duplicates: [],
        },
      }),
      store({
        address: 'vector_store.plain',
        key: 'plain',
        id: null,
        actions: ['create'],
        action_reason: 'create_because_missing',
        body: { name: 'Plain', description: null, expires_after: null, metadata: {} },
        // the API's default chunking and no attributes: nothing to say
        files: { chunking_strategy: STATIC(800, 400), attributes: {}, attach: [], detach: [], update_attributes: [], unchanged: 0, total_after: 0, duplicates: [] },
      }),
    ],
    { add: 2, change: 0, destroy: 0, drifted: 0, files: { upload: 0, attach: 2, detach: 0, update_attributes: 0, delete: 0 } },
  );

  const EXPECTED_CREATE = `Resource actions are indicated with the following symbols:
  + create

assistants-deploy will perform the following actions:

  # vector_store.docs will be created (not in the account yet)
  + vector_store "docs" {
      + name              = "Docs"
      + chunking_strategy = { type = "static", static = { max_chunk_size_tokens = 300, chunk_overlap_tokens = 50 } }
      + attributes        = { lang = "en", n = 2 }
      files: 2 to add, 0 unchanged
        + docs/a.md (new)
        + docs/b.md (new) attributes = { lang = "fr", n = 2 }
    }

  # vector_store.plain will be created (not in the account yet)
  + vector_store "plain" {
      + name = "Plain"
      files: 0 unchanged
    }

Plan: 2 to add, 0 to change, 0 to destroy. Files: 2 to attach.
`;

  it('a create lists the chunking (unless the API default) and the attributes every file gets', () => {
    expect(renderText(CREATE, { color: false })).toBe(EXPECTED_CREATE);
  });

  it('at scale: one line per changed key, the files summarised', () => {
    const n = 5000;
    const many = plan(
      [
        store({
          files: {
            chunking_strategy: STATIC(800, 400),
            attributes: { tier: 2 },
            attach: [],
            detach: [],
            update_attributes: Array.from({ length: n }, (_, i) => {
              const p = `docs/p${String(i).padStart(4, '0')}.md`;
              return {
                file_id: `file-${i}`,
                path: p,
                from_path: null,
                attributes: attrs(p, SHA_1, { tier: 2 }),
                reason: 'attributes_changed' as const,
                before: { file_id: `file-${i}`, attributes: attrs(p, SHA_1, { tier: 1 }), chunking_strategy: STATIC(800, 400) },
              };
            }),
            unchanged: 0,
            total_after: n,
            duplicates: [],
          },
        }),
      ],
      { add: 0, change: 1, destroy: 0, drifted: 0, files: { upload: 0, attach: 0, detach: 0, update_attributes: n, delete: 0 } },
    );
    const text = renderText(many, { color: false });
    expect(text).toContain(
      [
        '        id = "vs_1"',
        '      ~ attributes.tier = 1 -> 2  # 5000 files',
        '      files: 5000 to re-attribute, 0 unchanged',
        '        ~ docs/p0000.md (attributes changed)',
      ].join('\n'),
    );
    expect(text).toContain('        ~ docs/p0009.md (attributes changed)\n        … and 4990 more file changes (see --format json)\n    }\n');
    expect(text.split('\n').length).toBeLessThan(30);
  });

  it('a plan of format 1.0 (no before values) renders as it did', () => {
    expect(renderText(PLAN, { color: false })).toBe(EXPECTED_TEXT);
  });
});
