export type EmbeddingPurpose = 'document' | 'query';

/** Shaped like vercel/ai's spec: identity fields and one verb. */
export type EmbeddingModel = {
  readonly provider: string;
  readonly modelId: string;
  readonly dimensions: number;
  readonly maxValuesPerCall: number;
  embed(options: {
    values: string[];
    purpose: EmbeddingPurpose;
    signal?: AbortSignal;
  }): Promise<{ embeddings: number[][]; usage?: { tokens: number } }>;
};

/** What an index records about the embedder it was built with. */
export type EmbedderIdentity = { provider: string; modelId: string; dimensions: number };

export const identityOf = (model: EmbeddingModel | undefined): EmbedderIdentity | undefined =>
  model && { provider: model.provider, modelId: model.modelId, dimensions: model.dimensions };

export const describeEmbedder = (identity: EmbedderIdentity | undefined): string =>
  identity ? `${identity.provider}:${identity.modelId} (${identity.dimensions} dimensions)` : 'none (lexical only)';
