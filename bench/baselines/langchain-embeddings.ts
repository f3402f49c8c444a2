/**
 * Our embedders (hash, USE-lite) behind LangChain's `Embeddings` interface, so the LangChain.js
 * baseline embeds exactly as we do: same model, same vectors, document and query purposes kept.
 */
import { Embeddings } from '@langchain/core/embeddings';
import type { EmbeddingModel } from '../../src/core/ports/embedding-model.js';

export class RagbotEmbeddings extends Embeddings {
  constructor(private readonly model: EmbeddingModel) {
    // LangChain's AsyncCaller would retry and queue; our local embedders neither fail nor throttle.
    super({ maxConcurrency: 1, maxRetries: 0 });
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < documents.length; start += this.model.maxValuesPerCall) {
      const batch = documents.slice(start, start + this.model.maxValuesPerCall);
      const { embeddings } = await this.model.embed({ values: batch, purpose: 'document' });
      if (embeddings.length !== batch.length) throw new Error(`${this.model.provider} returned ${embeddings.length} vectors for ${batch.length} texts`);
      vectors.push(...embeddings);
    }
    return vectors;
  }

  async embedQuery(document: string): Promise<number[]> {
    const { embeddings } = await this.model.embed({ values: [document], purpose: 'query' });
    const vector = embeddings[0];
    if (!vector) throw new Error(`${this.model.provider} returned no vector for the query`);
    return vector;
  }
}
