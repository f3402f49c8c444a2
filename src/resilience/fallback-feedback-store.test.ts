import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFeedbackStoreContract } from '../../test/contracts/feedback-store-contract.js';
import { startDurableRedis, type DurableRedis } from '../../test/support/reliability-redis.js';
import { startRedisServer } from '../../test/support/redis-server.js';
import { BotError } from '../core/bot-error.js';
import type { AnswerRecord, FeedbackStore, Vote } from '../core/ports/feedback-store.js';
import { createRedisFeedbackStore } from '../providers/redis/redis-feedback-store.js';
import { createRedisKeyValueStore } from '../providers/redis/redis-key-value-store.js';
import { createDependencyPolicy } from './dependency-policy.js';
import { createFallbackFeedbackStore } from './fallback-feedback-store.js';

const redisPolicy = () =>
  createDependencyPolicy('redis', { timeoutMs: 500, maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10, breakAfter: 3, halfOpenAfterMs: 200, concurrency: 50, queue: 50 });

/** A primary that is never reachable: every call fails as Redis's do when it is down. */
const unreachable = new Proxy({} as FeedbackStore, {
  get: () => async () => {
    throw new BotError('state_unavailable', 'Redis set vote failed: connection is closed', { retryable: true });
  },
});

runFeedbackStoreContract('fallback, Redis up (a real redis-server)', async () => {
  const server = await startRedisServer();
  const state = await createRedisKeyValueStore({ url: server.url });
  return {
    store: createFallbackFeedbackStore({ primary: createRedisFeedbackStore(state.client), policy: redisPolicy() }),
    cleanup: async () => {
      await state.close?.();
      await server.stop();
    },
  };
});

runFeedbackStoreContract('fallback, Redis unreachable throughout (memory)', async () => {
  const store = createFallbackFeedbackStore({ primary: unreachable, policy: redisPolicy() });
  return { store, cleanup: () => store.close() };
});

const eventually = async <T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met in time');
};

let sequence = 0;
const answer = (messageRef: string): AnswerRecord => ({
  answerId: `answer-${++sequence}`, tenantId: 'T1', platform: 'slack', messageRef, channelId: 'C1', outcome: 'answered', scope: ['runbooks'],
  sources: [{ path: 'a.md', collection: 'runbooks', title: 'A', section: 'Intro' }], totalMs: 5, at: new Date().toISOString(),
});
const vote = (answerId: string, userId: string, reaction: string, sentiment: Vote['sentiment']): Vote => ({ answerId, userId, reaction, sentiment, at: new Date().toISOString() });

describe('feedback while Redis is down (a real, durable redis-server, killed and restarted)', () => {
  let redis: DurableRedis;
  let reader: Redis;
  /** What Redis itself holds, through a connection of its own. */
  let inRedis: FeedbackStore;
  beforeAll(async () => {
    redis = await startDurableRedis();
    reader = new Redis(redis.url, { keyPrefix: 'ragbot:', lazyConnect: true, maxRetriesPerRequest: 1 });
    reader.on('error', () => undefined);
    inRedis = createRedisFeedbackStore(reader);
  });
  afterAll(async () => {
    reader.disconnect();
    await redis.close();
  });

  const openStore = async (options: { retryEveryMs?: number } = {}) => {
    const state = await createRedisKeyValueStore({ url: redis.url });
    const store = createFallbackFeedbackStore({ primary: createRedisFeedbackStore(state.client), policy: redisPolicy(), ...options });
    return { store, client: state.client, close: async () => (await store.close(), await state.close?.()) };
  };

  it('records votes given during the outage, and replays them in order once Redis is back: last vote wins, each counted once', async () => {
    const { store, close } = await openStore();
    const before = answer('C1:1700.1');
    await store.recordAnswer(before);
    await store.setVote(vote(before.answerId, 'U2', '+1', 'helpful'));

    await redis.kill();
    const during = answer('C1:1700.2');
    await store.recordAnswer(during);
    // The answer given before the outage is still found, so a reaction on it counts.
    expect((await store.findAnswer({ platform: 'slack', messageRef: 'C1:1700.1' }))?.answerId).toBe(before.answerId);
    await store.setVote(vote(before.answerId, 'U1', '+1', 'helpful'));
    expect(await store.removeVote({ answerId: before.answerId, userId: 'U1', reaction: '+1' })).toBe(true);
    await store.setVote(vote(before.answerId, 'U1', '-1', 'not-helpful'));
    expect(await store.removeVote({ answerId: before.answerId, userId: 'U2', reaction: '+1' })).toBe(false); // given before: unknown here
    await store.setVote(vote(during.answerId, 'U3', 'hourglass', 'outdated'));
    expect((await store.votes(during.answerId)).map((entry) => entry.sentiment)).toEqual(['outdated']);
    expect(store.pending).toBe(6);

    await redis.start();
    await eventually(() => store.flush());
    expect(store.pending).toBe(0);
    expect((await inRedis.findAnswer({ platform: 'slack', messageRef: 'C1:1700.2' }))?.answerId).toBe(during.answerId);
    expect((await inRedis.votes(before.answerId)).map((entry) => `${entry.userId}:${entry.sentiment}`)).toEqual(['U1:not-helpful']);
    expect((await inRedis.votes(during.answerId)).map((entry) => `${entry.userId}:${entry.sentiment}`)).toEqual(['U3:outdated']);
    expect(await store.flush()).toBe(true); // nothing left to replay: still counted once
    expect(await inRedis.votes(during.answerId)).toHaveLength(1);
    await close();
  }, 30_000);

  it('replays a vote before a newer write reaches Redis: removing it as the first call after recovery removes it', async () => {
    const { store, client, close } = await openStore();
    await redis.kill();
    const during = answer('C1:1700.3');
    await store.recordAnswer(during);
    await store.setVote(vote(during.answerId, 'U1', '+1', 'helpful'));
    await redis.start();
    await eventually(async () => client.status === 'ready'); // reconnected, and nothing sent yet
    expect(store.pending).toBe(2);
    expect(await store.removeVote({ answerId: during.answerId, userId: 'U1', reaction: '+1' })).toBe(true);
    expect(store.pending).toBe(0);
    expect(await inRedis.findAnswer({ answerId: during.answerId })).toBeDefined();
    expect(await inRedis.votes(during.answerId)).toEqual([]);
    await close();
  }, 30_000);

  it('writes pending votes to Redis by itself once it is back, with no other call', async () => {
    const { store, close } = await openStore({ retryEveryMs: 100 });
    await redis.kill();
    const during = answer('C1:1700.4');
    await store.recordAnswer(during);
    await store.setVote(vote(during.answerId, 'U4', '+1', 'helpful'));
    await redis.start();
    const votes = await eventually(async () => {
      const found = await inRedis.votes(during.answerId).catch(() => []);
      return found.length > 0 ? found : undefined;
    });
    expect(votes.map((entry) => `${entry.userId}:${entry.sentiment}`)).toEqual(['U4:helpful']);
    expect(await inRedis.findAnswer({ answerId: during.answerId })).toMatchObject({ messageRef: 'C1:1700.4' });
    await close();
  }, 30_000);
});

describe('the fallback feedback store, bounded', () => {
  it('refuses new writes beyond maxPending, as Redis did without the fallback', async () => {
    const store = createFallbackFeedbackStore({ primary: unreachable, policy: redisPolicy(), maxPending: 2 });
    await store.setVote(vote('a1', 'U1', '+1', 'helpful'));
    await store.setVote(vote('a1', 'U2', '+1', 'helpful'));
    await expect(store.setVote(vote('a1', 'U3', '+1', 'helpful'))).rejects.toMatchObject({ code: 'state_unavailable' });
    expect(store.pending).toBe(2);
    await store.close();
  });

  it('keeps only the latest answers for matching reactions while Redis is down', async () => {
    const store = createFallbackFeedbackStore({ primary: unreachable, policy: redisPolicy(), recentAnswers: 2 });
    const [first, second, third] = [answer('C1:1.1'), answer('C1:1.2'), answer('C1:1.3')];
    for (const record of [first, second, third]) await store.recordAnswer(record);
    expect(await store.findAnswer({ platform: 'slack', messageRef: 'C1:1.1' })).toBeUndefined();
    expect(await store.findAnswer({ answerId: first.answerId })).toBeUndefined();
    expect((await store.findAnswer({ platform: 'slack', messageRef: 'C1:1.3' }))?.answerId).toBe(third.answerId);
    expect((await store.listAnswers({ since: new Date(0) })).map((record) => record.answerId)).toEqual([second.answerId, third.answerId]);
    await store.close();
  });
});
