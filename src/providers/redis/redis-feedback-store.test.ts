import { describe, expect, it } from 'vitest';
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

describe('Redis feedback shared by replicas', () => {
  it('finds an answer recorded by another replica when a reaction arrives there', async () => {
    const server = await startRedisServer();
    const [stateA, stateB] = await Promise.all([createRedisKeyValueStore({ url: server.url }), createRedisKeyValueStore({ url: server.url })]);
    await createRedisFeedbackStore(stateA.client).recordAnswer({
      answerId: 'a1', tenantId: 'T', platform: 'slack', messageRef: 'C1:1700.1', channelId: 'C1', outcome: 'answered', scope: ['faq'], sources: [], totalMs: 5, at: new Date().toISOString(),
    });
    expect((await createRedisFeedbackStore(stateB.client).findAnswer({ platform: 'slack', messageRef: 'C1:1700.1' }))?.answerId).toBe('a1');
    await stateA.close?.();
    await stateB.close?.();
    await server.stop();
  });
});
