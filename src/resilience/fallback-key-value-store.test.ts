import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryKeyValueStore } from '../providers/memory/memory-key-value-store.js';
import { createRedisKeyValueStore } from '../providers/redis/redis-key-value-store.js';
import { startRedisServer } from '../../test/support/redis-server.js';
import { createDependencyPolicy } from './dependency-policy.js';
import { createFallbackKeyValueStore } from './fallback-key-value-store.js';

const eventually = async (check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met in time');
};

describe('state with Redis, and memory when Redis is down', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('falls back to memory when Redis is killed mid-test, reports it, and returns to Redis when it is back', async () => {
    const modes: string[] = [];
    const redis = await createRedisKeyValueStore({ url: server.url });
    const store = createFallbackKeyValueStore({
      primary: redis,
      fallback: createMemoryKeyValueStore(),
      policy: createDependencyPolicy('redis', { timeoutMs: 500, maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10, breakAfter: 3, halfOpenAfterMs: 200, concurrency: 50, queue: 50 }),
      onModeChange: (mode) => modes.push(mode),
    });
    expect(await store.setIfAbsent('event:1', 'answered')).toBe(true);
    expect(await redis.client.get('event:1')).toBe('answered');

    await server.stop();
    expect(await store.setIfAbsent('event:2', 'answered')).toBe(true);
    expect(await store.setIfAbsent('event:2', 'again')).toBe(false);
    expect(store.mode).toBe('fallback');
    expect(modes).toEqual(['fallback']);

    await server.start();
    await eventually(async () => (await store.setIfAbsent(`probe:${Date.now()}`, 'x'), store.mode === 'primary'));
    expect(modes).toEqual(['fallback', 'primary']);
    await store.set('after', 'recovered');
    expect(await redis.client.get('after')).toBe('recovered');
    await store.close?.();
  }, 30_000);
});
