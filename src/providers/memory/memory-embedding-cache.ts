import type { EmbeddingCache } from '../../core/ports/embedding-cache.js';

export const createMemoryEmbeddingCache = (): EmbeddingCache => {
  const entries = new Map<string, number[]>();
  return {
    async getMany(modelId, textHashes) {
      const found = new Map<string, number[]>();
      for (const hash of textHashes) {
        const vector = entries.get(`${modelId}:${hash}`);
        if (vector) found.set(hash, vector);
      }
      return found;
    },
    async setMany(modelId, newEntries) {
      for (const [hash, vector] of newEntries) entries.set(`${modelId}:${hash}`, vector);
    },
  };
};
