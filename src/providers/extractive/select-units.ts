import type { NumberedSource } from '../../core/ports/language-model.js';
import { isStopword, termSet, words } from '../../core/text/analyze.js';
import { splitUnits, type TextUnit } from '../../core/text/sentences.js';
import { equivalentStems } from '../../core/retrieval/query-expansion.js';

export type ScoredUnit = TextUnit & { source: number; score: number };

const MAX_UNITS = 6;
const MAX_CHARACTERS = 1_200;
/** Units scoring below this share of the best one dilute an answer more than they help it. */
const RELATIVE_FLOOR = 0.35;
/** A runner-up source is quoted too when its best unit is this close to the overall best. */
const SECOND_SOURCE_SHARE = 0.6;
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

/**
 * Picks the best units within a length budget: the best of the top source and, when it is nearly
 * as good, of a second source; a sentence that introduces a code block or list ("Run:") stays
 * with what follows it.
 */
export const selectUnits = (question: string, sources: NumberedSource[]): ScoredUnit[] => {
  const ranked = scoreUnits(question, sources);
  const best = ranked[0]?.score ?? 0;
  const unitsBySource = new Map(sources.map((source) => [source.n, splitUnits(source.text)]));
  const chosen = new Map<string, ScoredUnit>();
  let characters = 0;
  const add = (unit: ScoredUnit) => {
    const key = `${unit.source}:${unit.index}`;
    if (chosen.has(key)) return;
    chosen.set(key, unit);
    characters += unit.text.length;
    const siblings = unitsBySource.get(unit.source) ?? [];
    const next = siblings[unit.index + 1];
    const previous = siblings[unit.index - 1];
    if (unit.text.endsWith(':') && next && (next.kind === 'code' || next.kind === 'item')) add({ ...next, source: unit.source, score: unit.score });
    if (unit.kind === 'code' && previous?.text.endsWith(':')) add({ ...previous, source: unit.source, score: unit.score });
  };
  const first = ranked[0];
  if (first) add(first);
  const runnerUp = ranked.find((unit) => unit.source !== first?.source);
  if (runnerUp && runnerUp.score >= best * SECOND_SOURCE_SHARE) add(runnerUp);
  for (const unit of ranked) {
    if (chosen.size >= MAX_UNITS || characters >= MAX_CHARACTERS) break;
    if (unit.score < best * RELATIVE_FLOOR) break;
    if (characters + unit.text.length > MAX_CHARACTERS * 1.5) continue;
    add(unit);
  }
  return [...chosen.values()];
};
