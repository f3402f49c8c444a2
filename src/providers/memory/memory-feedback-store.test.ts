import { runFeedbackStoreContract } from '../../../test/contracts/feedback-store-contract.js';
import { createMemoryFeedbackStore } from './memory-feedback-store.js';

runFeedbackStoreContract('memory', async () => ({ store: createMemoryFeedbackStore() }));
