import { AsyncLocalStorage } from 'node:async_hooks';
import { Errors, Pinecone, type PineconeRecord, type RecordMetadata, type ScoredPineconeRecord } from '@pinecone-database/pinecone';
import { parseNamespace } from '../../core/access/search-scope.js';
import { BotError, describeError } from '../../core/bot-error.js';
import type { Chunk, ScoredChunk, StoredChunk } from '../../core/chunk.js';
import type { NamespaceStats, VectorStore } from '../../core/ports/vector-store.js';
import { terms } from '../../core/text/analyze.js';
import { encodeDocument, encodeQuery } from './sparse-encoding.js';
import { errorMessageOf, isMissingNamespace, retryAfterOf, toBotError, type RequestContext } from './pinecone-errors.js';
import { documentIdOf, fromMetadata, jsonBytes, MAX_ID_BYTES, normalize, toMetadata, utf8Bytes, type ChunkMetadata } from './pinecone-records.js';

export { METADATA_BUDGET_BYTES, METADATA_LIMIT_BYTES, toMetadata, TRUNCATION_MARK } from './pinecone-records.js';

export type PineconeVectorStoreOptions = {
  apiKey: string;
  indexName: string;
  /** The index's data-plane host; without it the SDK resolves it once with describe-index. */
  host?: string;
  /** The control plane (describe-index), e.g. a fake's URL in tests. */
  controllerHostUrl?: string;
  /** The fetch every request goes through (default: the global one). */
  fetch?: typeof fetch;
  /** Average chunk length in terms, for the sparse vectors' BM25 length normalization (default 120). */
  averageLength?: number;
};

/** Upsert batches stay well under the service's 1000 vectors and 2 MB per request. */
export const UPSERT_BATCH_VECTORS = 100;
export const UPSERT_BATCH_BYTES = 1_500_000;
/** Ids per delete request (the service's maximum), ids per list page (likewise). */
export const DELETE_BATCH_IDS = 1000;
export const LIST_PAGE_SIZE = 100;
/** The service's largest topK when metadata is returned. */
export const MAX_TOP_K = 1000;
/** Requests one query sends at once (two per namespace of the scope). */
const QUERY_CONCURRENCY = 8;

const inBatches = <T>(items: T[], size: number): T[][] => {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
};

const withConcurrency = async <T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> => {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const position = next++;
      results[position] = await (tasks[position] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
};

/**
 * The production store: one Pinecone namespace per ragbot namespace in a dotproduct (hybrid) index.
 * Records carry the chunk's dense vector (normalized) and a client-side BM25 sparse vector, so a
 * query runs a sparse-only search (zero dense part) and a dense-only search and keeps the scores apart.
 * The SDK's own retries are off: every call runs under the project's policies, which need to see
 * each failure, classified, at once.
 */
export const createPineconeVectorStore = (options: PineconeVectorStoreOptions): VectorStore => {
  const contexts = new AsyncLocalStorage<RequestContext>();
  const baseFetch = options.fetch ?? globalThis.fetch;

  // The SDK takes no per-call signal or timeout; each call's context carries the caller's signal to
  // the request, and brings back the status, message and Retry-After the SDK's errors leave out.
  const fetchApi: typeof fetch = async (input, init) => {
    const context = contexts.getStore();
    const signals = [init?.signal, context?.signal].filter((signal): signal is AbortSignal => signal instanceof AbortSignal);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = await baseFetch(input, signal ? { ...init, signal } : init);
    if (context && !response.ok) {
      context.status = response.status;
      const retryAfter = retryAfterOf(response.headers.get('retry-after'));
      if (retryAfter !== undefined) context.retryAfterSeconds = retryAfter;
      const message = errorMessageOf(await response.clone().text().catch(() => ''));
      if (message !== undefined) context.message = message;
    }
    return response;
  };

  const client = new Pinecone({
    apiKey: options.apiKey,
    maxRetries: 0,
    fetchApi,
    ...(options.controllerHostUrl ? { controllerHostUrl: options.controllerHostUrl } : {}),
  });
  const index = client.index<ChunkMetadata>({ name: options.indexName, ...(options.host ? { host: options.host } : {}) });
  let dimension: number | undefined;

  /** One SDK call (one HTTP request: retries are off) with its own context. */
  const call = async <T>(action: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> => {
    const context: RequestContext = { signal };
    if (signal?.aborted) throw toBotError(action, signal.reason, context);
    try {
      return await contexts.run(context, run);
    } catch (error) {
      throw toBotError(action, error, context);
    }
  };

  /** Like `call`, answering `fallback` when the namespace does not exist. */
  const callInNamespace = async <T>(action: string, signal: AbortSignal | undefined, fallback: T, run: () => Promise<T>): Promise<T> => {
    const context: RequestContext = { signal };
    if (signal?.aborted) throw toBotError(action, signal.reason, context);
    try {
      return await contexts.run(context, run);
    } catch (error) {
      if (isMissingNamespace(error, context)) return fallback;
      throw toBotError(action, error, context);
    }
  };

  const dimensionOf = async (signal: AbortSignal | undefined): Promise<number> => {
    if (dimension === undefined) {
      const stats = await call('describe index stats', signal, () => index.describeIndexStats());
      if (!stats.dimension) throw new BotError('config_invalid', `Pinecone index "${options.indexName}" reports no dense dimension; ragbot needs a dense index with the dotproduct metric.`);
      dimension = stats.dimension;
    }
    return dimension;
  };

  const toRecord = (chunk: StoredChunk): PineconeRecord<ChunkMetadata> => {
    if (!chunk.vector || chunk.vector.length === 0) {
      throw new BotError(
        'config_invalid',
        `The Pinecone store needs a dense vector for every chunk, and ${chunk.id} has none: configure an embedding model (Pinecone indexes are dense; lexical search rides along as sparse values).`,
      );
    }
    if (utf8Bytes(chunk.id) > MAX_ID_BYTES) {
      throw new BotError('input_invalid', `Chunk id ${chunk.id.slice(0, 80)}… is longer than Pinecone's ${MAX_ID_BYTES}-byte id limit; shorten the document path.`);
    }
    const sparse = encodeDocument(chunk, { ...(options.averageLength === undefined ? {} : { averageLength: options.averageLength }) });
    return { id: chunk.id, values: normalize(chunk.vector), ...(sparse ? { sparseValues: sparse } : {}), metadata: toMetadata(chunk) };
  };

  /** Batches of at most 100 records and ~1.5 MB of JSON. */
  const upsertBatches = (records: PineconeRecord<ChunkMetadata>[]): PineconeRecord<ChunkMetadata>[][] => {
    const batches: PineconeRecord<ChunkMetadata>[][] = [];
    let batch: PineconeRecord<ChunkMetadata>[] = [];
    let bytes = 0;
    for (const record of records) {
      const size = jsonBytes(record) + 1;
      if (batch.length > 0 && (batch.length >= UPSERT_BATCH_VECTORS || bytes + size > UPSERT_BATCH_BYTES)) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(record);
      bytes += size;
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  };

  const listIds = async (namespace: string, prefix: string | undefined, signal: AbortSignal | undefined): Promise<string[]> => {
    const ids: string[] = [];
    const seenTokens = new Set<string>();
    let paginationToken: string | undefined;
    do {
      const token = paginationToken;
      const page = await callInNamespace('list', signal, { vectors: [] }, () =>
        index.listPaginated({ namespace, limit: LIST_PAGE_SIZE, ...(prefix === undefined ? {} : { prefix }), ...(token ? { paginationToken: token } : {}) }),
      );
      for (const item of page.vectors ?? []) if (item.id) ids.push(item.id);
      paginationToken = page.pagination?.next;
      if (paginationToken && seenTokens.has(paginationToken)) break; // a service that repeats itself must not loop forever
      if (paginationToken) seenTokens.add(paginationToken);
    } while (paginationToken);
    return ids;
  };

  const deleteIds = async (namespace: string, ids: string[], signal: AbortSignal | undefined): Promise<void> => {
    for (const batch of inBatches([...new Set(ids)], DELETE_BATCH_IDS)) {
      await callInNamespace('delete', signal, undefined, () => index.deleteMany({ ids: batch, namespace }));
    }
  };

  return {
    provider: 'pinecone',

    async upsert({ namespace, chunks, signal }) {
      if (chunks.length === 0) return;
      const records = chunks.map(toRecord);
      for (const batch of upsertBatches(records)) {
        await call('upsert', signal, () => index.upsert({ records: batch, namespace }));
      }
      dimension ??= records[0]?.values?.length; // the index accepted it: the zero vector of sparse queries
    },

    async query({ scope, lexicalQuery, lexicalTerms, vector, topK, filter, signal }) {
      const documentIds = filter?.documentIds;
      if (documentIds?.length === 0 || topK < 1 || scope.namespaces.length === 0) return [];
      // The port promises `lexicalTerms` with every `lexicalQuery`; plain stems are the fallback.
      const sparse = lexicalTerms ? encodeQuery(lexicalTerms) : lexicalQuery ? encodeQuery(terms(lexicalQuery).map((term) => ({ term, weight: 1 }))) : undefined;
      const dense = vector && vector.length > 0 ? normalize(vector) : undefined;
      if (!sparse && !dense) return [];
      const zero = sparse ? new Array<number>(dense?.length ?? (await dimensionOf(signal))).fill(0) : undefined;
      const shared = {
        topK: Math.min(topK, MAX_TOP_K),
        includeMetadata: true,
        includeValues: false,
        ...(documentIds ? { filter: { documentId: { $in: [...new Set(documentIds)] } } } : {}),
      };
      type Found = { namespace: string; kind: 'lexical' | 'dense'; matches: ScoredPineconeRecord<ChunkMetadata>[] };
      const searches: Array<() => Promise<Found>> = [];
      for (const namespace of scope.namespaces) {
        if (sparse && zero) {
          searches.push(async () => ({
            namespace,
            kind: 'lexical',
            matches: (await callInNamespace('query', signal, { matches: [], namespace }, () => index.query({ ...shared, namespace, vector: zero, sparseVector: sparse }))).matches,
          }));
        }
        if (dense) {
          searches.push(async () => ({
            namespace,
            kind: 'dense',
            matches: (await callInNamespace('query', signal, { matches: [], namespace }, () => index.query({ ...shared, namespace, vector: dense }))).matches,
          }));
        }
      }
      const merged = new Map<string, ScoredChunk>();
      for (const { namespace, kind, matches } of await withConcurrency(searches, QUERY_CONCURRENCY)) {
        for (const match of matches) {
          const score = match.score ?? 0;
          // A sparse-only search ranks every record; those sharing no term with the query score 0.
          if (kind === 'lexical' && !(score > 0)) continue;
          const key = `${namespace}\u0000${match.id}`;
          let hit = merged.get(key);
          if (!hit) {
            const chunk = fromMetadata(match.id, match.metadata);
            if (!chunk) continue;
            hit = { chunk, namespace };
            merged.set(key, hit);
          }
          if (kind === 'lexical') hit.lexicalScore = score;
          else hit.denseScore = score;
        }
      }
      return [...merged.values()];
    },

    async deleteChunks({ namespace, ids, signal }) {
      await deleteIds(namespace, ids, signal);
    },

    async deleteDocument({ namespace, documentId, signal }) {
      // Ids are `${documentId}#${hash}`; the prefix also matches documents named `${documentId}#…`, which are kept.
      const ids = (await listIds(namespace, `${documentId}#`, signal)).filter((id) => documentIdOf(id) === documentId);
      await deleteIds(namespace, ids, signal);
    },

    async listDocumentIds({ namespace, signal }) {
      const documents = new Set<string>();
      for (const id of await listIds(namespace, undefined, signal)) {
        const documentId = documentIdOf(id);
        if (documentId !== undefined) documents.add(documentId);
      }
      return [...documents].sort();
    },

    async dropNamespace({ namespace, signal }) {
      await callInNamespace('delete all', signal, undefined, () => index.deleteAll({ namespace }));
    },

    async stats(statsOptions) {
      const description = await call('describe index stats', statsOptions?.signal, () => index.describeIndexStats());
      if (description.dimension) dimension = description.dimension;
      const result: NamespaceStats[] = [];
      for (const [namespace, summary] of Object.entries(description.namespaces ?? {})) {
        // Only ragbot's `${tenant}__${collection}` namespaces: an index may be shared.
        if (summary.recordCount > 0 && parseNamespace(namespace)) result.push({ namespace, chunkCount: summary.recordCount });
      }
      return result.sort((left, right) => left.namespace.localeCompare(right.namespace));
    },
  };
};
