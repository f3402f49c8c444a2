import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultStack, type FaultStack } from '../support/reliability-faults.js';
import { eventually } from '../support/reliability-stack.js';
import { slackShownText } from '../support/reliability-world.js';

/**
 * The search path failing end to end: Pinecone (hybrid, one query per collection) and the OpenAI
 * embeddings of the question. The rule under test: when search is down the bot says so, never
 * answers from anything else, does not cache that, and answers normally once search is back.
 * Policies: 1 s per attempt, 3 attempts, Retry-After honoured up to 2 s, breaker after 5
 * consecutive failures, half-open after 1.5 s.
 */

const policy = { timeoutMs: 1_000, maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 2_000, breakAfter: 5, halfOpenAfterMs: 1_500 };
const UNAVAILABLE = /Search is unavailable right now, so I cannot answer from the documents/;

describe('faults: embeddings and Pinecone', () => {
  let bot: FaultStack;
  let feedback: Awaited<ReturnType<FaultStack['feedbackBeforeFault']>>;
  const asked: string[] = [];
  const chatCalls = () => bot.openai.requests.filter((request) => request.path === '/v1/chat/completions').length;
  const ask = async (text: string, options: { exact?: boolean } = {}) => {
    const question = await bot.slack.ask(text, options);
    expect(question.ack.status).toBe(200);
    asked.push(question.id);
    return bot.slack.answer(question.id);
  };
  /** Faults cleared, breakers half-open, then one good answer: every breaker closed and its failure count reset. */
  const recover = async () => {
    bot.openai.clearFaults();
    bot.pinecone?.clearFaults();
    if ((await bot.gauge('ragbot_breaker_open', { dependency: 'vectorstore' })) + (await bot.gauge('ragbot_breaker_open', { dependency: 'embeddings' })) > 0) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 1_700));
    }
    expect((await ask('how do I drain a haproxy backend?')).text).toMatch(/\[1\]/);
  };

  beforeAll(async () => {
    bot = await startFaultStack({ pinecone: true, policyOverrides: { vectorstore: policy, embeddings: policy } });
    feedback = await bot.feedbackBeforeFault();
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });
  beforeEach(async () => {
    await recover();
  }, 20_000);

  it('Pinecone 429 with Retry-After: waits as told, then answers normally', async () => {
    const delta = await bot.snapshot();
    // One question is one guarded call of ten requests (a sparse and a dense query per collection): one retry.
    bot.pinecone?.failNext(5, { status: 429, retryAfter: 1, pathPrefix: '/query' });
    const started = performance.now();
    const answer = await ask('how do I drain a haproxy backend?');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(slackShownText(answer)).not.toMatch(/degraded/i);
    expect(answer.text).toMatch(/\[1\]/);
    expect(await delta('ragbot_retries_total', { dependency: 'vectorstore' })).toBeGreaterThanOrEqual(1);
    expect(await delta('ragbot_dependency_failures_total', { dependency: 'vectorstore' })).toBe(0);
    expect(await delta('ragbot_questions_total', { outcome: 'answered' })).toBe(1);
  });

  it('Pinecone 5xx storm: the user is told search is unavailable, no model is asked, nothing is cached; answered once Pinecone is back', async () => {
    const delta = await bot.snapshot();
    const calls = chatCalls();
    bot.pinecone?.failNext(10_000, { status: 503, pathPrefix: '/query' });
    const text = 'what vlan do branch offices use for voice?';
    const down = await ask(text, { exact: true });
    expect(down.text).toMatch(UNAVAILABLE);
    expect(slackShownText(down)).toMatch(/Degraded:\* search is unavailable right now/);
    expect(chatCalls()).toBe(calls);
    expect(await delta('ragbot_dependency_failures_total', { dependency: 'vectorstore' })).toBeGreaterThanOrEqual(1);
    expect(await delta('ragbot_questions_total', { outcome: 'degraded' })).toBe(1);
    // A second question's failures open the breaker (5 in a row); the next one fails fast, with the same honest answer.
    expect((await ask('what MTU do we use for jumbo frames?')).text).toMatch(UNAVAILABLE);
    expect(await bot.gauge('ragbot_breaker_open', { dependency: 'vectorstore' })).toBe(1);
    const started = performance.now();
    expect((await ask('what are the patching SLAs for critical vulnerabilities?')).text).toMatch(UNAVAILABLE);
    expect(performance.now() - started).toBeLessThan(2_000); // three attempts would take 3 s

    await recover();
    const back = await ask(text, { exact: true });
    expect(back.text).not.toMatch(UNAVAILABLE);
    expect(back.text).toMatch(/\[1\]/);
    expect(await bot.gauge('ragbot_breaker_open', { dependency: 'vectorstore' })).toBe(0);
  });

  it('Pinecone slower than the timeout: every attempt times out, and the user is told search is unavailable', async () => {
    const delta = await bot.snapshot();
    bot.pinecone?.delayNext(1_000, 2_500, { pathPrefix: '/query' });
    const started = performance.now();
    const answer = await ask('how are network devices named?');
    expect(answer.text).toMatch(UNAVAILABLE);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2_900); // three attempts of 1 s
    expect(await delta('ragbot_dependency_failures_total', { dependency: 'vectorstore' })).toBeGreaterThanOrEqual(1);
  });

  it('Pinecone connection resets: retried, answered normally', async () => {
    const delta = await bot.snapshot();
    bot.pinecone?.resetNext(2, { pathPrefix: '/query' });
    const answer = await ask('how do I fail over patroni?');
    expect(answer.text).not.toMatch(UNAVAILABLE);
    expect(answer.text).toMatch(/\[1\]/);
    expect(await delta('ragbot_retries_total', { dependency: 'vectorstore' })).toBe(1);
  });

  it('embeddings 429 with Retry-After: waits as told, then answers normally', async () => {
    const delta = await bot.snapshot();
    bot.openai.failNext(1, { status: 429, retryAfter: 1, pathPrefix: '/v1/embeddings' });
    const started = performance.now();
    const answer = await ask('what are the QoS classes?');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(answer.text).toMatch(/\[1\]/);
    expect(await delta('ragbot_retries_total', { dependency: 'embeddings' })).toBe(1);
  });

  it('embeddings 5xx storm, slower than the timeout, or reset: unavailable while it lasts, retried when it is brief', async () => {
    const delta = await bot.snapshot();
    bot.openai.failNext(10_000, { status: 500, pathPrefix: '/v1/embeddings' });
    expect((await ask('how do I rotate the TLS certificate on the edge?')).text).toMatch(UNAVAILABLE);
    await recover();
    bot.openai.delayNext(1_000, 2_500, { pathPrefix: '/v1/embeddings' });
    const started = performance.now();
    expect((await ask('what do I do when a BGP session flaps?')).text).toMatch(UNAVAILABLE);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2_900);
    await recover();
    bot.openai.resetNext(1, { pathPrefix: '/v1/embeddings' });
    expect((await ask('how do I request access to production?')).text).not.toMatch(UNAVAILABLE);
    expect(await delta('ragbot_dependency_failures_total', { dependency: 'embeddings' })).toBe(2);
    expect(await delta('ragbot_questions_total', { outcome: 'degraded' })).toBe(2);
  }, 30_000);

  // Found by this suite, fixed in src/core/answering/answer-question.ts: with Pinecone the catalogs live in Redis,
  // and an unreadable catalog used to fail the answer-cache key before search, so the user got no answer at all.
  it('Redis down with Pinecone (catalogs in Redis): the user is told search is unavailable, and answers resume with Redis', async () => {
    await bot.redis.kill();
    try {
      expect((await ask('how do I change a firewall rule?')).text).toMatch(UNAVAILABLE);
    } finally {
      await bot.redis.start();
    }
    await eventually(async () => ((await fetch(`${bot.stack.url}/readyz`)).status === 200 ? true : undefined), 15_000, 'ready again');
    expect((await ask('how do I change a firewall rule?')).text).toMatch(/\[1\]/);
  }, 30_000);

  it('answered every question exactly once, and kept the feedback given before the faults', async () => {
    await bot.stack.settle();
    for (const id of asked) expect({ id, posts: bot.slack.posts(id).length }).toEqual({ id, posts: 1 });
    expect(await bot.gauge('ragbot_delivery_failures_total')).toBe(0);
    expect(await feedback.stillThere()).toEqual([{ userId: 'U0USER003', sentiment: 'helpful' }]);
  });
});
