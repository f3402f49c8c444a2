import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../src/core/ports/key-value-store.js';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** One behaviour for every KeyValueStore: run against memory and Redis. */
export const runKeyValueStoreContract = (name: string, create: () => Promise<{ store: KeyValueStore; cleanup?: () => Promise<void> }>) => {
  describe(`KeyValueStore contract: ${name}`, () => {
    let store: KeyValueStore;
    let cleanup: (() => Promise<void>) | undefined;
    let prefix = 0;
    const key = (suffix: string) => `contract:${prefix}:${suffix}`;
    beforeAll(async () => {
      ({ store, cleanup } = await create());
    });
    afterAll(async () => {
      await store.close?.();
      await cleanup?.();
    });
    it('sets, gets and deletes values', async () => {
      prefix++;
      expect(await store.get(key('a'))).toBeUndefined();
      await store.set(key('a'), 'one');
      expect(await store.get(key('a'))).toBe('one');
      await store.set(key('a'), 'two');
      expect(await store.get(key('a'))).toBe('two');
      await store.delete(key('a'));
      expect(await store.get(key('a'))).toBeUndefined();
    });

    it('lets exactly one of many concurrent callers set an absent key', async () => {
      prefix++;
      const results = await Promise.all(Array.from({ length: 25 }, (_, index) => store.setIfAbsent(key('event'), String(index), { ttlMs: 60_000 })));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get(key('event'))).toBe(String(results.indexOf(true)));
    });

    it('expires values after their TTL', async () => {
      prefix++;
      await store.set(key('short'), 'x', { ttlMs: 60 });
      expect(await store.setIfAbsent(key('short-nx'), 'y', { ttlMs: 60 })).toBe(true);
      await sleep(150);
      expect(await store.get(key('short'))).toBeUndefined();
      expect(await store.setIfAbsent(key('short-nx'), 'z', { ttlMs: 60 })).toBe(true);
    });

    it('deletes a lock only for the owner still holding it', async () => {
      prefix++;
      await store.setIfAbsent(key('lock'), 'owner-a', { ttlMs: 60_000 });
      expect(await store.deleteIfEquals(key('lock'), 'owner-b')).toBe(false);
      expect(await store.get(key('lock'))).toBe('owner-a');
      expect(await store.deleteIfEquals(key('lock'), 'owner-a')).toBe(true);
      expect(await store.get(key('lock'))).toBeUndefined();
    });

    it('limits a token bucket to its capacity and says when to come back', async () => {
      prefix++;
      const bucket = { capacity: 2, refillPerSecond: 1 };
      expect((await store.takeToken(key('bucket'), bucket)).allowed).toBe(true);
      expect((await store.takeToken(key('bucket'), bucket)).allowed).toBe(true);
      const refused = await store.takeToken(key('bucket'), bucket);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(500);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(1_000);
      expect((await store.takeToken(key('other-bucket'), bucket)).allowed).toBe(true);
    });

    it('refills a token bucket over time', async () => {
      prefix++;
      const bucket = { capacity: 1, refillPerSecond: 20 };
      expect((await store.takeToken(key('refill'), bucket)).allowed).toBe(true);
      expect((await store.takeToken(key('refill'), bucket)).allowed).toBe(false);
      await sleep(120);
      expect((await store.takeToken(key('refill'), bucket)).allowed).toBe(true);
    });
  });
};
