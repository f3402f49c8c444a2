import { describe, expect, it } from 'vitest';
import { runKeyValueStoreContract } from '../../../test/contracts/key-value-store-contract.js';
import { createMemoryKeyValueStore } from './memory-key-value-store.js';

describe('the memory key-value store', () => {
  it('sets only when absent, which is what deduplication relies on', async () => {
    const store = createMemoryKeyValueStore();
    expect(await store.setIfAbsent('event:1', 'a')).toBe(true);
    expect(await store.setIfAbsent('event:1', 'b')).toBe(false);
    expect(await store.get('event:1')).toBe('a');
  });

  it('expires entries after their TTL', async () => {
    let now = 1_000;
    const store = createMemoryKeyValueStore({ now: () => now });
    await store.set('cache', 'x', { ttlMs: 500 });
    now += 499;
    expect(await store.get('cache')).toBe('x');
    now += 1;
    expect(await store.get('cache')).toBeUndefined();
    expect(await store.setIfAbsent('cache', 'y', { ttlMs: 10 })).toBe(true);
  });

  it('drops the oldest entries beyond its bound', async () => {
    const store = createMemoryKeyValueStore({ maxEntries: 2 });
    await store.set('a', '1');
    await store.set('b', '2');
    await store.set('c', '3');
    expect([await store.get('a'), await store.get('b'), await store.get('c')]).toEqual([undefined, '2', '3']);
    await store.delete('b');
    expect(await store.get('b')).toBeUndefined();
  });
});

runKeyValueStoreContract('memory', async () => ({ store: createMemoryKeyValueStore() }));
