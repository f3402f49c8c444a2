import type { KeyValueStore } from '../../core/ports/key-value-store.js';

/** In-process state with expiry and a size bound (oldest entries go first). */
export const createMemoryKeyValueStore = (options: { maxEntries?: number; now?: () => number } = {}): KeyValueStore => {
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAt: number }>();

  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const put = (key: string, value: string, ttlMs: number | undefined) => {
    entries.delete(key);
    entries.set(key, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  };

  return {
    provider: 'memory',
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, setOptions) {
      put(key, value, setOptions?.ttlMs);
    },
    async setIfAbsent(key, value, setOptions) {
      if (live(key)) return false;
      put(key, value, setOptions?.ttlMs);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async deleteIfEquals(key, value) {
      if (live(key)?.value !== value) return false;
      entries.delete(key);
      return true;
    },
    async takeToken(key, bucket) {
      const at = now();
      const state = live(key);
      const [storedTokens, storedAt] = state ? (JSON.parse(state.value) as [number, number]) : [bucket.capacity, at];
      const tokens = Math.min(bucket.capacity, storedTokens + ((at - storedAt) / 1000) * bucket.refillPerSecond);
      const allowed = tokens >= 1;
      const left = allowed ? tokens - 1 : tokens;
      // A full bucket needs no entry; keep it only as long as refilling takes.
      const ttlMs = Math.ceil(((bucket.capacity - left) / bucket.refillPerSecond) * 1000) + 1_000;
      put(key, JSON.stringify([left, at]), ttlMs);
      return { allowed, retryAfterMs: allowed ? 0 : Math.ceil(((1 - left) / bucket.refillPerSecond) * 1000) };
    },
  };
};
