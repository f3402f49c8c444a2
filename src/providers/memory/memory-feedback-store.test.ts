import { describe, expect, it } from 'vitest';
import { runFeedbackStoreContract } from '../../../test/contracts/feedback-store-contract.js';
import { createMemoryFeedbackStore } from './memory-feedback-store.js';

runFeedbackStoreContract('memory', async () => ({ store: createMemoryFeedbackStore() }));

describe('the memory feedback store', () => {
  it('hands out copies, so a caller cannot change recorded answers', async () => {
    const store = createMemoryFeedbackStore();
    await store.recordAnswer({ answerId: 'a1', tenantId: 'T', platform: 'web', channelId: 'C', outcome: 'answered', scope: ['faq'], sources: [], totalMs: 1, at: new Date().toISOString() });
    const found = await store.findAnswer({ answerId: 'a1' });
    if (found) found.outcome = 'tampered';
    expect((await store.findAnswer({ answerId: 'a1' }))?.outcome).toBe('answered');
  });
});
