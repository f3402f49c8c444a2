import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createRedisFeedbackStore } from '../../src/providers/redis/redis-feedback-store.js';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { startFakePinecone, type FakePinecone } from '../fakes/fake-pinecone.js';
import { citingReply } from './citing-reply.js';
import { startDurableRedis, type DurableRedis } from './reliability-redis.js';
import { eventually, metricValue, startReliabilityStack, type PolicyOverrides, type ReliabilityStack } from './reliability-stack.js';
import {
  BOT_USER, sendSlackEvent, sendTeams, slackAnswers, slackChannelId, slackMention, slackReaction, slackUserId, startWorld, teamsChannelId, teamsChannelMessage,
  teamsReplies, teamsUser, type World,
} from './reliability-world.js';

/**
 * One bot for a fault suite: the in-process composition of `ragbot serve` (reliability-stack.ts)
 * over a durable Redis, the Slack and Teams fakes, the OpenAI fake (and, on request, Anthropic and
 * Pinecone), with the policies of the dependencies under test shortened so that "slower than the
 * timeout" costs a second. Questions go in through the platforms' HTTP endpoints and answers are
 * read back at the fakes, by event id.
 */
export type FaultStack = Awaited<ReturnType<typeof startFaultStack>>;

export const startFaultStack = async (options: { anthropic?: boolean; pinecone?: boolean; policyOverrides?: PolicyOverrides; env?: Record<string, string> } = {}) => {
  const dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-faults-'));
  const [redis, world, openai] = await Promise.all([startDurableRedis(), startWorld(), startFakeOpenAI({ reply: citingReply(), dimensions: 64 })]);
  const anthropic: FakeAnthropic | undefined = options.anthropic ? await startFakeAnthropic({ reply: citingReply() }) : undefined;
  const pinecone: FakePinecone | undefined = options.pinecone ? await startFakePinecone({ dimension: 64, apiKey: 'pc-fault-test-key' }) : undefined;
  const env: Record<string, string> = {
    ...world.env(), RAGBOT_DATA_DIR: dataDirectory, RAGBOT_DOCS_DIR: 'examples/docs', REDIS_URL: redis.url,
    OPENAI_API_KEY: 'sk-fault-test-key', OPENAI_BASE_URL: `${openai.url}/v1`, RAGBOT_RATE_LIMIT_USER: '1000', RAGBOT_RATE_LIMIT_CHANNEL: '1000',
    ...(anthropic ? { ANTHROPIC_API_KEY: 'sk-ant-fault-test-key', ANTHROPIC_BASE_URL: anthropic.url } : {}),
    ...(pinecone
      ? { RAGBOT_VECTOR_STORE: 'pinecone', PINECONE_API_KEY: 'pc-fault-test-key', PINECONE_INDEX: pinecone.indexName, PINECONE_HOST: pinecone.url, RAGBOT_EMBEDDINGS: 'openai', RAGBOT_EMBEDDING_DIMENSIONS: '64' }
      : {}),
    ...options.env,
  };
  const stack: ReliabilityStack = await startReliabilityStack({ env, ...(options.policyOverrides ? { policyOverrides: options.policyOverrides } : {}) });
  openai.clearRequests();
  pinecone?.clearRequests();

  let sequence = 0;
  const serviceUrl = world.connector.url;
  const slack = {
    /** A signed mention; the question text gets a unique suffix unless `exact`, so the answer cache stays out of the way. */
    ask: async (text: string, options: { exact?: boolean; channel?: number; user?: number } = {}) => {
      sequence++;
      const id = `Ev0FAULT${String(sequence).padStart(4, '0')}`;
      const channel = slackChannelId(options.channel ?? sequence % 4);
      const user = slackUserId(options.user ?? sequence % 4);
      const question = options.exact ? text : `${text.replace(/\?$/, '')} (case ${sequence})?`;
      // Slack stores the message before it sends the event: the thread exists when the bot reads it.
      const ts = world.slack.addUserMessage({ channel, user, text: `<@${BOT_USER}> ${question}` });
      const body = slackMention({ eventId: id, channel, user, text: question, ts });
      const ack = await sendSlackEvent(stack.url, body);
      return { id, ack, redeliver: (retryNum: number) => sendSlackEvent(stack.url, body, { retryNum }) };
    },
    answer: (id: string, timeoutMs = 20_000) => eventually(() => slackAnswers(world.slack).get(id)?.[0], timeoutMs, `the Slack answer to ${id}`),
    posts: (id: string) => slackAnswers(world.slack).get(id) ?? [],
  };
  const teams = {
    ask: async (text: string, options: { exact?: boolean } = {}) => {
      sequence++;
      const id = `fault-teams-${sequence}`;
      const activity = teamsChannelMessage({
        id, channel: teamsChannelId(sequence % 4), team: world.teamOfChannel(sequence % 4), user: teamsUser(sequence % 4),
        text: options.exact ? text : `${text.replace(/\?$/, '')} (case ${sequence})?`, serviceUrl,
      });
      const ack = await sendTeams(stack.url, activity);
      return { id, ack, redeliver: () => sendTeams(stack.url, activity) };
    },
    answer: (id: string, timeoutMs = 20_000) => eventually(() => teamsReplies(world.connector).get(id)?.[0], timeoutMs, `the Teams answer to ${id}`),
    posts: (id: string) => teamsReplies(world.connector).get(id) ?? [],
  };

  /**
   * A counter's change since `snapshot()`. Counters move just after a post (the answer is counted
   * once delivered), so the work in flight gets a moment to finish first.
   */
  const snapshot = async () => {
    const before = await stack.metricsText();
    return async (name: string, labels: Record<string, string> = {}) => {
      await stack.background.drain(5_000);
      return metricValue(await stack.metricsText(), name, labels) - metricValue(before, name, labels);
    };
  };
  const gauge = async (name: string, labels: Record<string, string> = {}) => metricValue(await stack.metricsText(), name, labels);

  /**
   * Feedback before the fault: an answer and a 👍 on it, stored in Redis. `stillThere` reads it
   * back through a new connection (so from Redis, not from anything the bot holds in memory).
   */
  const feedbackBeforeFault = async () => {
    const asked = await slack.ask('how do I drain a haproxy backend?');
    const answer = await slack.answer(asked.id);
    const reader = new Redis(redis.url, { keyPrefix: 'ragbot:', lazyConnect: true, maxRetriesPerRequest: 1 });
    reader.on('error', () => undefined);
    const store = createRedisFeedbackStore(reader);
    const messageRef = `${answer.channel}:${answer.ts}`;
    const record = await eventually(() => store.findAnswer({ platform: 'slack', messageRef }), 10_000, 'the answer recorded');
    await sendSlackEvent(stack.url, slackReaction({ eventId: `Ev0VOTE${sequence}`, user: slackUserId(3), channel: answer.channel, ts: answer.ts, reaction: '+1' }));
    await eventually(async () => ((await store.votes(record.answerId)).length === 1 ? true : undefined), 10_000, 'the vote recorded');
    reader.disconnect();
    return {
      stillThere: async () => {
        const fresh = new Redis(redis.url, { keyPrefix: 'ragbot:', lazyConnect: true, maxRetriesPerRequest: 1 });
        fresh.on('error', () => undefined);
        try {
          const freshStore = createRedisFeedbackStore(fresh);
          const found = await freshStore.findAnswer({ platform: 'slack', messageRef });
          return found ? (await freshStore.votes(found.answerId)).map((vote) => ({ userId: vote.userId, sentiment: vote.sentiment })) : [];
        } finally {
          fresh.disconnect();
        }
      },
    };
  };

  return {
    stack, world, redis: redis as DurableRedis, openai: openai as FakeOpenAI, anthropic, pinecone, env, slack, teams, snapshot, gauge, feedbackBeforeFault,
    /** Errors the bot logged (level error), e.g. answers it could not post. */
    loggedErrors: () => stack.logLines.filter((line) => line.includes('"level":50')),
    close: async () => {
      await stack.close();
      await Promise.all([world.close(), openai.close(), anthropic?.close(), pinecone?.close()]);
      await redis.close();
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
};
