import type { NumberedSource } from '../../core/ports/language-model.js';
import { isStopword, termSet, words } from '../../core/text/analyze.js';
import { splitUnits, type TextUnit } from '../../core/text/sentences.js';
import { equivalentStems } from '../../core/retrieval/query-expansion.js';

export type ScoredUnit = TextUnit & { source: number; score: number };

const MAX_UNITS = 4;
const MAX_CHARACTERS = 900;

/** Question words as alternatives of stems: "k8s" is matched by "k8s" or "kubernetes". */
const questionTerms = (question: string): string[][] =>
  [...new Set(words(question).filter((word) => !isStopword(word)))].map(equivalentStems);

/**
 * Scores every sentence, code block and list item of the sources by the question terms it
 * contains (rarer across the sources weighs more), scaled by its source's retrieval score.
 */
export const scoreUnits = (question: string, sources: NumberedSource[]): ScoredUnit[] => {
  const wanted = questionTerms(question);
  const perSource = sources.map((source) => ({ source, units: splitUnits(source.text) }));
  const sourceTerms = sources.map((source) => termSet(`${source.section} ${source.text}`));
  const weightOf = (alternatives: string[]) => {
    const containing = sourceTerms.filter((set) => alternatives.some((stem) => set.has(stem))).length;
    return 1 + Math.log((sources.length + 1) / (containing + 0.5));
  };
  const weights = wanted.map(weightOf);
  const topScore = Math.max(...sources.map((source) => source.score), Number.EPSILON);
  const scored: ScoredUnit[] = [];
  for (const { source, units } of perSource) {
    const prior = 0.4 + 0.6 * (source.score / topScore);
    for (const unit of units) {
      const unitTerms = termSet(unit.text);
      let overlap = 0;
      wanted.forEach((alternatives, index) => {
        if (alternatives.some((stem) => unitTerms.has(stem))) overlap += weights[index] ?? 0;
      });
      if (overlap === 0) continue;
      // Mild length normalization: a long unit should not win merely by containing more words.
      const lengthPenalty = 1 + 0.15 * Math.log(1 + unitTerms.size);
      scored.push({ ...unit, source: source.n, score: (overlap / lengthPenalty) * prior });
    }
  }
  return scored.sort((left, right) => right.score - left.score);
};

/**
 * Picks the best units within a length budget, keeping a sentence that introduces a code
 * block or list ("Run:") together with what follows it.
 */
export const selectUnits = (question: string, sources: NumberedSource[]): ScoredUnit[] => {
  const ranked = scoreUnits(question, sources);
  const unitsBySource = new Map(sources.map((source) => [source.n, splitUnits(source.text)]));
  const chosen = new Map<string, ScoredUnit>();
  let characters = 0;
  const add = (unit: ScoredUnit) => {
    const key = `${unit.source}:${unit.index}`;
    if (chosen.has(key)) return;
    chosen.set(key, unit);
    characters += unit.text.length;
  };
  const best = ranked[0]?.score ?? 0;
  for (const unit of ranked) {
    if (chosen.size >= MAX_UNITS || characters >= MAX_CHARACTERS) break;
    // Weak matches dilute an answer more than they help it.
    if (unit.score < best * 0.35) break;
    if (characters + unit.text.length > MAX_CHARACTERS * 1.5 && chosen.size > 0) continue;
    add(unit);
    const siblings = unitsBySource.get(unit.source) ?? [];
    const next = siblings[unit.index + 1];
    const previous = siblings[unit.index - 1];
    if (unit.text.endsWith(':') && next && next.kind !== 'prose') add({ ...next, source: unit.source, score: unit.score });
    if (unit.kind === 'code' && previous?.text.endsWith(':')) add({ ...previous, source: unit.source, score: unit.score });
  }
  return [...chosen.values()];
};
