import { join, resolve } from 'node:path';
import type { Config } from '../config/config-schema.js';
import type { DocumentParser } from '../core/ports/document-source.js';
import type { EmbeddingCache } from '../core/ports/embedding-cache.js';
import type { EmbeddingModel } from '../core/ports/embedding-model.js';
import type { IndexCatalogStore } from '../core/ports/index-catalog-store.js';
import type { LanguageModel } from '../core/ports/language-model.js';
import type { VectorStore } from '../core/ports/vector-store.js';
import type { AccessPolicy } from '../core/access/access-policy.js';
import { cacheMemberships } from '../core/access/cached-membership-directory.js';
import type { AuditSink } from '../core/ports/audit-sink.js';
import type { KeyValueStore } from '../core/ports/key-value-store.js';
import type { MembershipDirectory } from '../core/ports/membership-directory.js';
import { loadPolicyFile } from '../config/policy-file.js';
import { createJsonLinesAuditSink } from '../providers/local/json-lines-audit-sink.js';
import { loadFixtureMembershipDirectory } from '../providers/local/fixture-membership-directory.js';
import { createMemoryKeyValueStore } from '../providers/memory/memory-key-value-store.js';
import { createMemoryMembershipDirectory } from '../providers/memory/memory-membership-directory.js';
import { createDocumentParser } from '../ingest/document-parser.js';
import { createHashEmbeddingModel } from '../providers/embeddings/hash-embedding-model.js';
import { createUseLiteEmbeddingModel } from '../providers/embeddings/use-lite-embedding-model.js';
import { createExtractiveLanguageModel } from '../providers/extractive/extractive-language-model.js';
import { createLanceDbVectorStore } from '../providers/lancedb/lancedb-vector-store.js';
import { createFileEmbeddingCache } from '../providers/local/file-embedding-cache.js';
import { createFileIndexCatalogStore } from '../providers/local/file-index-catalog-store.js';

/** Everything the use cases need, built from the configuration: the composition root. */
export type Runtime = {
  config: Config;
  /** Undefined without RAGBOT_POLICY: the CLI then acts as the operator of the local tenant. */
  policy?: AccessPolicy;
  membership: MembershipDirectory;
  audit: AuditSink;
  state: KeyValueStore;
  store: VectorStore;
  catalogs: IndexCatalogStore;
  embedder?: EmbeddingModel;
  embeddingCache: EmbeddingCache;
  parser: DocumentParser;
  languageModels: LanguageModel[];
  close(): Promise<void>;
};

const MEMBERSHIP_TTL_MS = 5 * 60_000;

export const createEmbeddingModel = (embeddings: Config['embeddings']): EmbeddingModel | undefined => {
  switch (embeddings) {
    case 'none':
      return undefined;
    case 'hash':
      return createHashEmbeddingModel();
    case 'use-lite':
      return createUseLiteEmbeddingModel();
  }
};

export const createRuntime = async (config: Config): Promise<Runtime> => {
  const dataDirectory = resolve(config.dataDirectory);
  const store = await createLanceDbVectorStore({ directory: join(dataDirectory, 'lancedb') });
  const embedder = createEmbeddingModel(config.embeddings);
  const state = createMemoryKeyValueStore();
  const membership = config.membershipFile
    ? await loadFixtureMembershipDirectory(config.membershipFile)
    : createMemoryMembershipDirectory({ tenants: {} });
  const runtime: Runtime = {
    config,
    membership: cacheMemberships(membership, { state, ttlMs: MEMBERSHIP_TTL_MS }),
    audit: createJsonLinesAuditSink({ file: config.auditLogFile }),
    state,
    store,
    catalogs: createFileIndexCatalogStore({ directory: join(dataDirectory, 'catalogs') }),
    embeddingCache: createFileEmbeddingCache({ directory: join(dataDirectory, 'embeddings') }),
    parser: createDocumentParser(),
    languageModels: [createExtractiveLanguageModel()],
    close: async () => {
      await store.close?.();
    },
  };
  if (embedder) runtime.embedder = embedder;
  if (config.policyFile) runtime.policy = await loadPolicyFile(config.policyFile);
  return runtime;
};
