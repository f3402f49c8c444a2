import { parsePolicy } from '../../src/config/policy-file.js';
import { createChatServices, type ChatServices, type ChatServicesDependencies } from '../../src/core/conversation/chat-services.js';
import { handleReindex } from '../../src/core/conversation/handle-reindex.js';
import type { MembershipDirectory } from '../../src/core/ports/membership-directory.js';
import { createExtractiveLanguageModel } from '../../src/providers/extractive/extractive-language-model.js';
import { createMemoryAuditSink } from '../../src/providers/memory/memory-audit-sink.js';
import { createMemoryEmbeddingCache } from '../../src/providers/memory/memory-embedding-cache.js';
import { createMemoryFeedbackStore } from '../../src/providers/memory/memory-feedback-store.js';
import { createMemoryIndexCatalogStore } from '../../src/providers/memory/memory-index-catalog-store.js';
import { createMemoryKeyValueStore } from '../../src/providers/memory/memory-key-value-store.js';
import { createMemoryMembershipDirectory } from '../../src/providers/memory/memory-membership-directory.js';
import { createMemoryVectorStore } from '../../src/providers/memory/memory-vector-store.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../../src/core/retrieval/retrieval-settings.js';
import { createInMemorySource, paragraphParser } from '../support/in-memory-documents.js';

/**
 * The same organization on every platform: who is who and which channels exist, by logical name.
 * Each platform driver maps the names to its own ids (Slack `T…`/`C…`/`U…`, Teams tenant GUIDs,
 * `19:…@thread.tacv2` channels, Entra object ids), and the policy is written with those ids.
 *
 * - `runbooks` is open to everyone; `security` to the members of `secops`.
 * - alice is in netops and secops; bob only in netops; admin is a listed administrator.
 * - `followups` answers thread follow-ups without a new mention; `shared` is shared with another
 *   organization (no answers there).
 */
export type UserName = 'alice' | 'bob' | 'admin';
export type ChannelName = 'netops' | 'secops' | 'followups' | 'shared';

export type PlatformIds = {
  tenant: string;
  users: Record<UserName, string>;
  channels: Record<ChannelName, string>;
};

export const DOCUMENTS = {
  runbooks: {
    'haproxy.md': '# HAProxy\n\nDrain a backend server with set server state drain before maintenance.',
    'dns.md': '# DNS changes\n\nDNS changes are reviewed by the network team and rolled out with a low TTL first.',
  },
  security: {
    'rotation.md': '# Secret rotation\n\nSecret rotation exceptions are approved by the security lead on duty.',
  },
} as const;

export const QUESTIONS = {
  /** Answered from runbooks/haproxy.md. */
  runbooks: 'how do I drain a backend server?',
  /** A follow-up in the same thread, answered from runbooks/dns.md. */
  followUp: 'and who reviews DNS changes?',
  /** Answered from security/rotation.md, where its reader may read it. */
  security: 'who approves secret rotation exceptions?',
} as const;

export const policyText = (ids: PlatformIds) => `tenants:
  "${ids.tenant}":
    collections:
      runbooks: { source: ./runbooks }
      security: { source: ./security }
    roles:
      everyone: { collections: [runbooks] }
      secops: { channels: ["${ids.channels.secops}"], collections: [security] }
    admins: { users: ["${ids.users.admin}"] }
    channels:
      "${ids.channels.followups}": { followThreads: true }
`;

/** The core with memory stores, the extractive answerer, and both collections indexed. */
export const createBotUnderTest = async (ids: PlatformIds) => {
  const policy = parsePolicy(policyText(ids), '/policy.yaml');
  const sources = {
    runbooks: createInMemorySource({ ...DOCUMENTS.runbooks }),
    security: createInMemorySource({ ...DOCUMENTS.security }),
  };
  const indexing = {
    store: createMemoryVectorStore(), catalogs: createMemoryIndexCatalogStore(), parser: paragraphParser, embeddingCache: createMemoryEmbeddingCache(),
  };
  const audit = createMemoryAuditSink();
  const state = createMemoryKeyValueStore();
  const feedback = createMemoryFeedbackStore();
  const sourceFor = ({ collection }: { collection: string }) => sources[collection as keyof typeof sources].source;
  const dependencies: ChatServicesDependencies = {
    ...indexing, policy, audit, state, feedback,
    limits: { perUser: { capacity: 100, refillPerSecond: 1 }, perChannel: { capacity: 100, refillPerSecond: 1 } },
    languageModels: [createExtractiveLanguageModel()],
    settings: DEFAULT_RETRIEVAL_SETTINGS,
    reindex: { ...indexing, sourceFor },
  };
  await handleReindex(
    { ...indexing, policy, state, sourceFor, membership: createMemoryMembershipDirectory({ tenants: {} }) },
    { tenantId: ids.tenant, userId: ids.users.admin },
  );
  return {
    ids, policy, dependencies, audit, state, feedback, sources,
    services: (membership: MembershipDirectory): ChatServices => createChatServices(dependencies, membership),
  };
};

export type BotUnderTest = Awaited<ReturnType<typeof createBotUnderTest>>;
