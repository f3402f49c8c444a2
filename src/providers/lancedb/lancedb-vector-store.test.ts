import { describe, expect, it } from 'vitest';
import { createSearchScope } from '../../core/access/search-scope.js';
import { sampleChunk } from '../../../test/support/sample-chunks.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVectorStoreContract } from '../../../test/contracts/vector-store-contract.js';
import { createLanceDbVectorStore } from './lancedb-vector-store.js';

runVectorStoreContract('lancedb', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-'));
  return { store: await createLanceDbVectorStore({ directory }), cleanup: () => rm(directory, { recursive: true, force: true }) };
});

describe('the LanceDB store on disk', () => {
  it('keeps its chunks for the next process (a new store on the same directory)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-'));
    const first = await createLanceDbVectorStore({ directory });
    await first.upsert({ namespace: 'acme__runbooks', chunks: [sampleChunk({ documentId: 'a.md', text: 'Rotate the edge certificates every ninety days.' })] });
    await first.optimize?.({ namespace: 'acme__runbooks' });
    await first.close?.();
    const second = await createLanceDbVectorStore({ directory });
    const hits = await second.query({ scope: createSearchScope('acme', ['runbooks']), lexicalQuery: 'rotate certificates', topK: 3 });
    expect(hits.map((hit) => hit.chunk.documentId)).toEqual(['a.md']);
    await second.close?.();
    await rm(directory, { recursive: true, force: true });
  });
});
