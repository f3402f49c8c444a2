import { FakeHttpServer, objectBody, type RouteContext } from './fake-http-server.js';
import { compileFilter, FilterError, metadataProblem, type MetadataPredicate, type PineconeMetadata } from './fake-pinecone-filter.js';

/**
 * A fake Pinecone serverless index: the control plane's describe-index, whose `host` points back at
 * this server, and the data plane on the same port. One index per fake (a data-plane host is one index).
 * Errors use the service's shapes: data plane `{ code, message, details }` (gRPC status codes),
 * control plane `{ error: { code, message }, status }`.
 */

export type SparseValues = { indices: number[]; values: number[] };
export type StoredVector = { id: string; values: number[]; sparseValues?: SparseValues; metadata?: PineconeMetadata };

export type FakePineconeOptions = {
  /** Name answered by `GET /indexes/{name}` (default `ragbot`). */
  indexName?: string;
  /** Dense dimension every vector must have (default 8). */
  dimension?: number;
  /** When set, only this `Api-Key` is accepted; otherwise any non-empty key is. */
  apiKey?: string;
};

export type FakePinecone = FakeHttpServer & {
  readonly indexName: string;
  readonly dimension: number;
  /** Namespaces holding at least one vector; the default namespace is `__default__`. */
  namespaces(): string[];
  /** A namespace's vectors sorted by id (default namespace when omitted). */
  vectors(namespace?: string): StoredVector[];
  /** The `X-Pinecone-Api-Version` header of every request, in order (undefined when absent). */
  apiVersions(): Array<string | undefined>;
};

/** Pinecone's documented operation limits, enforced with the service's 400 answers. */
export const pineconeLimits = {
  maxVectorsPerUpsert: 1000,
  maxUpsertRequestBytes: 2 * 1024 * 1024,
  maxMetadataBytesPerVector: 40 * 1024,
  maxIdsPerFetchOrDelete: 1000,
  maxIdLength: 512,
  maxTopK: 10_000,
  maxListLimit: 100,
} as const;

export const DEFAULT_NAMESPACE = '__default__';

const grpcCodes: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13, 501: 12, 503: 14, 504: 4 };
const controlCodes: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS', 429: 'RESOURCE_EXHAUSTED', 500: 'UNKNOWN', 503: 'UNAVAILABLE' };

export const pineconeErrorBody = (status: number, message: string, path: string): unknown =>
  path.startsWith('/indexes') ? { error: { code: controlCodes[status] ?? 'UNKNOWN', message }, status } : { code: grpcCodes[status] ?? 2, message, details: [] };

const namespaceOf = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : DEFAULT_NAMESPACE);
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
const sparseDot = (a: SparseValues | undefined, b: SparseValues | undefined): number => {
  if (!a || !b) return 0;
  const weights = new Map(b.indices.map((index, position) => [index, b.values[position] ?? 0]));
  return a.indices.reduce((sum, index, position) => sum + (a.values[position] ?? 0) * (weights.get(index) ?? 0), 0);
};
const isNumberList = (value: unknown): value is number[] => Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item));
const sparseProblem = (sparse: unknown): string | undefined => {
  const candidate = objectBody(sparse);
  if (!candidate || !isNumberList(candidate.indices) || !isNumberList(candidate.values)) return 'Sparse vector must have numeric indices and values';
  if (candidate.indices.length !== candidate.values.length) return 'Sparse vector indices and values must have the same length';
  return undefined;
};

export const startFakePinecone = async (options: FakePineconeOptions = {}): Promise<FakePinecone> => {
  const indexName = options.indexName ?? 'ragbot';
  const dimension = options.dimension ?? 8;
  const store = new Map<string, Map<string, StoredVector>>();
  const server = new FakeHttpServer({
    errorBody: pineconeErrorBody,
    guard: (context) => {
      const key = context.headers['api-key'];
      if (typeof key === 'string' && key !== '' && (options.apiKey === undefined || key === options.apiKey)) return false;
      server.sendError(context.res, 401, key ? 'Invalid API Key' : 'API key is missing or invalid', context.path);
      return true;
    },
  });
  const fail = (context: RouteContext, status: number, message: string): void => server.sendError(context.res, status, message, context.path);
  const sortedIds = (namespace: string): string[] => [...(store.get(namespace)?.keys() ?? [])].sort();
  const present = (vector: StoredVector, includeValues: boolean, includeMetadata: boolean) => ({
    id: vector.id,
    values: includeValues ? vector.values : [], // the service sends an empty list when values are not asked for
    ...(includeValues && vector.sparseValues ? { sparseValues: vector.sparseValues } : {}),
    ...(includeMetadata && vector.metadata ? { metadata: vector.metadata } : {}),
  });
  const withFilter = (context: RouteContext, filter: unknown, then: (predicate: MetadataPredicate | undefined) => void): void => {
    try {
      then(filter === undefined ? undefined : compileFilter(filter));
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      fail(context, 400, error.message);
    }
  };

  const describe = () => ({
    name: indexName,
    dimension,
    metric: 'dotproduct',
    host: server.url, // the real host has no scheme and the SDK would add https://; ours must say http://
    deletion_protection: 'disabled',
    tags: null,
    spec: { serverless: { cloud: 'aws', region: 'us-east-1', read_capacity: { mode: 'OnDemand', status: { state: 'Ready' } } } },
    status: { ready: true, state: 'Ready' },
    vector_type: 'dense',
  });
  server.route('GET', '/indexes', (context) => server.send(context.res, 200, { indexes: [describe()] }));
  server.route('GET', '/indexes/:name', (context) => {
    if (context.params.name !== indexName) return fail(context, 404, `Resource ${context.params.name ?? ''} not found`);
    server.send(context.res, 200, describe());
  });

  server.route('POST', '/vectors/upsert', (context) => {
    if (context.bodyBytes > pineconeLimits.maxUpsertRequestBytes) {
      return fail(context, 400, `Request size ${Math.ceil(context.bodyBytes / (1024 * 1024))}MB exceeds the maximum supported size of 2MB`);
    }
    const body = objectBody(context.body);
    if (!body || !Array.isArray(body.vectors)) return fail(context, 400, 'Invalid request: missing field `vectors`');
    if (body.vectors.length > pineconeLimits.maxVectorsPerUpsert) {
      return fail(context, 400, `Request contains ${body.vectors.length} vectors, which exceeds the maximum of ${pineconeLimits.maxVectorsPerUpsert} vectors per upsert request`);
    }
    const accepted: StoredVector[] = [];
    for (const candidate of body.vectors.map(objectBody)) {
      if (!candidate || typeof candidate.id !== 'string' || candidate.id.length === 0 || candidate.id.length > pineconeLimits.maxIdLength) {
        return fail(context, 400, `Vector ID must be a string of 1 to ${pineconeLimits.maxIdLength} characters`);
      }
      const values = isNumberList(candidate.values) ? candidate.values : [];
      if (values.length !== dimension) return fail(context, 400, `Vector dimension ${values.length} does not match the dimension of the index ${dimension}`);
      if (candidate.sparseValues !== undefined) {
        const problem = sparseProblem(candidate.sparseValues);
        if (problem) return fail(context, 400, problem);
      }
      if (candidate.metadata !== undefined) {
        const problem = metadataProblem(candidate.metadata);
        if (problem) return fail(context, 400, problem);
        const bytes = Buffer.byteLength(JSON.stringify(candidate.metadata));
        if (bytes > pineconeLimits.maxMetadataBytesPerVector) {
          return fail(context, 400, `Metadata size is ${bytes} bytes, which exceeds the limit of ${pineconeLimits.maxMetadataBytesPerVector} bytes per vector`);
        }
      }
      accepted.push({
        id: candidate.id,
        values,
        ...(candidate.sparseValues === undefined ? {} : { sparseValues: candidate.sparseValues as SparseValues }),
        ...(candidate.metadata === undefined ? {} : { metadata: candidate.metadata as PineconeMetadata }),
      });
    }
    // All or nothing: one bad vector rejects the whole request, as on the service.
    const namespace = namespaceOf(body.namespace);
    const vectors = store.get(namespace) ?? new Map<string, StoredVector>();
    for (const vector of accepted) vectors.set(vector.id, vector);
    store.set(namespace, vectors);
    server.send(context.res, 200, { upsertedCount: accepted.length });
  });

  server.route('POST', '/query', (context) => {
    const body = objectBody(context.body) ?? {};
    const topK = body.topK;
    if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1 || topK > pineconeLimits.maxTopK) {
      return fail(context, 400, `topK must be an integer between 1 and ${pineconeLimits.maxTopK}`);
    }
    const namespace = namespaceOf(body.namespace);
    let dense: number[] | undefined = isNumberList(body.vector) ? body.vector : undefined;
    let sparse = body.sparseVector as SparseValues | undefined;
    if (typeof body.id === 'string') {
      const stored = store.get(namespace)?.get(body.id);
      dense = stored?.values ?? new Array<number>(dimension).fill(0); // an unknown id matches nothing useful, not an error
      sparse = stored?.sparseValues;
    }
    if (!dense) return fail(context, 400, 'No query provided: set `vector` or `id`');
    if (dense.length !== dimension) return fail(context, 400, `Query vector dimension ${dense.length} does not match the dimension of the index ${dimension}`);
    if (sparse !== undefined && sparseProblem(sparse)) return fail(context, 400, sparseProblem(sparse) ?? '');
    const query = dense;
    withFilter(context, body.filter, (predicate) => {
      const matches = [...(store.get(namespace)?.values() ?? [])]
        .filter((vector) => !predicate || predicate(vector.metadata))
        .map((vector) => ({ vector, score: dot(query, vector.values) + sparseDot(sparse, vector.sparseValues) }))
        .sort((a, b) => b.score - a.score || a.vector.id.localeCompare(b.vector.id))
        .slice(0, topK)
        .map(({ vector, score }) => ({ ...present(vector, body.includeValues === true, body.includeMetadata === true), score }));
      server.send(context.res, 200, { results: [], matches, namespace: body.namespace ?? '', usage: { readUnits: 1 } });
    });
  });

  server.route('GET', '/vectors/fetch', (context) => {
    const ids = context.query.ids === undefined ? [] : ([] as string[]).concat(context.query.ids);
    if (ids.length === 0) return fail(context, 400, 'No IDs provided for fetch query');
    if (ids.length > pineconeLimits.maxIdsPerFetchOrDelete) return fail(context, 400, `Cannot fetch more than ${pineconeLimits.maxIdsPerFetchOrDelete} IDs at a time`);
    const vectors = store.get(namespaceOf(context.query.namespace));
    const found = ids.flatMap((id) => {
      const vector = vectors?.get(id);
      return vector ? [[id, present(vector, true, true)] as const] : []; // missing ids are simply absent
    });
    server.send(context.res, 200, { vectors: Object.fromEntries(found), namespace: context.query.namespace ?? '', usage: { readUnits: 1 } });
  });

  server.route('GET', '/vectors/list', (context) => {
    const { prefix = '', limit = '100', paginationToken, namespace } = context.query as Record<string, string | undefined>;
    const pageSize = Number(limit);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > pineconeLimits.maxListLimit) {
      return fail(context, 400, `limit must be an integer between 1 and ${pineconeLimits.maxListLimit}`);
    }
    let after = '';
    if (paginationToken !== undefined) {
      const decoded = objectBody(safeJson(Buffer.from(paginationToken, 'base64url').toString('utf8')));
      if (typeof decoded?.after !== 'string') return fail(context, 400, 'Invalid pagination token');
      after = decoded.after;
    }
    const ids = sortedIds(namespaceOf(namespace)).filter((id) => id.startsWith(prefix) && id > after);
    const page = ids.slice(0, pageSize);
    const last = page[page.length - 1];
    // An opaque token, as on the service; it encodes where the next page starts.
    const next = ids.length > pageSize && last !== undefined ? Buffer.from(JSON.stringify({ after: last })).toString('base64url') : undefined;
    server.send(context.res, 200, {
      vectors: page.map((id) => ({ id })),
      ...(next ? { pagination: { next } } : {}),
      namespace: namespace ?? '',
      usage: { readUnits: 1 },
    });
  });

  server.route('POST', '/vectors/delete', (context) => {
    const body = objectBody(context.body) ?? {};
    const namespace = namespaceOf(body.namespace);
    const hasIds = Array.isArray(body.ids);
    if (body.deleteAll === true && (hasIds || body.filter !== undefined)) return fail(context, 400, 'deleteAll cannot be combined with ids or filter');
    if (body.deleteAll !== true && !hasIds && body.filter === undefined) return fail(context, 400, 'Delete request must contain ids, a filter or deleteAll');
    if (hasIds && (body.ids as unknown[]).length > pineconeLimits.maxIdsPerFetchOrDelete) {
      return fail(context, 400, `Cannot delete more than ${pineconeLimits.maxIdsPerFetchOrDelete} IDs at a time`);
    }
    withFilter(context, body.filter, (predicate) => {
      const vectors = store.get(namespace);
      // Serverless answers 404 for a namespace that does not exist (a common surprise on first indexing).
      if (!vectors) return fail(context, 404, 'Namespace not found');
      if (body.deleteAll === true) vectors.clear();
      for (const id of hasIds ? (body.ids as unknown[]) : []) if (typeof id === 'string') vectors.delete(id);
      if (predicate) for (const [id, vector] of vectors) if (predicate(vector.metadata)) vectors.delete(id);
      if (vectors.size === 0) store.delete(namespace); // an emptied namespace disappears from the stats
      server.send(context.res, 200, {});
    });
  });

  server.route('POST', '/describe_index_stats', (context) => {
    if (objectBody(context.body)?.filter !== undefined) {
      return fail(context, 400, 'Serverless and starter indexes do not support describing index stats with metadata filtering');
    }
    const namespaces = Object.fromEntries([...store].map(([name, vectors]) => [name, { vectorCount: vectors.size }]));
    const totalVectorCount = [...store.values()].reduce((sum, vectors) => sum + vectors.size, 0);
    server.send(context.res, 200, { namespaces, dimension, indexFullness: 0, totalVectorCount, metric: 'dotproduct', vectorType: 'dense' });
  });

  await server.start();
  return Object.assign(server, {
    indexName,
    dimension,
    namespaces: () => [...store.keys()].sort(),
    vectors: (namespace?: string) => sortedIds(namespaceOf(namespace)).map((id) => store.get(namespaceOf(namespace))?.get(id) as StoredVector),
    apiVersions: () => server.requests.map((request) => request.headers['x-pinecone-api-version'] as string | undefined),
  });
};

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};
