import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runVectorStoreContract } from '../../../test/contracts/vector-store-contract.js';
import { startFakePinecone, type FakePinecone } from '../../../test/fakes/fake-pinecone.js';
import { axisVector, sampleChunk } from '../../../test/support/sample-chunks.js';
import { createSearchScope } from '../../core/access/search-scope.js';
import { BotError } from '../../core/bot-error.js';
import type { StoredChunk } from '../../core/chunk.js';
import type { VectorStore } from '../../core/ports/vector-store.js';
import { terms } from '../../core/text/analyze.js';
import { createPineconeVectorStore, METADATA_LIMIT_BYTES, TRUNCATION_MARK } from './pinecone-vector-store.js';

// The SDK caches index hosts per API key and index name for the whole process: a fresh key per store.
const apiKey = () => `pc-${randomUUID()}`;

runVectorStoreContract('pinecone (fake)', async () => {
  const fake = await startFakePinecone({ indexName: 'ragbot', dimension: 8 });
  return { store: createPineconeVectorStore({ apiKey: apiKey(), indexName: 'ragbot', host: fake.url }), cleanup: () => fake.close() };
});

describe('the Pinecone vector store', () => {
  let fake: FakePinecone;
  let store: VectorStore;
  beforeAll(async () => {
    fake = await startFakePinecone({ indexName: 'ragbot', dimension: 8 });
    store = createPineconeVectorStore({ apiKey: apiKey(), indexName: 'ragbot', host: fake.url });
  });
  afterEach(() => {
    fake.clearFaults();
    fake.clearRequests();
  });
  afterAll(() => fake.close());

  const scope = (collection: string) => createSearchScope('acme', [collection]);
  const lexical = (text: string, weights: Record<string, number> = {}) => ({
    lexicalQuery: text,
    lexicalTerms: [...new Set(terms(text))].map((term) => ({ term, weight: weights[term] ?? 1 })),
  });
  const failure = async (promise: Promise<unknown>): Promise<BotError> => {
    const error = await promise.then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(BotError);
    return error as BotError;
  };
  const upsertBodies = () =>
    fake.requests.filter((request) => request.path === '/vectors/upsert').map((request) => request.body as { vectors: Array<{ metadata?: Record<string, unknown> }> });

  it('upserts in batches of at most 100 vectors', async () => {
    const chunks = Array.from({ length: 250 }, (_, position) =>
      sampleChunk({ documentId: `bulk/doc-${position % 10}.md`, text: `Passage ${position} about failover.`, vector: axisVector(8, position % 8) }),
    );
    await store.upsert({ namespace: 'acme__bulk', chunks });
    expect(upsertBodies().map((body) => body.vectors.length)).toEqual([100, 100, 50]);
    expect(fake.vectors('acme__bulk')).toHaveLength(250);
    expect(fake.vectors('acme__bulk').every((vector) => (vector.sparseValues?.indices.length ?? 0) > 0)).toBe(true);
  });

  it('splits a batch by size too, staying under the 2 MB request limit', async () => {
    const chunks = Array.from({ length: 80 }, (_, position) => sampleChunk({ text: `Section ${position}. ${'Large table row. '.repeat(2_000)}`, vector: axisVector(8, 1) }));
    await store.upsert({ namespace: 'acme__large', chunks });
    const requests = fake.requests.filter((request) => request.path === '/vectors/upsert');
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.every((request) => request.bodyBytes <= 1_600_000)).toBe(true);
    expect(fake.vectors('acme__large')).toHaveLength(80);
  });

  it('truncates a long text so the metadata stays under 40 KB, and still finds the passage by its last words', async () => {
    const text = `${'Ünïcode "quoted" filler line.\n'.repeat(3_000)}The final sentence mentions the quokka failover.`;
    const long = sampleChunk({ documentId: 'big/handbook.md', text, vector: axisVector(8, 4) });
    await store.upsert({ namespace: 'acme__big', chunks: [long] });
    const [stored] = fake.vectors('acme__big');
    const metadata = stored?.metadata ?? {};
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBeLessThanOrEqual(METADATA_LIMIT_BYTES);
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBeGreaterThan(METADATA_LIMIT_BYTES - 2_048);
    expect(metadata.textTruncated).toBe(true);
    expect(String(metadata.text).endsWith(TRUNCATION_MARK)).toBe(true);
    expect(text.startsWith(String(metadata.text).slice(0, -TRUNCATION_MARK.length))).toBe(true);
    const hits = await store.query({ scope: scope('big'), ...lexical('quokka'), topK: 3 });
    expect(hits[0]?.chunk.id).toBe(long.id);
    expect(hits[0]?.chunk.text.endsWith(TRUNCATION_MARK)).toBe(true);
  });

  it('deletes a document across several list pages, and only that document', async () => {
    const many = Array.from({ length: 230 }, (_, position) => sampleChunk({ documentId: 'paged/guide.md', text: `Step ${position}.`, vector: axisVector(8, 0) }));
    const other = sampleChunk({ documentId: 'paged/other.md', text: 'Unrelated.', vector: axisVector(8, 1) });
    const lookalike = sampleChunk({ documentId: 'paged/guide.md#appendix.md', text: 'A path with a hash.', vector: axisVector(8, 2) });
    await store.upsert({ namespace: 'acme__paged', chunks: [...many, other, lookalike] });
    expect(await store.listDocumentIds({ namespace: 'acme__paged' })).toEqual(['paged/guide.md', 'paged/guide.md#appendix.md', 'paged/other.md']);
    fake.clearRequests();
    await store.deleteDocument({ namespace: 'acme__paged', documentId: 'paged/guide.md' });
    expect(fake.count('/vectors/list')).toBe(3); // 231 ids under the prefix, 100 a page
    expect(fake.vectors('acme__paged').map((vector) => vector.id).sort()).toEqual([lookalike.id, other.id].sort());
  });

  it('ignores deletes in a namespace that does not exist (Pinecone answers 404 "Namespace not found")', async () => {
    await store.dropNamespace({ namespace: 'acme__never' });
    await store.deleteChunks({ namespace: 'acme__never', ids: ['a#1'] });
    await store.deleteDocument({ namespace: 'acme__never', documentId: 'a' });
    expect(await store.listDocumentIds({ namespace: 'acme__never' })).toEqual([]);
  });

  it('requires dense vectors, with a message that says why', async () => {
    const error = await failure(store.upsert({ namespace: 'acme__dense', chunks: [sampleChunk({ text: 'No vector here.' })] }));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(/dense vector/);
    expect(fake.count()).toBe(0);
  });

  it('filters by document with $in, and answers an empty filter without a request', async () => {
    const a = sampleChunk({ documentId: 'filter/a.md', text: 'Rotate the certificates.', vector: axisVector(8, 0) });
    const b = sampleChunk({ documentId: 'filter/b.md', text: 'Rotate the keys.', vector: axisVector(8, 0) });
    await store.upsert({ namespace: 'acme__filter', chunks: [a, b] });
    fake.clearRequests();
    const hits = await store.query({ scope: scope('filter'), ...lexical('rotate'), vector: axisVector(8, 0), filter: { documentIds: [b.documentId] }, topK: 5 });
    expect(hits.map((hit) => hit.chunk.id)).toEqual([b.id]);
    expect(fake.requests.map((request) => (request.body as { filter?: unknown }).filter)).toEqual([
      { documentId: { $in: [b.documentId] } },
      { documentId: { $in: [b.documentId] } },
    ]);
    fake.clearRequests();
    expect(await store.query({ scope: scope('filter'), ...lexical('rotate'), filter: { documentIds: [] }, topK: 5 })).toEqual([]);
    expect(fake.count()).toBe(0);
  });

  it('finds the chunk with the exact rare term first, with the lexical and dense scores kept apart', async () => {
    const rare = sampleChunk({ documentId: 'hybrid/zk.md', title: 'Coordination', text: 'Restart the zookeeper ensemble one node at a time.', vector: axisVector(8, 5) });
    const common = Array.from({ length: 6 }, (_, position) =>
      sampleChunk({ documentId: `hybrid/restart-${position}.md`, title: 'Restarts', text: 'Restart the node. Restart the service. Restart the node again after a restart.', vector: axisVector(8, 6) }),
    );
    await store.upsert({ namespace: 'acme__hybrid', chunks: [...common, rare] });
    // The weights the core sends: IDF makes the rare term count far more than the everyday one.
    const query = lexical('restart zookeeper node', { restart: 0.2, node: 0.3, zookeep: 4 });
    const hits = await store.query({ scope: scope('hybrid'), ...query, vector: axisVector(8, 6), topK: 3 });
    const byLexical = hits.filter((hit) => hit.lexicalScore !== undefined).sort((x, y) => (y.lexicalScore ?? 0) - (x.lexicalScore ?? 0));
    expect(byLexical[0]?.chunk.id).toBe(rare.id);
    expect(hits.find((hit) => hit.chunk.id === rare.id)?.denseScore).toBeUndefined(); // not among the dense top 3
    const byDense = hits.filter((hit) => hit.denseScore !== undefined);
    expect(byDense).toHaveLength(3);
    expect(byDense.every((hit) => hit.chunk.documentId.startsWith('hybrid/restart-') && (hit.denseScore ?? 0) > 0.99)).toBe(true);
  });

  it('sends the X-Pinecone-Api-Version header on every request', async () => {
    await store.stats();
    await store.query({ scope: scope('hybrid'), ...lexical('zookeeper'), vector: axisVector(8, 0), topK: 1 });
    expect(fake.count()).toBeGreaterThanOrEqual(3);
    expect(fake.apiVersions().every((version) => /^\d{4}-\d{2}$/.test(version ?? ''))).toBe(true);
  });

  describe('errors, mapped for the policies (the SDK’s own retries are off)', () => {
    const denseQuery = () => store.query({ scope: scope('hybrid'), vector: axisVector(8, 0), topK: 1 });

    it.each([500, 503])('a %i is retryable after exactly one request', async (status) => {
      fake.failNext(1, { status });
      const error = await failure(denseQuery());
      expect(error).toMatchObject({ code: 'vector_store_unavailable', retryable: true });
      expect(error.message).toContain(`HTTP ${status}`);
      expect(fake.count('/query')).toBe(1);
    });

    it('a 429 is retryable and carries Retry-After', async () => {
      fake.failNext(1, { status: 429, retryAfter: 7 });
      const error = await failure(denseQuery());
      expect(error).toMatchObject({ code: 'vector_store_unavailable', retryable: true, retryAfterSeconds: 7 });
      expect(fake.count('/query')).toBe(1);
    });

    it('a 400 is not retryable and keeps the service’s message', async () => {
      fake.failNext(1, { status: 400, body: { code: 3, message: 'Invalid request.', details: [] } });
      const error = await failure(denseQuery());
      expect(error).toMatchObject({ code: 'vector_store_unavailable', retryable: false });
      expect(error.message).toContain('Invalid request.');
    });

    it('a connection reset is retryable', async () => {
      fake.resetNext(1);
      const error = await failure(denseQuery());
      expect(error).toMatchObject({ code: 'vector_store_unavailable', retryable: true });
      expect(fake.count()).toBe(1);
    });

    it('a 404 other than a missing namespace is not swallowed', async () => {
      await store.upsert({ namespace: 'acme__kept', chunks: [sampleChunk({ text: 'Kept.', vector: axisVector(8, 0) })] });
      fake.failNext(1, { status: 404, pathPrefix: '/vectors/delete' });
      const error = await failure(store.dropNamespace({ namespace: 'acme__kept' }));
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('HTTP 404');
      expect(fake.vectors('acme__kept')).toHaveLength(1);
    });

    it('a wrong API key is not retryable', async () => {
      const strict = await startFakePinecone({ apiKey: 'pc-right' });
      try {
        const wrong = createPineconeVectorStore({ apiKey: 'pc-wrong', indexName: 'ragbot', host: strict.url });
        const error = await failure(wrong.stats());
        expect(error.retryable).toBe(false);
        expect(error.message).toMatch(/HTTP 401.*API key/);
      } finally {
        await strict.close();
      }
    });

    it('the caller’s signal aborts a slow request', async () => {
      fake.delayNext(1, 2_000);
      const started = Date.now();
      const error = await failure(store.query({ scope: scope('hybrid'), vector: axisVector(8, 0), topK: 1, signal: AbortSignal.timeout(100) }));
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(error.retryable).toBe(true);
      const aborted = AbortSignal.abort();
      fake.clearRequests();
      await failure(store.stats({ signal: aborted }));
      expect(fake.count()).toBe(0);
    });
  });

  it('resolves the host through the control plane when none is given', async () => {
    const byName = createPineconeVectorStore({ apiKey: apiKey(), indexName: 'ragbot', controllerHostUrl: fake.url });
    const chunk: StoredChunk = sampleChunk({ documentId: 'resolve/a.md', text: 'Resolved by name.', vector: axisVector(8, 3) });
    await byName.upsert({ namespace: 'acme__resolve', chunks: [chunk] });
    await byName.upsert({ namespace: 'acme__resolve', chunks: [chunk] });
    expect(fake.count('/indexes/ragbot')).toBe(1);
    expect(await byName.stats()).toContainEqual({ namespace: 'acme__resolve', chunkCount: 1 });
  });
});
