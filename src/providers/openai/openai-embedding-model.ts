import type OpenAI from 'openai';
import type { EmbeddingModel } from '../../core/ports/embedding-model.js';
import { fromSdkError } from '../llm/sdk-error.js';

const KNOWN_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/**
 * OpenAI embeddings, or any OpenAI-compatible server (a base URL away). Self-hosted models need
 * their dimension configured; `text-embedding-3-*` can also be shortened with it.
 */
export const createOpenAIEmbeddingModel = (client: OpenAI, options: { modelId: string; dimensions?: number }): EmbeddingModel => {
  const dimensions = options.dimensions ?? KNOWN_DIMENSIONS[options.modelId] ?? 1536;
  const shortened = options.dimensions !== undefined && options.modelId.startsWith('text-embedding-3');
  return {
    provider: 'openai',
    modelId: options.dimensions ? `${options.modelId}@${options.dimensions}` : options.modelId,
    dimensions,
    // Well under the API's 2048 inputs and 300k tokens per request for 300-token passages.
    maxValuesPerCall: 256,
    async embed({ values, signal }) {
      try {
        const response = await client.embeddings.create(
          { model: options.modelId, input: values, ...(shortened ? { dimensions } : {}) },
          { signal },
        );
        const ordered = [...response.data].sort((left, right) => left.index - right.index);
        return { embeddings: ordered.map((item) => item.embedding), usage: { tokens: response.usage.total_tokens } };
      } catch (error) {
        throw fromSdkError('openai embeddings', error, signal);
      }
    },
  };
};
