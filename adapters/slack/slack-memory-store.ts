import type { KeyValueStore } from '../../src/core/ports/key-value-store.js';

/**
 * The adapter's caches (answered threads, memberships) when the composition root gives it no
 * shared store: one process's memory, with expiry and a size bound so a long-running bot does not
 * grow without end. Adapters may not import providers, hence this small copy.
 */
export const createSlackMemoryStore = (maxEntries = 20_000): KeyValueStore => {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) entries.delete(key);
    return entries.get(key);
  };
  const put = (key: string, value: string, ttlMs: number | undefined) => {
    entries.delete(key);
    entries.set(key, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlMs });
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  };
  return {
    provider: 'slack-memory',
    get: async (key) => live(key)?.value,
    set: async (key, value, options) => put(key, value, options?.ttlMs),
    setIfAbsent: async (key, value, options) => {
      if (live(key)) return false;
      put(key, value, options?.ttlMs);
      return true;
    },
    delete: async (key) => {
      entries.delete(key);
    },
    deleteIfEquals: async (key, value) => {
      if (live(key)?.value !== value) return false;
      entries.delete(key);
      return true;
    },
    takeToken: async (key, bucket) => {
      const now = Date.now();
      const stored = live(key);
      const [tokens, at] = stored ? (JSON.parse(stored.value) as [number, number]) : [bucket.capacity, now];
      const available = Math.min(bucket.capacity, tokens + ((now - at) / 1000) * bucket.refillPerSecond);
      const allowed = available >= 1;
      const left = allowed ? available - 1 : available;
      put(key, JSON.stringify([left, now]), Math.ceil(((bucket.capacity - left) / bucket.refillPerSecond) * 1000) + 1_000);
      return { allowed, retryAfterMs: allowed ? 0 : Math.ceil(((1 - left) / bucket.refillPerSecond) * 1000) };
    },
  };
};
