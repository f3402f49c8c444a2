import { describe, expect, it } from 'vitest';
import { terms } from '../../core/text/analyze.js';
import { DEFAULT_AVERAGE_LENGTH, encodeDocument, encodeQuery, MAX_SPARSE_VALUES, termIndex, toSparseVector } from './sparse-encoding.js';

const isSortedUnique = (indices: number[]) => indices.every((index, position) => position === 0 || index > (indices[position - 1] ?? -1));

describe('sparse encoding', () => {
  it('hashes stems with 32-bit FNV-1a (published test vectors)', () => {
    expect(termIndex('')).toBe(0x811c9dc5);
    expect(termIndex('a')).toBe(0xe40c292c);
    expect(termIndex('foobar')).toBe(0xbf9cf968);
    expect(termIndex('drain')).toBe(termIndex('drain'));
    expect(termIndex('über')).toBeLessThan(2 ** 32);
  });

  it('weighs document stems with BM25 term saturation and length normalization, title counted twice', () => {
    const chunk = { title: 'HAProxy runbook', headingPath: ['HAProxy runbook', 'Draining'], text: 'Drain the server. Drain it again.' };
    const sparse = encodeDocument(chunk);
    expect(sparse).toBeDefined();
    expect(isSortedUnique(sparse?.indices ?? [])).toBe(true);
    const length = terms(chunk.title).length + terms(`HAProxy runbook — Draining\n${chunk.text}`).length;
    const weightOf = (stem: string) => sparse?.values[sparse.indices.indexOf(termIndex(stem))];
    const bm25 = (tf: number) => (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * length) / DEFAULT_AVERAGE_LENGTH));
    expect(weightOf('haproxi')).toBeCloseTo(bm25(2)); // once in the title counted twice
    expect(weightOf('drain')).toBeCloseTo(bm25(3)); // heading "Draining" and the text's two
    expect(weightOf('server')).toBeCloseTo(bm25(1));
    // A longer average length makes this chunk relatively short: every weight rises.
    const relative = encodeDocument(chunk, { averageLength: 1000 });
    expect(relative?.values[0]).toBeGreaterThan(sparse?.values[0] ?? Infinity);
  });

  it('leaves out an empty vector (Pinecone rejects one) and keeps the heaviest values over the limit', () => {
    expect(encodeDocument({ title: '', headingPath: [], text: 'the and of' })).toBeUndefined();
    expect(encodeQuery([])).toBeUndefined();
    expect(encodeQuery([{ term: 'drain', weight: 0 }])).toBeUndefined();
    const many = new Map(Array.from({ length: MAX_SPARSE_VALUES + 50 }, (_, position) => [position * 7, position + 1] as [number, number]));
    const capped = toSparseVector(many);
    expect(capped?.indices).toHaveLength(MAX_SPARSE_VALUES);
    expect(Math.min(...(capped?.values ?? []))).toBe(51);
    expect(isSortedUnique(capped?.indices ?? [])).toBe(true);
  });

  it('encodes query stems with the core’s weights, a stem listed twice once at its heaviest', () => {
    const sparse = encodeQuery([{ term: 'drain', weight: 1.5 }, { term: 'haproxi', weight: 3 }, { term: 'drain', weight: 2 }]);
    expect(sparse?.indices).toEqual([termIndex('drain'), termIndex('haproxi')].sort((a, b) => a - b));
    expect(sparse?.values[sparse.indices.indexOf(termIndex('drain'))]).toBe(2);
    expect(sparse?.values[sparse.indices.indexOf(termIndex('haproxi'))]).toBe(3);
  });
});
