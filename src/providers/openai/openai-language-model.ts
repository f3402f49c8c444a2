import OpenAI from 'openai';
import type { LanguageModel } from '../../core/ports/language-model.js';
import { conversation, isNoAnswer, SYSTEM_PROMPT, userMessage } from '../llm/answer-prompt.js';
import { fromSdkError } from '../llm/sdk-error.js';

export type OpenAIProviderOptions = { apiKey: string; baseURL?: string; fetch?: typeof fetch };

/** The SDK with its own retries off: the bot's policies retry, once, with Retry-After honoured. */
export const createOpenAIClient = (options: OpenAIProviderOptions): OpenAI =>
  new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    maxRetries: 0,
    timeout: 120_000,
  });

/** Chat completions answering from numbered sources. */
export const createOpenAILanguageModel = (client: OpenAI, modelId: string): LanguageModel => ({
  provider: 'openai',
  modelId,
  async generate({ question, history, sources, signal }) {
    try {
      const completion = await client.chat.completions.create(
        {
          model: modelId,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            ...conversation(history, userMessage(question, sources)),
          ],
          max_completion_tokens: 800,
        },
        { signal },
      );
      const text = completion.choices[0]?.message.content ?? '';
      const usage = completion.usage && { inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens };
      return { text, noAnswer: isNoAnswer(text), ...(usage ? { usage } : {}) };
    } catch (error) {
      throw fromSdkError('openai', error, signal);
    }
  },
});
