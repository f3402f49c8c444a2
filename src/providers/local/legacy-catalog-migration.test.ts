import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexCollection } from '../../core/indexing/index-collection.js';
import type { IndexCatalog } from '../../core/ports/index-catalog-store.js';
import { createMemoryEmbeddingCache } from '../memory/memory-embedding-cache.js';
import { createMemoryVectorStore } from '../memory/memory-vector-store.js';
import { countingEmbedder, createInMemorySource, paragraphParser } from '../../../test/support/in-memory-documents.js';
import { createFileIndexCatalogStore } from './file-index-catalog-store.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ragbot-legacy-catalog-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const documents = {
  'haproxy.md': '# HAProxy\n\nDrain a server with set server state drain.\n\nCheck sessions with show stat.',
  'vlan.md': '# VLANs\n\nBranch voice traffic uses VLAN 110.\n\nGuest Wi-Fi uses VLAN 120.',
  'bgp.md': '# BGP\n\nUse show bgp summary to see session state.',
};

describe('a data directory whose catalog has the format before the term shards', () => {
  it('is indexed incrementally, to the statistics a full run computes, and saved in the new format', async () => {
    const files = createInMemorySource(documents);
    const dependencies = {
      store: createMemoryVectorStore(),
      catalogs: createFileIndexCatalogStore({ directory }),
      parser: paragraphParser,
      embedder: countingEmbedder().model,
      embeddingCache: createMemoryEmbeddingCache(),
    };
    const run = (options: { full?: boolean } = {}) => indexCollection(dependencies, { source: files.source, tenantId: 'acme', collection: 'runbooks', ...options });
    await run();

    // What the previous version wrote: each record with its own share, no totals, no shard files.
    const path = join(directory, 'acme__runbooks.catalog.json');
    const current = JSON.parse(await readFile(path, 'utf8')) as IndexCatalog;
    const shares = await dependencies.catalogs.loadDocumentTerms('acme__runbooks', Object.values(current.documents).map((record) => record.hash));
    const { termChunkCounts: _totals, ...header } = current;
    const legacyDocuments = Object.fromEntries(Object.entries(current.documents).map(([id, record]) => [id, { ...record, termChunkCounts: shares.get(record.hash) }]));
    await rm(join(directory, 'acme__runbooks.terms'), { recursive: true });
    await writeFile(path, JSON.stringify({ ...header, documents: legacyDocuments }));

    // A new process: the legacy catalog is migrated on read; vlan.md changes, bgp.md goes.
    dependencies.catalogs = createFileIndexCatalogStore({ directory });
    files.write('vlan.md', documents['vlan.md'].replace('VLAN 120', 'VLAN 130 on the guest trunk'));
    files.remove('bgp.md');
    expect(await run()).toMatchObject({ changed: 1, deleted: 1, unchanged: 1 });
    const migrated = JSON.parse(await readFile(path, 'utf8')) as IndexCatalog & { documents: Record<string, { termChunkCounts?: unknown }> };
    expect(Object.values(migrated.documents).every((record) => record.termChunkCounts === undefined)).toBe(true);

    // The next run (another process again) reads the shares the migration wrote out.
    dependencies.catalogs = createFileIndexCatalogStore({ directory });
    files.write('haproxy.md', documents['haproxy.md'].replace('show stat', 'show servers state'));
    expect(await run()).toMatchObject({ changed: 1, unchanged: 1 });
    const incremental = await dependencies.catalogs.load('acme__runbooks');
    await run({ full: true });
    expect(incremental?.termChunkCounts).toEqual((await dependencies.catalogs.load('acme__runbooks'))?.termChunkCounts);
    expect(incremental?.termChunkCounts).toMatchObject({ vlan: 2, trunk: 1, server: 2 });
    expect(incremental?.termChunkCounts.bgp).toBeUndefined();
  });
});
