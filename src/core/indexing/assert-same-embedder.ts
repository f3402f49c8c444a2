import { BotError } from '../bot-error.js';
import { describeEmbedder, identityOf, type EmbeddingModel } from '../ports/embedding-model.js';
import type { IndexCatalog } from '../ports/index-catalog-store.js';
import { parseNamespace } from '../access/search-scope.js';

/** Vectors of two embedders are not comparable: an index is searched and extended only with its own. */
export const assertSameEmbedder = (catalog: IndexCatalog, embedder: EmbeddingModel | undefined): void => {
  const current = identityOf(embedder);
  const built = catalog.embedder;
  const same = built?.provider === current?.provider && built?.modelId === current?.modelId && built?.dimensions === current?.dimensions;
  if (same) return;
  const collection = parseNamespace(catalog.namespace)?.collection ?? catalog.namespace;
  throw new BotError(
    'index_embedder_mismatch',
    `The index of collection "${collection}" was built with embeddings ${describeEmbedder(built)}, ` +
      `but the configured embeddings are ${describeEmbedder(current)}. Re-index with --full to rebuild it.`,
  );
};
