/**
 * Ownership (DESIGN.md, "Ownership and identity": contract): the reserved metadata keys and file
 * attributes (metadata.ts), the resource tag's value (resource-tag.ts), the upload file names
 * (upload-name.ts) and the name of an assistant's Foundry agent (foundry-name.ts), each parsed and
 * written in one place. Everything that reads or writes them imports from here.
 */
export * from './foundry-name.js';
export * from './metadata.js';
export * from './resource-tag.js';
export * from './upload-name.js';
