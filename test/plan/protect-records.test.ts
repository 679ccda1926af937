/**
 * Where protection is recorded and what the conflict check costs, unit by unit: the `;protect`
 * mark in the resource tag (and that readers of the old format still find the key), the `adp~`
 * upload names, and the choice between lookups and pages per store.
 */
import { describe, expect, it } from 'vitest';
import { checkCost } from '../../src/targets/foreign.js';
import { parseUploadName, uploadName } from '../../src/ownership/upload-name.js';
import { decodeResourceTag, encodeResourceTag } from '../../src/ownership/resource-tag.js';

const SHA = 'ab12'.repeat(16);

describe('the resource tag records protection', () => {
  it('encodes `;protect` last, and decodes it; a tag without it is unprotected', () => {
    const fields = ['name', 'model'];
    const on = encodeResourceTag('support', ['aaaaaa', 'bbbbbb'], true);
    expect(on).toBe('support;v1;aaaaaabbbbbb;protect');
    expect(decodeResourceTag(on, fields)).toEqual({ key: 'support', recorded: new Map([['name', 'aaaaaa'], ['model', 'bbbbbb']]), protect: true });
    const off = encodeResourceTag('support', ['aaaaaa', 'bbbbbb']);
    expect(off).toBe('support;v1;aaaaaabbbbbb');
    expect(decodeResourceTag(off, fields)?.protect).toBe(false);
    // what older readers (and the generated Python code) take: the key before the first `;`
    expect(on.split(';')[0]).toBe('support');
    expect(decodeResourceTag('support;v1;;protect', fields)).toEqual({ key: 'support', recorded: new Map(), protect: true });
  });
});

describe('upload names record a file set\'s protection', () => {
  it('adp~ marks a protected upload; both forms name the deployment and the content', () => {
    expect(uploadName('lab', SHA, 'data/sales.csv')).toBe(`ad~lab~${SHA.slice(0, 16)}~sales.csv`);
    expect(uploadName('lab', SHA, 'data/sales.csv', { protect: true })).toBe(`adp~lab~${SHA.slice(0, 16)}~sales.csv`);
    expect(parseUploadName(`adp~lab~${SHA.slice(0, 16)}~a~b.csv`)).toEqual({ deployment: 'lab', sha16: SHA.slice(0, 16), basename: 'a~b.csv', protected: true });
    expect(parseUploadName(`ad~lab~${SHA.slice(0, 16)}~a.csv`)?.protected).toBe(false);
    expect(parseUploadName(`adx~lab~${SHA.slice(0, 16)}~a.csv`)).toBeUndefined();
  });
});

describe('the conflict check picks the cheaper way per store', () => {
  it('min(D lookups, ceil(T / 100) pages); nothing for an empty store or no upload; lookups when the count is unknown', () => {
    expect(checkCost(0, 5)).toEqual({ by: 'none', requests: 0 });
    expect(checkCost(250, 0)).toEqual({ by: 'none', requests: 0 });
    expect(checkCost(250, 1)).toEqual({ by: 'lookups', requests: 1 });
    expect(checkCost(250, 3)).toEqual({ by: 'lookups', requests: 3 });
    expect(checkCost(250, 4)).toEqual({ by: 'pages', requests: 3 });
    expect(checkCost(3000, 1000)).toEqual({ by: 'pages', requests: 30 });
    expect(checkCost(null, 7)).toEqual({ by: 'lookups', requests: 7 });
  });
});
