import type { IndexCatalog } from '../ports/index-catalog-store.js';

/** Chunk-level document frequencies across the namespaces of one scope. */
export type CorpusStats = {
  chunkCount: number;
  averageChunkTokens: number;
  documentFrequency: Map<string, number>;
};

const cache = new WeakMap<IndexCatalog, CorpusStats>();

const statsOf = (catalog: IndexCatalog): CorpusStats => {
  const cached = cache.get(catalog);
  if (cached) return cached;
  // The catalog keeps the totals; only chunk and token counts are summed here.
  const documentFrequency = new Map(Object.entries(catalog.termChunkCounts));
  let chunkCount = 0;
  let tokens = 0;
  for (const record of Object.values(catalog.documents)) {
    chunkCount += record.chunkIds.length;
    tokens += record.tokenCount;
  }
  const stats = { chunkCount, averageChunkTokens: chunkCount ? tokens / chunkCount : 0, documentFrequency };
  cache.set(catalog, stats);
  return stats;
};

// Merged statistics per combination of catalog objects (a new catalog object means a new version).
const merged = new WeakMap<IndexCatalog, Map<string, { catalogs: IndexCatalog[]; stats: CorpusStats }>>();

export const mergeCorpusStats = (catalogs: IndexCatalog[]): CorpusStats => {
  const first = catalogs[0];
  const key = catalogs.map((catalog) => `${catalog.namespace}@${catalog.version}`).join('|');
  const hit = first ? merged.get(first)?.get(key) : undefined;
  if (hit && hit.catalogs.every((catalog, index) => catalog === catalogs[index])) return hit.stats;
  const stats = computeMerged(catalogs);
  if (first) {
    const byKey = merged.get(first) ?? new Map();
    byKey.set(key, { catalogs: [...catalogs], stats });
    merged.set(first, byKey);
  }
  return stats;
};

const computeMerged = (catalogs: IndexCatalog[]): CorpusStats => {
  const all = catalogs.map(statsOf);
  if (all.length === 1 && all[0]) return all[0];
  const documentFrequency = new Map<string, number>();
  let chunkCount = 0;
  let tokens = 0;
  for (const stats of all) {
    chunkCount += stats.chunkCount;
    tokens += stats.averageChunkTokens * stats.chunkCount;
    for (const [term, count] of stats.documentFrequency) {
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + count);
    }
  }
  return { chunkCount, averageChunkTokens: chunkCount ? tokens / chunkCount : 0, documentFrequency };
};

/** BM25's inverse document frequency; a term the corpus never saw gets the highest weight. */
export const inverseDocumentFrequency = (stats: CorpusStats, term: string): number => {
  const frequency = stats.documentFrequency.get(term) ?? 0;
  return Math.log(1 + (stats.chunkCount - frequency + 0.5) / (frequency + 0.5));
};
