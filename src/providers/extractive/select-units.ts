import type { NumberedSource } from '../../core/ports/language-model.js';
import { splitUnits, type TextUnit } from '../../core/text/sentences.js';
import { scoreUnits, type ScoredUnit } from './score-units.js';

export type { ScoredUnit } from './score-units.js';

/** What the best unit, the strong units and the lead passage's read-on may take together. */
const LEAD_CHARACTERS = 800;
/** The whole answer, estimated as rendered (markers, table headers, blank lines included). */
const ANSWER_CHARACTERS = 1_400;
/** Units scoring at least this share of the best one are quoted before the lead passage reads on. */
const STRONG_SHARE = 0.5;
/** Units scoring below this share of the best one dilute an answer more than they help it. */
const RELATIVE_FLOOR = 0.2;
/** A paragraph this short is quoted whole rather than as one sentence out of context. */
const SHORT_PARAGRAPH_CHARACTERS = 400;
const HEADING_CHARACTERS = 80;
/** A citation marker and line break per unit; a blank line and "From [n]:" per source. */
const UNIT_OVERHEAD = 5;
const SOURCE_OVERHEAD = 12;

const STOP_PUNCTUATION = /[.!?:;,]$/;

/** Reads like a heading: short and unpunctuated ("Rollback"), or a question. */
export const headingLike = (unit: TextUnit): boolean =>
  (unit.kind === 'prose' || unit.kind === 'item') &&
  (unit.text.endsWith('?') || (unit.text.length <= HEADING_CHARACTERS && !STOP_PUNCTUATION.test(unit.text)));

/**
 * A line that names what follows it: a heading the chunker turned into text ("Rollback",
 * "6. Suspected split brain") or a question of a FAQ, on a line of its own.
 */
const isHeading = (units: TextUnit[], index: number): boolean => {
  const unit = units[index];
  const next = units[index + 1];
  if (!unit || !next || !headingLike(unit)) return false;
  // A bullet of a list is a bullet, not a heading, whatever its punctuation.
  if (unit.kind === 'item' && next.block === unit.block) return false;
  return unit.text.endsWith('?') || (units[index - 1]?.block !== unit.block && next.block !== unit.block);
};

const introduces = (unit: TextUnit | undefined) => unit !== undefined && unit.kind !== 'code' && unit.text.endsWith(':');

/**
 * The unit that `units[index]` is not worth quoting without: what "Run:" or a heading announces,
 * or the sentence that introduces a code block.
 */
const companionOf = (units: TextUnit[], index: number): TextUnit | undefined => {
  const unit = units[index];
  if (introduces(unit) || isHeading(units, index)) return units[index + 1];
  return unit?.kind === 'code' && introduces(units[index - 1]) ? units[index - 1] : undefined;
};

/** The units that travel with `units[index]` so that it reads right, nearest first. */
const partnersOf = (units: TextUnit[], index: number, isChosen: (index: number) => boolean): TextUnit[] => {
  const unit = units[index];
  if (!unit) return [];
  const partners: TextUnit[] = [];
  const sameBlock = units.filter((other) => other.block === unit.block);
  // Backwards: the sentence introducing a code block or list ("Run:"), or the heading above.
  const before = units[(sameBlock[0]?.index ?? index) - 1];
  if ((unit.kind === 'code' || unit.kind === 'item') && introduces(before)) partners.push(before as TextUnit);
  else if (isHeading(units, index - 1)) partners.push(units[index - 1] as TextUnit);
  // Forwards: what an introduction announces (the code block, or the whole list), what a heading heads.
  const next = units[index + 1];
  if (introduces(unit) && next?.kind === 'code') partners.push(next);
  else if (introduces(unit) && next?.kind === 'item') partners.push(...units.filter((other) => other.block === next.block));
  else if (isHeading(units, index) && next) partners.push(next);
  // The rest of a short paragraph: the sentence before or after often carries the condition or the name.
  if (unit.kind === 'prose' && sameBlock.reduce((sum, other) => sum + other.text.length, 0) <= SHORT_PARAGRAPH_CHARACTERS) partners.push(...sameBlock);
  // A single unit between two quoted ones of the same list or table: a step of a procedure, a row.
  for (const [gap, far] of [[index - 1, index - 2], [index + 1, index + 2]] as const) {
    if (isChosen(far) && units[gap]?.block === unit.block) partners.push(units[gap] as TextUnit);
  }
  return partners.filter((partner) => partner.kind !== 'header');
};

/**
 * Picks what the answer quotes, most important first: the best unit; every unit scoring at least
 * half as well; the lead passage read on from there (the steps after "Run:", the sentence after a
 * command) up to its next heading or table; then the best remaining units down to the floor. Each
 * unit brings what it needs to read right (partnersOf), and the whole stays within the budgets.
 */
export const selectUnits = (question: string, sources: NumberedSource[]): ScoredUnit[] => {
  const ranked = scoreUnits(question, sources);
  const best = ranked[0];
  if (!best) return [];
  const unitsBySource = new Map(sources.map((source) => [source.n, splitUnits(source.text)]));
  const scores = new Map(ranked.map((unit) => [`${unit.source}:${unit.index}`, unit.score]));
  const chosen = new Map<string, ScoredUnit>();
  const countedHeaders = new Set<string>();
  const quotedSources = new Set<number>();
  let characters = 0;

  const costOf = (unit: TextUnit, source: number) => {
    const header = unit.kind === 'row' && unit.context && !countedHeaders.has(`${source}:${unit.context}`) ? unit.context.length + 1 : 0;
    return unit.text.length + UNIT_OVERHEAD + header + (quotedSources.has(source) ? 0 : SOURCE_OVERHEAD);
  };
  const add = (unit: TextUnit, source: number, limit: number): boolean => {
    const key = `${source}:${unit.index}`;
    if (chosen.has(key)) return true;
    const siblings = unitsBySource.get(source) ?? [];
    const companion = companionOf(siblings, unit.index);
    const companionCost = companion && !chosen.has(`${source}:${companion.index}`) ? companion.text.length + UNIT_OVERHEAD : 0;
    const cost = costOf(unit, source);
    if (chosen.size > 0 && characters + cost + companionCost > limit) return false;
    chosen.set(key, { ...unit, source, score: scores.get(key) ?? 0 });
    if (unit.kind === 'row' && unit.context) countedHeaders.add(`${source}:${unit.context}`);
    quotedSources.add(source);
    characters += cost;
    for (const partner of partnersOf(siblings, unit.index, (index) => chosen.has(`${source}:${index}`))) add(partner, source, limit);
    return true;
  };

  for (const unit of ranked) {
    if (unit.score < best.score * STRONG_SHARE) break;
    add(unit, unit.source, LEAD_CHARACTERS);
  }
  // The lead passage reads on from its last quoted unit. Table rows are records, not a story:
  // the ones that match came in by their score.
  const lead = unitsBySource.get(best.source) ?? [];
  const lastQuoted = () => Math.max(...[...chosen.values()].filter((unit) => unit.source === best.source).map((unit) => unit.index));
  for (let next = lastQuoted() + 1; next < lead.length; next = lastQuoted() + 1) {
    const unit = lead[next] as TextUnit;
    if (isHeading(lead, next) || unit.kind === 'header' || unit.kind === 'row') break;
    if (!add(unit, best.source, LEAD_CHARACTERS)) break;
  }
  for (const unit of ranked) {
    if (unit.score < best.score * RELATIVE_FLOOR || characters >= ANSWER_CHARACTERS) break;
    add(unit, unit.source, ANSWER_CHARACTERS);
  }
  return [...chosen.values()];
};
