/** Shared state with expiry: idempotency keys, caches, locks. */
export type KeyValueStore = {
  readonly provider: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  /** Sets only when absent; true when this call set it. The basis of exactly-once handling. */
  setIfAbsent(key: string, value: string, options?: { ttlMs?: number }): Promise<boolean>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
};
