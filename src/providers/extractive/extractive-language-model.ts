import type { LanguageModel } from '../../core/ports/language-model.js';
import { selectUnits, type ScoredUnit } from './select-units.js';

const render = (units: ScoredUnit[]): string => {
  const bySource = new Map<number, ScoredUnit[]>();
  for (const unit of units) bySource.set(unit.source, [...(bySource.get(unit.source) ?? []), unit]);
  const order = [...bySource.keys()].sort(
    (left, right) => Math.max(...(bySource.get(right) ?? []).map((unit) => unit.score)) - Math.max(...(bySource.get(left) ?? []).map((unit) => unit.score)),
  );
  const paragraphs: string[] = [];
  for (const source of order) {
    const group = (bySource.get(source) ?? []).sort((left, right) => left.index - right.index);
    const lines: string[] = [];
    let header: string | undefined;
    for (const unit of group) {
      if (unit.kind === 'code') {
        lines.push(unit.text);
      } else if (unit.kind === 'row') {
        // Rows of one table share one header line.
        if (unit.context && unit.context !== header) lines.push(unit.context);
        header = unit.context;
        lines.push(`${unit.text} [${source}]`);
      } else {
        header = undefined;
        lines.push(`${unit.text} [${source}]`);
      }
    }
    // A group of code alone still needs its citation.
    if (group.every((unit) => unit.kind === 'code')) lines.unshift(`From [${source}]:`);
    paragraphs.push(lines.join('\n'));
  }
  return paragraphs.join('\n\n');
};

/**
 * The answerer that needs no language model: the sentences, commands and list items of the
 * retrieved passages that best match the question, each with its `[n]` citation.
 */
export const createExtractiveLanguageModel = (): LanguageModel => ({
  provider: 'extractive',
  modelId: 'extractive-v1',
  async generate({ question, sources }) {
    const units = selectUnits(question, sources);
    if (units.length === 0) {
      const first = sources[0];
      return { text: first ? `${first.text.split('\n\n')[0] ?? ''} [${first.n}]` : '' };
    }
    return { text: render(units) };
  },
});
