/**
 * ajv's 2020-12 validator class, loaded on first use (it is slow to load and most commands never
 * need it). Tolerates the shapes a CommonJS module takes when imported from ESM or a bundle.
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';

type Ctor = typeof Ajv2020;
let loading: Promise<Ctor> | undefined;

export function loadAjv2020(): Promise<Ctor> {
  loading ??= import('ajv/dist/2020.js').then((mod) => {
    const m = mod as unknown as { Ajv2020?: Ctor; default?: Ctor & { Ajv2020?: Ctor } };
    const found = m.Ajv2020 ?? m.default?.Ajv2020 ?? m.default;
    if (typeof found !== 'function') throw new Error('cannot load ajv');
    return found;
  });
  return loading;
}
