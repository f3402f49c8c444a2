import type { EmbedderIdentity } from './embedding-model.js';

/** For each term, how many chunks contain it. */
export type TermChunkCounts = Record<string, number>;

/**
 * Names a document's share of the term statistics: its id and content hash. Not the hash alone: a
 * title may come from the file name, so the same bytes at two paths can make different chunks.
 */
export const termShareKey = (documentId: string, record: Pick<DocumentRecord, 'hash'>): string => `${record.hash}:${documentId}`;

export type DocumentRecord = {
  /** The content hash; with the id, it names the document's share of the term statistics (`termShareKey`). */
  hash: string;
  size: number;
  /** The file's mtime when it was hashed; '' when that was too close to the read to trust next time. */
  modifiedAt: string;
  chunkIds: string[];
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
  /** The corpus statistics: the sum of its documents' shares, kept up to date by each run. */
  termChunkCounts: TermChunkCounts;
};

/**
 * The shares of the term statistics a save adds, by `termShareKey`, and the keys the saved catalog
 * no longer refers to (the previous catalog did): a store may drop those once the catalog is saved.
 */
export type DocumentTermsChange = {
  added: ReadonlyMap<string, TermChunkCounts>;
  released: readonly string[];
};

export type IndexCatalogStore = {
  load(namespace: string): Promise<IndexCatalog | undefined>;
  /**
   * Documents' shares of `termChunkCounts` by `termShareKey`, for the keys asked that are stored.
   * Kept apart from the catalog so that a run reads and writes only the shares of what changed.
   */
  loadDocumentTerms(namespace: string, keys: readonly string[]): Promise<Map<string, TermChunkCounts>>;
  /** The shares are stored before the catalog: a crash in between leaves the previous catalog whole. */
  save(catalog: IndexCatalog, terms?: DocumentTermsChange): Promise<void>;
  delete(namespace: string): Promise<void>;
  listNamespaces(): Promise<string[]>;
};
