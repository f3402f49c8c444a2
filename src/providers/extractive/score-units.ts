import type { NumberedSource } from '../../core/ports/language-model.js';
import { isStopword, termSet, words } from '../../core/text/analyze.js';
import { splitUnits, type TextUnit } from '../../core/text/sentences.js';
import { equivalentStems } from '../../core/retrieval/query-expansion.js';

export type ScoredUnit = TextUnit & { source: number; score: number };

const CONTEXT_SHARE = 0.5;
const COMMAND_INTENT = /\b(cmd|command|commands|syntax|run|type|invoke|how (do|can|to)|which flag|what flag)\b/i;

/** Question words as alternatives of stems: "k8s" is matched by "k8s" or "kubernetes". */
const questionTerms = (question: string): string[][][] =>
  [...new Set(words(question).filter((word) => !isStopword(word)))].map(equivalentStems);

const matches = (alternatives: string[][], present: Set<string>) =>
  alternatives.some((alternative) => alternative.every((stemmed) => present.has(stemmed)));

/**
 * Scores every sentence, code block, list item and table row of the sources by the question terms
 * it contains (rarer across the sources weighs more), scaled by its source's retrieval score.
 * Table rows are matched together with their header; header rows alone are never quoted.
 */
export const scoreUnits = (question: string, sources: NumberedSource[]): ScoredUnit[] => {
  const wanted = questionTerms(question);
  const wantsCommand = COMMAND_INTENT.test(question);
  const sourceTerms = sources.map((source) => termSet(`${source.section} ${source.text}`));
  const weights = wanted.map((alternatives) => {
    const containing = sourceTerms.filter((set) => matches(alternatives, set)).length;
    return 1 + Math.log((sources.length + 1) / (containing + 0.5));
  });
  const topScore = Math.max(...sources.map((source) => source.score), Number.EPSILON);
  const scored: ScoredUnit[] = [];
  for (const source of sources) {
    const prior = 0.4 + 0.6 * (source.score / topScore);
    // A sentence of a section about Redis is about Redis: its title and section count, at a discount.
    const contextTerms = termSet(`${source.title} ${source.section}`);
    for (const unit of splitUnits(source.text)) {
      if (unit.kind === 'header') continue;
      const ownTerms = termSet(unit.text);
      const headerTerms = unit.context ? termSet(unit.context) : new Set<string>();
      let overlap = 0;
      let ownMatches = 0;
      wanted.forEach((alternatives, index) => {
        const weight = weights[index] ?? 0;
        if (matches(alternatives, ownTerms)) {
          overlap += weight;
          ownMatches++;
        } else if (matches(alternatives, headerTerms) || matches(alternatives, contextTerms)) {
          overlap += weight * CONTEXT_SHARE;
        }
      });
      // Context (a table header, the section title) only strengthens a unit that matches by itself.
      if (ownMatches === 0) continue;
      const unitTerms = ownTerms;
      // Mild length normalization: a long unit should not win merely by containing more words.
      const lengthPenalty = 1 + 0.15 * Math.log(1 + unitTerms.size);
      const intent = wantsCommand && unit.kind === 'code' ? 1.3 : 1;
      scored.push({ ...unit, source: source.n, score: (overlap / lengthPenalty) * prior * intent });
    }
  }
  return scored.sort((left, right) => right.score - left.score);
};
