/**
 * schemaValue (engines/schema-value.ts): the value a `json_schema` response format is answered with is
 * valid against the schema, checked by ajv (draft 2020-12 and draft-07, formats included), for the
 * shapes the SDKs write (Pydantic's `$defs`, zod's `definitions`, recursive `#` refs, nullable
 * unions, discriminated unions) and for random schemas built from satisfiable constraints.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaValue } from '../../src/emulator/engines/schema-value.js';

const addFormats = addFormatsModule as unknown as (ajv: unknown) => void;
const ajv2020 = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv2020);
const ajv07 = new Ajv({ strict: false, allErrors: true });
addFormats(ajv07);

function expectValid(schema: Record<string, unknown>, value: unknown, draft07 = false): void {
  const validate = (draft07 ? ajv07 : ajv2020).compile(schema);
  const ok = validate(value);
  expect({ ok, errors: validate.errors ?? null, value }).toMatchObject({ ok: true, errors: null });
}

const cases: [string, Record<string, unknown>, boolean?][] = [
  [
    'Pydantic model with $defs and an optional field (anyOf null)',
    {
      $defs: {
        Step: { properties: { explanation: { title: 'Explanation', type: 'string' }, output: { title: 'Output', type: 'string' } }, required: ['explanation', 'output'], title: 'Step', type: 'object', additionalProperties: false },
      },
      properties: {
        steps: { items: { $ref: '#/$defs/Step' }, title: 'Steps', type: 'array' },
        final_answer: { title: 'Final Answer', type: 'string' },
        confidence: { anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'null' }] },
      },
      required: ['steps', 'final_answer', 'confidence'],
      title: 'MathReasoning',
      type: 'object',
      additionalProperties: false,
    },
  ],
  [
    'zod through the openai helper (draft-07 definitions, nullable type lists)',
    {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'array', items: { $ref: '#/definitions/Day' } }, note: { type: ['string', 'null'] } },
      required: ['city', 'days', 'note'],
      additionalProperties: false,
      definitions: { Day: { type: 'object', properties: { date: { type: 'string', format: 'date' }, high: { type: 'integer' } }, required: ['date', 'high'], additionalProperties: false } },
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
    true,
  ],
  [
    'a recursive UI tree (the structured outputs guide)',
    {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['div', 'button', 'header', 'section', 'field', 'form'] },
        label: { type: 'string' },
        children: { type: 'array', items: { $ref: '#' } },
        attributes: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } }, required: ['name', 'value'], additionalProperties: false } },
      },
      required: ['type', 'label', 'children', 'attributes'],
      additionalProperties: false,
    },
  ],
  [
    'a linked list through a nullable $ref',
    { $defs: { node: { type: 'object', properties: { value: { type: 'integer' }, next: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] } }, required: ['value', 'next'], additionalProperties: false } }, $ref: '#/$defs/node' },
  ],
  [
    'a discriminated union',
    {
      type: 'object',
      properties: {
        item: {
          oneOf: [
            { type: 'object', properties: { kind: { const: 'circle' }, radius: { type: 'number', exclusiveMinimum: 0 } }, required: ['kind', 'radius'], additionalProperties: false },
            { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number' } }, required: ['kind', 'side'], additionalProperties: false },
          ],
        },
      },
      required: ['item'],
      additionalProperties: false,
    },
  ],
  [
    'numbers: ranges, exclusive bounds, multipleOf',
    {
      type: 'object',
      properties: {
        a: { type: 'integer', minimum: 5, maximum: 10, multipleOf: 3 },
        b: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        c: { type: 'number', minimum: 0.05, multipleOf: 0.01 },
        d: { type: 'integer', maximum: -7 },
        e: { type: 'integer', exclusiveMinimum: 99, exclusiveMaximum: 101 },
      },
      required: ['a', 'b', 'c', 'd', 'e'],
    },
  ],
  [
    'strings: lengths, patterns, formats, enums',
    {
      type: 'object',
      properties: {
        long: { type: 'string', minLength: 40, maxLength: 42 },
        short: { type: 'string', maxLength: 2 },
        code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
        words: { type: 'string', pattern: '^(foo|bar)+$', minLength: 9 },
        hex: { type: 'string', pattern: '^#[0-9a-f]{6}$' },
        email: { type: 'string', format: 'email' },
        when: { type: 'string', format: 'date-time' },
        id: { type: 'string', format: 'uuid' },
        site: { type: 'string', format: 'uri' },
        mood: { type: 'string', enum: ['happy', 'sad'] },
      },
      required: ['long', 'short', 'code', 'words', 'hex', 'email', 'when', 'id', 'site', 'mood'],
      additionalProperties: false,
    },
  ],
  [
    'arrays: sizes, unique items, tuples, contains',
    {
      type: 'object',
      properties: {
        three: { type: 'array', minItems: 3, uniqueItems: true, items: { type: 'string', enum: ['a', 'b', 'c'] } },
        many: { type: 'array', minItems: 4, uniqueItems: true, items: { type: 'integer', minimum: 0 } },
        objs: { type: 'array', minItems: 2, uniqueItems: true, items: { type: 'object', properties: { n: { type: 'string' } }, required: ['n'] } },
        none: { type: 'array', maxItems: 0, items: { type: 'string' } },
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false },
        hasTen: { type: 'array', items: { type: 'integer' }, contains: { const: 10 } },
      },
      required: ['three', 'many', 'objs', 'none', 'pair', 'hasTen'],
    },
  ],
  [
    'objects: property counts, patternProperties, dependentRequired, allOf, $ref with siblings',
    {
      $defs: { money: { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } }, required: ['amount', 'currency'] } },
      type: 'object',
      properties: {
        scores: { type: 'object', minProperties: 3, additionalProperties: { type: 'integer', minimum: 1 } },
        tagged: { type: 'object', patternProperties: { '^x-': { type: 'boolean' } }, required: ['x-on'], additionalProperties: false },
        card: { type: 'object', properties: { number: { type: 'string' }, cvv: { type: 'string', pattern: '^\\d{3}$' } }, dependentRequired: { number: ['cvv'] } },
        both: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer', minimum: 3 } }, required: ['b'] }] },
        price: { $ref: '#/$defs/money', description: 'what it costs' },
      },
      required: ['scores', 'tagged', 'card', 'both', 'price'],
    },
  ],
];

describe('schemaValue', () => {
  for (const [name, schema, draft07] of cases) {
    it(`is valid against ${name}`, () => {
      expectValid(schema, schemaValue(schema, { message: 'hello', text: 'You said: hello' }), draft07);
    });
  }

  it('takes named values from the message and free text for plain strings, where they fit', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, nights: { type: 'integer', minimum: 1 }, summary: { type: 'string' }, code: { type: 'string', pattern: '^[0-9]+$' } }, required: ['city', 'nights', 'summary', 'code'], additionalProperties: false };
    const v = schemaValue(schema, { message: 'book city: Paris, nights: 3', text: 'You said: book it' });
    expect(v).toEqual({ city: 'Paris', nights: 3, summary: 'You said: book it', code: expect.stringMatching(/^[0-9]+$/) });
  });

  it('is valid against random schemas built from satisfiable constraints', () => {
    const leaf: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
      fc.record({ type: fc.constant('string'), minLength: fc.integer({ min: 0, max: 30 }) }).chain((s) => fc.record({ type: fc.constant('string'), minLength: fc.constant(s.minLength), maxLength: fc.integer({ min: s.minLength, max: s.minLength + 20 }) })),
      fc.record({ type: fc.constant('string'), pattern: fc.constantFrom('^[a-z]+$', '^\\d{2,4}$', '^(yes|no)$', '^[A-Z][a-z]*( [A-Z][a-z]*)*$', '^\\w+@\\w+\\.com$') }),
      fc.record({ type: fc.constant('string'), format: fc.constantFrom('email', 'date', 'date-time', 'uuid', 'uri', 'ipv4', 'time') }),
      fc.record({ enum: fc.uniqueArray(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 4 }) }),
      fc.integer({ min: -1000, max: 1000 }).chain((lo) =>
        fc.record({ type: fc.constantFrom('integer', 'number'), minimum: fc.constant(lo), maximum: fc.integer({ min: lo + 10, max: lo + 500 }), multipleOf: fc.option(fc.constantFrom(2, 5, 0.5), { nil: undefined }) }),
      ),
      fc.record({ type: fc.constant('number'), exclusiveMinimum: fc.double({ min: -5, max: 5, noNaN: true }) }),
      fc.record({ type: fc.constantFrom('boolean', 'null') }),
      fc.record({ type: fc.constant(['string', 'null']) }),
    );
    const tree = fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ type: fc.constant('array'), items: tie('node'), minItems: fc.integer({ min: 0, max: 3 }) }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), tie('node'), { maxKeys: 4 }).chain((properties) =>
          fc.record({ type: fc.constant('object'), properties: fc.constant(properties), required: fc.subarray(Object.keys(properties)), additionalProperties: fc.constant(false) }),
        ),
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (schema) => {
        const validate = ajv2020.compile(schema);
        const value = schemaValue(schema);
        if (!validate(value)) throw new Error(`${JSON.stringify(value)} is not valid against ${JSON.stringify(schema)}: ${JSON.stringify(validate.errors)}`);
      }),
      { numRuns: 300, seed: 15 },
    );
  });
});
