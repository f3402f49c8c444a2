import type { ScoredChunk } from '../chunk.js';

export type FusedHit = ScoredChunk & { score: number };

/**
 * Weighted score fusion. Each retriever's scores are scaled to [0, 1] over the candidates;
 * `denseWeight` 0 is lexical-only, 1 dense-only. Equal-weight rank fusion was measured to
 * lose to BM25 alone on technical text, so the weight is calibrated per embedder instead.
 */
export const fuseScores = (hits: ScoredChunk[], denseWeight: number): FusedHit[] => {
  const lexical = hits.map((hit) => hit.lexicalScore).filter((score): score is number => score !== undefined);
  const dense = hits.map((hit) => hit.denseScore).filter((score): score is number => score !== undefined);
  const maxLexical = Math.max(0, ...lexical);
  const minDense = dense.length ? Math.min(...dense) : 0;
  const denseRange = dense.length ? Math.max(...dense) - minDense : 0;
  const weight = dense.length === 0 ? 0 : lexical.length === 0 ? 1 : denseWeight;
  return hits
    .map((hit) => {
      const lexicalPart = maxLexical > 0 && hit.lexicalScore !== undefined ? hit.lexicalScore / maxLexical : 0;
      // A chunk outside the dense candidates scores as the weakest dense candidate.
      const densePart = denseRange > 0 && hit.denseScore !== undefined ? (hit.denseScore - minDense) / denseRange : 0;
      return { ...hit, score: (1 - weight) * lexicalPart + weight * densePart };
    })
    .filter((hit) => hit.score > 0 || weight === 1)
    .sort((left, right) => right.score - left.score || left.chunk.id.localeCompare(right.chunk.id));
};

/** Keeps the best few chunks of each document, so one long document cannot crowd out the rest. */
export const capPerDocument = <T extends ScoredChunk>(hits: T[], maxPerDocument: number): T[] => {
  const counts = new Map<string, number>();
  return hits.filter((hit) => {
    const key = `${hit.namespace}/${hit.chunk.documentId}`;
    const count = counts.get(key) ?? 0;
    counts.set(key, count + 1);
    return count < maxPerDocument;
  });
};
