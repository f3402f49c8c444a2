import { runFeedbackStoreContract } from '../../../test/contracts/feedback-store-contract.js';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { createRedisFeedbackStore } from './redis-feedback-store.js';
import { createRedisKeyValueStore } from './redis-key-value-store.js';

runFeedbackStoreContract('redis (a real redis-server)', async () => {
  const server = await startRedisServer();
  const state = await createRedisKeyValueStore({ url: server.url });
  return {
    store: createRedisFeedbackStore(state.client),
    cleanup: async () => {
      await state.close?.();
      await server.stop();
    },
  };
});
