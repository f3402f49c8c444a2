import type { SearchScope } from '../access/search-scope.js';
import type { ScoredChunk, StoredChunk } from '../chunk.js';

export type ChunkFilter = {
  /** Only chunks of these documents. */
  documentIds?: string[];
};

export type NamespaceStats = { namespace: string; chunkCount: number };

/**
 * A lexical query term as the core weighs it (a stem, with IDF tempered by how everyday the word
 * is). Stores without a full-text engine of their own (Pinecone) search with these as a sparse vector.
 */
export type WeightedTerm = { term: string; weight: number };

/**
 * Where chunks live. Writes address one namespace; queries take a resolved scope,
 * so no code path can search a namespace the access rules did not grant.
 */
export type VectorStore = {
  readonly provider: string;
  upsert(options: { namespace: string; chunks: StoredChunk[]; signal?: AbortSignal }): Promise<void>;
  /**
   * Lexical (BM25) and/or dense search over the scope's namespaces, with the scores
   * of each retriever kept apart so the core can fuse them with calibrated weights.
   */
  query(options: {
    scope: SearchScope;
    lexicalQuery?: string;
    /** The same query, analyzed; present whenever `lexicalQuery` is. */
    lexicalTerms?: WeightedTerm[];
    vector?: number[];
    topK: number;
    filter?: ChunkFilter;
    signal?: AbortSignal;
  }): Promise<ScoredChunk[]>;
  deleteChunks(options: { namespace: string; ids: string[]; signal?: AbortSignal }): Promise<void>;
  deleteDocument(options: { namespace: string; documentId: string; signal?: AbortSignal }): Promise<void>;
  listDocumentIds(options: { namespace: string; signal?: AbortSignal }): Promise<string[]>;
  /** Removes a namespace and everything in it (a `--full` re-index). */
  dropNamespace(options: { namespace: string; signal?: AbortSignal }): Promise<void>;
  stats(options?: { signal?: AbortSignal }): Promise<NamespaceStats[]>;
  /** Called after an indexing run's writes, for stores that fold new rows into their indexes. */
  optimize?(options: { namespace: string; signal?: AbortSignal }): Promise<void>;
  close?(): Promise<void>;
};
