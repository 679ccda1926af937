/**
 * The limits the description states only in prose (LIMITS.md, "desc"): metadata sizes, function
 * names, static chunking overlap. The JSON-Schema part of request validation is validation.ts.
 */
import { invalid } from '../errors.js';
import { typeName } from './validation.js';

/** `Metadata`: at most 16 keys, keys ≤ 64 chars, values strings ≤ 512 chars (LIMITS.md, desc). */
export function checkMetadata(value: unknown, param = 'metadata'): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`Invalid type for '${param}': expected an object, but got ${typeName(value)} instead.`, param, 'invalid_type');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 16) {
    throw invalid(
      `Invalid '${param}': too many properties. Expected an object with at most 16 properties, but got an object with ${entries.length} properties instead.`,
      param,
      'object_above_max_properties',
    );
  }
  for (const [k, v] of entries) {
    if (k.length > 64) {
      throw invalid(
        `Invalid '${param}': string too long. Expected a string with maximum length 64, but got a string with length ${k.length} instead.`,
        param,
        'string_above_max_length',
      );
    }
    if (typeof v !== 'string') {
      throw invalid(`Invalid type for '${param}.${k}': expected a string, but got ${typeName(v)} instead.`, `${param}.${k}`, 'invalid_type');
    }
    if (v.length > 512) {
      throw invalid(
        `Invalid '${param}.${k}': string too long. Expected a string with maximum length 512, but got a string with length ${v.length} instead.`,
        `${param}.${k}`,
        'string_above_max_length',
      );
    }
  }
}

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Tool checks the description states in prose: function names. */
export function checkTools(tools: unknown, param = 'tools'): void {
  if (!Array.isArray(tools)) return;
  tools.forEach((t, i) => {
    const tool = t as { type?: string; function?: { name?: unknown } };
    if (tool.type === 'function' && typeof tool.function?.name === 'string' && !FUNCTION_NAME.test(tool.function.name)) {
      const p = `${param}[${i}].function.name`;
      throw invalid(
        `Invalid '${p}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        p,
        'invalid_value',
      );
    }
  });
}

/** Static chunking: overlap ≤ half the chunk size (desc), and not negative. */
export function checkChunking(cs: unknown, param = 'chunking_strategy'): void {
  const c = cs as { type?: string; static?: { max_chunk_size_tokens?: number; chunk_overlap_tokens?: number } } | undefined;
  if (!c || c.type !== 'static' || !c.static) return;
  const { max_chunk_size_tokens: max, chunk_overlap_tokens: overlap } = c.static;
  if (typeof max === 'number' && typeof overlap === 'number') {
    if (overlap < 0) {
      throw invalid(
        `Invalid '${param}.static.chunk_overlap_tokens': integer below minimum value. Expected a value >= 0, but got ${overlap} instead.`,
        `${param}.static.chunk_overlap_tokens`,
        'integer_below_min_value',
      );
    }
    if (overlap > max / 2) {
      throw invalid(
        `Invalid '${param}.static.chunk_overlap_tokens': chunk_overlap_tokens must be less than or equal to half of max_chunk_size_tokens.`,
        `${param}.static.chunk_overlap_tokens`,
        'invalid_value',
      );
    }
  }
}

