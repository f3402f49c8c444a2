import { searchableText, type Chunk } from '../chunk.js';
import { isStopword, termSet, words } from '../text/analyze.js';
import { inverseDocumentFrequency, type CorpusStats } from './corpus-stats.js';
import { equivalentStems } from './query-expansion.js';

/**
 * How much of the question the best passages speak to: the IDF-weighted share of the question's
 * content terms found in them. A top BM25 score alone separates unanswerable questions poorly
 * (a common word can score high); a rare question term that no passage contains is the tell.
 */
export const evidenceCoverage = (question: string, passages: Chunk[], stats: CorpusStats): number => {
  const questionWords = [...new Set(words(question).filter((word) => !isStopword(word) && word.length > 1))];
  if (questionWords.length === 0 || passages.length === 0) return 0;
  const passageTerms = new Set<string>();
  for (const passage of passages) for (const term of termSet(searchableText(passage))) passageTerms.add(term);
  let total = 0;
  let covered = 0;
  for (const word of questionWords) {
    const stems = equivalentStems(word);
    const weight = Math.max(...stems.map((stem) => inverseDocumentFrequency(stats, stem)));
    total += weight;
    if (stems.some((stem) => passageTerms.has(stem))) covered += weight;
  }
  return total > 0 ? covered / total : 0;
};
