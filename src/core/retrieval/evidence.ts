import { searchableText, type Chunk } from '../chunk.js';
import { termSet } from '../text/analyze.js';
import type { QuestionTerm } from './question-terms.js';

/**
 * How much of the question the best passages speak to: the weighted share of the question's terms
 * found in them. A top BM25 score alone separates unanswerable questions poorly (a common word can
 * score high); a rare or unknown question term that no passage contains is the tell.
 */
export const evidenceCoverage = (questionTerms: QuestionTerm[], passages: Chunk[]): number => {
  if (questionTerms.length === 0 || passages.length === 0) return 0;
  const passageTerms = new Set<string>();
  for (const passage of passages) for (const term of termSet(searchableText(passage))) passageTerms.add(term);
  let total = 0;
  let covered = 0;
  for (const term of questionTerms) {
    total += term.weight;
    if (term.alternatives.some((alternative) => alternative.every((stemmed) => passageTerms.has(stemmed)))) covered += term.weight;
  }
  return total > 0 ? covered / total : 0;
};
