import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanguageModel, NumberedSource } from '../../src/core/ports/language-model.js';

const sources: NumberedSource[] = [
  { n: 1, title: 'VLAN standard', section: 'Branches', text: 'Branch offices use VLAN 110 for voice.', score: 0.4 },
  { n: 2, title: 'HAProxy runbook', section: 'Drain', text: 'Drain a server with set server be_app/web1 state drain. Then wait.', score: 1 },
];

/**
 * One behaviour for every LanguageModel: it answers from the numbered sources and cites them.
 * `generative` models can also say the sources do not answer, and report token usage.
 */
export const runLanguageModelContract = (
  name: string,
  create: () => Promise<{ model: LanguageModel; generative: boolean; cleanup?: () => Promise<void> }>,
) => {
  describe(`LanguageModel contract: ${name}`, () => {
    let model: LanguageModel;
    let generative = false;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ model, generative, cleanup } = await create());
    });
    afterAll(async () => cleanup?.());

    it('answers from the sources with in-range [n] citations', async () => {
      const result = await model.generate({ question: 'how do I drain a server?', history: [], sources });
      expect(result.text).toContain('state drain');
      const cited = [...result.text.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
      expect(cited).toContain(2);
      expect(cited.every((n) => n >= 1 && n <= sources.length)).toBe(true);
      expect(result.noAnswer ?? false).toBe(false);
    });

    it('says so when the sources do not answer (generative models)', async () => {
      if (!generative) return; // The extractive answerer quotes; abstention happens before it, in retrieval.
      const result = await model.generate({ question: 'what is the kafka retention?', history: [], sources });
      expect(result.noAnswer).toBe(true);
    });

    it('reports token usage (generative models)', async () => {
      if (!generative) return; // Extraction uses no tokens.
      const result = await model.generate({ question: 'how do I drain a server?', history: [], sources });
      expect(result.usage?.inputTokens).toBeGreaterThan(0);
      expect(result.usage?.outputTokens).toBeGreaterThan(0);
    });

    it('accepts thread history, including one that opens with the bot', async () => {
      const result = await model.generate({
        question: 'and how do I drain it?',
        history: [{ role: 'assistant', text: 'Earlier answer.' }, { role: 'user', text: 'about web1' }, { role: 'user', text: 'on lb1' }],
        sources,
      });
      expect(result.text).toContain('[2]');
    });
  });
};
