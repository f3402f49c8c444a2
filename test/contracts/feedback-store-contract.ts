import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerRecord, FeedbackStore, Vote } from '../../src/core/ports/feedback-store.js';

let sequence = 0;
const answer = (overrides: Partial<AnswerRecord> = {}): AnswerRecord => ({
  answerId: `answer-${++sequence}-${Math.random().toString(36).slice(2)}`, tenantId: 'T1', platform: 'slack', channelId: 'C1',
  outcome: 'answered', scope: ['runbooks'], sources: [{ path: 'runbooks/a.md', collection: 'runbooks', title: 'A', section: 'Intro' }],
  totalMs: 120, at: new Date().toISOString(), ...overrides,
});
const vote = (answerId: string, reaction: string, sentiment: Vote['sentiment'], userId = 'U1'): Vote => ({
  answerId, userId, reaction, sentiment, at: new Date().toISOString(),
});

/** One behaviour for every FeedbackStore: run against memory and Redis. */
export const runFeedbackStoreContract = (name: string, create: () => Promise<{ store: FeedbackStore; cleanup?: () => Promise<void> }>) => {
  describe(`FeedbackStore contract: ${name}`, () => {
    let store: FeedbackStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ store, cleanup } = await create());
    });
    afterAll(async () => cleanup?.());

    it('finds an answer by id and by the platform message it was posted as', async () => {
      const record = answer({ messageRef: `1700000000.${sequence}` });
      await store.recordAnswer(record);
      expect(await store.findAnswer({ answerId: record.answerId })).toEqual(record);
      expect(await store.findAnswer({ platform: 'slack', messageRef: record.messageRef })).toEqual(record);
      expect(await store.findAnswer({ platform: 'teams', messageRef: record.messageRef })).toBeUndefined();
    });

    it('keeps one vote per user: 👍, its removal, then 👎 is one not-helpful vote', async () => {
      const { answerId } = answer();
      await store.setVote(vote(answerId, '+1', 'helpful'));
      expect(await store.removeVote({ answerId, userId: 'U1', reaction: '+1' })).toBe(true);
      await store.setVote(vote(answerId, '-1', 'not-helpful'));
      expect((await store.votes(answerId)).map((entry) => entry.sentiment)).toEqual(['not-helpful']);
    });

    it('lets the latest reaction count, and ignores removing an older one', async () => {
      const { answerId } = answer();
      await store.setVote(vote(answerId, '+1', 'helpful'));
      await store.setVote(vote(answerId, 'hourglass', 'outdated'));
      expect(await store.removeVote({ answerId, userId: 'U1', reaction: '+1' })).toBe(false);
      await store.setVote(vote(answerId, 'mag', 'missing', 'U2'));
      const votes = (await store.votes(answerId)).map((entry) => `${entry.userId}:${entry.sentiment}`).sort();
      expect(votes).toEqual(['U1:outdated', 'U2:missing']);
    });

    it('lists answers recorded since a time, oldest first', async () => {
      const old = answer({ at: '2020-01-01T00:00:00.000Z' });
      const recent = answer({ at: new Date(Date.now() - 1_000).toISOString() });
      await store.recordAnswer(old);
      await store.recordAnswer(recent);
      const since = await store.listAnswers({ since: new Date(Date.now() - 60_000) });
      expect(since.map((record) => record.answerId)).toContain(recent.answerId);
      expect(since.map((record) => record.answerId)).not.toContain(old.answerId);
    });
  });
};
