import { termShareKey, type DocumentRecord, type IndexCatalog, type TermChunkCounts } from '../ports/index-catalog-store.js';

/** A catalog as written before the term statistics left the document records (each record had its share). */
type LegacyCatalog = Omit<IndexCatalog, 'termChunkCounts' | 'documents'> & {
  documents: Record<string, DocumentRecord & { termChunkCounts?: TermChunkCounts }>;
};

export const isLegacyCatalog = (catalog: IndexCatalog | LegacyCatalog): catalog is LegacyCatalog =>
  (catalog as Partial<IndexCatalog>).termChunkCounts === undefined;

/**
 * Migrates on read: the totals are summed from the records' shares, and the shares come back by
 * `termShareKey` for the store to keep apart from then on.
 */
export const fromLegacyCatalog = (legacy: LegacyCatalog): { catalog: IndexCatalog; shares: Map<string, TermChunkCounts> } => {
  const shares = new Map<string, TermChunkCounts>();
  const totals: TermChunkCounts = {};
  const documents: Record<string, DocumentRecord> = {};
  for (const [documentId, { termChunkCounts: share = {}, ...record }] of Object.entries(legacy.documents)) {
    documents[documentId] = record;
    shares.set(termShareKey(documentId, record), share);
    for (const term in share) totals[term] = (totals[term] ?? 0) + (share[term] ?? 0);
  }
  return { catalog: { ...legacy, documents, termChunkCounts: totals }, shares };
};
