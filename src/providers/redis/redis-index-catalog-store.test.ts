import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { isBotError } from '../../core/bot-error.js';
import { termShareKey, type IndexCatalog } from '../../core/ports/index-catalog-store.js';
import { createRedisIndexCatalogStore } from './redis-index-catalog-store.js';
import { createRedisKeyValueStore } from './redis-key-value-store.js';

describe('the Redis index catalog store (a real redis-server)', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let state: Awaited<ReturnType<typeof createRedisKeyValueStore>>;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    state = await createRedisKeyValueStore({ url: server.url });
    client = state.client;
  });
  beforeEach(async () => {
    await client.flushdb();
  });
  afterAll(async () => {
    await state?.close?.();
    await server?.stop();
  });

  const catalog: IndexCatalog = {
    namespace: 'acme__runbooks',
    embedder: { provider: 'hash', modelId: 'hash-64', dimensions: 64 },
    parserVersion: 2,
    version: 3,
    updatedAt: '2026-01-01T00:00:00.000Z',
    documents: {
      'runbooks/haproxy.md': { hash: 'abc', size: 120, modifiedAt: '2026-01-01T00:00:00.000Z', chunkIds: ['runbooks/haproxy.md#1'], tokenCount: 40 },
    },
    termChunkCounts: { drain: 1 },
  };

  it('saves, lists, loads and deletes catalogs; an absent one loads as undefined', async () => {
    const store = createRedisIndexCatalogStore(client);
    expect(await store.load('acme__runbooks')).toBeUndefined();
    expect(await store.listNamespaces()).toEqual([]);
    await store.save(catalog);
    await store.save({ ...catalog, namespace: 'acme__faq', documents: {} });
    expect(await store.listNamespaces()).toEqual(['acme__faq', 'acme__runbooks']);
    expect(await createRedisIndexCatalogStore(client).load('acme__runbooks')).toEqual(catalog);
    await store.save({ ...catalog, version: 4 });
    expect((await store.load('acme__runbooks'))?.version).toBe(4);
    await store.delete('acme__faq');
    expect(await store.load('acme__faq')).toBeUndefined();
    expect(await store.listNamespaces()).toEqual(['acme__runbooks']);
    expect(await client.exists('catalog:acme__runbooks')).toBe(1); // under the client's key prefix
  });

  it("keeps documents' term shares in a hash beside the catalog and drops the released ones", async () => {
    const store = createRedisIndexCatalogStore(client);
    await store.save(catalog, { added: new Map([['abc', { drain: 1 }]]), released: [] });
    const changed = { ...catalog, documents: { 'runbooks/haproxy.md': { ...catalog.documents['runbooks/haproxy.md']!, hash: 'def' } }, termChunkCounts: { bgp: 1 } };
    await store.save(changed, { added: new Map([['def', { bgp: 1 }]]), released: ['abc'] });
    const reopened = createRedisIndexCatalogStore(client);
    expect(await reopened.load('acme__runbooks')).toEqual(changed);
    expect([...(await reopened.loadDocumentTerms('acme__runbooks', ['abc', 'def']))]).toEqual([['def', { bgp: 1 }]]);
    await reopened.delete('acme__runbooks');
    expect(await client.exists('catalog-terms:acme__runbooks')).toBe(0);
  });

  it('loads a catalog written before the shares moved out, and writes the shares out with its next save', async () => {
    const { termChunkCounts: _totals, ...rest } = catalog;
    const legacy = { ...rest, documents: { 'runbooks/haproxy.md': { ...catalog.documents['runbooks/haproxy.md'], termChunkCounts: { drain: 2 } } } };
    await client.set('catalog:acme__runbooks', JSON.stringify(legacy));
    const store = createRedisIndexCatalogStore(client);
    const loaded = await store.load('acme__runbooks');
    expect(loaded).toEqual({ ...catalog, termChunkCounts: { drain: 2 } });
    await store.save({ ...(loaded as IndexCatalog), version: 4 });
    const reopened = createRedisIndexCatalogStore(client);
    expect((await reopened.load('acme__runbooks'))?.version).toBe(4);
    const key = termShareKey('runbooks/haproxy.md', { hash: 'abc' });
    expect((await reopened.loadDocumentTerms('acme__runbooks', [key])).get(key)).toEqual({ drain: 2 });
  });

  it('reports a corrupt catalog as such, asking for a full re-index', async () => {
    await client.set('catalog:acme__runbooks', '{"namespace": ');
    const error = await createRedisIndexCatalogStore(client).load('acme__runbooks').catch((caught: unknown) => caught);
    expect(isBotError(error, 'index_corrupt')).toBe(true);
    expect((error as Error).message).toMatch(/--full/);
  });

  it('wraps an outage as a retryable state_unavailable error', async () => {
    const store = createRedisIndexCatalogStore(client);
    await server.stop();
    try {
      for (const call of [() => store.load('acme__runbooks'), () => store.loadDocumentTerms('acme__runbooks', ['abc']), () => store.save(catalog), () => store.listNamespaces(), () => store.delete('x')]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(isBotError(error, 'state_unavailable')).toBe(true);
        expect((error as { retryable: boolean }).retryable).toBe(true);
      }
    } finally {
      await server.start();
    }
  });
});
