import { describe, expect, it } from 'vitest';
import { createSearchScope } from '../access/search-scope.js';
import { isBotError } from '../bot-error.js';
import { createHashEmbeddingModel } from '../../providers/embeddings/hash-embedding-model.js';
import { createMemoryEmbeddingCache } from '../../providers/memory/memory-embedding-cache.js';
import { createMemoryIndexCatalogStore } from '../../providers/memory/memory-index-catalog-store.js';
import { createMemoryVectorStore } from '../../providers/memory/memory-vector-store.js';
import { countingEmbedder, createInMemorySource, paragraphParser } from '../../../test/support/in-memory-documents.js';
import type { DocumentParser, DocumentSource } from '../ports/document-source.js';
import { termShareKey } from '../ports/index-catalog-store.js';
import { indexCollection } from './index-collection.js';

const documents = {
  'haproxy.md': '# HAProxy\n\nDrain a server with set server state drain.\n\nCheck sessions with show stat.\n\nRe-enable with state ready.',
  'vlan.md': '# VLANs\n\nBranch voice traffic uses VLAN 110.\n\nGuest Wi-Fi uses VLAN 120.',
  'bgp.md': '# BGP\n\nUse show bgp summary to see session state.\n\nThe maximum-prefix limit is 2000 for transit peers.',
};

const setup = () => {
  const files = createInMemorySource(documents);
  const counter = countingEmbedder();
  const dependencies = {
    store: createMemoryVectorStore(),
    catalogs: createMemoryIndexCatalogStore(),
    parser: paragraphParser,
    embedder: counter.model,
    embeddingCache: createMemoryEmbeddingCache(),
  };
  const run = (options: { full?: boolean; dryRun?: boolean } = {}) =>
    indexCollection(dependencies, { source: files.source, tenantId: 'acme', collection: 'runbooks', ...options });
  return { files, counter, dependencies, run };
};

describe('indexCollection', () => {
  it('indexes every document on the first run and nothing on an unchanged second run', async () => {
    const { counter, dependencies, run } = setup();
    const first = await run();
    expect(first).toMatchObject({ scanned: 3, added: 3, changed: 0, deleted: 0, unchanged: 0, chunksIndexed: 7, chunksEmbedded: 7 });
    expect(await dependencies.store.stats()).toEqual([{ namespace: 'acme__runbooks', chunkCount: 7 }]);
    const embeddedBefore = counter.embeddedTexts().length;

    const second = await run();
    expect(second).toMatchObject({ added: 0, changed: 0, deleted: 0, unchanged: 3, chunksIndexed: 0, chunksEmbedded: 0 });
    expect(counter.embeddedTexts().length).toBe(embeddedBefore);
  });

  it("embeds a write batch's new passages together: one model call for several documents", async () => {
    const { counter, run } = setup();
    expect(await run()).toMatchObject({ added: 3, chunksEmbedded: 7 });
    expect(counter.calls.map((values) => values.length)).toEqual([7]);
  });

  it('re-embeds only the edited paragraph of a changed document', async () => {
    const { files, counter, dependencies, run } = setup();
    await run();
    counter.calls.length = 0;
    files.write('haproxy.md', documents['haproxy.md'].replace('Check sessions with show stat.', 'Check sessions with show servers state.'));

    const summary = await run();
    expect(summary).toMatchObject({ changed: 1, unchanged: 2, chunksIndexed: 3, chunksEmbedded: 1, chunksDeleted: 1 });
    expect(counter.embeddedTexts()).toHaveLength(1);
    expect(counter.embeddedTexts()[0]).toContain('show servers state');
    const hits = await dependencies.store.query({ scope: createSearchScope('acme', ['runbooks']), lexicalQuery: 'show stat sessions', topK: 10 });
    expect(hits.map((hit) => hit.chunk.text)).not.toContain('Check sessions with show stat.');
    expect(await dependencies.store.stats()).toEqual([{ namespace: 'acme__runbooks', chunkCount: 7 }]);
  });

  it("removes a deleted document's chunks from the store and the catalog", async () => {
    const { files, dependencies, run } = setup();
    await run();
    files.remove('vlan.md');
    const summary = await run();
    expect(summary).toMatchObject({ deleted: 1, chunksDeleted: 2, unchanged: 2 });
    expect(await dependencies.store.listDocumentIds({ namespace: 'acme__runbooks' })).toEqual(['bgp.md', 'haproxy.md']);
    const catalog = await dependencies.catalogs.load('acme__runbooks');
    expect(Object.keys(catalog?.documents ?? {})).toEqual(['bgp.md', 'haproxy.md']);
    expect(catalog?.version).toBe(2);
  });

  it('treats a touched but identical file as unchanged', async () => {
    const { files, counter, run } = setup();
    await run();
    counter.calls.length = 0;
    files.write('bgp.md', documents['bgp.md']);
    expect(await run()).toMatchObject({ unchanged: 3, changed: 0, chunksIndexed: 0 });
    expect(counter.calls).toEqual([]);
  });

  it('reports an unreadable document by name, keeps its previous index and goes on', async () => {
    const { files, dependencies, run } = setup();
    await run();
    files.write('vlan.md', 'binary\u0000junk');
    files.write('bgp.md', documents['bgp.md'].replace('2000', '5000'));
    const summary = await run();
    expect(summary.failed).toEqual([{ path: 'vlan.md', reason: 'vlan.md: unreadable' }]);
    expect(summary.changed).toBe(1);
    expect(await dependencies.store.listDocumentIds({ namespace: 'acme__runbooks' })).toContain('vlan.md');
  });

  it('reports a file whose read fails by name and indexes the files read after it', async () => {
    const { files, dependencies } = setup();
    const list: DocumentSource['list'] = async (options) => {
      const listed = await files.source.list(options);
      const failing = (documentId: string) => documentId === 'bgp.md';
      return { ...listed, entries: listed.entries.map((entry) => (failing(entry.documentId) ? { ...entry, read: () => Promise.reject(new Error('EIO')) } : entry)) };
    };
    const summary = await indexCollection(dependencies, { source: { ...files.source, list }, tenantId: 'acme', collection: 'runbooks' });
    expect(summary).toMatchObject({ added: 2, failed: [{ path: 'bgp.md', reason: expect.stringContaining('EIO') }] });
    expect(await dependencies.store.listDocumentIds({ namespace: 'acme__runbooks' })).toEqual(['haproxy.md', 'vlan.md']);
  });

  it('lets the caller start optimize once its writes to the store are done, before the catalog is saved, and only if it wrote', async () => {
    const { files, dependencies } = setup();
    const events: string[] = [];
    const catalogs = { ...dependencies.catalogs, save: (...args: Parameters<typeof dependencies.catalogs.save>) => (events.push('catalog saved'), dependencies.catalogs.save(...args)) };
    const run = (options: { dryRun?: boolean } = {}) => indexCollection({ ...dependencies, catalogs }, {
      source: files.source, tenantId: 'acme', collection: 'runbooks', ...options,
      startOptimize: (namespace) => events.push(`optimize ${namespace}`),
    });
    await run();
    expect(events).toEqual(['optimize acme__runbooks', 'catalog saved']);
    events.length = 0;
    await run();
    files.remove('vlan.md');
    await run({ dryRun: true });
    expect(events).toEqual([]);
  });

  it('changes nothing in a dry run but reports what would change', async () => {
    const { files, dependencies, run } = setup();
    await run();
    files.remove('vlan.md');
    files.write('new.md', '# New\n\nA brand new runbook paragraph.');
    const summary = await run({ dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, added: 1, deleted: 1, chunksIndexed: 1 });
    expect(await dependencies.store.listDocumentIds({ namespace: 'acme__runbooks' })).toEqual(['bgp.md', 'haproxy.md', 'vlan.md']);
  });

  it('refuses to mix embedders and rebuilds with --full', async () => {
    const { dependencies, run, files } = setup();
    await run();
    const other = { ...dependencies, embedder: createHashEmbeddingModel({ dimensions: 32 }) };
    const again = () => indexCollection(other, { source: files.source, tenantId: 'acme', collection: 'runbooks' });
    const error = await again().catch((caught: unknown) => caught);
    expect(isBotError(error, 'index_embedder_mismatch')).toBe(true);
    expect((error as Error).message).toMatch(/hash:hash-64-v1 \(64 dimensions\).*hash:hash-32-v1 \(32 dimensions\).*--full/);
    const rebuilt = await indexCollection(other, { source: files.source, tenantId: 'acme', collection: 'runbooks', full: true });
    expect(rebuilt).toMatchObject({ added: 3, chunksIndexed: 7 });
    expect((await dependencies.catalogs.load('acme__runbooks'))?.embedder?.dimensions).toBe(32);
  });

  it('keeps corpus statistics for abstention and sparse encoding, and each document\'s share apart', async () => {
    const { dependencies, run } = setup();
    await run();
    const catalog = await dependencies.catalogs.load('acme__runbooks');
    expect(catalog?.termChunkCounts.vlan).toBe(2);
    expect(catalog?.termChunkCounts.bgp).toBe(2);
    const vlanKey = termShareKey('vlan.md', catalog?.documents['vlan.md'] ?? { hash: '' });
    const shares = await dependencies.catalogs.loadDocumentTerms('acme__runbooks', [vlanKey]);
    expect(shares.get(vlanKey)).toMatchObject({ vlan: 2, voic: 1 });
    expect(shares.get(vlanKey)?.bgp).toBeUndefined();
  });

  it('updates the statistics from the changed and deleted documents\' shares alone, to what a full run computes', async () => {
    const { files, dependencies, run } = setup();
    await run();
    files.write('haproxy.md', documents['haproxy.md'].replace('Check sessions with show stat.', 'Check BGP sessions with show servers state.'));
    files.remove('vlan.md');
    files.write('new.md', '# New\n\nA brand new runbook paragraph about VLAN trunks.');
    const before = await dependencies.catalogs.load('acme__runbooks');
    const asked: string[] = [];
    const catalogs = {
      ...dependencies.catalogs,
      loadDocumentTerms: (namespace: string, hashes: readonly string[]) => (asked.push(...hashes), dependencies.catalogs.loadDocumentTerms(namespace, hashes)),
    };
    await indexCollection({ ...dependencies, catalogs }, { source: files.source, tenantId: 'acme', collection: 'runbooks' });
    // Only the replaced versions of haproxy.md and vlan.md were read; bgp.md's share was not.
    const keyOf = (documentId: string) => termShareKey(documentId, before?.documents[documentId] ?? { hash: '' });
    expect(asked.sort()).toEqual([keyOf('haproxy.md'), keyOf('vlan.md')].sort());
    const incremental = await dependencies.catalogs.load('acme__runbooks');
    await run({ full: true });
    const full = await dependencies.catalogs.load('acme__runbooks');
    expect(incremental?.termChunkCounts).toEqual(full?.termChunkCounts);
    expect(incremental?.termChunkCounts.vlan).toBe(1);
    expect(incremental?.termChunkCounts.voic).toBeUndefined();
    expect(incremental?.termChunkCounts.bgp).toBe(3);
  });

  it('gives the previous catalog back its totals when the save fails, and the next run reaches the full totals', async () => {
    const { files, dependencies, run } = setup();
    await run();
    const before = await dependencies.catalogs.load('acme__runbooks');
    const savedTotals = structuredClone(before?.termChunkCounts);
    files.write('haproxy.md', documents['haproxy.md'].replace('Check sessions with show stat.', 'Check BGP sessions with show servers state.'));
    files.remove('vlan.md');
    const failing = { ...dependencies.catalogs, save: async () => Promise.reject(new Error('disk full')) };
    await expect(indexCollection({ ...dependencies, catalogs: failing }, { source: files.source, tenantId: 'acme', collection: 'runbooks' })).rejects.toThrow('disk full');
    // The store still holds the previous catalog, totals and all, as saved.
    expect((await dependencies.catalogs.load('acme__runbooks'))?.termChunkCounts).toEqual(savedTotals);

    await run();
    const incremental = structuredClone((await dependencies.catalogs.load('acme__runbooks'))?.termChunkCounts);
    await run({ full: true });
    expect(incremental).toEqual((await dependencies.catalogs.load('acme__runbooks'))?.termChunkCounts);
    expect(incremental?.voic).toBeUndefined();
  });

  it('keeps apart the shares of two files with the same bytes whose titles come from their names', async () => {
    // As the real loaders do without a heading: the title is the file name, so equal bytes differ in chunks.
    const titledByName: DocumentParser = {
      ...paragraphParser,
      async parse({ documentId, bytes }) {
        const title = documentId.replace(/\.md$/, '');
        return new TextDecoder().decode(bytes).split(/\n\s*\n/).map((paragraph) => ({ title, headingPath: [title], text: paragraph.trim() }));
      },
    };
    const same = 'Drain the pool before the upgrade.\n\nThen check the session count.';
    for (const removed of ['readme.md', 'runbook.md']) {
      const files = createInMemorySource({ 'readme.md': same, 'runbook.md': same });
      const dependencies = { ...setup().dependencies, parser: titledByName };
      const run = (full = false) => indexCollection(dependencies, { source: files.source, tenantId: 'acme', collection: 'runbooks', full });
      await run();
      files.remove(removed);
      await run();
      const incremental = (await dependencies.catalogs.load('acme__runbooks'))?.termChunkCounts;
      await run(true);
      expect(incremental, `after removing ${removed}`).toEqual((await dependencies.catalogs.load('acme__runbooks'))?.termChunkCounts);
    }
  });

  it('sums the statistics anew under a new parser, keeping an unreadable document\'s previous share', async () => {
    const { files, dependencies, run } = setup();
    await run();
    files.write('vlan.md', 'binary\u0000junk');
    const parser = { ...dependencies.parser, version: dependencies.parser.version + 1 };
    const summary = await indexCollection({ ...dependencies, parser }, { source: files.source, tenantId: 'acme', collection: 'runbooks' });
    expect(summary).toMatchObject({ changed: 2, failed: [{ path: 'vlan.md' }] });
    expect((await dependencies.catalogs.load('acme__runbooks'))?.termChunkCounts).toMatchObject({ vlan: 2, bgp: 2, drain: 1 });
  });

  it('asks for a full re-index when a replaced document\'s share is missing', async () => {
    const { files, dependencies, run } = setup();
    await run();
    files.write('bgp.md', documents['bgp.md'].replace('2000', '5000'));
    const catalogs = { ...dependencies.catalogs, loadDocumentTerms: async () => new Map() };
    const error = await indexCollection({ ...dependencies, catalogs }, { source: files.source, tenantId: 'acme', collection: 'runbooks' }).catch((caught: unknown) => caught);
    expect(isBotError(error, 'index_corrupt')).toBe(true);
    expect((error as Error).message).toMatch(/--full/);
  });

  it('reads no file and writes no catalog when sizes and mtimes show nothing changed', async () => {
    const { files, dependencies, run } = setup();
    await run();
    let reads = 0;
    const list: DocumentSource['list'] = async (options) => {
      const listed = await files.source.list(options);
      return { ...listed, entries: listed.entries.map((entry) => ({ ...entry, read: () => (reads++, entry.read()) })) };
    };
    let saves = 0;
    const catalogs = { ...dependencies.catalogs, save: (catalog: Parameters<typeof dependencies.catalogs.save>[0]) => (saves++, dependencies.catalogs.save(catalog)) };
    const summary = await indexCollection({ ...dependencies, catalogs }, { source: { ...files.source, list }, tenantId: 'acme', collection: 'runbooks' });
    expect(summary).toMatchObject({ unchanged: 3, changed: 0 });
    expect({ reads, saves }).toEqual({ reads: 0, saves: 0 });
  });

  it('hashes again a file modified just before it was read, though a same-size edit keeps its mtime', async () => {
    // A file saved twice within one timestamp tick: the second edit has the first one's size and mtime.
    const modifiedAt = new Date();
    let text = '# HAProxy\n\nDrain with state drain.';
    const source: DocumentSource = {
      location: 'memory',
      list: async () => {
        const bytes = new TextEncoder().encode(text);
        return { entries: [{ documentId: 'haproxy.md', size: bytes.length, modifiedAt, read: async () => bytes }], skipped: [] };
      },
    };
    const { dependencies } = setup();
    const run = () => indexCollection(dependencies, { source, tenantId: 'acme', collection: 'runbooks' });
    expect(await run()).toMatchObject({ added: 1 });
    text = text.replace('drain.', 'maint.');
    expect(await run()).toMatchObject({ changed: 1, unchanged: 0 });
    const hits = await dependencies.store.query({ scope: createSearchScope('acme', ['runbooks']), lexicalQuery: 'maint', topK: 5 });
    expect(hits.map((hit) => hit.chunk.text)).toEqual(['Drain with state maint.']);
  });
});
