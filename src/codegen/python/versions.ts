/**
 * The Python package ranges generated code states in its requirements.txt.
 * scripts/python-env-codegen.sh and scripts/python-env-foundry.sh install them (test/codegen
 * checks they agree).
 *
 * - `--api assistants`: `client.beta.assistants` / `client.beta.threads` (and AssistantEventHandler)
 *   are in every release from 3.3.1 (2026-08-21, the release the shared OpenAPI description matches)
 *   to 3.57.0, the newest checked; they are marked deprecated since the Assistants API's sunset
 *   (2026-08-26) and a later release may drop them, so the range stops at the newest checked release.
 *   Raise the bound after checking a new release still has them.
 * - `--api responses`: Responses and Conversations are in 3.3.1 and every later 3.x release; the range
 *   takes the newest 3.x.
 * - `--api foundry`: the same openai range (the Responses and Conversations APIs, on the project's
 *   `/openai/v1`), and the Azure packages from the versions the reference pack was read from
 *   (../shared/azure-foundry: azure-ai-projects 2.10.0, azure-identity 1.27.0) to their next major;
 *   azure-core (the credential types the code imports) from what azure-ai-projects 2.10.0 needs.
 */
export const OPENAI_RANGES = {
  assistants: 'openai>=3.3.1,<3.58',
  responses: 'openai>=3.3.1,<4',
  foundry: 'openai>=3.3.1,<4',
} as const;

export type Api = keyof typeof OPENAI_RANGES;

/** What `--api foundry` code needs besides openai, one requirement each. */
export const FOUNDRY_REQUIREMENTS = ['azure-ai-projects>=2.10.0,<3', 'azure-core>=1.37.0,<2', 'azure-identity>=1.27.0,<2'] as const;

/** The Responses protocol (conversations, responses, items): every API but the Assistants API. */
export const onResponses = (api: Api): boolean => api !== 'assistants';
