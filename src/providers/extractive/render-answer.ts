import type { ScoredUnit } from './score-units.js';
import { headingLike } from './select-units.js';

/** A chat answer, not a document: past this the answer drops its last-chosen units. */
export const MAX_ANSWER_CHARACTERS = 2_000;

/** Consecutive units of one paragraph, list or table: quoted together under one citation. */
const runsOf = (units: ScoredUnit[]): ScoredUnit[][] => {
  const runs: ScoredUnit[][] = [];
  for (const unit of units) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && unit.index === last.index + 1 && unit.block === last.block && unit.kind !== 'code') run.push(unit);
    else runs.push([unit]);
  }
  return runs;
};

const renderSource = (source: number, group: ScoredUnit[]): string => {
  const lines: string[] = [];
  let header: string | undefined;
  const runs = runsOf([...group].sort((left, right) => left.index - right.index));
  runs.forEach((run, position) => {
    const first = run[0] as ScoredUnit;
    const next = runs[position + 1]?.[0];
    if (first.kind === 'code') {
      lines.push(first.text);
      return;
    }
    // A heading directly above what it heads is cited by what follows it.
    if (run.length === 1 && next?.index === first.index + 1 && next.block !== first.block && headingLike(first)) {
      lines.push(first.text);
      return;
    }
    if (first.kind === 'prose') {
      header = undefined;
      lines.push(`${run.map((unit) => unit.text).join(' ')} [${source}]`);
      return;
    }
    // Rows of one table share one header line; a list or table gets one citation, after its last line.
    if (first.kind === 'row' && first.context && first.context !== header) lines.push(first.context);
    header = first.kind === 'row' ? first.context : undefined;
    lines.push(...run.map((unit, index) => (index === run.length - 1 ? `${unit.text} [${source}]` : unit.text)));
  });
  // A group of code (and headings) alone still needs its citation.
  if (!lines.some((line) => line.endsWith(`[${source}]`))) lines.unshift(`From [${source}]:`);
  return lines.join('\n');
};

/** The chosen units grouped by source, best source first, in document order within each. */
export const renderAnswer = (units: ScoredUnit[]): string => {
  const bySource = new Map<number, ScoredUnit[]>();
  for (const unit of units) bySource.set(unit.source, [...(bySource.get(unit.source) ?? []), unit]);
  const best = (source: number) => Math.max(...(bySource.get(source) ?? []).map((unit) => unit.score));
  const order = [...bySource.keys()].sort((left, right) => best(right) - best(left));
  return order.map((source) => renderSource(source, bySource.get(source) ?? [])).join('\n\n');
};

/** Cuts one over-long unit (a huge code block) at a word, keeping a code fence closed. */
const shorten = (unit: ScoredUnit, characters: number): ScoredUnit => {
  const cut = `${unit.text.slice(0, characters).replace(/\s+\S*$/, '')} …`;
  return { ...unit, text: unit.kind === 'code' ? `${cut}\n\`\`\`` : cut };
};

/**
 * Renders the units, given in the order they were chosen (most important first), within
 * MAX_ANSWER_CHARACTERS: the selection's budget is an estimate, this is the guarantee.
 */
export const renderWithinLimit = (units: ScoredUnit[]): string => {
  let kept = units;
  let text = renderAnswer(kept);
  while (text.length > MAX_ANSWER_CHARACTERS && kept.length > 1) {
    kept = kept.slice(0, -1);
    text = renderAnswer(kept);
  }
  const only = kept[0];
  if (text.length > MAX_ANSWER_CHARACTERS && only) text = renderAnswer([shorten(only, MAX_ANSWER_CHARACTERS - 40)]);
  return text;
};
