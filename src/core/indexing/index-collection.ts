import { BotError, describeError } from '../bot-error.js';
import { namespaceOf } from '../access/search-scope.js';
import type { StoredChunk } from '../chunk.js';
import type { ChunkDraft, DocumentParser, DocumentSource, SkippedFile, SourceEntry } from '../ports/document-source.js';
import type { EmbeddingCache } from '../ports/embedding-cache.js';
import { identityOf, type EmbeddingModel } from '../ports/embedding-model.js';
import { assertSameEmbedder } from './assert-same-embedder.js';
import type { DocumentRecord, IndexCatalog, IndexCatalogStore } from '../ports/index-catalog-store.js';
import type { VectorStore } from '../ports/vector-store.js';
import { buildChunks, termStatistics } from './build-chunks.js';
import { embedChunks } from './embed-chunks.js';
import { sha256 } from './hash.js';

export type IndexSummary = {
  namespace: string;
  collection: string;
  scanned: number;
  added: number;
  changed: number;
  deleted: number;
  unchanged: number;
  chunksIndexed: number;
  chunksEmbedded: number;
  chunksDeleted: number;
  /** Files that could not be read or parsed; their previous index, if any, is kept. */
  failed: SkippedFile[];
  /** Files the source refused (outside the root, too large, unsupported). */
  skipped: SkippedFile[];
  dryRun: boolean;
  seconds: number;
};

export type IndexProgress = { done: number; total: number; documentId?: string };

export type IndexDependencies = {
  store: VectorStore;
  catalogs: IndexCatalogStore;
  parser: DocumentParser;
  embedder?: EmbeddingModel;
  embeddingCache: EmbeddingCache;
};

export type IndexOptions = {
  source: DocumentSource;
  tenantId: string;
  collection: string;
  full?: boolean;
  dryRun?: boolean;
  onProgress?: (progress: IndexProgress) => void;
  signal?: AbortSignal;
};

// Chunks are written in batches: each LanceDB write is a new version, each Pinecone write a request.
const WRITE_BATCH = 1_000;

const isUnchangedOnDisk = (record: DocumentRecord | undefined, entry: SourceEntry) =>
  record !== undefined && record.size === entry.size && record.modifiedAt === entry.modifiedAt.toISOString();

const emptyCatalog = (namespace: string, dependencies: IndexDependencies): IndexCatalog => {
  const catalog: IndexCatalog = {
    namespace,
    parserVersion: dependencies.parser.version,
    version: 0,
    updatedAt: new Date(0).toISOString(),
    documents: {},
  };
  const embedder = identityOf(dependencies.embedder);
  if (embedder) catalog.embedder = embedder;
  return catalog;
};

/**
 * Reads one file and, unless its content hash is already indexed, parses it.
 * An unreadable file is a reported value, not a failed run.
 */
const readAndParse = async (
  parser: DocumentParser,
  entry: SourceEntry,
  indexedHash: string | undefined,
): Promise<{ hash: string; drafts?: ChunkDraft[] } | SkippedFile> => {
  try {
    const bytes = await entry.read();
    const hash = sha256(bytes);
    if (hash === indexedHash) return { hash };
    return { hash, drafts: await parser.parse({ documentId: entry.documentId, bytes }) };
  } catch (error) {
    if (error instanceof BotError && error.code !== 'document_unreadable') throw error;
    return { path: entry.documentId, reason: describeError(error) };
  }
};

/** The incremental indexing use case: only new or changed documents are parsed, only unseen passages embedded. */
export const indexCollection = async (dependencies: IndexDependencies, options: IndexOptions): Promise<IndexSummary> => {
  const started = performance.now();
  const { store, catalogs, parser, embedder, embeddingCache } = dependencies;
  const { collection, signal } = options;
  const dryRun = options.dryRun ?? false;
  const namespace = namespaceOf(options.tenantId, collection);
  const previous = options.full ? undefined : await catalogs.load(namespace);
  if (previous) assertSameEmbedder(previous, embedder);
  const reparseAll = previous !== undefined && previous.parserVersion !== parser.version;
  // A shallow copy: records are replaced, never changed in place, so the previous catalog stays intact
  // (a deep clone of a large catalog cost more than an unchanged run's whole work).
  const catalog: IndexCatalog = previous ? { ...previous, documents: { ...previous.documents } } : emptyCatalog(namespace, dependencies);
  catalog.parserVersion = parser.version;

  const { entries, skipped } = await options.source.list({ signal });
  const summary: IndexSummary = {
    namespace, collection, scanned: entries.length, added: 0, changed: 0, deleted: 0, unchanged: 0,
    chunksIndexed: 0, chunksEmbedded: 0, chunksDeleted: 0, failed: [], skipped, dryRun, seconds: 0,
  };
  if (options.full && !dryRun) {
    await store.dropNamespace({ namespace, signal });
    await catalogs.delete(namespace);
  }

  let pending: StoredChunk[] = [];
  let staleIds: string[] = [];
  const flush = async () => {
    if (pending.length === 0 && staleIds.length === 0) return;
    // Upsert before deleting: a changed document is never missing from the index mid-run.
    if (pending.length > 0) await store.upsert({ namespace, chunks: pending, signal });
    if (staleIds.length > 0) await store.deleteChunks({ namespace, ids: staleIds, signal });
    pending = [];
    staleIds = [];
  };

  const present = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    signal?.throwIfAborted();
    present.add(entry.documentId);
    options.onProgress?.({ done: index, total: entries.length, documentId: entry.documentId });
    const record = catalog.documents[entry.documentId];
    if (!reparseAll && isUnchangedOnDisk(record, entry)) {
      summary.unchanged++;
      continue;
    }
    const loaded = await readAndParse(parser, entry, reparseAll ? undefined : record?.hash);
    if ('reason' in loaded) {
      summary.failed.push(loaded);
      continue;
    }
    if (!loaded.drafts) {
      // Touched but not edited: same bytes, nothing to re-index.
      summary.unchanged++;
      if (record) catalog.documents[entry.documentId] = { ...record, modifiedAt: entry.modifiedAt.toISOString() };
      continue;
    }
    const chunks = buildChunks(loaded.drafts, { documentId: entry.documentId, collection, modifiedAt: entry.modifiedAt });
    if (record) summary.changed++;
    else summary.added++;
    summary.chunksIndexed += chunks.length;
    const newIds = new Set(chunks.map((chunk) => chunk.id));
    const stale = (record?.chunkIds ?? []).filter((id) => !newIds.has(id));
    summary.chunksDeleted += stale.length;
    if (dryRun) continue;
    if (embedder) {
      const { stored, embedded } = await embedChunks(chunks, embedder, embeddingCache, signal);
      summary.chunksEmbedded += embedded;
      pending.push(...stored);
    } else {
      pending.push(...chunks);
    }
    staleIds.push(...stale);
    catalog.documents[entry.documentId] = {
      hash: loaded.hash, size: entry.size, modifiedAt: entry.modifiedAt.toISOString(),
      chunkIds: chunks.map((chunk) => chunk.id), ...termStatistics(chunks),
    };
    if (pending.length >= WRITE_BATCH) await flush();
  }
  options.onProgress?.({ done: entries.length, total: entries.length });

  for (const [documentId, record] of Object.entries(catalog.documents)) {
    if (present.has(documentId)) continue;
    summary.deleted++;
    summary.chunksDeleted += record.chunkIds.length;
    if (dryRun) continue;
    staleIds.push(...record.chunkIds);
    delete catalog.documents[documentId];
  }

  if (!dryRun) {
    await flush();
    if (summary.added + summary.changed + summary.deleted > 0) await store.optimize?.({ namespace, signal });
    const changedAnything = summary.added + summary.changed + summary.deleted > 0 || reparseAll || !previous;
    if (changedAnything) {
      catalog.version++;
      catalog.updatedAt = new Date().toISOString();
    }
    if (changedAnything || summary.unchanged > 0) await catalogs.save(catalog);
  }
  summary.seconds = Math.round(performance.now() - started) / 1000;
  return summary;
};
