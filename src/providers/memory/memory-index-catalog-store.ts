import type { IndexCatalog, IndexCatalogStore, TermChunkCounts } from '../../core/ports/index-catalog-store.js';

/** Catalogs in process memory: for tests and for stores whose catalog lives elsewhere. */
export const createMemoryIndexCatalogStore = (): IndexCatalogStore => {
  const catalogs = new Map<string, IndexCatalog>();
  const shares = new Map<string, Map<string, TermChunkCounts>>();
  return {
    async load(namespace) {
      return catalogs.get(namespace);
    },
    async loadDocumentTerms(namespace, hashes) {
      const stored = shares.get(namespace);
      const found = new Map<string, TermChunkCounts>();
      for (const hash of hashes) {
        const share = stored?.get(hash);
        if (share) found.set(hash, share);
      }
      return found;
    },
    async save(catalog, terms) {
      if (terms) {
        const stored = shares.get(catalog.namespace) ?? new Map<string, TermChunkCounts>();
        for (const [hash, share] of terms.added) stored.set(hash, structuredClone(share));
        for (const hash of terms.released) stored.delete(hash);
        shares.set(catalog.namespace, stored);
      }
      catalogs.set(catalog.namespace, structuredClone(catalog));
    },
    async delete(namespace) {
      catalogs.delete(namespace);
      shares.delete(namespace);
    },
    async listNamespaces() {
      return [...catalogs.keys()].sort();
    },
  };
};
