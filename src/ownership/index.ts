/**
 * Ownership (DESIGN.md, "Ownership and identity": contract): the reserved metadata keys and file
 * attributes (metadata.ts), the resource tag's value (resource-tag.ts) and the upload file names
 * (upload-name.ts), each parsed and written in one place. Everything that reads or writes them
 * imports from here.
 */
export * from './metadata.js';
export * from './resource-tag.js';
export * from './upload-name.js';
