import { Redis } from 'ioredis';
import { redisCall } from './redis-call.js';
import type { KeyValueStore } from '../../core/ports/key-value-store.js';

// Compare-and-delete, atomic: a lock is released only by the owner that still holds it.
const DELETE_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

// Token bucket in one round trip: [tokens, updatedAtMs] in a hash, refilled lazily; time from Redis.
const TAKE_TOKEN = `
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + ((now - at) / 1000) * refill)
local allowed = 0
if tokens >= 1 then
  allowed = 1
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(((capacity - tokens) / refill) * 1000) + 1000)
local wait = 0
if allowed == 0 then wait = math.ceil(((1 - tokens) / refill) * 1000) end
return { allowed, wait }`;

export type RedisKeyValueStoreOptions = { url: string; keyPrefix?: string; connectTimeoutMs?: number };

/**
 * Shared state in Redis so replicas agree on what was answered. Commands fail fast while the
 * connection is down (no offline queue) so the caller can fall back instead of waiting.
 */
export const createRedisKeyValueStore = async (options: RedisKeyValueStoreOptions): Promise<KeyValueStore & { client: Redis }> => {
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? 'ragbot:',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    // Keep reconnecting in the background; recovery is automatic once Redis is back.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: true,
  });
  // Without a listener ioredis reports connection errors as unhandled; the policy sees them per call.
  client.on('error', () => undefined);
  // Start-up does not wait for an unreachable Redis: calls fail fast (and fall back) until it is back.
  await client.connect().catch(() => undefined);

  const run = redisCall;

  return {
    provider: 'redis',
    client,
    get: (key) => run('GET', async () => (await client.get(key)) ?? undefined),
    set: (key, value, setOptions) =>
      run('SET', async () => {
        if (setOptions?.ttlMs !== undefined) await client.set(key, value, 'PX', Math.max(1, Math.round(setOptions.ttlMs)));
        else await client.set(key, value);
      }),
    setIfAbsent: (key, value, setOptions) =>
      run('SET NX', async () => {
        const result = setOptions?.ttlMs !== undefined
          ? await client.set(key, value, 'PX', Math.max(1, Math.round(setOptions.ttlMs)), 'NX')
          : await client.set(key, value, 'NX');
        return result === 'OK';
      }),
    delete: (key) => run('DEL', async () => void (await client.del(key))),
    deleteIfEquals: (key, value) => run('EVAL', async () => (await client.eval(DELETE_IF_EQUALS, 1, key, value)) === 1),
    takeToken: (key, bucket) =>
      run('EVAL', async () => {
        const [allowed, wait] = (await client.eval(TAKE_TOKEN, 1, key, bucket.capacity, bucket.refillPerSecond)) as [number, number];
        return { allowed: allowed === 1, retryAfterMs: wait };
      }),
    close: async () => {
      client.disconnect();
    },
  };
};
