import type { LanguageModel } from '../src/core/ports/language-model.js';
import { createExtractiveLanguageModel } from '../src/providers/extractive/extractive-language-model.js';

/**
 * An LLM stand-in for the chat-path benchmark: the extractive answer, returned no sooner than
 * `latencyMs` after the call, as a remote model's answer would be. The wait is a timer, not CPU,
 * so concurrent answers overlap the way remote calls do.
 */
export const createFixedLatencyModel = (latencyMs: number): LanguageModel => {
  const extractive = createExtractiveLanguageModel();
  return {
    provider: 'fake-llm',
    modelId: `fixed-${latencyMs}ms`,
    async generate(options) {
      const started = performance.now();
      const generated = await extractive.generate(options);
      const remaining = latencyMs - (performance.now() - started);
      if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
      return generated;
    },
  };
};
