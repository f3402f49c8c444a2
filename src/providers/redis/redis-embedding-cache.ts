import type { Redis } from 'ioredis';
import { redisCall } from './redis-call.js';
import { decodeVector, encodeVector } from '../vector-base64.js';
import type { EmbeddingCache } from '../../core/ports/embedding-cache.js';

/** Keys per MGET and commands per pipeline: bounded round trips for large indexing runs. */
const BATCH = 500;
const DEFAULT_TTL_DAYS = 90;

const keyOf = (modelId: string, textHash: string) => `embedding:${modelId}:${textHash}`;

/**
 * Embeddings shared by every replica and indexing run: `embedding:<modelId>:<textHash>` holds the
 * vector as base64 float32s, expiring `ttlDays` (default 90) after it was last written.
 */
export const createRedisEmbeddingCache = (client: Redis, options: { ttlDays?: number } = {}): EmbeddingCache => {
  const ttlSeconds = Math.max(1, Math.round((options.ttlDays ?? DEFAULT_TTL_DAYS) * 24 * 3600));
  const run = redisCall;

  return {
    getMany: (modelId, textHashes) =>
      run('MGET', async () => {
        const found = new Map<string, number[]>();
        const unique = [...new Set(textHashes)];
        for (let start = 0; start < unique.length; start += BATCH) {
          const hashes = unique.slice(start, start + BATCH);
          const values = await client.mget(hashes.map((hash) => keyOf(modelId, hash)));
          hashes.forEach((hash, position) => {
            const value = values[position];
            const vector = value ? decodeVector(value) : undefined;
            if (vector) found.set(hash, vector);
          });
        }
        return found;
      }),
    setMany: (modelId, entries) =>
      run('SET (pipeline)', async () => {
        const all = [...entries];
        for (let start = 0; start < all.length; start += BATCH) {
          const pipeline = client.pipeline();
          for (const [hash, vector] of all.slice(start, start + BATCH)) pipeline.set(keyOf(modelId, hash), encodeVector(vector), 'EX', ttlSeconds);
          const results = await pipeline.exec();
          const failed = results?.find(([error]) => error);
          if (failed?.[0]) throw failed[0];
        }
      }),
  };
};
