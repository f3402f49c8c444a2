import { searchableText, type ScoredChunk } from '../chunk.js';
import { terms } from '../text/analyze.js';
import type { CorpusStats } from './corpus-stats.js';
import type { QuestionTerm } from './question-terms.js';

const K1 = 1.2;
const B = 0.75;

type TermCounts = { counts: Map<string, number>; length: number };

// Chunk ids change with their content, so counts keyed by id never go stale; bounded, oldest out.
const countsCache = new Map<string, TermCounts>();
const CACHE_LIMIT = 50_000;

const termCounts = (chunk: ScoredChunk['chunk']): TermCounts => {
  const cached = countsCache.get(chunk.id);
  if (cached) return cached;
  // The title counts twice: a passage of the document named after the subject should win.
  const chunkTerms = [...terms(chunk.title), ...terms(searchableText(chunk))];
  const counts = new Map<string, number>();
  for (const term of chunkTerms) counts.set(term, (counts.get(term) ?? 0) + 1);
  const result = { counts, length: chunkTerms.length };
  if (countsCache.size >= CACHE_LIMIT) countsCache.delete(countsCache.keys().next().value as string);
  countsCache.set(chunk.id, result);
  return result;
};

/**
 * BM25 over the candidates with one set of statistics for the whole scope. Each namespace's own
 * index scores with its own statistics, so a term rare in one collection but common in another
 * would otherwise make their scores incomparable. The question terms' weights (IDF tempered by how
 * everyday the word is) replace plain IDF, so chatty phrasing does not steer the ranking.
 */
export const rescoreLexical = (hits: ScoredChunk[], questionTerms: QuestionTerm[], stats: CorpusStats): ScoredChunk[] => {
  const averageLength = stats.averageChunkTokens || 1;
  return hits.map((hit) => {
    if (hit.lexicalScore === undefined) return hit;
    const { counts, length } = termCounts(hit.chunk);
    let score = 0;
    for (const term of questionTerms) {
      const frequency = Math.max(0, ...term.alternatives.map((alternative) => Math.min(...alternative.map((stemmed) => counts.get(stemmed) ?? 0))));
      if (frequency === 0) continue;
      score += (term.weight * frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * length) / averageLength));
    }
    return { ...hit, lexicalScore: score };
  });
};
