/**
 * Ownership tags (DESIGN.md, "Ownership and identity"): the reserved metadata keys that mark an
 * assistant or vector store as managed by one deployment, and the reserved attributes that name a
 * vector store file's source. Everything else is the user's.
 */

/** Prefix of every reserved metadata key and file attribute. */
export const RESERVED_PREFIX = 'assistants-deploy';

/** Metadata key whose value is the deployment name. */
export const TAG_DEPLOYMENT = 'assistants-deploy.deployment';
/** Metadata key whose value is the resource key and the fingerprint of what was last applied. */
export const TAG_RESOURCE = 'assistants-deploy.resource';

/**
 * Metadata key of a Foundry agent version: the manifest's display `name` (a Foundry agent's own
 * name is an identifier, derived from the deployment and the key, src/kinds/agent.ts).
 */
export const TAG_DISPLAY_NAME = 'assistants-deploy.name';

/** Vector store file attribute: the file's path relative to the manifest root. */
export const ATTR_PATH = 'assistants-deploy.path';
/** Vector store file attribute: hex SHA-256 of the file's content. */
export const ATTR_SHA256 = 'assistants-deploy.sha256';

/** How many of the API's 16 metadata keys and 16 attributes are left for users. */
export const API_MAX_METADATA = 16;
export const USER_MAX_METADATA = API_MAX_METADATA - 2;
export const API_MAX_ATTRIBUTES = 16;
export const USER_MAX_ATTRIBUTES = API_MAX_ATTRIBUTES - 2;

export function isReservedKey(key: string): boolean {
  return key.toLowerCase().startsWith(RESERVED_PREFIX);
}

/** A Foundry agent version keeps the display name beside the two tags: 13 of its 16 keys are the user's. */
export const FOUNDRY_USER_MAX_METADATA = API_MAX_METADATA - 3;
