/**
 * Golden tests for the three renderings of a plan. The plan below is built by hand (not by
 * diff), and the expected text and markdown are written by hand from what a reviewer should see.
 * The JSON golden is a diff() of hand-made Desired and Live states against a hand-written Plan.
 */
import { describe, expect, it } from 'vitest';
import type { Live } from '../../src/account/live.js';
import type { Desired } from '../../src/manifest/desired.js';
import { ATTR_PATH, ATTR_SHA256, TAG_DEPLOYMENT, TAG_RESOURCE } from '../../src/ownership.js';
import { diff } from '../../src/plan/diff.js';
import { renderMarkdown } from '../../src/plan/render-markdown.js';
import { renderText } from '../../src/plan/render-text.js';
import { planValidator } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';

const SHA_B = 'b'.repeat(64);
const SHA_C = 'c'.repeat(64);

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
  existing_files: {},
  not_deployable: [],
  conflicts: [],
  warnings: [],
  summary: { add: 1, change: 2, destroy: 1, drifted: 1, files: { upload: 2, attach: 2, detach: 2, update_attributes: 1, delete: 1 } },
  read: { requests: 5, pages: { assistants: 1, vector_stores: 1, files: 1, vector_store_files: 2 }, minimumPages: 5 },
};

const EXPECTED_TEXT = `Target: https://api.openai.com/v1; deployment "shop", environment "prod".
Read the account with 5 list requests.

Resource actions are indicated with the following symbols:
  + create
  ~ update in place
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
    + upload docs/faq.md (2.0 KB)
    - delete ad~shop~dddddddddddddddd~gone.md (file-gone, no longer used)

Plan: 1 to add, 2 to change, 1 to destroy. Files: 2 to upload, 2 to attach, 1 to re-attribute, 2 to detach, 1 to delete.
1 of these changed outside the manifest (drift).
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

  it('an empty plan says so, with a zero summary', () => {
    const empty: Plan = { ...PLAN, resource_changes: [], uploads: [], file_deletions: [], summary: { add: 0, change: 0, destroy: 0, drifted: 0, files: { upload: 0, attach: 0, detach: 0, update_attributes: 0, delete: 0 } } };
    expect(renderText(empty, { color: false })).toBe(
      'Target: https://api.openai.com/v1; deployment "shop", environment "prod".\nRead the account with 5 list requests.\n\nNo changes. The account matches the manifest.\n\nPlan: 0 to add, 0 to change, 0 to destroy.\n',
    );
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

const EXPECTED_MARKDOWN_HEAD = `### assistants-deploy plan for \`shop\` (environment \`prod\`)

**Plan: 1 to add, 2 to change, 1 to destroy.** Files: 2 to upload, 2 to attach, 1 to re-attribute, 2 to detach, 1 to delete.

Target: https://api.openai.com/v1.

⚠️ 1 resource(s) changed outside the manifest (drift); apply reverts them.

| | resource | action | why | files |
|---|---|---|---|---|
| 🟡 | \`vector_store.docs\` | update | its files changed | 1 to add, 1 to replace, 1 renamed, 1 to remove, 4 unchanged |
| 🟡 | \`assistant.support\` | update | changed outside the manifest (drift); apply puts back what the manifest says |  |
| 🟢 | \`assistant.triage\` | create | not in the account yet |  |
| 🔴 | \`assistant.legacy\` | destroy | no longer in the manifest |  |

<details><summary>Full plan</summary>

\`\`\`diff
`;

describe('markdown rendering', () => {
  const md = renderMarkdown(PLAN);
  it('puts the summary and the table first', () => {
    expect(md.startsWith(EXPECTED_MARKDOWN_HEAD)).toBe(true);
  });
  it('folds the full plan into a collapsible diff block with markers in the first column', () => {
    expect(md).toContain('\n-         docs/gone.md (no longer in the manifest)\n');
    expect(md).toContain('\n+         docs/new.md (new)\n');
    expect(md).toContain('\n-          Be brief.\n');
    expect(md).toContain('\n+          Be precise.\n');
    expect(md).toContain('\n+   assistant "triage" {\n');
    expect(md.endsWith('```\n\n</details>\n')).toBe(true);
  });
  it('an empty plan is one line of news, no details', () => {
    const empty: Plan = { ...PLAN, environment: null, resource_changes: [], uploads: [], file_deletions: [], summary: { add: 0, change: 0, destroy: 0, drifted: 0, files: { upload: 0, attach: 0, detach: 0, update_attributes: 0, delete: 0 } } };
    expect(renderMarkdown(empty)).toBe('### assistants-deploy plan for `shop`\n\n**No changes.** The account matches the manifest.\n\nTarget: https://api.openai.com/v1.\n');
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
      format_version: '1.0',
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
});
