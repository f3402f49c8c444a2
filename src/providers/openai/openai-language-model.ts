import OpenAI from 'openai';
import type { LanguageModel } from '../../core/ports/language-model.js';
import { silentLogger, type Logger } from '../../core/ports/logger.js';
import { conversation, readReply, SYSTEM_PROMPT, userMessage } from '../llm/answer-prompt.js';
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

/** Chat completions answering from numbered sources; a reply is withheld (and logged) when it repeats the system prompt. */
export const createOpenAILanguageModel = (client: OpenAI, modelId: string, { logger = silentLogger }: { logger?: Logger } = {}): LanguageModel => ({
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
      return { ...readReply(text, { logger, provider: 'openai', modelId }), ...(usage ? { usage } : {}) };
    } catch (error) {
      throw fromSdkError('openai', error, signal);
    }
  },
});
