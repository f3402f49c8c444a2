import { searchableText, type Chunk, type StoredChunk } from '../chunk.js';
import type { EmbeddingCache } from '../ports/embedding-cache.js';
import type { EmbeddingModel } from '../ports/embedding-model.js';
import { BotError } from '../bot-error.js';
import { sha256 } from './hash.js';

/**
 * Attaches vectors to chunks, embedding only texts the cache has not seen for this model.
 * Returns how many texts were actually sent to the model.
 */
export const embedChunks = async (
  chunks: Chunk[],
  model: EmbeddingModel,
  cache: EmbeddingCache,
  signal?: AbortSignal,
): Promise<{ stored: StoredChunk[]; embedded: number }> => {
  const texts = chunks.map((chunk) => searchableText(chunk));
  const hashes = texts.map((text) => sha256(text));
  const cached = await cache.getMany(model.modelId, [...new Set(hashes)]);
  const missing = new Map<string, string>();
  hashes.forEach((hash, index) => {
    if (!cached.has(hash)) missing.set(hash, texts[index] ?? '');
  });
  const fresh = new Map<string, number[]>();
  const pending = [...missing];
  for (let start = 0; start < pending.length; start += model.maxValuesPerCall) {
    const batch = pending.slice(start, start + model.maxValuesPerCall);
    const { embeddings } = await model.embed({ values: batch.map(([, text]) => text), purpose: 'document', signal });
    if (embeddings.length !== batch.length) {
      throw new BotError('provider_call_failed', `${model.provider} returned ${embeddings.length} embeddings for ${batch.length} texts`);
    }
    batch.forEach(([hash], index) => fresh.set(hash, embeddings[index] ?? []));
  }
  if (fresh.size > 0) await cache.setMany(model.modelId, fresh);
  const stored = chunks.map((chunk, index) => {
    const hash = hashes[index] ?? '';
    const vector = cached.get(hash) ?? fresh.get(hash);
    if (!vector || vector.length !== model.dimensions) {
      throw new BotError('provider_call_failed', `${model.provider}:${model.modelId} returned a vector of ${vector?.length ?? 0} dimensions, expected ${model.dimensions}`);
    }
    return { ...chunk, vector };
  });
  return { stored, embedded: fresh.size };
};
