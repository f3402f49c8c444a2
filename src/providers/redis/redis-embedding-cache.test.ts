import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { isBotError } from '../../core/bot-error.js';
import { createRedisEmbeddingCache } from './redis-embedding-cache.js';
import { decodeVector, encodeVector } from '../vector-base64.js';
import { createRedisKeyValueStore } from './redis-key-value-store.js';

const hash = (character: string) => character.repeat(64);

describe('the Redis embedding cache (a real redis-server)', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let state: Awaited<ReturnType<typeof createRedisKeyValueStore>>;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    state = await createRedisKeyValueStore({ url: server.url });
    client = state.client;
  });
  beforeEach(async () => {
    await client.flushdb();
  });
  afterAll(async () => {
    await state?.close?.();
    await server?.stop();
  });

  it('keeps vectors per model, as float32s, and leaves misses out', async () => {
    await createRedisEmbeddingCache(client).setMany('model-a', new Map([[hash('a'), [0.5, -1.25, 3]], [hash('b'), [0.1, 2, 3]]]));
    const cache = createRedisEmbeddingCache(client);
    const found = await cache.getMany('model-a', [hash('a'), hash('c'), hash('b')]);
    expect([...found.keys()].sort()).toEqual([hash('a'), hash('b')]);
    expect(found.get(hash('a'))).toEqual([0.5, -1.25, 3]);
    expect(found.get(hash('b'))?.[0]).toBeCloseTo(0.1, 6); // float32 precision
    expect((await cache.getMany('model-b', [hash('a')])).size).toBe(0);
    expect((await cache.getMany('model-a', [])).size).toBe(0);
  });

  it('stores base64 float32 under embedding:<modelId>:<textHash>, with a TTL', async () => {
    await createRedisEmbeddingCache(client, { ttlDays: 2 }).setMany('m', new Map([[hash('a'), [1, 2]]]));
    const raw = await client.get(`embedding:m:${hash('a')}`);
    expect(raw).toBe(Buffer.from(new Float32Array([1, 2]).buffer).toString('base64'));
    const ttl = await client.ttl(`embedding:m:${hash('a')}`);
    expect(ttl).toBeGreaterThan(2 * 24 * 3600 - 10);
    expect(ttl).toBeLessThanOrEqual(2 * 24 * 3600);
  });

  it('handles more entries than one MGET or pipeline batch, and ignores damaged values', async () => {
    const entries = new Map(Array.from({ length: 1_234 }, (_, position) => [position.toString(16).padStart(64, '0'), [position, -position]] as [string, number[]]));
    const cache = createRedisEmbeddingCache(client);
    await cache.setMany('big', entries);
    await client.set(`embedding:big:${hash('d')}`, 'not base64 float32s!');
    const found = await cache.getMany('big', [...entries.keys(), hash('d')]);
    expect(found.size).toBe(1_234);
    expect(found.get((1_000).toString(16).padStart(64, '0'))).toEqual([1_000, -1_000]);
    expect(decodeVector(encodeVector([0.25, -8]))).toEqual([0.25, -8]);
  });

  it('wraps an outage as a retryable state_unavailable error', async () => {
    const cache = createRedisEmbeddingCache(client);
    await server.stop();
    try {
      for (const call of [() => cache.getMany('m', [hash('a')]), () => cache.setMany('m', new Map([[hash('a'), [1]]]))]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(isBotError(error, 'state_unavailable')).toBe(true);
        expect((error as { retryable: boolean }).retryable).toBe(true);
      }
    } finally {
      await server.start();
    }
  });
});
