import type { IndexCatalog, IndexCatalogStore } from '../../core/ports/index-catalog-store.js';

/** Catalogs in process memory: for tests and for stores whose catalog lives elsewhere. */
export const createMemoryIndexCatalogStore = (): IndexCatalogStore => {
  const catalogs = new Map<string, IndexCatalog>();
  return {
    async load(namespace) {
      return catalogs.get(namespace);
    },
    async save(catalog) {
      catalogs.set(catalog.namespace, structuredClone(catalog));
    },
    async delete(namespace) {
      catalogs.delete(namespace);
    },
    async listNamespaces() {
      return [...catalogs.keys()].sort();
    },
  };
};
