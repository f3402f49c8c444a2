import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '../chunk.js';
import { sampleChunk } from '../../../test/support/sample-chunks.js';
import { capPerDocument, fuseScores } from './fuse-scores.js';

const hit = (id: string, lexicalScore?: number, denseScore?: number, documentId = id): ScoredChunk => {
  const result: ScoredChunk = { chunk: sampleChunk({ id, documentId, text: id }), namespace: 'acme__runbooks' };
  if (lexicalScore !== undefined) result.lexicalScore = lexicalScore;
  if (denseScore !== undefined) result.denseScore = denseScore;
  return result;
};

describe('fuseScores', () => {
  const hits = [hit('a', 10, 0.2), hit('b', 5, 0.9), hit('c', undefined, 0.95), hit('d', 8)];

  it('with weight 0 ranks by lexical score alone', () => {
    expect(fuseScores(hits, 0).map((fused) => fused.chunk.id)).toEqual(['a', 'd', 'b']);
  });

  it('with weight 1 ranks by dense score alone', () => {
    expect(fuseScores(hits, 1).map((fused) => fused.chunk.id).slice(0, 3)).toEqual(['c', 'b', 'a']);
  });

  it('with a light weight lets dense evidence reorder close lexical calls only', () => {
    const ranked = fuseScores([hit('x', 10, 0.1), hit('y', 9.5, 0.9), hit('z', 4, 1)], 0.2).map((fused) => fused.chunk.id);
    expect(ranked).toEqual(['y', 'x', 'z']);
  });

  it('uses dense scores alone when the lexical retriever found nothing', () => {
    expect(fuseScores([hit('p', undefined, 0.5), hit('q', undefined, 0.7)], 0.2).map((fused) => fused.chunk.id)).toEqual(['q', 'p']);
  });
});

describe('capPerDocument', () => {
  it('keeps at most n chunks of one document, in order', () => {
    const ranked = [hit('a1', 9, undefined, 'a'), hit('a2', 8, undefined, 'a'), hit('a3', 7, undefined, 'a'), hit('b1', 6, undefined, 'b')];
    expect(capPerDocument(ranked, 2).map((fused) => fused.chunk.id)).toEqual(['a1', 'a2', 'b1']);
  });
});
