import { join } from 'node:path';
import type { Config } from '../config/config-schema.js';
import type { EmbeddingModel } from '../core/ports/embedding-model.js';
import type { LanguageModel } from '../core/ports/language-model.js';
import type { Logger } from '../core/ports/logger.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import { createHashEmbeddingModel } from '../providers/embeddings/hash-embedding-model.js';
import { createUseLiteEmbeddingModel } from '../providers/embeddings/use-lite-embedding-model.js';
import { createExtractiveLanguageModel } from '../providers/extractive/extractive-language-model.js';
import { createLanceDbVectorStore } from '../providers/lancedb/lancedb-vector-store.js';
import { createDependencyPolicy, type ResilienceEvents } from '../resilience/dependency-policy.js';
import { guardEmbeddingModel, guardLanguageModel, guardVectorStore } from '../resilience/guard-ports.js';
import { POLICY_SETTINGS } from '../resilience/policy-settings.js';
import type { StateStores } from './state-stores.js';

// A self-hosted OpenAI-compatible server may need no key; the SDK insists on one.
const UNUSED_KEY = 'unused';

// SDKs load only when the configuration selects them: the embedded default starts without them.
const openAIModules = () => Promise.all([import('../providers/openai/openai-language-model.js'), import('../providers/openai/openai-embedding-model.js')]);

const openAIClient = async (config: Config, fetchOverride?: typeof fetch) =>
  (await openAIModules())[0].createOpenAIClient({
    apiKey: config.openai.apiKey ?? UNUSED_KEY,
    ...(config.openai.baseURL ? { baseURL: config.openai.baseURL } : {}),
    ...(fetchOverride ? { fetch: fetchOverride } : {}),
  });

const createEmbedder = async (config: Config, events: ResilienceEvents, fetchOverride?: typeof fetch): Promise<EmbeddingModel | undefined> => {
  switch (config.embeddings) {
    case 'none':
      return undefined;
    case 'hash':
      return createHashEmbeddingModel();
    case 'use-lite':
      return createUseLiteEmbeddingModel();
    case 'openai': {
      const [, { createOpenAIEmbeddingModel }] = await openAIModules();
      const model = createOpenAIEmbeddingModel(await openAIClient(config, fetchOverride), {
        modelId: config.openai.embeddingModel,
        ...(config.openai.embeddingDimensions ? { dimensions: config.openai.embeddingDimensions } : {}),
      });
      return guardEmbeddingModel(model, createDependencyPolicy('embeddings', POLICY_SETTINGS.embeddings, events));
    }
  }
};

const createLanguageModels = (config: Config, events: ResilienceEvents, fetchOverride?: typeof fetch, logger?: Logger): Promise<LanguageModel[]> =>
  Promise.all(config.languageModels.map(async (name): Promise<LanguageModel> => {
    switch (name) {
      case 'openai': {
        const [{ createOpenAILanguageModel }] = await openAIModules();
        return guardLanguageModel(
          createOpenAILanguageModel(await openAIClient(config, fetchOverride), config.openai.chatModel, { ...(logger ? { logger } : {}) }),
          createDependencyPolicy('llm:openai', POLICY_SETTINGS['llm:openai'], events),
        );
      }
      case 'anthropic': {
        const { createAnthropicClient, createAnthropicLanguageModel } = await import('../providers/anthropic/anthropic-language-model.js');
        return guardLanguageModel(
          createAnthropicLanguageModel(
            createAnthropicClient({
              apiKey: config.anthropic.apiKey ?? UNUSED_KEY,
              ...(config.anthropic.baseURL ? { baseURL: config.anthropic.baseURL } : {}),
              ...(fetchOverride ? { fetch: fetchOverride } : {}),
            }),
            config.anthropic.model,
            { ...(logger ? { logger } : {}) },
          ),
          createDependencyPolicy('llm:anthropic', POLICY_SETTINGS['llm:anthropic'], events),
        );
      }
      case 'extractive':
        return createExtractiveLanguageModel();
    }
  }));

/** The vector store, embeddings and answerers, each outside call behind its dependency's policy. */
export const createBackends = async (
  config: Config,
  dataDirectory: string,
  _state: StateStores,
  options: { events?: ResilienceEvents; fetch?: typeof fetch; logger?: Logger } = {},
): Promise<{ store: VectorStore; embedder?: EmbeddingModel; languageModels: LanguageModel[] }> => {
  const events = options.events ?? {};
  const pinecone = config.vectorStore.kind === 'pinecone' ? await import('../providers/pinecone/pinecone-vector-store.js') : undefined;
  const store =
    config.vectorStore.kind === 'pinecone' && pinecone
      ? guardVectorStore(
          pinecone.createPineconeVectorStore({
            apiKey: config.vectorStore.apiKey,
            indexName: config.vectorStore.index,
            ...(config.vectorStore.host ? { host: config.vectorStore.host } : {}),
            ...(config.vectorStore.controllerHost ? { controllerHostUrl: config.vectorStore.controllerHost } : {}),
            ...(options.fetch ? { fetch: options.fetch } : {}),
          }),
          createDependencyPolicy('vectorstore', POLICY_SETTINGS.vectorstore, events),
        )
      : await createLanceDbVectorStore({ directory: join(dataDirectory, 'lancedb') });
  const embedder = await createEmbedder(config, events, options.fetch);
  return { store, languageModels: await createLanguageModels(config, events, options.fetch, options.logger), ...(embedder ? { embedder } : {}) };
};
