/** Persistent embeddings keyed by (model id, text hash): an unchanged passage is never embedded twice. */
export type EmbeddingCache = {
  getMany(modelId: string, textHashes: string[]): Promise<Map<string, number[]>>;
  setMany(modelId: string, entries: Map<string, number[]>): Promise<void>;
};
