import { BotError, describeError } from '../bot-error.js';
import { namespaceOf } from '../access/search-scope.js';
import type { Chunk, StoredChunk } from '../chunk.js';
import type { ChunkDraft, DocumentParser, DocumentSource, SkippedFile, SourceEntry } from '../ports/document-source.js';
import type { EmbeddingCache } from '../ports/embedding-cache.js';
import { identityOf, type EmbeddingModel } from '../ports/embedding-model.js';
import { assertSameEmbedder } from './assert-same-embedder.js';
import { termShareKey, type IndexCatalog, type IndexCatalogStore, type TermChunkCounts } from '../ports/index-catalog-store.js';
import type { VectorStore } from '../ports/vector-store.js';
import { buildChunks, termStatistics } from './build-chunks.js';
import { isUnchangedOnDisk, trustedModifiedAt } from './change-detection.js';
import { embedChunks } from './embed-chunks.js';
import { sha256 } from './hash.js';
import { readAhead, type Settled } from './read-ahead.js';
import { updateTermStatistics } from './term-statistics.js';

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
  /**
   * Given, the run leaves `store.optimize` to the caller and calls this once it is done writing to
   * the store (only if it wrote), before the term statistics and the catalog are saved: LanceDB's
   * optimize rewrites the whole table, the largest fixed cost of a small run, and the caller can
   * overlap it with that work and with the next collection's. Otherwise the run awaits it itself.
   */
  startOptimize?: (namespace: string) => void;
  signal?: AbortSignal;
};

/** Whether a run wrote to the store, so that the store should fold the writes into its indexes. */
const wroteToStore = (summary: IndexSummary): boolean => !summary.dryRun && summary.added + summary.changed + summary.deleted > 0;

// Chunks are written in batches: each LanceDB write is a new version, each Pinecone write a request.
const WRITE_BATCH = 1_000;

const emptyCatalog = (namespace: string, dependencies: IndexDependencies): IndexCatalog => {
  const catalog: IndexCatalog = {
    namespace,
    parserVersion: dependencies.parser.version,
    version: 0,
    updatedAt: new Date(0).toISOString(),
    documents: {},
    termChunkCounts: {},
  };
  const embedder = identityOf(dependencies.embedder);
  if (embedder) catalog.embedder = embedder;
  return catalog;
};

// Files read ahead of the one being parsed (see readAhead); small enough to bound memory.
const READ_AHEAD = 8;

/**
 * Hashes one file's bytes and, unless that hash is already indexed, parses them.
 * An unreadable file is a reported value, not a failed run.
 */
const hashAndParse = async (
  parser: DocumentParser,
  entry: SourceEntry,
  read: Settled<Uint8Array>,
  indexedHash: string | undefined,
): Promise<{ hash: string; drafts?: ChunkDraft[] } | SkippedFile> => {
  try {
    if ('error' in read) throw read.error;
    const bytes = read.value;
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
  // Files are read after they are listed: an mtime this close to the listing is not trusted next time.
  const listedAt = Date.now();
  // The catalog is parsed while the directory is walked.
  const [previous, { entries, skipped }] = await Promise.all([
    options.full ? undefined : catalogs.load(namespace),
    options.source.list({ signal }),
  ]);
  if (previous) assertSameEmbedder(previous, embedder);
  const reparseAll = previous !== undefined && previous.parserVersion !== parser.version;
  // A shallow copy: records are replaced, never changed in place, so the previous catalog stays intact
  // (a deep clone of a large catalog cost more than an unchanged run's whole work).
  const catalog: IndexCatalog = previous ? { ...previous, documents: { ...previous.documents } } : emptyCatalog(namespace, dependencies);
  catalog.parserVersion = parser.version;

  const summary: IndexSummary = {
    namespace, collection, scanned: entries.length, added: 0, changed: 0, deleted: 0, unchanged: 0,
    chunksIndexed: 0, chunksEmbedded: 0, chunksDeleted: 0, failed: [], skipped, dryRun, seconds: 0,
  };
  if (options.full && !dryRun) {
    await store.dropNamespace({ namespace, signal });
    await catalogs.delete(namespace);
  }

  // What the term statistics must take in and give back (see updateTermStatistics).
  const indexed: { key: string; share: TermChunkCounts }[] = [];
  const replaced: string[] = [];
  let pending: Chunk[] = [];
  let staleIds: string[] = [];
  const flush = async () => {
    if (pending.length === 0 && staleIds.length === 0) return;
    // Embedded a batch at a time: one cache lookup and one cache write per batch, full model calls.
    let chunks: StoredChunk[] = pending;
    if (embedder && pending.length > 0) {
      const { stored, embedded } = await embedChunks(pending, embedder, embeddingCache, signal);
      summary.chunksEmbedded += embedded;
      chunks = stored;
    }
    // Upsert before deleting: a changed document is never missing from the index mid-run.
    if (chunks.length > 0) await store.upsert({ namespace, chunks, signal });
    if (staleIds.length > 0) await store.deleteChunks({ namespace, ids: staleIds, signal });
    pending = [];
    staleIds = [];
  };

  const present = new Set<string>();
  let touched = 0;
  const needsRead = entries.map((entry) => reparseAll || !isUnchangedOnDisk(catalog.documents[entry.documentId], entry));
  const reads = readAhead(entries.filter((_, index) => needsRead[index]).map((entry) => () => entry.read()), READ_AHEAD);
  for (const [index, entry] of entries.entries()) {
    signal?.throwIfAborted();
    present.add(entry.documentId);
    options.onProgress?.({ done: index, total: entries.length, documentId: entry.documentId });
    const record = catalog.documents[entry.documentId];
    if (!needsRead[index]) {
      summary.unchanged++;
      continue;
    }
    // One read was started for each entry that needs one, in this order.
    const read = (await reads.next()) ?? { error: new BotError('document_unreadable', `${entry.documentId}: not read`) };
    const loaded = await hashAndParse(parser, entry, read, reparseAll ? undefined : record?.hash);
    if ('reason' in loaded) {
      summary.failed.push(loaded);
      continue;
    }
    if (!loaded.drafts) {
      // Touched but not edited: same bytes, nothing to re-index; the new mtime spares the next run the read.
      summary.unchanged++;
      if (record) {
        catalog.documents[entry.documentId] = { ...record, size: entry.size, modifiedAt: trustedModifiedAt(entry, listedAt) };
        touched++;
      }
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
    pending.push(...chunks);
    staleIds.push(...stale);
    const { termChunkCounts, tokenCount } = termStatistics(chunks);
    indexed.push({ key: termShareKey(entry.documentId, loaded), share: termChunkCounts });
    if (record) replaced.push(termShareKey(entry.documentId, record));
    catalog.documents[entry.documentId] = {
      hash: loaded.hash, size: entry.size, modifiedAt: trustedModifiedAt(entry, listedAt),
      chunkIds: chunks.map((chunk) => chunk.id), tokenCount,
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
    replaced.push(termShareKey(documentId, record));
    delete catalog.documents[documentId];
  }

  if (!dryRun) {
    await flush();
    if (wroteToStore(summary)) {
      if (options.startOptimize) options.startOptimize(namespace);
      else await store.optimize?.({ namespace, signal });
    }
    const changedAnything = summary.added + summary.changed + summary.deleted > 0 || reparseAll || !previous;
    if (changedAnything) {
      catalog.version++;
      catalog.updatedAt = new Date().toISOString();
      const terms = await updateTermStatistics({
        catalogs, catalog, indexed, replaced,
        previousTotals: previous && !reparseAll ? previous.termChunkCounts : undefined,
      });
      try {
        await catalogs.save(catalog, terms.change);
      } catch (error) {
        // The previous catalog (a store may still hold it) keeps the totals it was saved with.
        terms.revert();
        throw error;
      }
    } else if (touched > 0) {
      await catalogs.save(catalog);
    }
  }
  summary.seconds = Math.round(performance.now() - started) / 1000;
  return summary;
};
