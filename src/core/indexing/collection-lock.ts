import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../ports/key-value-store.js';

export type LockedRun<T> = { joined: false; result: T } | { joined: true; result: T | undefined };

const LOCK_TTL_MS = 60_000;
const POLL_MS = 250;

/**
 * One reindex per collection at a time, across replicas: the first caller takes a lock (renewed
 * while it runs); a second caller waits for that run to finish and gets its result ("joins").
 */
export const runExclusively = async <T>(
  state: KeyValueStore,
  name: string,
  run: () => Promise<T>,
  options: { signal?: AbortSignal; maxWaitMs?: number } = {},
): Promise<LockedRun<T>> => {
  const lockKey = `lock:${name}`;
  const resultKey = `lock-result:${name}`;
  const owner = randomUUID();
  if (await state.setIfAbsent(lockKey, owner, { ttlMs: LOCK_TTL_MS })) {
    const renew = setInterval(() => {
      void state.set(lockKey, owner, { ttlMs: LOCK_TTL_MS }).catch(() => undefined);
    }, LOCK_TTL_MS / 3);
    try {
      const result = await run();
      await state.set(resultKey, JSON.stringify({ owner, result }), { ttlMs: 10 * 60_000 });
      return { joined: false, result };
    } finally {
      clearInterval(renew);
      await state.deleteIfEquals(lockKey, owner);
    }
  }
  const deadline = Date.now() + (options.maxWaitMs ?? 30 * 60_000);
  while (Date.now() < deadline && (await state.get(lockKey)) !== undefined) {
    options.signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const finished = await state.get(resultKey);
  return { joined: true, result: finished ? (JSON.parse(finished) as { result: T }).result : undefined };
};
