import { searchableText, type ScoredChunk, type StoredChunk } from '../../core/chunk.js';
import type { VectorStore } from '../../core/ports/vector-store.js';
import { terms } from '../../core/text/analyze.js';

type Entry = { chunk: StoredChunk; analyzed?: { terms: Map<string, number>; length: number } };

/** A passage's terms, counted when it is first searched: many are written and never searched before they leave. */
const analyzed = (entry: Entry) => {
  if (!entry.analyzed) {
    const counts = new Map<string, number>();
    const chunkTerms = terms(searchableText(entry.chunk));
    for (const term of chunkTerms) counts.set(term, (counts.get(term) ?? 0) + 1);
    entry.analyzed = { terms: counts, length: chunkTerms.length };
  }
  return entry.analyzed;
};

const cosine = (left: number[], right: number[]): number => {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    const a = left[index] ?? 0;
    const b = right[index] ?? 0;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  return leftNorm && rightNorm ? dot / Math.sqrt(leftNorm * rightNorm) : 0;
};

/**
 * The same port, BM25 and cosine in plain TypeScript, nothing on disk: the fake for tests (it runs
 * the vector-store contract suite beside the real stores), and where the LanceDB store searches
 * the passages written since its last fold (recent-rows.ts).
 */
export const createMemoryVectorStore = (): VectorStore => {
  const namespaces = new Map<string, Map<string, Entry>>();
  const namespaceOf = (name: string) => {
    let entries = namespaces.get(name);
    if (!entries) namespaces.set(name, (entries = new Map()));
    return entries;
  };

  const bm25 = (entries: Entry[], query: string): Map<Entry, number> => {
    const scores = new Map<Entry, number>();
    const averageLength = entries.reduce((sum, entry) => sum + analyzed(entry).length, 0) / (entries.length || 1);
    for (const term of new Set(terms(query))) {
      const containing = entries.filter((entry) => analyzed(entry).terms.has(term));
      const idf = Math.log(1 + (entries.length - containing.length + 0.5) / (containing.length + 0.5));
      for (const entry of containing) {
        const { terms: counts, length } = analyzed(entry);
        const frequency = counts.get(term) ?? 0;
        const score = (idf * frequency * 2.2) / (frequency + 1.2 * (0.25 + (0.75 * length) / averageLength));
        scores.set(entry, (scores.get(entry) ?? 0) + score);
      }
    }
    return scores;
  };

  return {
    provider: 'memory',
    async upsert({ namespace, chunks }) {
      const entries = namespaceOf(namespace);
      for (const chunk of chunks) entries.set(chunk.id, { chunk: structuredClone(chunk) });
    },
    async query({ scope, lexicalQuery, vector, topK, filter }) {
      const hits: ScoredChunk[] = [];
      for (const namespace of scope.namespaces) {
        const entries = [...(namespaces.get(namespace)?.values() ?? [])].filter(
          (entry) => !filter?.documentIds || filter.documentIds.includes(entry.chunk.documentId),
        );
        const found = new Map<Entry, ScoredChunk>();
        const hitOf = (entry: Entry) => {
          let hit = found.get(entry);
          if (!hit) {
            const { vector: _vector, ...chunk } = entry.chunk;
            found.set(entry, (hit = { chunk, namespace }));
          }
          return hit;
        };
        if (lexicalQuery) {
          const ranked = [...bm25(entries, lexicalQuery)].sort((left, right) => right[1] - left[1]).slice(0, topK);
          for (const [entry, score] of ranked) hitOf(entry).lexicalScore = score;
        }
        if (vector) {
          const ranked = entries
            .filter((entry) => entry.chunk.vector)
            .map((entry) => [entry, cosine(vector, entry.chunk.vector ?? [])] as const)
            .sort((left, right) => right[1] - left[1])
            .slice(0, topK);
          for (const [entry, score] of ranked) hitOf(entry).denseScore = score;
        }
        hits.push(...found.values());
      }
      return hits;
    },
    async deleteChunks({ namespace, ids }) {
      const entries = namespaces.get(namespace);
      for (const id of ids) entries?.delete(id);
    },
    async deleteDocument({ namespace, documentId }) {
      const entries = namespaces.get(namespace);
      for (const [id, entry] of entries ?? []) if (entry.chunk.documentId === documentId) entries?.delete(id);
    },
    async listDocumentIds({ namespace }) {
      return [...new Set([...(namespaces.get(namespace)?.values() ?? [])].map((entry) => entry.chunk.documentId))].sort();
    },
    async dropNamespace({ namespace }) {
      namespaces.delete(namespace);
    },
    async stats() {
      return [...namespaces]
        .filter(([, entries]) => entries.size > 0)
        .map(([namespace, entries]) => ({ namespace, chunkCount: entries.size }))
        .sort((left, right) => left.namespace.localeCompare(right.namespace));
    },
  };
};
