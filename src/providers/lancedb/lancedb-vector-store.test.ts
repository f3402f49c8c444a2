import * as lancedb from '@lancedb/lancedb';
import { describe, expect, it } from 'vitest';
import { createSearchScope } from '../../core/access/search-scope.js';
import { axisVector, sampleChunk } from '../../../test/support/sample-chunks.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVectorStoreContract } from '../../../test/contracts/vector-store-contract.js';
import { chunkSchema, toRow } from './chunk-rows.js';
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

  it('finds an updated passage by its new words, not by its old ones, right after the upsert', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-'));
    const store = await createLanceDbVectorStore({ directory });
    const scope = createSearchScope('acme', ['runbooks']);
    const passage = sampleChunk({
      documentId: 'haproxy.md', title: 'HAProxy runbook', headingPath: ['HAProxy runbook', 'Draining a backend'],
      text: 'Drain the backend: put the server in drain state with the runtime API before maintenance.', vector: axisVector(4, 0),
    });
    await store.upsert({ namespace: 'acme__runbooks', chunks: [passage] });
    // The same id, rewritten: shared words (drain, backend), new ones (gently, sessions), dropped ones (runtime, maintenance).
    await store.upsert({ namespace: 'acme__runbooks', chunks: [{ ...passage, text: 'Drain the backend drain gently, then wait for sessions to close.' }] });
    const ids = async (question: string) =>
      (await store.query({ scope, lexicalQuery: question, topK: 5 })).map((hit) => `${hit.chunk.id}: ${hit.chunk.text.slice(0, 20)}`);
    const current = `${passage.id}: Drain the backend dr`;
    expect(await ids('drain')).toEqual([current]);
    expect(await ids('haproxy backend')).toEqual([current]);
    expect(await ids('gently sessions')).toEqual([current]);
    expect(await ids('runtime maintenance')).toEqual([]);
    await store.close?.();
    await rm(directory, { recursive: true, force: true });
  });

  it('folds in, before searching, the rows another process wrote and never folded in, or never indexed', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-'));
    const passage = sampleChunk({ documentId: 'haproxy.md', title: 'HAProxy runbook', text: 'Drain the backend drain: put the server in drain state first.' });
    // A run that died after its writes, before its optimize: the rewritten passage is not in the full-text index.
    const killed = await createLanceDbVectorStore({ directory });
    await killed.upsert({ namespace: 'acme__runbooks', chunks: [passage] });
    await killed.upsert({ namespace: 'acme__runbooks', chunks: [{ ...passage, text: 'Drain the backend drain gently, then wait for sessions to close.' }] });
    await killed.close?.();
    // And one that died between creating a table and indexing it.
    const connection = await lancedb.connect(directory);
    await connection.createTable('acme__standards', [toRow(sampleChunk({ documentId: 'vlan.md', collection: 'standards', text: 'Voice uses VLAN 110.' }))], { schema: chunkSchema(undefined) });
    connection.close();

    const next = await createLanceDbVectorStore({ directory });
    const texts = async (question: string, collections = ['runbooks']) =>
      (await next.query({ scope: createSearchScope('acme', collections), lexicalQuery: question, topK: 5 })).map((hit) => hit.chunk.text);
    expect(await texts('drain')).toEqual(['Drain the backend drain gently, then wait for sessions to close.']);
    expect(await texts('server state')).toEqual([]);
    expect(await texts('voice vlan', ['standards'])).toEqual(['Voice uses VLAN 110.']);
    await next.close?.();
    await rm(directory, { recursive: true, force: true });
  });
});

describe('the LanceDB store at scale', () => {
  it('builds an ANN index on a table past annMinRows when optimizing, and still returns the exact nearest passages', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-ann-'));
    const store = await createLanceDbVectorStore({ directory, annMinRows: 300 });
    const dimensions = 16;
    // Deterministic, spread-out vectors: passage i points mostly along axis i % 16, tilted by i.
    const vectorOf = (index: number) => Array.from({ length: dimensions }, (_, axis) => (axis === index % dimensions ? 1 : 0) + Math.sin(index * 7.1 + axis) * 0.3);
    const chunks = Array.from({ length: 400 }, (_, index) =>
      sampleChunk({ id: `doc-${index}.md#0`, documentId: `doc-${index}.md`, text: `Passage number ${index}.`, vector: vectorOf(index) }));
    await store.upsert({ namespace: 'acme__runbooks', chunks });
    await store.optimize?.({ namespace: 'acme__runbooks' });
    const table = await (await lancedb.connect(directory)).openTable('acme__runbooks');
    expect((await table.listIndices()).map((index) => index.columns)).toContainEqual(['vector']);
    // The query vector is passage 123's: it must come first, as a flat scan would have it.
    const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), vector: vectorOf(123), topK: 5 });
    const best = [...hits].sort((left, right) => (right.denseScore ?? 0) - (left.denseScore ?? 0));
    expect(best[0]?.chunk.documentId).toBe('doc-123.md');
    expect(best[0]?.denseScore).toBeCloseTo(1, 5);
    await store.close?.();
    await rm(directory, { recursive: true, force: true });
  }, 60_000);

  it('leaves a table below annMinRows, or without vectors, to the flat scan', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ragbot-lancedb-ann-'));
    const store = await createLanceDbVectorStore({ directory, annMinRows: 300 });
    await store.upsert({ namespace: 'acme__small', chunks: Array.from({ length: 20 }, (_, index) => sampleChunk({ id: `s-${index}`, documentId: `s-${index}.md`, text: `Small ${index}.`, vector: axisVector(4, index % 4) })) });
    await store.upsert({ namespace: 'acme__lexical', chunks: Array.from({ length: 320 }, (_, index) => sampleChunk({ id: `l-${index}`, documentId: `l-${index}.md`, text: `Lexical ${index}.` })) });
    for (const namespace of ['acme__small', 'acme__lexical']) await store.optimize?.({ namespace });
    const connection = await lancedb.connect(directory);
    for (const name of ['acme__small', 'acme__lexical']) {
      expect((await (await connection.openTable(name)).listIndices()).map((index) => index.columns), name).not.toContainEqual(['vector']);
    }
    await store.close?.();
    await rm(directory, { recursive: true, force: true });
  }, 60_000);
});
