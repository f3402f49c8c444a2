import { describe, expect, it } from 'vitest';
import { createSearchScope } from '../../core/access/search-scope.js';
import { sampleChunk } from '../../../test/support/sample-chunks.js';
import { runVectorStoreContract } from '../../../test/contracts/vector-store-contract.js';
import { createMemoryVectorStore } from './memory-vector-store.js';

runVectorStoreContract('memory (test fake)', async () => ({ store: createMemoryVectorStore() }));

describe('the memory store (test fake)', () => {
  it('keeps a copy: changing a chunk after upserting it changes nothing stored', async () => {
    const store = createMemoryVectorStore();
    const chunk = sampleChunk({ text: 'Drain the server first.' });
    await store.upsert({ namespace: 'acme__runbooks', chunks: [chunk] });
    chunk.text = 'tampered';
    const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), lexicalQuery: 'drain server', topK: 1 });
    expect(hits[0]?.chunk.text).toBe('Drain the server first.');
  });
});
