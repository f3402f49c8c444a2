import { afterEach, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/config/policy-file.js';
import type { Answer } from '../../src/core/answer.js';
import { BotError } from '../../src/core/bot-error.js';
import { handleQuestion, PROCESSING_TTL_MS } from '../../src/core/conversation/handle-question.js';
import { handleReindex } from '../../src/core/conversation/handle-reindex.js';
import type { KeyValueStore } from '../../src/core/ports/key-value-store.js';
import type { Question } from '../../src/core/question.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../../src/core/retrieval/retrieval-settings.js';
import { createExtractiveLanguageModel } from '../../src/providers/extractive/extractive-language-model.js';
import { createMemoryEmbeddingCache } from '../../src/providers/memory/memory-embedding-cache.js';
import { createMemoryFeedbackStore } from '../../src/providers/memory/memory-feedback-store.js';
import { createMemoryIndexCatalogStore } from '../../src/providers/memory/memory-index-catalog-store.js';
import { createMemoryKeyValueStore } from '../../src/providers/memory/memory-key-value-store.js';
import { createMemoryMembershipDirectory } from '../../src/providers/memory/memory-membership-directory.js';
import { createMemoryVectorStore } from '../../src/providers/memory/memory-vector-store.js';
import { createDependencyPolicy } from '../../src/resilience/dependency-policy.js';
import { createFallbackKeyValueStore } from '../../src/resilience/fallback-key-value-store.js';
import { createInMemorySource, paragraphParser } from '../support/in-memory-documents.js';

/**
 * The two state fixes this work made, at unit level (the end-to-end proofs are restart.test.ts and
 * faults-redis.test.ts):
 * - handleQuestion's dedupe key lives 15 s while "processing", renewed as long as the answer is
 *   being made, and a day once delivered: a crash no longer blocks the platform's redelivery for a day;
 * - the Redis→memory fallback keeps honouring keys written to memory during an outage once Redis is back.
 */

afterEach(() => {
  vi.useRealTimers();
});

const setup = async (state: KeyValueStore) => {
  const policy = parsePolicy(
    'tenants:\n  T1:\n    collections: { runbooks: { source: ./runbooks } }\n    roles: { everyone: { collections: [runbooks] } }\n    admins: { users: [UADMIN] }\n',
    '/policy.yaml',
  );
  const files = createInMemorySource({ 'haproxy.md': '# HAProxy\n\nDrain a backend server with set server state drain.' });
  const base = { store: createMemoryVectorStore(), catalogs: createMemoryIndexCatalogStore(), parser: paragraphParser, embeddingCache: createMemoryEmbeddingCache() };
  const dependencies = {
    ...base, policy, state,
    limits: { perUser: { capacity: 100, refillPerSecond: 1 }, perChannel: { capacity: 100, refillPerSecond: 1 } },
    membership: createMemoryMembershipDirectory({ tenants: {} }),
    feedback: createMemoryFeedbackStore(),
    languageModels: [createExtractiveLanguageModel()],
    settings: DEFAULT_RETRIEVAL_SETTINGS,
    sourceFor: () => files.source,
  };
  await handleReindex(dependencies, { tenantId: 'T1', userId: 'UADMIN' });
  return dependencies;
};

const question = (id: string): Question => ({
  id, platform: 'slack', tenantId: 'T1', channel: { id: 'C1', kind: 'public', external: false }, user: { id: 'U1' },
  text: 'how do I drain a backend server?', invocation: 'mention', history: [], receivedAt: new Date(),
});

/** A KeyValueStore that records the TTL of every write. */
const recording = (inner: KeyValueStore) => {
  const ttls = new Map<string, number | undefined>();
  const store: KeyValueStore = {
    ...inner,
    set: async (key, value, options) => (ttls.set(`${key}=${value}`, options?.ttlMs), inner.set(key, value, options)),
    setIfAbsent: async (key, value, options) => (ttls.set(`${key}=${value}`, options?.ttlMs), inner.setIfAbsent(key, value, options)),
  };
  return { store, ttls };
};

describe('the dedupe key of a question', () => {
  it('is short-lived while processing and kept a day once delivered', async () => {
    const { store, ttls } = recording(createMemoryKeyValueStore());
    const dependencies = await setup(store);
    const result = await handleQuestion(dependencies, { question: question('Ev1'), deliver: async () => ({ messageRef: 'C1:1.1' }) });
    expect(result.status).toBe('answered');
    expect(PROCESSING_TTL_MS).toBe(15_000);
    expect(ttls.get('seen:slack:T1:Ev1=processing')).toBe(15_000);
    expect(ttls.get('seen:slack:T1:Ev1=delivered')).toBe(24 * 3600_000);
  });

  it('is renewed while a slow answer is being made, so a redelivery meanwhile is still a duplicate', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const dependencies = await setup(createMemoryKeyValueStore());
    let release: () => void = () => undefined;
    const slowDelivery = new Promise<void>((resolve) => (release = resolve));
    const posted: Answer[] = [];
    const first = handleQuestion(dependencies, { question: question('Ev2'), deliver: async (answer) => (await slowDelivery, posted.push(answer), {}) });
    await vi.advanceTimersByTimeAsync(40_000); // well past one processing TTL
    expect((await handleQuestion(dependencies, { question: question('Ev2'), deliver: async () => ({}) })).status).toBe('duplicate');
    release();
    expect((await first).status).toBe('answered');
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await handleQuestion(dependencies, { question: question('Ev2'), deliver: async () => ({}) })).status).toBe('duplicate');
    expect(posted).toHaveLength(1);
  });

  it('left behind by a process that died mid-answer expires, and the redelivery is answered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const state = createMemoryKeyValueStore();
    const dependencies = await setup(state);
    // What the dead process left: the key it set before working, never renewed again.
    await state.setIfAbsent('seen:slack:T1:Ev3', 'processing', { ttlMs: PROCESSING_TTL_MS });
    expect((await handleQuestion(dependencies, { question: question('Ev3'), deliver: async () => ({}) })).status).toBe('duplicate');
    await vi.advanceTimersByTimeAsync(PROCESSING_TTL_MS + 1);
    expect((await handleQuestion(dependencies, { question: question('Ev3'), deliver: async () => ({}) })).status).toBe('answered');
  });
});

describe('the Redis→memory fallback after an outage', () => {
  const flakyPrimary = () => {
    const inner = createMemoryKeyValueStore();
    let down = false;
    const guard = <T>(call: () => Promise<T>) => (down ? Promise.reject(new BotError('state_unavailable', 'Redis is down', { retryable: true })) : call());
    const store: KeyValueStore = {
      provider: 'redis',
      get: (key) => guard(() => inner.get(key)),
      set: (key, value, options) => guard(() => inner.set(key, value, options)),
      setIfAbsent: (key, value, options) => guard(() => inner.setIfAbsent(key, value, options)),
      delete: (key) => guard(() => inner.delete(key)),
      deleteIfEquals: (key, value) => guard(() => inner.deleteIfEquals(key, value)),
      takeToken: (key, bucket) => guard(() => inner.takeToken(key, bucket)),
    };
    return { store, inner, setDown: (value: boolean) => (down = value) };
  };
  const fallbackStore = (primary: KeyValueStore) =>
    createFallbackKeyValueStore({
      primary, fallback: createMemoryKeyValueStore(),
      policy: createDependencyPolicy('redis', { timeoutMs: 500, maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1, breakAfter: 1_000, halfOpenAfterMs: 10, concurrency: 10, queue: 10 }),
    });

  it('still counts a key written to memory during the outage once Redis is back', async () => {
    const primary = flakyPrimary();
    const store = fallbackStore(primary.store);
    primary.setDown(true);
    expect(await store.setIfAbsent('seen:Ev1', 'delivered', { ttlMs: 60_000 })).toBe(true);
    primary.setDown(false);
    expect(await store.setIfAbsent('seen:Ev1', 'processing', { ttlMs: 60_000 })).toBe(false);
    expect(await store.get('seen:Ev1')).toBe('delivered');
    expect(store.mode).toBe('primary');
    // Keys Redis has are still Redis's.
    expect(await store.setIfAbsent('seen:Ev2', 'processing')).toBe(true);
    expect(await primary.inner.get('seen:Ev2')).toBe('processing');
  });

  it('deletes from both, so a key released after the outage does not linger in memory', async () => {
    const primary = flakyPrimary();
    const store = fallbackStore(primary.store);
    primary.setDown(true);
    expect(await store.setIfAbsent('lock:reindex', 'owner-1', { ttlMs: 60_000 })).toBe(true);
    expect(await store.setIfAbsent('seen:Ev3', 'processing', { ttlMs: 60_000 })).toBe(true);
    primary.setDown(false);
    expect(await store.deleteIfEquals('lock:reindex', 'owner-1')).toBe(true);
    expect(await store.setIfAbsent('lock:reindex', 'owner-2', { ttlMs: 60_000 })).toBe(true);
    await store.delete('seen:Ev3');
    expect(await store.setIfAbsent('seen:Ev3', 'processing')).toBe(true);
  });
});
