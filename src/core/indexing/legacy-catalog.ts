import { termShareKey, type DocumentRecord, type IndexCatalog, type TermChunkCounts } from '../ports/index-catalog-store.js';

/** A catalog as written before the term statistics left the document records (each record had its share). */
type LegacyCatalog = Omit<IndexCatalog, 'termChunkCounts' | 'documents'> & {
  documents: Record<string, DocumentRecord & { termChunkCounts?: TermChunkCounts }>;
};

const isLegacyCatalog = (catalog: IndexCatalog | LegacyCatalog): catalog is LegacyCatalog =>
  (catalog as Partial<IndexCatalog>).termChunkCounts === undefined;

/**
 * Migrates on read: the totals are summed from the records' shares, and the shares come back by
 * `termShareKey` for the store to keep apart from then on.
 */
const fromLegacyCatalog = (legacy: LegacyCatalog): { catalog: IndexCatalog; shares: Map<string, TermChunkCounts> } => {
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

/**
 * For a catalog store: the shares of catalogs migrated on read, held until that namespace's next
 * save writes them out in the new format.
 */
export const createCatalogMigrations = () => {
  const held = new Map<string, Map<string, TermChunkCounts>>();
  return {
    /** The catalog as the store parsed it, migrated if it is of the old format. */
    adopt(namespace: string, parsed: IndexCatalog | LegacyCatalog): IndexCatalog {
      if (!isLegacyCatalog(parsed)) return parsed;
      const legacy = fromLegacyCatalog(parsed);
      held.set(namespace, legacy.shares);
      return legacy.catalog;
    },
    /** Of the shares asked for, those held here; `rest` is what the store must still read. */
    lookup(namespace: string, keys: readonly string[]) {
      const shares = held.get(namespace);
      const found = new Map<string, TermChunkCounts>();
      const rest: string[] = [];
      for (const key of keys) {
        const share = shares?.get(key);
        if (share) found.set(key, share);
        else rest.push(key);
      }
      return { found, rest };
    },
    /** What a save must add: the held shares, then the run's own (newer) ones. */
    toAdd: (namespace: string, added: ReadonlyMap<string, TermChunkCounts> | undefined) =>
      new Map([...(held.get(namespace) ?? []), ...(added ?? [])]),
    isHolding: (namespace: string) => held.has(namespace),
    /** After a save or a delete. */
    release: (namespace: string) => void held.delete(namespace),
  };
};
