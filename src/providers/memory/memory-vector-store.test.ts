import { runVectorStoreContract } from '../../../test/contracts/vector-store-contract.js';
import { createMemoryVectorStore } from './memory-vector-store.js';

runVectorStoreContract('memory (test fake)', async () => ({ store: createMemoryVectorStore() }));
