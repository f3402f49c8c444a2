import type { EmbedderIdentity } from './embedding-model.js';

export type DocumentRecord = {
  hash: string;
  size: number;
  /** The file's mtime when it was hashed; '' when that was too close to the read to trust next time. */
  modifiedAt: string;
  chunkIds: string[];
  /** For each term, how many of this document's chunks contain it: its share of the corpus statistics. */
  termChunkCounts: Record<string, number>;
  tokenCount: number;
};

/**
 * What an index knows about itself: the embedder it was built with, per-document hashes for
 * incremental runs, and the term statistics abstention and sparse encoding need.
 */
export type IndexCatalog = {
  namespace: string;
  embedder?: EmbedderIdentity;
  parserVersion: number;
  /** Incremented by every run that changed the index; caches key on it. */
  version: number;
  updatedAt: string;
  documents: Record<string, DocumentRecord>;
};

export type IndexCatalogStore = {
  load(namespace: string): Promise<IndexCatalog | undefined>;
  save(catalog: IndexCatalog): Promise<void>;
  delete(namespace: string): Promise<void>;
  listNamespaces(): Promise<string[]>;
};
