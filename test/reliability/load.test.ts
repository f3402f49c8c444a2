import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { citingReply } from '../support/citing-reply.js';
import { startRedisServer } from '../support/redis-server.js';
import { startServeChild, type ProbeReport, type ServeChild } from '../support/reliability-serve.js';
import { eventually, metricValue, percentile, runPool } from '../support/reliability-stack.js';
import {
  keepAliveAgent, sendSlackEvent, sendTeams, timedPost, slackAnswers, slackChannelId, slackMention, slackUserId, startWorld, teamsChannelId, teamsChannelMessage,
  teamsPersonalMessage, teamsReplies, teamsUser, type Sent, type World,
} from '../support/reliability-world.js';

/**
 * Load: 500 questions from 50 channels (25 Slack, 25 Teams channels in 5 teams) and 200 people
 * (100 on each platform), 50 requests in flight at a time, with 50 platform redeliveries of
 * questions already sent mixed in, against `ragbot serve` as a child process with Redis as state
 * and the fake OpenAI answering: signed Events API requests to Bolt's receiver and Teams
 * activities to CloudAdapter (emulator mode), exactly as the platforms send them.
 *
 * Then the same traffic paced at 50 questions a second, for the acknowledgement latency of a
 * sustained load rather than of a burst. Measured numbers are printed as `[reliability:load] …`
 * and recorded in docs/reliability.md.
 */

const QUESTIONS = [
  'how do I drain a haproxy backend?',
  'what vlan do branch offices use for voice?',
  'who approves secret rotation exceptions?',
  'how do I rotate the TLS certificate on the edge?',
  'what do I do when a BGP session flaps?',
  'how do I fail over patroni?',
  'what MTU do we use for jumbo frames?',
  'how are network devices named?',
  'what to do when the log host disk is full?',
  'how do I drain a kubernetes node?',
  'what are the QoS classes?',
  'how do I request access to production?',
  'what are the patching SLAs for critical vulnerabilities?',
  'how do I bring an IPsec tunnel back up?',
  'what do I do about redis memory pressure?',
  'how do I change a firewall rule?',
];

const QUESTION_COUNT = 500;
const REDELIVERIES = 50;
const CONCURRENCY = 50;
const PACED_COUNT = 250;
const PACED_PER_SECOND = 50;

describe('load: 500 concurrent questions over Slack and Teams, serve child process with Redis state', () => {
  let dataDirectory: string;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let openai: FakeOpenAI;
  let world: World;
  let serve: ServeChild;

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-load-'));
    [redis, openai, world] = await Promise.all([
      startRedisServer(),
      startFakeOpenAI({ reply: citingReply() }),
      startWorld({ slackChannels: 25, slackUsers: 100, teamsTeams: 5, teamsChannelsPerTeam: 5, teamsUsers: 100 }),
    ]);
    serve = await startServeChild({
      ...world.env(), RAGBOT_DATA_DIR: dataDirectory, RAGBOT_DOCS_DIR: 'examples/docs', REDIS_URL: redis.url,
      OPENAI_API_KEY: 'sk-load-test-key', OPENAI_BASE_URL: `${openai.url}/v1`, RAGBOT_LOG_LEVEL: 'warn', RAGBOT_WEB: 'false',
    });
  }, 90_000);

  afterAll(async () => {
    await serve?.kill9();
    await Promise.all([world?.close(), openai?.close(), redis?.stop()]);
    await rm(dataDirectory, { recursive: true, force: true });
  });

  // Fresh connections for the burst (the worst case: each new connection waits to be accepted), kept alive afterwards.
  const agent = keepAliveAgent(CONCURRENCY);
  type Job = { platform: 'slack' | 'teams'; id: string; send: (retryNum?: number) => Promise<Sent> };
  const question = (index: number) => {
    const base = QUESTIONS[index % QUESTIONS.length] ?? '';
    // Half are asked again word for word (answer-cache hits), half are new (retrieval and the model).
    return index % 2 === 0 ? base : `${base.replace(/\?$/, '')} for change CHG-${1000 + index}?`;
  };
  const slackJob = (index: number, prefix: string): Job => {
    const id = `Ev0${prefix}${String(index).padStart(5, '0')}`;
    const body = slackMention({ eventId: id, channel: slackChannelId(index % 25), user: slackUserId(index % 100), text: question(index), ts: world.slack.nextTs() });
    return { platform: 'slack', id, send: (retryNum) => sendSlackEvent(serve.url, body, { agent, ...(retryNum ? { retryNum } : {}) }) };
  };
  const teamsJob = (index: number, prefix: string): Job => {
    const id = `${prefix}-${String(index).padStart(5, '0')}`;
    const user = teamsUser(index % 100);
    const channelIndex = index % 25;
    const serviceUrl = world.connector.url;
    const activity =
      index % 5 === 4
        ? teamsPersonalMessage({ id, user, text: question(index), serviceUrl })
        : teamsChannelMessage({ id, channel: teamsChannelId(channelIndex), team: world.teamOfChannel(channelIndex), user, text: question(index), serviceUrl });
    return { platform: 'teams', id, send: () => sendTeams(serve.url, activity, { agent }) };
  };
  const answeredOnce = (jobs: Job[]) => {
    const slack = slackAnswers(world.slack);
    const teams = teamsReplies(world.connector);
    return jobs.map((job) => ({ id: job.id, posts: (job.platform === 'slack' ? slack.get(job.id) : teams.get(job.id))?.length ?? 0 }));
  };
  const allAnswered = (jobs: Job[]) => () => (answeredOnce(jobs).every((entry) => entry.posts >= 1) ? true : undefined);
  const rssMb = async () => metricValue(await (await fetch(`${serve.url}/metrics`)).text(), 'ragbot_process_resident_memory_bytes') / 2 ** 20;

  it('answers every question exactly once, acknowledges every request, and gives the memory back', async () => {
    // Warm-up: tables opened, the bot's identity and the first memberships cached.
    const warmUp = [0, 1, 2, 3, 4].flatMap((index) => [slackJob(index, 'WARM'), teamsJob(index, 'warm')]);
    await runPool(warmUp, 10, (job) => job.send());
    await eventually(allAnswered(warmUp), 30_000, 'warm-up answers');
    const baseline: ProbeReport = await serve.probe();
    const metricsBefore = await (await fetch(`${serve.url}/metrics`)).text();

    const jobs: Job[] = [];
    for (let index = 0; index < QUESTION_COUNT; index++) jobs.push(index % 2 === 0 ? slackJob(index, 'LOAD') : teamsJob(index, 'load'));
    // Redeliveries of questions sent a little earlier, interleaved with new ones (Slack resends the
    // signed event with X-Slack-Retry-Num, Teams the same activity): each must be dropped as a duplicate.
    const schedule: Job[] = [];
    let redelivered = 0;
    for (const [index, job] of jobs.entries()) {
      schedule.push(job);
      if (index >= 60 && index % 8 === 0 && redelivered < REDELIVERIES) {
        const earlier = jobs[index - 60] as Job;
        schedule.push({ ...earlier, send: () => earlier.send(1) });
        redelivered++;
      }
    }

    let peakRss = 0;
    const sampling = (async () => {
      while (peakRss >= 0) {
        peakRss = Math.max(peakRss, await rssMb().catch(() => 0));
        await new Promise((resolveWait) => setTimeout(resolveWait, 250));
      }
    })();
    const started = performance.now();
    const acks = await runPool(schedule, CONCURRENCY, (job) => job.send());
    const sentSeconds = (performance.now() - started) / 1000;
    await eventually(allAnswered(jobs), 60_000, 'every question answered');
    const answeredSeconds = (performance.now() - started) / 1000;
    await new Promise((resolveWait) => setTimeout(resolveWait, 1_000)); // late duplicates would land now
    const maxRss = peakRss;
    peakRss = -1;
    await sampling;

    // Exactly once: one post per question (redeliveries included), none for anything else.
    expect(answeredOnce(jobs).filter((entry) => entry.posts !== 1)).toEqual([]);
    expect([...slackAnswers(world.slack).keys()].filter((id) => id.startsWith('Ev0LOAD')).length).toBe(QUESTION_COUNT / 2);
    expect([...teamsReplies(world.connector).keys()].filter((id) => id.startsWith('load-')).length).toBe(QUESTION_COUNT / 2);
    // Answers with a source, not refusals or errors.
    const texts = [
      ...[...slackAnswers(world.slack).values()].flat().map((message) => message.text),
      ...[...teamsReplies(world.connector).values()].flat().map((sent) => String(sent.activity.text)),
    ];
    expect(texts.filter((text) => /\[1\]/.test(text)).length / texts.length).toBeGreaterThan(0.9);

    // Every request acknowledged with 200. The burst's p99 misses the 100 ms target (see docs/reliability.md:
    // new connections wait for the saturated event loop to accept them, one per loop turn); the bound
    // here only catches a regression from the measured few seconds. Slack retries what it does not see
    // acknowledged within 3 s: those retries are the duplicates the dedupe drops (proven above).
    expect(acks.filter((ack) => ack.status !== 200)).toEqual([]);
    const ackMs = acks.map((ack) => ack.ms);
    expect.soft(percentile(ackMs, 99)).toBeLessThan(10_000);

    // What /metrics says about the run.
    const metricsAfter = await (await fetch(`${serve.url}/metrics`)).text();
    const delta = (name: string, labels: Record<string, string> = {}) => metricValue(metricsAfter, name, labels) - metricValue(metricsBefore, name, labels);
    expect(delta('ragbot_questions_total', { platform: 'slack' })).toBe(QUESTION_COUNT / 2);
    expect(delta('ragbot_questions_total', { platform: 'teams' })).toBe(QUESTION_COUNT / 2);
    expect(delta('ragbot_duplicate_events_total')).toBe(redelivered);
    expect(delta('ragbot_delivery_failures_total')).toBe(0);
    expect(delta('ragbot_rate_limited_total')).toBe(0);
    expect(metricValue(metricsAfter, 'ragbot_state_fallback')).toBe(0);

    // Memory: the heap after a full GC is back near where it was before the burst.
    const after = await serve.probe();
    const heapGrowthMb = (after.heapUsed - baseline.heapUsed) / 2 ** 20;
    expect.soft(heapGrowthMb).toBeLessThan(40);

    // The same traffic paced at a sustained rate: the acknowledgement latency outside a burst.
    const paced: Job[] = [];
    for (let index = 0; index < PACED_COUNT; index++) paced.push(index % 2 === 0 ? slackJob(index, 'PACE') : teamsJob(index, 'pace'));
    const pacedAcks = await Promise.all(
      paced.map((job, index) => new Promise((resolveWait) => setTimeout(resolveWait, (index * 1000) / PACED_PER_SECOND)).then(() => job.send())),
    );
    await eventually(allAnswered(paced), 60_000, 'every paced question answered');
    expect(answeredOnce(paced).filter((entry) => entry.posts !== 1)).toEqual([]);
    expect(pacedAcks.filter((ack) => ack.status !== 200)).toEqual([]);
    const pacedMs = pacedAcks.map((ack) => ack.ms);
    expect.soft(percentile(pacedMs, 99)).toBeLessThan(1_000); // target 100 ms; generous for a busy CI machine

    // The same burst again, once 50 connections are open and kept alive (as behind a proxy that reuses
    // its upstream connections): what is left of the acknowledgement time when nothing waits to be accepted.
    await runPool(Array.from({ length: CONCURRENCY }, (_, index) => index), CONCURRENCY, () => timedPost(`${serve.url}/healthz`, '', {}, agent));
    const warm: Job[] = [];
    for (let index = 0; index < PACED_COUNT; index++) warm.push(index % 2 === 0 ? slackJob(index, 'WARMBURST') : teamsJob(index, 'warmburst'));
    const warmAcks = await runPool(warm, CONCURRENCY, (job) => job.send());
    await eventually(allAnswered(warm), 60_000, 'every question of the second burst answered');
    expect(answeredOnce(warm).filter((entry) => entry.posts !== 1)).toEqual([]);
    const warmMs = warmAcks.map((ack) => ack.ms);

    const summary = {
      questions: QUESTION_COUNT, redelivered, concurrency: CONCURRENCY, sentSeconds: +sentSeconds.toFixed(2), answeredSeconds: +answeredSeconds.toFixed(2),
      answersPerSecond: +(QUESTION_COUNT / answeredSeconds).toFixed(1),
      burstAckP50Ms: +percentile(ackMs, 50).toFixed(1), burstAckP99Ms: +percentile(ackMs, 99).toFixed(1), burstAckMaxMs: +Math.max(...ackMs).toFixed(1),
      pacedPerSecond: PACED_PER_SECOND, pacedAckP50Ms: +percentile(pacedMs, 50).toFixed(1), pacedAckP99Ms: +percentile(pacedMs, 99).toFixed(1),
      pacedAckMaxMs: +Math.max(...pacedMs).toFixed(1),
      keptAliveBurstAckP50Ms: +percentile(warmMs, 50).toFixed(1), keptAliveBurstAckP99Ms: +percentile(warmMs, 99).toFixed(1), keptAliveBurstAckMaxMs: +Math.max(...warmMs).toFixed(1),
      heapAfterGcBeforeMb: +(baseline.heapUsed / 2 ** 20).toFixed(1), heapAfterGcAfterMb: +(after.heapUsed / 2 ** 20).toFixed(1), heapGrowthMb: +heapGrowthMb.toFixed(1),
      rssBeforeMb: +(baseline.rss / 2 ** 20).toFixed(0), rssPeakMb: +maxRss.toFixed(0), rssAfterMb: +(after.rss / 2 ** 20).toFixed(0),
      eventLoopLagP99MsDuringBurst: +after.lagP99Ms.toFixed(1), eventLoopLagMaxMsDuringBurst: +after.lagMaxMs.toFixed(1),
      cacheHits: delta('ragbot_answer_cache_total', { result: 'hit' }), cacheMisses: delta('ragbot_answer_cache_total', { result: 'miss' }),
    };
    console.info(`[reliability:load] ${JSON.stringify(summary)}`);
  }, 150_000);
});
