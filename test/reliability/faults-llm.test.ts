import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultStack, type FaultStack } from '../support/reliability-faults.js';
import { slackShownText } from '../support/reliability-world.js';

/**
 * The language models failing, end to end: questions in through Slack and Teams, answers read at
 * the platform fakes, the failover order OpenAI → Anthropic → extractive. test/backend-faults.test.ts
 * covers the same faults at the answer-question level; this suite adds what the user sees, what
 * /metrics says, exactly-once delivery and the feedback kept in Redis. Policies: 1.5 s per attempt,
 * 2 attempts, Retry-After honoured up to 2 s, breaker after 5 consecutive failures, half-open after 1.5 s.
 */

const llmPolicy = { timeoutMs: 1_500, maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 2_000, breakAfter: 5, halfOpenAfterMs: 1_500 };

describe('faults: LLM providers (OpenAI, Anthropic)', () => {
  let bot: FaultStack;
  let feedback: Awaited<ReturnType<FaultStack['feedbackBeforeFault']>>;
  const asked: { platform: 'slack' | 'teams'; id: string }[] = [];
  const chatCalls = () => bot.openai.requests.filter((request) => request.path === '/v1/chat/completions').length;

  beforeAll(async () => {
    bot = await startFaultStack({ anthropic: true, policyOverrides: { 'llm:openai': llmPolicy, 'llm:anthropic': llmPolicy } });
    feedback = await bot.feedbackBeforeFault();
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
  });
  beforeEach(() => {
    bot.openai.clearFaults();
    bot.anthropic?.clearFaults();
  });

  const askSlack = async (text: string) => {
    const question = await bot.slack.ask(text);
    expect(question.ack.status).toBe(200);
    asked.push({ platform: 'slack', id: question.id });
    return question;
  };

  it('429 storm with Retry-After: every answer waits as told, then OpenAI answers (not degraded)', async () => {
    const delta = await bot.snapshot();
    bot.openai.failNext(3, { status: 429, retryAfter: 1, pathPrefix: '/v1/chat' });
    const started = performance.now();
    const [first, second] = await Promise.all([askSlack('how do I drain a haproxy backend?'), askSlack('what vlan do branch offices use for voice?')]);
    const third = await bot.teams.ask('who approves secret rotation exceptions?');
    asked.push({ platform: 'teams', id: third.id });
    const answers = await Promise.all([bot.slack.answer(first.id), bot.slack.answer(second.id)]);
    const teamsAnswer = await bot.teams.answer(third.id);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    for (const answer of answers) {
      expect(slackShownText(answer)).not.toMatch(/degraded/i);
      expect(answer.text).toMatch(/\[1\]/);
    }
    expect(String(teamsAnswer.activity.text)).toMatch(/\[1\]/);
    expect(await delta('ragbot_retries_total', { dependency: 'llm:openai' })).toBe(3);
    expect(await delta('ragbot_questions_total', { outcome: 'answered' })).toBe(3);
    expect(await delta('ragbot_dependency_failures_total', { dependency: 'llm:openai' })).toBe(0);
  });

  it('429 storm that outlasts the retries: Anthropic answers, and the answer says it is degraded', async () => {
    const delta = await bot.snapshot();
    bot.openai.failNext(1_000, { status: 429, retryAfter: 1, pathPrefix: '/v1/chat' });
    const question = await askSlack('how do I drain a kubernetes node?');
    const answer = await bot.slack.answer(question.id);
    expect(slackShownText(answer)).toMatch(/Degraded:\* answered by a fallback model \(anthropic:/);
    expect(answer.text).toMatch(/^\(degraded\) .*\[1\]/s);
    expect(await delta('ragbot_retries_total', { dependency: 'llm:openai' })).toBe(1);
    expect(await delta('ragbot_dependency_failures_total', { dependency: 'llm:openai' })).toBe(1);
    expect(await delta('ragbot_questions_total', { outcome: 'degraded' })).toBe(1);
  });

  it('5xx storm: fails over to Anthropic, opens the breaker, stops calling OpenAI, and closes again once OpenAI is back', async () => {
    const delta = await bot.snapshot();
    bot.openai.failNext(1_000, { status: 503, pathPrefix: '/v1/chat' });
    for (const text of ['what MTU do we use for jumbo frames?', 'how are network devices named?', 'what are the patching SLAs for critical vulnerabilities?']) {
      const answer = await bot.slack.answer((await askSlack(text)).id);
      expect(slackShownText(answer)).toMatch(/answered by a fallback model \(anthropic:/);
    }
    expect(await bot.gauge('ragbot_breaker_open', { dependency: 'llm:openai' })).toBe(1);
    const callsWhileOpen = chatCalls();
    const paused = await bot.slack.answer((await askSlack('what are the QoS classes?')).id);
    expect(chatCalls()).toBe(callsWhileOpen); // the open breaker answers for OpenAI without calling it
    expect(slackShownText(paused)).toMatch(/answered by a fallback model \(anthropic:/);
    expect(await delta('ragbot_questions_total', { outcome: 'degraded' })).toBe(4);

    bot.openai.clearFaults();
    await new Promise((resolveWait) => setTimeout(resolveWait, 2_000)); // half-open
    const recovered = await bot.slack.answer((await askSlack('how do I bring an IPsec tunnel back up?')).id);
    expect(slackShownText(recovered)).not.toMatch(/degraded/i);
    expect(await bot.gauge('ragbot_breaker_open', { dependency: 'llm:openai' })).toBe(0);
  });

  it('slower than the timeout: both attempts time out, Anthropic answers, degraded', async () => {
    const delta = await bot.snapshot();
    bot.openai.delayNext(2, 4_000, { pathPrefix: '/v1/chat' });
    const started = performance.now();
    const answer = await bot.slack.answer((await askSlack('what to do when the log host disk is full?')).id);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(3_000); // two attempts of 1.5 s
    expect(elapsed).toBeLessThan(4_000 * 2);
    expect(slackShownText(answer)).toMatch(/answered by a fallback model \(anthropic:/);
    expect(await delta('ragbot_dependency_failures_total', { dependency: 'llm:openai' })).toBe(1);
  });

  it('connection reset: retried, and OpenAI answers', async () => {
    const delta = await bot.snapshot();
    bot.openai.resetNext(1, { pathPrefix: '/v1/chat' });
    const answer = await bot.slack.answer((await askSlack('how do I fail over patroni?')).id);
    expect(slackShownText(answer)).not.toMatch(/degraded/i);
    expect(await delta('ragbot_retries_total', { dependency: 'llm:openai' })).toBe(1);
    expect(await delta('ragbot_questions_total', { outcome: 'answered' })).toBe(1);
  });

  it('both providers down: the extractive answerer quotes the sources, and says why', async () => {
    const delta = await bot.snapshot();
    bot.openai.failNext(1_000, { status: 500, pathPrefix: '/v1/chat' });
    bot.anthropic?.failNext(1_000, { status: 529 });
    const answer = await bot.slack.answer((await askSlack('how do I change a firewall rule?')).id);
    expect(slackShownText(answer)).toMatch(/Degraded:\* answered without the language model, which is unavailable/);
    expect(answer.text).toMatch(/\[1\]/);
    expect(await delta('ragbot_dependency_failures_total', { dependency: 'llm:anthropic' })).toBeGreaterThanOrEqual(1);
    expect(await delta('ragbot_questions_total', { outcome: 'degraded' })).toBe(1);
    bot.openai.clearFaults();
    bot.anthropic?.clearFaults();
    await new Promise((resolveWait) => setTimeout(resolveWait, 2_000)); // let both breakers half-open
  });

  it('answered every question exactly once, and kept the feedback given before the faults', async () => {
    await bot.stack.settle();
    for (const { platform, id } of asked) expect({ id, posts: (platform === 'slack' ? bot.slack.posts(id) : bot.teams.posts(id)).length }).toEqual({ id, posts: 1 });
    expect(await bot.gauge('ragbot_delivery_failures_total')).toBe(0);
    expect(await feedback.stillThere()).toEqual([{ userId: 'U0USER003', sentiment: 'helpful' }]);
  });
});
