import * as lancedb from '@lancedb/lancedb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSearchScope } from '../../core/access/search-scope.js';
import type { VectorStore } from '../../core/ports/vector-store.js';
import { runVectorStoreContract } from '../../../test/contracts/vector-store-contract.js';
import { axisVector, sampleChunk } from '../../../test/support/sample-chunks.js';
import { toRow } from './chunk-rows.js';
import { createLanceDbVectorStore } from './lancedb-vector-store.js';

/**
 * The contract again, with every namespace's first passage in its main table (a first load, then
 * optimized) and every later one in its recent table, never folded: searches, replacements and
 * deletions must span both tables.
 */
runVectorStoreContract('lancedb, main and recent tables', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-recent-'));
  const inner = await createLanceDbVectorStore({ directory, foldShare: Number.POSITIVE_INFINITY });
  const loaded = new Set<string>();
  const store: VectorStore = {
    ...inner,
    upsert: async (options) => {
      if (loaded.has(options.namespace) || options.chunks.length === 0) return inner.upsert(options);
      loaded.add(options.namespace);
      const [first, ...rest] = options.chunks;
      await inner.upsert({ ...options, chunks: first ? [first] : [] });
      await inner.optimize?.({ namespace: options.namespace });
      if (rest.length > 0) await inner.upsert({ ...options, chunks: rest });
    },
    dropNamespace: async (options) => {
      loaded.delete(options.namespace);
      await inner.dropNamespace(options);
    },
  };
  return { store, cleanup: () => rm(directory, { recursive: true, force: true }) };
});

describe('the LanceDB store after a first load', () => {
  const scope = createSearchScope('acme', ['runbooks']);
  const namespace = 'acme__runbooks';
  const passages = Array.from({ length: 40 }, (_, index) =>
    sampleChunk({ id: `doc-${index}.md#a`, documentId: `doc-${index}.md`, text: `Passage ${index} about routine maintenance.`, vector: axisVector(4, index % 4) }));
  let directory: string;
  let store: VectorStore;
  const tableRows = async () => {
    const connection = await lancedb.connect(directory);
    const counts: Record<string, number> = {};
    for (const name of await connection.tableNames()) counts[name] = await (await connection.openTable(name)).countRows();
    connection.close();
    return counts;
  };
  const texts = async (question: string) => (await store.query({ scope, lexicalQuery: question, topK: 50 })).map((hit) => hit.chunk.text);

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-recent-'));
    store = await createLanceDbVectorStore({ directory });
    await store.upsert({ namespace, chunks: passages });
    await store.optimize?.({ namespace });
  });
  afterEach(async () => {
    await store.close?.();
    await rm(directory, { recursive: true, force: true });
  });

  it('writes a later run to a recent table, and folds it into the main table once it holds a tenth as many rows', async () => {
    // A rewritten passage and a new one: the old version leaves the main table.
    await store.upsert({ namespace, chunks: [{ ...passages[0]!, text: 'Passage 0, rewritten: drain gently.' }, sampleChunk({ id: 'new.md#a', documentId: 'new.md', text: 'A new passage on drain windows.', vector: axisVector(4, 1) })] });
    await store.optimize?.({ namespace });
    expect(await tableRows()).toEqual({ acme__runbooks: 39, acme__runbooks__recent: 2 });
    expect((await texts('drain')).sort()).toEqual(['A new passage on drain windows.', 'Passage 0, rewritten: drain gently.']);
    expect(await store.stats()).toEqual([{ namespace, chunkCount: 41 }]);
    expect(await store.listDocumentIds({ namespace })).toContain('new.md');

    // Two more: 4 recent rows against 39 is past a tenth, so optimize folds them in and drops the recent table.
    await store.upsert({ namespace, chunks: ['x', 'y'].map((name) => sampleChunk({ id: `${name}.md#a`, documentId: `${name}.md`, text: `Drain notes ${name}.`, vector: axisVector(4, 2) })) });
    await store.optimize?.({ namespace });
    expect(await tableRows()).toEqual({ acme__runbooks: 43 });
    expect((await texts('drain')).length).toBe(4);
    expect(await texts('routine maintenance')).toHaveLength(39);
  });

  it('deletes from both tables', async () => {
    await store.upsert({ namespace, chunks: [{ ...passages[1]!, text: 'Passage 1, rewritten.' }] });
    await store.deleteDocument({ namespace, documentId: 'doc-1.md' });
    await store.deleteChunks({ namespace, ids: ['doc-2.md#a'] });
    expect(await tableRows()).toEqual({ acme__runbooks: 38, acme__runbooks__recent: 0 });
    expect(await store.listDocumentIds({ namespace })).not.toContain('doc-1.md');
  });

  it('returns a passage left in both tables (a crash between the two writes) once, from the recent table', async () => {
    await store.upsert({ namespace, chunks: [{ ...passages[3]!, updatedAt: '2026-11-01T00:00:00.000Z' }] });
    // What a crash after the recent write and before the main delete leaves: the old row back in the main table.
    const connection = await lancedb.connect(directory);
    await (await connection.openTable(namespace)).add([toRow(passages[3]!)]);
    connection.close();
    const reopened = await createLanceDbVectorStore({ directory });
    const hits = await reopened.query({ scope, lexicalQuery: 'passage 3', vector: axisVector(4, 3), topK: 50 });
    const copies = hits.filter((hit) => hit.chunk.id === 'doc-3.md#a');
    expect(copies.map((hit) => hit.chunk.updatedAt)).toEqual(['2026-11-01T00:00:00.000Z']);
    expect(copies[0]?.lexicalScore).toBeGreaterThan(0);
    expect(copies[0]?.denseScore).toBeGreaterThan(0);
    await reopened.close?.();
  });

  it("folds in another process's recent rows before searching them, and ignores a recent table left without its main one", async () => {
    const writer = await createLanceDbVectorStore({ directory });
    await writer.upsert({ namespace, chunks: [sampleChunk({ id: 'late.md#a', documentId: 'late.md', text: 'Quiesce the replica before the snapshot.', vector: axisVector(4, 0) })] });
    await writer.close?.();
    const reader = await createLanceDbVectorStore({ directory });
    expect((await reader.query({ scope, lexicalQuery: 'quiesce replica', topK: 5 })).map((hit) => hit.chunk.id)).toEqual(['late.md#a']);

    // A drop cut short after the main table went: the namespace made anew does not bring the old rows back.
    const connection = await lancedb.connect(directory);
    await connection.dropTable(namespace);
    connection.close();
    const fresh = await createLanceDbVectorStore({ directory });
    await fresh.upsert({ namespace, chunks: [sampleChunk({ id: 'only.md#a', documentId: 'only.md', text: 'The only passage.' })] });
    await fresh.close?.();
    const next = await createLanceDbVectorStore({ directory });
    expect(await next.listDocumentIds({ namespace })).toEqual(['only.md']);
    expect(await next.stats()).toEqual([{ namespace, chunkCount: 1 }]);
    await Promise.all([reader.close?.(), next.close?.()]);
  });

  it('drops both tables of a namespace', async () => {
    await store.upsert({ namespace, chunks: [{ ...passages[5]!, text: 'Passage 5, rewritten.' }] });
    await store.dropNamespace({ namespace });
    expect(await tableRows()).toEqual({});
    expect(await store.stats()).toEqual([]);
  });
});
