import { runKeyValueStoreContract } from '../../../test/contracts/key-value-store-contract.js';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { createRedisKeyValueStore } from './redis-key-value-store.js';

runKeyValueStoreContract('redis (a real redis-server)', async () => {
  const server = await startRedisServer();
  return { store: await createRedisKeyValueStore({ url: server.url }), cleanup: server.stop };
});
