/** Shared state with expiry: idempotency keys, caches, locks, rate limits. */
export type KeyValueStore = {
  readonly provider: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  /** Sets only when absent; true when this call set it. The basis of exactly-once handling and locks. */
  setIfAbsent(key: string, value: string, options?: { ttlMs?: number }): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes only while the key still holds this value: releases a lock only its owner holds. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
  /** Token bucket: takes one token if any is left; otherwise says when the next one arrives. */
  takeToken(key: string, bucket: { capacity: number; refillPerSecond: number }): Promise<{ allowed: boolean; retryAfterMs: number }>;
  close?(): Promise<void>;
};
