/**
 * JSON Schema (a function tool's `parameters`) -> Python TypedDict classes: nested objects become
 * their own classes, enums and consts `Literal[...]`, nullable types `X | None`, arrays `list[X]`,
 * properties outside `required` keys of a `total=False` class; descriptions become docstrings.
 */
import { docstring, isIdentifier, layout, pascalName, pyStr, seq, atom, type Node, flat } from './pysrc.js';

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
};

export interface TypedDictModule {
  /** Class definitions, dependencies first, each a block of lines. */
  blocks: string[][];
  /** Names used from typing. */
  imports: { typing: Set<string> };
}

interface Field {
  key: string;
  type: Node;
  description: string | undefined;
  required: boolean;
}

function literalValue(v: unknown): string | undefined {
  if (typeof v === 'string') return pyStr(v);
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return undefined;
}

export class TypedDictBuilder {
  readonly blocks: string[][] = [];
  readonly imports = { typing: new Set<string>() };
  private readonly names = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const n of reserved) this.names.add(n);
  }

  private unique(name: string): string {
    let n = name;
    for (let i = 2; this.names.has(n); i++) n = `${name}${i}`;
    this.names.add(n);
    return n;
  }

  /** The type expression for a schema; nested object classes are added to `blocks` first. */
  typeOf(schema: Schema | undefined, nameHint: string): Node {
    if (!schema || typeof schema !== 'object') return this.any();
    const parts: Node[] = [];
    let nullable = false;
    if (Array.isArray(schema.enum) && schema.enum.length) {
      const values = schema.enum.filter((v) => v !== null).map(literalValue);
      if (schema.enum.includes(null)) nullable = true;
      if (values.every((v) => v !== undefined) && values.length) {
        this.imports.typing.add('Literal');
        parts.push(seq('Literal[', ']', values.map((v) => atom(v!))));
      } else if (values.length) parts.push(this.any());
    } else if (schema.const !== undefined) {
      const v = literalValue(schema.const);
      if (schema.const === null) parts.push(atom('None'));
      else if (v !== undefined) {
        this.imports.typing.add('Literal');
        parts.push(seq('Literal[', ']', [atom(v)]));
      } else parts.push(this.any());
    } else if (schema.anyOf || schema.oneOf) {
      const branches = (schema.anyOf ?? schema.oneOf)!;
      branches.forEach((b, i) => {
        if (b && (b.type === 'null' || (Array.isArray(b.type) && b.type.length === 1 && b.type[0] === 'null'))) nullable = true;
        else parts.push(this.typeOf({ description: schema.description, ...b }, branches.length > 1 ? `${nameHint}${i + 1}` : nameHint));
      });
    } else if (schema.allOf && schema.allOf.length === 1) {
      return this.typeOf({ ...schema.allOf[0], description: schema.description }, nameHint);
    } else {
      const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ['object'] : [];
      if (types.length === 0) return this.any();
      for (const t of types) {
        switch (t) {
          case 'null':
            nullable = true;
            break;
          case 'string':
            parts.push(atom('str'));
            break;
          case 'integer':
            parts.push(atom('int'));
            break;
          case 'number':
            parts.push(atom('float'));
            break;
          case 'boolean':
            parts.push(atom('bool'));
            break;
          case 'array': {
            const items = Array.isArray(schema.items) ? undefined : schema.items;
            parts.push(seq('list[', ']', [items ? this.typeOf(items, `${nameHint}Item`) : this.any()]));
            break;
          }
          case 'object':
            if (schema.properties && Object.keys(schema.properties).length) parts.push(atom(this.define(schema, nameHint)));
            else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
              parts.push(seq('dict[', ']', [atom('str'), this.typeOf(schema.additionalProperties, `${nameHint}Value`)]));
            } else parts.push(seq('dict[', ']', [atom('str'), this.any()]));
            break;
          default:
            parts.push(this.any());
        }
      }
    }
    const seen = new Set<string>();
    const unique = parts.filter((p) => {
      const f = flat(p);
      if (seen.has(f)) return false;
      seen.add(f);
      return true;
    });
    if (nullable) unique.push(atom('None'));
    if (unique.length === 0) return atom('None');
    if (unique.length === 1) return unique[0]!;
    // `A | B | None`: the last part may still split at its own brackets.
    const head = unique.slice(0, -1).map(flat).join(' | ');
    const last = unique[unique.length - 1]!;
    if (last.kind === 'seq') return { ...last, open: `${head} | ${last.open}` };
    const first = unique[0]!;
    if (first.kind === 'seq') return { ...first, close: `${first.close} | ${unique.slice(1).map(flat).join(' | ')}` };
    return atom(unique.map(flat).join(' | '));
  }

  private any(): Node {
    this.imports.typing.add('Any');
    return atom('Any');
  }

  /**
   * Define a TypedDict for an object schema; returns its class name. Properties outside
   * `required` are keys of a `total=False` class; when an object has both kinds, the required
   * keys live in a private base class (`_NameRequired`). So the code needs neither
   * `typing.NotRequired` (Python 3.11) nor typing_extensions.
   */
  define(schema: Schema, name: string, doc?: string, exact = false): string {
    const cls = exact ? name : this.unique(name);
    const props = Object.entries(schema.properties ?? {});
    const required = new Set(schema.required ?? []);
    const fields: Field[] = props.map(([key, s]) => ({
      key,
      type: this.typeOf(s, `${cls.replace(/Args$/, '')}${pascalName(key)}`),
      description: typeof s?.description === 'string' ? s.description : undefined,
      required: required.has(key),
    }));
    const description = doc ?? schema.description;
    const req = fields.filter((f) => f.required);
    const opt = fields.filter((f) => !f.required);
    if (req.length === 0 || opt.length === 0) {
      this.blocks.push(this.typedDict(cls, ['TypedDict'], fields, req.length === 0 && opt.length > 0, description));
      return cls;
    }
    const base = this.unique(`_${cls}Required`);
    this.blocks.push(this.typedDict(base, ['TypedDict'], req, false, `The keys of ${cls} that are always present.`));
    if (opt.every((f) => isIdentifier(f.key))) {
      this.blocks.push(this.typedDict(cls, [base], opt, true, description));
    } else {
      const extra = this.unique(`_${cls}Optional`);
      this.blocks.push(this.typedDict(extra, ['TypedDict'], opt, true, `The keys of ${cls} that may be absent.`));
      this.blocks.push(this.typedDict(cls, [base, extra], [], false, description));
    }
    return cls;
  }

  /** One TypedDict: a class, or the functional form when a key is not a Python name. */
  private typedDict(cls: string, bases: string[], fields: Field[], partial: boolean, description: string | undefined): string[] {
    const lines: string[] = [];
    if (fields.every((f) => isIdentifier(f.key))) {
      lines.push(`class ${cls}(${[...bases, ...(partial ? ['total=False'] : [])].join(', ')}):`);
      if (description) lines.push(...docstring(description, 1), ...(fields.length ? [''] : []));
      if (fields.length === 0 && !description) lines.push('    pass');
      for (const f of fields) {
        lines.push(...layout(f.type, 1, `${f.key}: `));
        if (f.description) lines.push(...docstring(f.description, 1));
      }
    } else {
      const entries = fields.map((f) => ({ kind: 'pair' as const, key: pyStr(f.key), sep: ': ', value: f.type }));
      const args: Node[] = [atom(pyStr(cls)), seq('{', '}', entries)];
      if (partial) args.push(atom('total=False'));
      lines.push(...layout(seq(`${cls} = TypedDict(`, ')', args), 0));
      if (description) lines.push(...docstring(description, 0));
    }
    return lines;
  }
}
