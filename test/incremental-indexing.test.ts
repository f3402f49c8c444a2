import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSearchScope } from '../src/core/access/search-scope.js';
import { indexCollection } from '../src/core/indexing/index-collection.js';
import { createDirectorySource } from '../src/ingest/directory-source.js';
import { createDocumentParser } from '../src/ingest/document-parser.js';
import { createLanceDbVectorStore } from '../src/providers/lancedb/lancedb-vector-store.js';
import { createFileEmbeddingCache } from '../src/providers/local/file-embedding-cache.js';
import { createFileIndexCatalogStore } from '../src/providers/local/file-index-catalog-store.js';
import type { VectorStore } from '../src/core/ports/vector-store.js';
import { countingEmbedder } from './support/in-memory-documents.js';

const paragraphs = (topic: string, count: number) =>
  Array.from({ length: count }, (_, index) =>
    `Paragraph ${index + 1} about ${topic}: ${'the operator checks the state of the service and records it in the change log. '.repeat(12)}`,
  );

const runbook = (topic: string, sections: number) =>
  `# ${topic} runbook\n\n${Array.from({ length: sections }, (_, index) => `## Step ${index + 1}\n\n${paragraphs(`${topic} step ${index + 1}`, 2).join('\n\n')}`).join('\n\n')}\n`;

describe('incremental indexing on disk (LanceDB, real parser, file caches)', () => {
  let directory: string;
  let documents: string;
  let store: VectorStore;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ragbot-incremental-'));
    documents = join(directory, 'docs');
    await import('node:fs/promises').then(({ mkdir }) => mkdir(documents));
    await writeFile(join(documents, 'haproxy.md'), runbook('haproxy', 4));
    await writeFile(join(documents, 'bgp.md'), runbook('bgp', 3));
    await writeFile(join(documents, 'vlan.md'), runbook('vlan', 2));
    store = await createLanceDbVectorStore({ directory: join(directory, 'lancedb') });
  });
  afterEach(async () => {
    await store.close?.();
    await rm(directory, { recursive: true, force: true });
  });

  const indexer = (embedder: ReturnType<typeof countingEmbedder>) => {
    const parser = createDocumentParser();
    const dependencies = {
      store,
      catalogs: createFileIndexCatalogStore({ directory: join(directory, 'catalogs') }),
      parser,
      embedder: embedder.model,
      embeddingCache: createFileEmbeddingCache({ directory: join(directory, 'embeddings') }),
    };
    const source = createDirectorySource({ root: documents, supported: (path) => parser.canParse(path) });
    return () => indexCollection(dependencies, { source, tenantId: 'acme', collection: 'runbooks' });
  };

  it('embeds nothing on an unchanged re-index, only the edited passages after an edit, and drops deleted documents', async () => {
    const first = countingEmbedder();
    const initial = await indexer(first)();
    expect(initial.added).toBe(3);
    expect(initial.chunksEmbedded).toBe(initial.chunksIndexed);
    expect(first.embeddedTexts()).toHaveLength(initial.chunksIndexed);

    // A new process: fresh caches in memory, the same files on disk.
    const second = countingEmbedder();
    const unchanged = await indexer(second)();
    expect(unchanged).toMatchObject({ unchanged: 3, chunksIndexed: 0, chunksEmbedded: 0 });
    expect(second.calls).toEqual([]);

    const third = countingEmbedder();
    const original = runbook('haproxy', 4);
    await writeFile(join(documents, 'haproxy.md'), original.replace('Paragraph 2 about haproxy step 3:', 'Paragraph 2 about haproxy step 3 (edited, check the peers first):'));
    const edited = await indexer(third)();
    expect(edited).toMatchObject({ changed: 1, unchanged: 2 });
    expect(edited.chunksEmbedded).toBeGreaterThanOrEqual(1);
    expect(edited.chunksEmbedded).toBeLessThan(edited.chunksIndexed);
    expect(third.embeddedTexts().every((text) => text.includes('edited, check the peers first'))).toBe(true);

    await unlink(join(documents, 'vlan.md'));
    const afterDelete = await indexer(countingEmbedder())();
    expect(afterDelete).toMatchObject({ deleted: 1, unchanged: 2 });
    expect(await store.listDocumentIds({ namespace: 'acme__runbooks' })).toEqual(['bgp.md', 'haproxy.md']);
    const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), lexicalQuery: 'vlan runbook', topK: 20 });
    expect(hits.some((hit) => hit.chunk.documentId === 'vlan.md')).toBe(false);
  });
});
