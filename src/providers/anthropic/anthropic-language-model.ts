import Anthropic from '@anthropic-ai/sdk';
import type { LanguageModel } from '../../core/ports/language-model.js';
import { silentLogger, type Logger } from '../../core/ports/logger.js';
import { conversation, readReply, SYSTEM_PROMPT, userMessage } from '../llm/answer-prompt.js';
import { fromSdkError } from '../llm/sdk-error.js';

export type AnthropicProviderOptions = { apiKey: string; baseURL?: string; fetch?: typeof fetch };

export const createAnthropicClient = (options: AnthropicProviderOptions): Anthropic =>
  new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    maxRetries: 0,
    timeout: 120_000,
  });

/** Anthropic messages answering from numbered sources; a reply is withheld (and logged) when it repeats the system prompt. */
export const createAnthropicLanguageModel = (client: Anthropic, modelId: string, { logger = silentLogger }: { logger?: Logger } = {}): LanguageModel => ({
  provider: 'anthropic',
  modelId,
  async generate({ question, history, sources, signal }) {
    try {
      const message = await client.messages.create(
        {
          model: modelId,
          max_tokens: 800,
          system: SYSTEM_PROMPT,
          messages: [
            ...conversation(history, userMessage(question, sources)),
          ],
        },
        { signal },
      );
      const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      return { ...readReply(text, { logger, provider: 'anthropic', modelId }), usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens } };
    } catch (error) {
      throw fromSdkError('anthropic', error, signal);
    }
  },
});
