import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultStack, type FaultStack } from '../support/reliability-faults.js';

/**
 * The Bot Connector failing under the bot, end to end (activities in, replies read at the fake
 * connector). test/teams-faults.test.ts covers single faults against the adapter alone; this suite
 * adds storms across concurrent answers, the metrics, and the feedback kept in Redis.
 * `teams-connector` policy: 1.5 s per attempt, 3 attempts, Retry-After honoured up to 2 s.
 */

const policy = { timeoutMs: 1_500, maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 2_000, breakAfter: 50, halfOpenAfterMs: 1_000 };
// Replies in channel threads; roster calls (under the team's id) are not affected.
const REPLIES = '/v3/conversations/19%3Achannel-';

describe('faults: Bot Connector', () => {
  let bot: FaultStack;
  let feedback: Awaited<ReturnType<FaultStack['feedbackBeforeFault']>>;
  const asked: string[] = [];
  const ask = async (text: string) => {
    const question = await bot.teams.ask(text);
    expect(question.ack.status).toBe(200);
    asked.push(question.id);
    return question;
  };

  beforeAll(async () => {
    bot = await startFaultStack({ policyOverrides: { 'teams-connector': policy } });
    feedback = await bot.feedbackBeforeFault();
    // Rosters read once, before the faults.
    await bot.teams.answer((await ask('how do I drain a haproxy backend?')).id);
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });
  beforeEach(() => {
    bot.world.connector.server.clearFaults();
  });

  it('429 storm with Retry-After: every reply waits as told and is posted once', async () => {
    const delta = await bot.snapshot();
    bot.world.connector.server.failNext(4, { status: 429, retryAfter: 1, pathPrefix: REPLIES });
    const started = performance.now();
    const questions = await Promise.all(['what vlan do branch offices use for voice?', 'how do I fail over patroni?', 'what are the QoS classes?'].map(ask));
    const replies = await Promise.all(questions.map((question) => bot.teams.answer(question.id)));
    await bot.stack.settle();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    for (const [index, question] of questions.entries()) {
      expect(bot.teams.posts(question.id)).toHaveLength(1);
      expect(String(replies[index]?.activity.text)).toMatch(/\[1\]/);
    }
    expect(await delta('ragbot_retries_total', { dependency: 'teams-connector' })).toBeGreaterThanOrEqual(3);
    expect(await delta('ragbot_delivery_failures_total')).toBe(0);
  });

  it('5xx and connection resets before the reply: retried, posted once', async () => {
    const delta = await bot.snapshot();
    bot.world.connector.server.failNext(1, { status: 502, pathPrefix: REPLIES });
    bot.world.connector.server.resetNext(1, { pathPrefix: REPLIES });
    const question = await ask('how are network devices named?');
    await bot.teams.answer(question.id);
    await bot.stack.settle();
    expect(bot.teams.posts(question.id)).toHaveLength(1);
    expect(await delta('ragbot_retries_total', { dependency: 'teams-connector' })).toBe(2);
  });

  it('an outage that outlasts the retries: nothing posted, the failure counted and logged, and Teams\' redelivery is answered once', async () => {
    const delta = await bot.snapshot();
    bot.world.connector.server.failNext(3, { status: 503, pathPrefix: REPLIES });
    const question = await ask('how do I bring an IPsec tunnel back up?');
    await bot.stack.settle();
    expect(bot.teams.posts(question.id)).toHaveLength(0);
    expect(await delta('ragbot_delivery_failures_total', { platform: 'teams' })).toBe(1);
    expect(bot.loggedErrors().at(-1)).toMatch(/Bot Connector answered 503.*background answer failed/);
    expect((await question.redeliver()).status).toBe(200);
    await bot.teams.answer(question.id);
    await question.redeliver();
    await bot.stack.settle();
    expect(bot.teams.posts(question.id)).toHaveLength(1);
    expect(await delta('ragbot_questions_total', { platform: 'teams' })).toBe(1);
    expect(await delta('ragbot_duplicate_events_total', { platform: 'teams' })).toBe(1);
  });

  // A reply the connector processes only after the bot's timeout (3 s against 1.5 s). It was
  // replied twice: the retry posted again, and the connector has no way to look for an earlier
  // post. Now a timed-out attempt leaves the request in flight and the retry waits on it.
  it('a reply slower than the timeout is posted once: the retry waits for it', async () => {
    const delta = await bot.snapshot();
    bot.world.connector.server.delayNext(1, 3_000, { pathPrefix: REPLIES });
    const question = await ask('what to do when the log host disk is full?');
    await bot.teams.answer(question.id);
    await bot.stack.settle();
    await new Promise((resolveWait) => setTimeout(resolveWait, 2_000)); // time for a second reply to land, were there one
    expect(bot.teams.posts(question.id)).toHaveLength(1);
    // The first attempt did time out: the answer came through a retry waiting on the same request.
    expect(await delta('ragbot_retries_total', { dependency: 'teams-connector' })).toBeGreaterThanOrEqual(1);
  });

  it('answered every question exactly once, and kept the feedback given before the faults', async () => {
    await bot.stack.settle();
    for (const id of asked) expect({ id, posts: bot.teams.posts(id).length }).toEqual({ id, posts: 1 });
    expect(await feedback.stillThere()).toEqual([{ userId: 'U0USER003', sentiment: 'helpful' }]);
  });
});
