/**
 * The `openai` Python package ranges generated code states in its requirements.txt.
 * scripts/python-env-codegen.sh installs exactly these (test/codegen checks they agree).
 *
 * - `--api assistants`: `client.beta.assistants` / `client.beta.threads` (and AssistantEventHandler)
 *   are in every release from 3.3.1 (2026-08-21, the release the shared OpenAPI description matches)
 *   to 3.57.0, the newest checked; they are marked deprecated since the Assistants API's sunset
 *   (2026-08-26) and a later release may drop them, so the range stops at the newest checked release.
 *   Raise the bound after checking a new release still has them.
 * - `--api responses`: Responses and Conversations are in 3.3.1 and every later 3.x release; the range
 *   takes the newest 3.x.
 */
export const OPENAI_RANGES = {
  assistants: 'openai>=3.3.1,<3.58',
  responses: 'openai>=3.3.1,<4',
} as const;

export type Api = keyof typeof OPENAI_RANGES;
