import type { EmbeddingModel } from '../core/ports/embedding-model.js';
import type { LanguageModel } from '../core/ports/language-model.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import type { DependencyPolicy } from './dependency-policy.js';

/** The caller's signal and the policy's per-attempt signal: either aborts the call. */
const both = (caller: AbortSignal | undefined, attempt: AbortSignal) => (caller ? AbortSignal.any([caller, attempt]) : attempt);

/** Decorators that put a port behind its dependency's policy; the core never sees the policy. */
export const guardEmbeddingModel = (model: EmbeddingModel, policy: DependencyPolicy): EmbeddingModel => ({
  provider: model.provider,
  modelId: model.modelId,
  dimensions: model.dimensions,
  maxValuesPerCall: model.maxValuesPerCall,
  embed: (options) => policy.execute((signal) => model.embed({ ...options, signal: both(options.signal, signal) }), options.signal),
});

export const guardLanguageModel = (model: LanguageModel, policy: DependencyPolicy): LanguageModel => ({
  provider: model.provider,
  modelId: model.modelId,
  generate: (options) => policy.execute((signal) => model.generate({ ...options, signal: both(options.signal, signal) }), options.signal),
});

export const guardVectorStore = (store: VectorStore, policy: DependencyPolicy): VectorStore => {
  const run = <T>(caller: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>) => policy.execute(call, caller);
  const guarded: VectorStore = {
    provider: store.provider,
    upsert: (options) => run(options.signal, (signal) => store.upsert({ ...options, signal: both(options.signal, signal) })),
    query: (options) => run(options.signal, (signal) => store.query({ ...options, signal: both(options.signal, signal) })),
    deleteChunks: (options) => run(options.signal, (signal) => store.deleteChunks({ ...options, signal: both(options.signal, signal) })),
    deleteDocument: (options) => run(options.signal, (signal) => store.deleteDocument({ ...options, signal: both(options.signal, signal) })),
    listDocumentIds: (options) => run(options.signal, (signal) => store.listDocumentIds({ ...options, signal: both(options.signal, signal) })),
    dropNamespace: (options) => run(options.signal, (signal) => store.dropNamespace({ ...options, signal: both(options.signal, signal) })),
    stats: (options) => run(options?.signal, (signal) => store.stats({ signal: both(options?.signal, signal) })),
  };
  if (store.optimize) {
    const optimize = store.optimize.bind(store);
    guarded.optimize = (options) => run(options.signal, (signal) => optimize({ ...options, signal: both(options.signal, signal) }));
  }
  if (store.close) guarded.close = store.close.bind(store);
  return guarded;
};
