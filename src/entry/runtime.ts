import { join, resolve } from 'node:path';
import type { Config } from '../config/config-schema.js';
import { loadPolicyFile } from '../config/policy-file.js';
import type { AccessPolicy } from '../core/access/access-policy.js';
import { cacheMemberships } from '../core/access/cached-membership-directory.js';
import type { AuditSink } from '../core/ports/audit-sink.js';
import type { DocumentParser } from '../core/ports/document-source.js';
import type { EmbeddingCache } from '../core/ports/embedding-cache.js';
import type { EmbeddingModel } from '../core/ports/embedding-model.js';
import type { FeedbackStore } from '../core/ports/feedback-store.js';
import type { IndexCatalogStore } from '../core/ports/index-catalog-store.js';
import type { KeyValueStore } from '../core/ports/key-value-store.js';
import type { LanguageModel } from '../core/ports/language-model.js';
import type { Logger } from '../core/ports/logger.js';
import type { MembershipDirectory } from '../core/ports/membership-directory.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import { createDocumentParser } from '../ingest/document-parser.js';
import { createJsonLinesAuditSink } from '../providers/local/json-lines-audit-sink.js';
import { loadFixtureMembershipDirectory } from '../providers/local/fixture-membership-directory.js';
import { createMemoryMembershipDirectory } from '../providers/memory/memory-membership-directory.js';
import type { ResilienceEvents } from '../resilience/dependency-policy.js';
import { createBackends } from './backends.js';
import { createStateStores } from './state-stores.js';

/** Everything the use cases need, built from the configuration: the composition root. */
export type Runtime = {
  config: Config;
  /** Undefined without RAGBOT_POLICY: the CLI then acts as the operator of the local tenant. */
  policy?: AccessPolicy;
  membership: MembershipDirectory;
  audit: AuditSink;
  state: KeyValueStore;
  feedback: FeedbackStore;
  store: VectorStore;
  catalogs: IndexCatalogStore;
  embedder?: EmbeddingModel;
  embeddingCache: EmbeddingCache;
  parser: DocumentParser;
  languageModels: LanguageModel[];
  close(): Promise<void>;
};

const MEMBERSHIP_TTL_MS = 5 * 60_000;

export type RuntimeOptions = {
  events?: ResilienceEvents & { onStateMode?: (mode: 'primary' | 'fallback') => void };
  /** Injected by tests to reach local fake servers. */
  fetch?: typeof fetch;
  /** Where providers report what they withheld (a model reply repeating its system prompt). */
  logger?: Logger;
};

export const createRuntime = async (config: Config, options: RuntimeOptions = {}): Promise<Runtime> => {
  const dataDirectory = resolve(config.dataDirectory);
  const stateStores = await createStateStores(config, dataDirectory, options.events);
  const backends = await createBackends(config, dataDirectory, stateStores, options);
  const membership = config.membershipFile
    ? await loadFixtureMembershipDirectory(config.membershipFile)
    : createMemoryMembershipDirectory({ tenants: {} });
  const runtime: Runtime = {
    config,
    membership: cacheMemberships(membership, { state: stateStores.state, ttlMs: MEMBERSHIP_TTL_MS }),
    audit: createJsonLinesAuditSink({ file: config.auditLogFile || join(dataDirectory, 'audit.jsonl') }),
    state: stateStores.state,
    feedback: stateStores.feedback,
    catalogs: stateStores.catalogs,
    embeddingCache: stateStores.embeddingCache,
    store: backends.store,
    parser: createDocumentParser(),
    languageModels: backends.languageModels,
    close: async () => {
      await backends.store.close?.();
      await stateStores.close();
    },
  };
  if (backends.embedder) runtime.embedder = backends.embedder;
  if (config.policyFile) runtime.policy = await loadPolicyFile(config.policyFile);
  return runtime;
};
