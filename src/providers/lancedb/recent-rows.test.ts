import * as lancedb from '@lancedb/lancedb';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSearchScope } from '../../core/access/search-scope.js';
import type { VectorStore } from '../../core/ports/vector-store.js';
import { runVectorStoreContract } from '../../../test/contracts/vector-store-contract.js';
import { axisVector, sampleChunk } from '../../../test/support/sample-chunks.js';
import { createLanceDbVectorStore } from './lancedb-vector-store.js';
import { readRecentLog } from './recent-rows.js';

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
  const logPath = () => join(directory, 'recent-rows', `${namespace}.jsonl`);
  const tableRows = async () => {
    const connection = await lancedb.connect(directory);
    const counts: Record<string, number> = {};
    for (const name of await connection.tableNames()) counts[name] = await (await connection.openTable(name)).countRows();
    connection.close();
    return counts;
  };
  const texts = async (question: string, from = store) => (await from.query({ scope, lexicalQuery: question, topK: 50 })).map((hit) => hit.chunk.text);
  const drainNotes = (names: string[]) =>
    names.map((name) => sampleChunk({ id: `${name}.md#a`, documentId: `${name}.md`, text: `Drain notes ${name}.`, vector: axisVector(4, 2) }));

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

  it('keeps a later run out of the table, and folds it in once it is a tenth of the table', async () => {
    // A rewritten passage and a new one: the table still holds the old version, never returned again.
    await store.upsert({ namespace, chunks: [{ ...passages[0]!, text: 'Passage 0, rewritten: drain gently.' }, ...drainNotes(['new'])] });
    await store.optimize?.({ namespace });
    expect(await tableRows()).toEqual({ acme__runbooks: 40 });
    expect((await texts('drain')).sort()).toEqual(['Drain notes new.', 'Passage 0, rewritten: drain gently.']);
    expect(await texts('routine maintenance')).toHaveLength(39);
    expect(await store.stats()).toEqual([{ namespace, chunkCount: 41 }]);
    expect(await store.listDocumentIds({ namespace })).toContain('new.md');

    // Two more: 4 recent rows against 40 is a tenth, so optimize folds them in and empties the recent rows.
    await store.upsert({ namespace, chunks: drainNotes(['x', 'y']) });
    await store.optimize?.({ namespace });
    expect(await tableRows()).toEqual({ acme__runbooks: 43 });
    // The log starts over with the table's new facts and nothing recent.
    expect(await readRecentLog(logPath())).toEqual({ table: { rows: 43, dimensions: 4 }, chunks: new Map(), shadowed: new Set() });
    expect((await texts('drain')).length).toBe(4);
    expect(await texts('routine maintenance')).toHaveLength(39);
    expect(await store.stats()).toEqual([{ namespace, chunkCount: 43 }]);
  });

  it('deletes passages and documents from the table and from the recent rows', async () => {
    await store.upsert({ namespace, chunks: [{ ...passages[1]!, text: 'Passage 1, rewritten.' }] });
    await store.deleteDocument({ namespace, documentId: 'doc-1.md' });
    await store.deleteDocument({ namespace, documentId: 'doc-4.md' });
    await store.deleteChunks({ namespace, ids: ['doc-2.md#a'] });
    expect(await store.stats()).toEqual([{ namespace, chunkCount: 37 }]);
    const listed = await store.listDocumentIds({ namespace });
    for (const gone of ['doc-1.md', 'doc-2.md', 'doc-4.md']) expect(listed).not.toContain(gone);
    expect(await texts('passage')).toHaveLength(37);
  });

  it('ignores a write torn by a crash and keeps the ones before it', async () => {
    await store.upsert({ namespace, chunks: drainNotes(['kept']) });
    await appendFile(logPath(), '{"put":[{"id":"torn.md#a","documentId":"torn.md","te');
    const reopened = await createLanceDbVectorStore({ directory });
    expect(await texts('drain', reopened)).toEqual(['Drain notes kept.']);
    // The next write starts on a line of its own.
    await reopened.upsert({ namespace, chunks: drainNotes(['after']) });
    const again = await createLanceDbVectorStore({ directory });
    expect((await texts('drain', again)).sort()).toEqual(['Drain notes after.', 'Drain notes kept.']);
    await Promise.all([reopened.close?.(), again.close?.()]);
  });

  it('repeats a fold cut short by a crash without losing or doubling a passage', async () => {
    await store.upsert({ namespace, chunks: [{ ...passages[6]!, text: 'Passage 6, rewritten: drain first.' }, ...drainNotes(['a', 'b', 'c'])] });
    await store.deleteChunks({ namespace, ids: ['doc-7.md#a'] });
    const log = await readFile(logPath(), 'utf8');
    await store.optimize?.({ namespace });
    // The table was written, but the recent rows were not cleared: they are back on the next start.
    await writeFile(logPath(), log);
    const restarted = await createLanceDbVectorStore({ directory });
    expect((await texts('drain', restarted)).sort()).toEqual(['Drain notes a.', 'Drain notes b.', 'Drain notes c.', 'Passage 6, rewritten: drain first.']);
    expect(await restarted.stats()).toEqual([{ namespace, chunkCount: 42 }]);
    await restarted.optimize?.({ namespace });
    expect(await tableRows()).toEqual({ acme__runbooks: 42 });
    expect(await texts('routine maintenance', restarted)).toHaveLength(38);
    await restarted.close?.();
  });

  it("searches another process's recent rows, and forgets recent rows left without their table", async () => {
    const writer = await createLanceDbVectorStore({ directory });
    await writer.upsert({ namespace, chunks: [sampleChunk({ id: 'late.md#a', documentId: 'late.md', text: 'Quiesce the replica before the snapshot.', vector: axisVector(4, 0) })] });
    await writer.close?.();
    const reader = await createLanceDbVectorStore({ directory });
    expect((await reader.query({ scope, lexicalQuery: 'quiesce replica', topK: 5 })).map((hit) => hit.chunk.id)).toEqual(['late.md#a']);

    // A drop cut short after the table went: the namespace made anew does not bring the old rows back.
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

  it('keeps vectors in the log as base64 float32s and reads them back exactly', async () => {
    const vector = [0.125, -0.5, 0.25, 1];
    await store.upsert({ namespace, chunks: [sampleChunk({ id: 'v.md#a', documentId: 'v.md', text: 'Vector passage.', vector })] });
    const line = (await readFile(logPath(), 'utf8')).trim().split('\n').at(-1) ?? '';
    expect(JSON.parse(line).put[0].vector).toBe(Buffer.from(new Float32Array(vector).buffer).toString('base64'));
    const reopened = await createLanceDbVectorStore({ directory });
    const [best] = (await reopened.query({ scope, vector, topK: 3 })).sort((left, right) => (right.denseScore ?? 0) - (left.denseScore ?? 0));
    expect(best?.chunk.id).toBe('v.md#a');
    expect(best?.denseScore).toBeCloseTo(1, 6);
    await reopened.close?.();
  });

  it('refuses a passage whose vector does not fit the table, as the table would', async () => {
    await expect(store.upsert({ namespace, chunks: [sampleChunk({ id: 'flat.md#a', documentId: 'flat.md', text: 'No vector.' })] })).rejects.toThrow(/0 vector dimensions; acme__runbooks holds 4/);
    expect(await store.stats()).toEqual([{ namespace, chunkCount: 40 }]);
  });

  it('writes recent rows without opening the table, from the facts its first load recorded', async () => {
    expect((await readRecentLog(logPath())).table).toEqual({ rows: 40, dimensions: 4 });
    const connect = lancedb.connect;
    const opened: string[] = [];
    // Every table this process opens, counted at the connection.
    const writer = await createLanceDbVectorStore({ directory });
    const connection = await connect(directory);
    connection.close();
    const original = Object.getPrototypeOf(connection).openTable as (this: unknown, name: string) => Promise<unknown>;
    Object.getPrototypeOf(connection).openTable = function (this: unknown, name: string) {
      opened.push(name);
      return original.call(this, name);
    };
    try {
      await writer.upsert({ namespace, chunks: drainNotes(['one']) });
      await writer.deleteChunks({ namespace, ids: ['doc-3.md#a'] });
      await writer.optimize?.({ namespace });
      expect(opened).toEqual([]);
      await expect(writer.upsert({ namespace, chunks: [sampleChunk({ id: 'flat.md#a', documentId: 'flat.md', text: 'No vector.' })] })).rejects.toThrow(/holds 4/);
      // A search does open it (and shows the count above is not blind).
      expect(await texts('drain', writer)).toEqual(['Drain notes one.']);
      expect(opened).toEqual([namespace]);
    } finally {
      Object.getPrototypeOf(connection).openTable = original;
      await writer.close?.();
    }
    const reader = await createLanceDbVectorStore({ directory });
    expect(await texts('drain', reader)).toEqual(['Drain notes one.']);
    expect(await texts('routine maintenance', reader)).toHaveLength(39);
    await reader.close?.();
  });

  it('records the facts of a table whose log lacks them (written by an earlier version), then uses them', async () => {
    await writeFile(logPath(), '');
    const writer = await createLanceDbVectorStore({ directory });
    await writer.upsert({ namespace, chunks: drainNotes(['two']) });
    expect((await readRecentLog(logPath())).table).toEqual({ rows: 40, dimensions: 4 });
    await writer.close?.();
    const reader = await createLanceDbVectorStore({ directory });
    expect(await texts('drain', reader)).toEqual(['Drain notes two.']);
    await reader.close?.();
  });

  it('drops the table and the recent rows of a namespace', async () => {
    await store.upsert({ namespace, chunks: [{ ...passages[5]!, text: 'Passage 5, rewritten.' }] });
    await store.dropNamespace({ namespace });
    expect(await tableRows()).toEqual({});
    await expect(stat(logPath())).rejects.toThrow();
    expect(await store.stats()).toEqual([]);
    expect(await texts('rewritten')).toEqual([]);
  });
});
