import { describe, expect, it } from 'vitest';
import { runKeyValueStoreContract } from '../../../test/contracts/key-value-store-contract.js';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { createRedisKeyValueStore } from './redis-key-value-store.js';

runKeyValueStoreContract('redis (a real redis-server)', async () => {
  const server = await startRedisServer();
  return { store: await createRedisKeyValueStore({ url: server.url }), cleanup: server.stop };
});

describe('Redis state shared by replicas', () => {
  it('lets only one of two bot replicas claim the same event', async () => {
    const server = await startRedisServer();
    const [replicaA, replicaB] = await Promise.all([createRedisKeyValueStore({ url: server.url }), createRedisKeyValueStore({ url: server.url })]);
    const claims = await Promise.all([replicaA.setIfAbsent('seen:slack:T1:Ev1', 'a', { ttlMs: 60_000 }), replicaB.setIfAbsent('seen:slack:T1:Ev1', 'b', { ttlMs: 60_000 })]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await replicaA.close?.();
    await replicaB.close?.();
    await server.stop();
  });
});
