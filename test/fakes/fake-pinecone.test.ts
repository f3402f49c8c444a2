import { randomUUID } from 'node:crypto';
import { Errors, Pinecone, type PineconeConfiguration, type PineconeRecord } from '@pinecone-database/pinecone';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinecone, type FakePinecone } from './fake-pinecone.js';

/**
 * The fake, driven by the real `@pinecone-database/pinecone` client. The SDK caches index hosts per
 * API key and index name for the whole process, so every client here gets a fresh key.
 */
describe('fake Pinecone', () => {
  let fake: FakePinecone;
  beforeAll(async () => {
    fake = await startFakePinecone({ indexName: 'docs', dimension: 4 });
  });
  afterEach(() => {
    fake.clearFaults();
    fake.clearRequests();
  });
  afterAll(() => fake.close());

  const client = (config: Partial<PineconeConfiguration> = {}) => new Pinecone({ apiKey: `pc-${randomUUID()}`, controllerHostUrl: fake.url, maxRetries: 0, ...config });
  const index = (namespace?: string, config: Partial<PineconeConfiguration> = {}) =>
    client(config).index({ host: fake.url, ...(namespace === undefined ? {} : { namespace }) });

  const records: PineconeRecord[] = [
    { id: 'a', values: [1, 0, 0, 0], metadata: { collection: 'runbooks', team: 'sre', tags: ['haproxy', 'lb'], year: 2023 } },
    { id: 'b', values: [0.5, 0.5, 0, 0], metadata: { collection: 'runbooks', team: 'net', tags: ['bgp'], year: 2024 } },
    { id: 'c', values: [0, 1, 0, 0], metadata: { collection: 'standards', team: 'net', year: 2022 } },
  ];

  it('describes the index with a host pointing back at the fake, and the SDK resolves it by name', async () => {
    const pc = client();
    const model = await pc.describeIndex('docs');
    expect(model).toMatchObject({ name: 'docs', dimension: 4, metric: 'dotproduct', host: fake.url, status: { ready: true, state: 'Ready' } });
    await pc.index({ name: 'docs', namespace: 'by-name' }).upsert({ records });
    expect(fake.count('/indexes/docs')).toBe(1); // cached by describeIndex above
    expect(fake.vectors('by-name').map((vector) => vector.id)).toEqual(['a', 'b', 'c']);
    await expect(client().describeIndex('nope')).rejects.toBeInstanceOf(Errors.PineconeNotFoundError);
  });

  it('records the Api-Key and X-Pinecone-Api-Version the SDK sends', async () => {
    await index('versions').upsert({ records });
    expect(fake.requests[0]?.headers['api-key']).toMatch(/^pc-/);
    expect(fake.apiVersions()).toEqual([expect.stringMatching(/^\d{4}-\d{2}$/)]);
  });

  describe('query', () => {
    beforeAll(async () => {
      await index('runbooks').upsert({ records });
    });

    it('ranks by dot product and includes metadata and values only when asked', async () => {
      const { matches } = await index('runbooks').query({ vector: [1, 0, 0, 0], topK: 2, includeMetadata: true });
      expect(matches.map((match) => [match.id, match.score])).toEqual([['a', 1], ['b', 0.5]]);
      expect(matches[0]?.metadata).toEqual(records[0]?.metadata);
      expect(matches[0]?.values).toEqual([]);
      const withValues = await index('runbooks').query({ vector: [1, 0, 0, 0], topK: 1, includeValues: true });
      expect(withValues.matches[0]).toMatchObject({ values: [1, 0, 0, 0] });
      expect(withValues.matches[0]?.metadata).toBeUndefined();
    });

    it.each([
      ['implicit equality', { collection: 'runbooks' }, ['a', 'b']],
      ['$eq on a list field', { tags: { $eq: 'lb' } }, ['a']],
      ['$ne', { team: { $ne: 'sre' } }, ['b', 'c']],
      ['$in', { tags: { $in: ['bgp', 'dns'] } }, ['b']],
      ['$nin, matching records without the field', { tags: { $nin: ['haproxy'] } }, ['b', 'c']],
      ['$and', { $and: [{ collection: 'runbooks' }, { year: { $gte: 2024 } }] }, ['b']],
      ['$or', { $or: [{ team: 'sre' }, { year: { $lt: 2023 } }] }, ['a', 'c']],
    ])('filters with %s', async (_name, filter, expected) => {
      const { matches } = await index('runbooks').query({ vector: [1, 1, 0, 0], topK: 10, filter });
      expect(matches.map((match) => match.id).sort()).toEqual(expected);
    });

    it('rejects an unknown filter operator as a bad request', async () => {
      await expect(index('runbooks').query({ vector: [1, 0, 0, 0], topK: 1, filter: { team: { $regex: 's.e' } } })).rejects.toBeInstanceOf(Errors.PineconeBadRequestError);
    });

    it('scores hybrid queries as the dense plus the sparse dot product', async () => {
      const hybrid = index('hybrid');
      await hybrid.upsert({
        records: [
          { id: 'lexical', values: [0, 0, 1, 0], sparseValues: { indices: [10, 20], values: [0.5, 1] } },
          { id: 'semantic', values: [1, 0, 0, 0] },
        ],
      });
      const { matches } = await hybrid.query({ vector: [0.5, 0, 0.25, 0], sparseVector: { indices: [20, 99], values: [2, 1] }, topK: 2 });
      expect(matches.map((match) => match.id)).toEqual(['lexical', 'semantic']);
      expect(matches[0]?.score).toBeCloseTo(0.25 + 2);
      expect(matches[1]?.score).toBeCloseTo(0.5);
    });

    it('rejects a query vector of the wrong dimension', async () => {
      const error = await index('runbooks').query({ vector: [1, 0], topK: 1 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Errors.PineconeBadRequestError);
      expect((error as Error).message).toBe('Query vector dimension 2 does not match the dimension of the index 4');
    });
  });

  it('fetches by id, leaving out ids it does not have', async () => {
    await index('fetching').upsert({ records });
    const { records: fetched, namespace } = await index('fetching').fetch({ ids: ['a', 'missing', 'c'] });
    expect(Object.keys(fetched).sort()).toEqual(['a', 'c']);
    expect(fetched.a).toMatchObject({ id: 'a', values: [1, 0, 0, 0], metadata: records[0]?.metadata });
    expect(namespace).toBe('fetching');
    expect(fake.requests.at(-1)?.query).toEqual({ ids: ['a', 'missing', 'c'], namespace: 'fetching' });
  });

  it('lists ids by prefix in sorted pages, following pagination tokens', async () => {
    const listing = index('listing');
    const ids = ['doc1#3', 'doc1#0', 'doc2#0', 'doc1#4', 'doc1#1', 'doc1#2'];
    await listing.upsert({ records: ids.map((id) => ({ id, values: [1, 0, 0, 0] })) });
    const pages: string[][] = [];
    let paginationToken: string | undefined;
    do {
      const page = await listing.listPaginated({ prefix: 'doc1#', limit: 2, ...(paginationToken ? { paginationToken } : {}) });
      pages.push((page.vectors ?? []).map((item) => item.id ?? ''));
      paginationToken = page.pagination?.next;
    } while (paginationToken);
    expect(pages).toEqual([['doc1#0', 'doc1#1'], ['doc1#2', 'doc1#3'], ['doc1#4']]);
  });

  it('deletes by id, by filter and all, and the stats follow namespace by namespace', async () => {
    const deleting = index('deleting');
    await deleting.upsert({ records });
    await index().upsert({ records: [{ id: 'x', values: [0, 0, 0, 1] }] }); // no namespace: the default one
    await deleting.deleteOne({ id: 'a' });
    expect(fake.vectors('deleting').map((vector) => vector.id)).toEqual(['b', 'c']);
    await deleting.deleteMany({ filter: { team: { $eq: 'net' }, year: { $lt: 2023 } } });
    expect(fake.vectors('deleting').map((vector) => vector.id)).toEqual(['b']);
    let stats = await deleting.describeIndexStats();
    expect(stats.namespaces?.deleting).toEqual({ recordCount: 1 });
    expect(stats.namespaces?.__default__).toEqual({ recordCount: 1 });
    expect(stats).toMatchObject({ dimension: 4 });
    await deleting.deleteMany({ ids: ['b', 'never-there'] });
    await index('deleting-all').upsert({ records });
    await index('deleting-all').deleteAll();
    stats = await deleting.describeIndexStats();
    expect(stats.namespaces?.deleting).toBeUndefined(); // emptied namespaces disappear
    expect(stats.namespaces?.['deleting-all']).toBeUndefined();
    expect(stats.totalRecordCount).toBe(Object.values(stats.namespaces ?? {}).reduce((sum, summary) => sum + summary.recordCount, 0));
  });

  it('answers 404 "Namespace not found" for a delete in a namespace that does not exist, as serverless does', async () => {
    const error = await index('never-created').deleteAll().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Errors.PineconeNotFoundError);
  });

  describe('limits, answered like the service', () => {
    const upsertError = async (batch: PineconeRecord[]) => {
      const error = await index('limits').upsert({ records: batch }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Errors.PineconeBadRequestError);
      expect(fake.count('/vectors/upsert')).toBe(1);
      expect(fake.vectors('limits')).toEqual([]); // all or nothing
      return (error as Error).message;
    };

    it('rejects a vector of the wrong dimension, and stores nothing of the batch', async () => {
      expect(await upsertError([{ id: 'ok', values: [1, 0, 0, 0] }, { id: 'short', values: [1, 2, 3] }])).toBe(
        'Vector dimension 3 does not match the dimension of the index 4',
      );
    });

    it('rejects more than 1000 vectors in one upsert', async () => {
      const batch = Array.from({ length: 1001 }, (_, position) => ({ id: `v${position}`, values: [1, 0, 0, 0] }));
      expect(await upsertError(batch)).toContain('maximum of 1000 vectors');
    });

    it('rejects metadata over 40 KB per vector', async () => {
      expect(await upsertError([{ id: 'fat', values: [1, 0, 0, 0], metadata: { text: 'x'.repeat(41_000) } }])).toMatch(
        /^Metadata size is \d+ bytes, which exceeds the limit of 40960 bytes per vector$/,
      );
    });

    it('rejects an upsert request over 2 MB', async () => {
      const batch = Array.from({ length: 60 }, (_, position) => ({ id: `big${position}`, values: [1, 0, 0, 0], metadata: { text: 'y'.repeat(38_000) } }));
      expect(await upsertError(batch)).toMatch(/^Request size \dMB exceeds the maximum supported size of 2MB$/);
    });
  });

  it('rejects a wrong Api-Key when the fake is given one', async () => {
    const strict = await startFakePinecone({ apiKey: 'pc-right' });
    try {
      const wrong = new Pinecone({ apiKey: 'pc-wrong', maxRetries: 0 }).index({ host: strict.url });
      await expect(wrong.describeIndexStats()).rejects.toBeInstanceOf(Errors.PineconeAuthorizationError);
    } finally {
      await strict.close();
    }
  });

  describe('faults, as the SDK sees them', () => {
    const query = (target = index('runbooks')) => target.query({ vector: [1, 0, 0, 0], topK: 1 });

    it('with retries off, 500 and 503 surface as PineconeMaxRetriesExceededError after exactly one request', async () => {
      for (const status of [500, 503]) {
        fake.clearRequests();
        fake.failNext(1, { status });
        await expect(query()).rejects.toBeInstanceOf(Errors.PineconeMaxRetriesExceededError);
        expect(fake.count('/query')).toBe(1);
      }
    });

    it('with retries on, the SDK retries a 503 and the second request succeeds', async () => {
      fake.failNext(1, { status: 503 });
      await expect(query(index('runbooks', { maxRetries: 1 }))).resolves.toBeDefined();
      expect(fake.count('/query')).toBe(2);
    });

    it('a 429 is never retried and surfaces as PineconeUnmappedHttpError; the SDK does not expose Retry-After', async () => {
      fake.failNext(1, { status: 429, retryAfter: 5 });
      const error = await query(index('runbooks', { maxRetries: 3 })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Errors.PineconeUnmappedHttpError);
      expect((error as Error).message).toContain('Status: 429');
      expect(fake.count('/query')).toBe(1);
    });

    it('a 400 is a PineconeBadRequestError carrying the body’s message', async () => {
      fake.failNext(1, { status: 400, body: { code: 3, message: 'Invalid request.', details: [] } });
      const error = await query().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Errors.PineconeBadRequestError);
      expect((error as Error).message).toBe('Invalid request.');
    });

    it('a response slower than a fetch timeout is a PineconeConnectionError (the SDK has no timeout option)', async () => {
      fake.delayNext(1, 1_000);
      const fetchApi: typeof fetch = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(100) });
      await expect(query(index('runbooks', { fetchApi }))).rejects.toBeInstanceOf(Errors.PineconeConnectionError);
      expect(fake.count()).toBe(1);
    });

    it('a connection reset is a PineconeConnectionError, not retried', async () => {
      fake.resetNext(1);
      await expect(query(index('runbooks', { maxRetries: 3 }))).rejects.toBeInstanceOf(Errors.PineconeConnectionError);
      expect(fake.count()).toBe(1);
    });
  });
});
