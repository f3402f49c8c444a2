import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../config/policy-file.js';
import { createExtractiveLanguageModel } from '../../providers/extractive/extractive-language-model.js';
import { createMemoryAuditSink } from '../../providers/memory/memory-audit-sink.js';
import { createMemoryEmbeddingCache } from '../../providers/memory/memory-embedding-cache.js';
import { createMemoryFeedbackStore } from '../../providers/memory/memory-feedback-store.js';
import { createMemoryIndexCatalogStore } from '../../providers/memory/memory-index-catalog-store.js';
import { createMemoryKeyValueStore } from '../../providers/memory/memory-key-value-store.js';
import { createMemoryMembershipDirectory } from '../../providers/memory/memory-membership-directory.js';
import { createMemoryVectorStore } from '../../providers/memory/memory-vector-store.js';
import { createInMemorySource, paragraphParser } from '../../../test/support/in-memory-documents.js';
import type { Answer } from '../answer.js';
import type { Question } from '../question.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../retrieval/retrieval-settings.js';
import { handleReaction } from './handle-feedback.js';
import { handleQuestion } from './handle-question.js';
import { handleReindex } from './handle-reindex.js';

const policy = parsePolicy(
  `tenants:
  T1:
    collections: { runbooks: { source: ./runbooks } }
    roles: { everyone: { collections: [runbooks] } }
    admins: { users: [UADMIN] }
`,
  '/policy.yaml',
);

const setup = async (limits = { perUser: { capacity: 100, refillPerSecond: 1 }, perChannel: { capacity: 100, refillPerSecond: 1 } }) => {
  const files = createInMemorySource({ 'haproxy.md': '# HAProxy\n\nDrain a backend server with set server state drain.' });
  const base = { store: createMemoryVectorStore(), catalogs: createMemoryIndexCatalogStore(), parser: paragraphParser, embeddingCache: createMemoryEmbeddingCache() };
  const audit = createMemoryAuditSink();
  const dependencies = {
    ...base, policy, audit, limits,
    membership: createMemoryMembershipDirectory({ tenants: {} }),
    state: createMemoryKeyValueStore(),
    feedback: createMemoryFeedbackStore(),
    languageModels: [createExtractiveLanguageModel()],
    settings: DEFAULT_RETRIEVAL_SETTINGS,
    sourceFor: () => files.source,
  };
  return { dependencies, audit, files };
};

const question = (id: string, user = 'U1', text = 'how do I drain a backend server?'): Question => ({
  id, platform: 'slack', tenantId: 'T1', channel: { id: 'C1', kind: 'public', external: false }, user: { id: user },
  text, invocation: 'mention', history: [], receivedAt: new Date(),
});

describe('conversation flows', () => {
  it('answers one event delivered four times exactly once', async () => {
    const { dependencies } = await setup();
    await handleReindex(dependencies, { tenantId: 'T1', userId: 'UADMIN' });
    const posted: Answer[] = [];
    const deliver = async (answer: Answer) => (posted.push(answer), { messageRef: '1700.0001' });
    const results = await Promise.all([1, 2, 3, 4].map(() => handleQuestion(dependencies, { question: question('Ev1'), deliver })));
    expect(results.map((result) => result.status).sort()).toEqual(['answered', 'duplicate', 'duplicate', 'duplicate']);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.outcome).toBe('answered');
  });

  it('lets a redelivery retry after a failed post, posting once in the end', async () => {
    const { dependencies } = await setup();
    await handleReindex(dependencies, { tenantId: 'T1', userId: 'UADMIN' });
    let attempts = 0;
    const flaky = async () => {
      attempts++;
      if (attempts === 1) throw new Error('chat.postMessage failed');
      return { messageRef: 'm-1' };
    };
    await expect(handleQuestion(dependencies, { question: question('Ev2'), deliver: flaky })).rejects.toThrow('chat.postMessage failed');
    expect((await handleQuestion(dependencies, { question: question('Ev2'), deliver: flaky })).status).toBe('answered');
    expect((await handleQuestion(dependencies, { question: question('Ev2'), deliver: flaky })).status).toBe('duplicate');
    expect(attempts).toBe(2);
  });

  it('rate-limits a user politely, without answering', async () => {
    const { dependencies } = await setup({ perUser: { capacity: 1, refillPerSecond: 0.01 }, perChannel: { capacity: 100, refillPerSecond: 1 } });
    const deliver = async () => ({});
    expect((await handleQuestion(dependencies, { question: question('Ev3'), deliver })).status).toBe('answered');
    const limited = await handleQuestion(dependencies, { question: question('Ev4'), deliver });
    expect(limited).toMatchObject({ status: 'rate-limited' });
    expect((await handleQuestion(dependencies, { question: question('Ev5', 'U2'), deliver })).status).toBe('answered');
  });

  it('turns 👍, its removal, then 👎 by one user into one not-helpful vote, and ignores other messages', async () => {
    const { dependencies } = await setup();
    await handleReindex(dependencies, { tenantId: 'T1', userId: 'UADMIN' });
    const handled = await handleQuestion(dependencies, { question: question('Ev6'), deliver: async () => ({ messageRef: '1700.0006' }) });
    const answerId = handled.status === 'answered' ? handled.answer.id : '';
    const react = (reaction: string, added: boolean, messageRef = '1700.0006') =>
      handleReaction(dependencies, { platform: 'slack', messageRef, userId: 'U9', reaction, added });
    expect(await react('+1', true)).toBe('recorded');
    expect(await react('+1', false)).toBe('removed');
    expect(await react('-1', true)).toBe('recorded');
    expect(await react('tada', true)).toBe('ignored');
    expect(await react('+1', true, 'someone-elses-message')).toBe('ignored');
    expect((await dependencies.feedback.votes(answerId)).map((vote) => vote.sentiment)).toEqual(['not-helpful']);
  });

  it('refuses /reindex to non-admins (audit-logged) and runs it incrementally for admins', async () => {
    const { dependencies, audit, files } = await setup();
    expect(await handleReindex(dependencies, { tenantId: 'T1', userId: 'U1', channelId: 'C1' })).toEqual({ kind: 'refused' });
    expect(audit.events.at(-1)).toMatchObject({ userId: 'U1', action: 'reindex', outcome: 'refused' });
    const first = await handleReindex(dependencies, { tenantId: 'T1', userId: 'UADMIN' });
    expect(first).toMatchObject({ kind: 'done', summaries: [{ collection: 'runbooks', added: 1 }] });
    files.write('new.md', '# New\n\nA new runbook.');
    const second = await handleReindex(dependencies, { tenantId: 'T1', userId: 'UADMIN', collection: 'runbooks' });
    expect(second).toMatchObject({ kind: 'done', summaries: [{ added: 1, unchanged: 1 }] });
    expect(await handleReindex(dependencies, { tenantId: 'T1', userId: 'UADMIN', collection: 'nope' })).toEqual({
      kind: 'unknown-collection', collection: 'nope', known: ['runbooks'],
    });
  });
});
