// Types of dist/manifest/manifest-validator.js, which scripts/build-validators.js generates from
// schemas/manifest.schema.json at build time (there is no source file for it).
import type { ErrorObject } from 'ajv/dist/2020.js';

export declare const validate: {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
};
export default validate;
