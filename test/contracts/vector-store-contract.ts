import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSearchScope } from '../../src/core/access/search-scope.js';
import type { VectorStore } from '../../src/core/ports/vector-store.js';
import { axisVector, sampleChunk } from '../support/sample-chunks.js';
import { terms } from '../../src/core/text/analyze.js';

/** A lexical query as the core sends it: the text, and its stems for stores that search sparse vectors. */
const lexical = (text: string) => ({ lexicalQuery: text, lexicalTerms: [...new Set(terms(text))].map((term) => ({ term, weight: 1 })) });

/** One behaviour for every VectorStore: run against each real store and each fake. */
export const runVectorStoreContract = (name: string, create: () => Promise<{ store: VectorStore; cleanup?: () => Promise<void> }>) => {
  describe(`VectorStore contract: ${name}`, () => {
    let store: VectorStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ store, cleanup } = await create());
    });
    afterEach(async () => {
      await store.close?.();
      await cleanup?.();
    });

    const drain = sampleChunk({
      documentId: 'runbooks/haproxy.md', title: 'HAProxy runbook', headingPath: ['HAProxy runbook', 'Draining a backend'],
      anchor: 'draining-a-backend', url: 'https://wiki.example/haproxy', text: 'Put the server in drain state with the runtime API before maintenance.',
      vector: axisVector(8, 0),
    });
    const vlan = sampleChunk({ documentId: 'standards/vlan.md', title: 'VLAN standard', text: 'Branch offices use VLAN 110 for voice and 120 for guests.', vector: axisVector(8, 1) });
    const bgp = sampleChunk({ documentId: 'runbooks/bgp.md', title: 'BGP triage', text: 'Check the session with show bgp summary and the maximum-prefix limit.', vector: axisVector(8, 2) });

    it('finds chunks lexically, best first, and returns every field intact', async () => {
      await store.upsert({ namespace: 'acme__runbooks', chunks: [drain, vlan, bgp] });
      const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), ...lexical('drain the haproxy server'), topK: 5 });
      expect(hits[0]?.chunk.id).toBe(drain.id);
      expect(hits[0]?.lexicalScore).toBeGreaterThan(0);
      expect(hits[0]?.namespace).toBe('acme__runbooks');
      const { vector: _vector, ...expected } = drain;
      expect(hits[0]?.chunk).toEqual(expected);
    });

    it('finds chunks by vector with a cosine similarity, and merges both scores of one chunk', async () => {
      await store.upsert({ namespace: 'acme__runbooks', chunks: [drain, vlan, bgp] });
      const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), vector: axisVector(8, 2), ...lexical('maximum-prefix'), topK: 3 });
      const best = hits.find((hit) => hit.chunk.id === bgp.id);
      expect(best?.denseScore).toBeGreaterThan(0.99);
      expect(best?.lexicalScore).toBeGreaterThan(0);
      const others = hits.filter((hit) => hit.chunk.id !== bgp.id);
      for (const other of others) expect(other.denseScore ?? 0).toBeLessThan(best?.denseScore ?? 0);
      expect(new Set(hits.map((hit) => hit.chunk.id)).size).toBe(hits.length);
    });

    it('searches only the namespaces of the scope', async () => {
      await store.upsert({ namespace: 'acme__runbooks', chunks: [drain] });
      await store.upsert({ namespace: 'acme__security', chunks: [{ ...drain, id: 'secret#1', collection: 'security' }] });
      await store.upsert({ namespace: 'globex__runbooks', chunks: [{ ...drain, id: 'other-tenant#1' }] });
      const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), ...lexical('drain haproxy'), vector: axisVector(8, 0), topK: 10 });
      expect(hits.map((hit) => hit.chunk.id)).toEqual([drain.id]);
      expect(hits.every((hit) => hit.namespace === 'acme__runbooks')).toBe(true);
    });

    it('returns nothing for a scope whose namespaces hold no data', async () => {
      const hits = await store.query({ scope: createSearchScope('acme', ['empty']), ...lexical('drain'), topK: 5 });
      expect(hits).toEqual([]);
    });

    it('replaces a chunk upserted twice under one id', async () => {
      await store.upsert({ namespace: 'acme__runbooks', chunks: [drain] });
      await store.upsert({ namespace: 'acme__runbooks', chunks: [{ ...drain, text: 'Drain it gently, then wait for sessions to close.' }] });
      const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), ...lexical('drain'), topK: 5 });
      expect(hits).toHaveLength(1);
      expect(hits[0]?.chunk.text).toContain('gently');
      expect(await store.stats()).toEqual([{ namespace: 'acme__runbooks', chunkCount: 1 }]);
    });

    it('filters by document, deletes chunks and documents, lists documents', async () => {
      const second = sampleChunk({ documentId: drain.documentId, text: 'Drain again after the reload.', vector: axisVector(8, 3) });
      await store.upsert({ namespace: 'acme__runbooks', chunks: [drain, second, vlan, bgp] });
      const filtered = await store.query({ scope: createSearchScope('acme', ['runbooks']), ...lexical('drain vlan'), filter: { documentIds: [vlan.documentId] }, topK: 5 });
      expect(filtered.map((hit) => hit.chunk.id)).toEqual([vlan.id]);
      expect(await store.listDocumentIds({ namespace: 'acme__runbooks' })).toEqual([bgp.documentId, drain.documentId, vlan.documentId].sort());
      await store.deleteChunks({ namespace: 'acme__runbooks', ids: [vlan.id] });
      await store.deleteDocument({ namespace: 'acme__runbooks', documentId: drain.documentId });
      expect(await store.listDocumentIds({ namespace: 'acme__runbooks' })).toEqual([bgp.documentId]);
      const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), ...lexical('drain vlan'), topK: 5 });
      expect(hits).toEqual([]);
    });

    it('treats query syntax characters in questions as plain words', async () => {
      await store.upsert({ namespace: 'acme__runbooks', chunks: [bgp] });
      const hits = await store.query({ scope: createSearchScope('acme', ['runbooks']), ...lexical('bgp "summary" (AND) OR -limit* ~ [x]: it\'s'), topK: 5 });
      expect(hits[0]?.chunk.id).toBe(bgp.id);
    });

    it('drops a namespace and reports per-namespace counts', async () => {
      await store.upsert({ namespace: 'acme__runbooks', chunks: [drain, bgp] });
      await store.upsert({ namespace: 'acme__standards', chunks: [vlan] });
      expect(await store.stats()).toEqual([
        { namespace: 'acme__runbooks', chunkCount: 2 },
        { namespace: 'acme__standards', chunkCount: 1 },
      ]);
      await store.dropNamespace({ namespace: 'acme__runbooks' });
      expect(await store.stats()).toEqual([{ namespace: 'acme__standards', chunkCount: 1 }]);
    });
  });
};
