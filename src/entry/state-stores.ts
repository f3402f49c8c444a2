import { join } from 'node:path';
import type { Config } from '../config/config-schema.js';
import type { EmbeddingCache } from '../core/ports/embedding-cache.js';
import type { FeedbackStore } from '../core/ports/feedback-store.js';
import type { IndexCatalogStore } from '../core/ports/index-catalog-store.js';
import type { KeyValueStore } from '../core/ports/key-value-store.js';
import { createFileEmbeddingCache } from '../providers/local/file-embedding-cache.js';
import { createFileIndexCatalogStore } from '../providers/local/file-index-catalog-store.js';
import { createMemoryFeedbackStore } from '../providers/memory/memory-feedback-store.js';
import { createMemoryKeyValueStore } from '../providers/memory/memory-key-value-store.js';
import { createDependencyPolicy, type ResilienceEvents } from '../resilience/dependency-policy.js';
import { createFallbackFeedbackStore } from '../resilience/fallback-feedback-store.js';
import { createFallbackKeyValueStore } from '../resilience/fallback-key-value-store.js';
import { POLICY_SETTINGS } from '../resilience/policy-settings.js';

export type StateStores = {
  state: KeyValueStore;
  feedback: FeedbackStore;
  catalogs: IndexCatalogStore;
  embeddingCache: EmbeddingCache;
  close(): Promise<void>;
};

/**
 * Without REDIS_URL: memory plus files under the data directory. With it: Redis for everything
 * replicas must share, memory when Redis is down (feedback written back once it is up). Catalogs stay on disk with the embedded store,
 * and move to Redis with Pinecone, where every replica indexes into one shared index.
 */
export const createStateStores = async (
  config: Config,
  dataDirectory: string,
  events: ResilienceEvents & { onStateMode?: (mode: 'primary' | 'fallback') => void } = {},
): Promise<StateStores> => {
  const memory = createMemoryKeyValueStore();
  const fileCatalogs = createFileIndexCatalogStore({ directory: join(dataDirectory, 'catalogs') });
  const fileEmbeddings = createFileEmbeddingCache({ directory: join(dataDirectory, 'embeddings') });
  if (!config.redisUrl) {
    return { state: memory, feedback: createMemoryFeedbackStore(), catalogs: fileCatalogs, embeddingCache: fileEmbeddings, close: async () => undefined };
  }
  // ioredis loads only when Redis is configured.
  const [{ createRedisKeyValueStore }, { createRedisFeedbackStore }, { createRedisIndexCatalogStore }, { createRedisEmbeddingCache }] = await Promise.all([
    import('../providers/redis/redis-key-value-store.js'),
    import('../providers/redis/redis-feedback-store.js'),
    import('../providers/redis/redis-index-catalog-store.js'),
    import('../providers/redis/redis-embedding-cache.js'),
  ]);
  const redis = await createRedisKeyValueStore({ url: config.redisUrl });
  // One policy, so one breaker: state and feedback see the same Redis.
  const policy = createDependencyPolicy('redis', POLICY_SETTINGS.redis, events);
  const state = createFallbackKeyValueStore({ primary: redis, fallback: memory, policy, onModeChange: (mode) => events.onStateMode?.(mode) });
  // Feedback given while Redis is down is kept in memory and written to Redis once it is back.
  const feedback = createFallbackFeedbackStore({ primary: createRedisFeedbackStore(redis.client), policy });
  return {
    state,
    feedback,
    catalogs: config.vectorStore.kind === 'pinecone' ? createRedisIndexCatalogStore(redis.client) : fileCatalogs,
    embeddingCache: createRedisEmbeddingCache(redis.client),
    close: async () => {
      await feedback.close(); // a last replay, while the connection is still open
      await state.close?.();
    },
  };
};
