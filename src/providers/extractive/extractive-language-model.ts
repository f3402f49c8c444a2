import type { LanguageModel } from '../../core/ports/language-model.js';
import { renderWithinLimit } from './render-answer.js';
import { selectUnits } from './select-units.js';

/**
 * The answerer that needs no language model: the sentences, commands, list items and table rows
 * of the retrieved passages that best match the question, with `[n]` citations.
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
    return { text: renderWithinLimit(units) };
  },
});
