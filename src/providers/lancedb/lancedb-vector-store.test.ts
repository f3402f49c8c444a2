import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVectorStoreContract } from '../../../test/contracts/vector-store-contract.js';
import { createLanceDbVectorStore } from './lancedb-vector-store.js';

runVectorStoreContract('lancedb', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-'));
  return { store: await createLanceDbVectorStore({ directory }), cleanup: () => rm(directory, { recursive: true, force: true }) };
});
