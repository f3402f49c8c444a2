/**
 * Soak: `ragbot serve` (a child process, as operators run it) with Redis, under steady mixed
 * traffic for a fixed time: questions through Slack (signed Events API mentions) and Teams
 * (channel activities, emulator mode), reactions on earlier answers, and a reindex every two
 * minutes (an admin's `/reindex` after a document was edited). The OpenAI fake answers each
 * question after 250 ms, as a remote model would.
 *
 *   npx tsx bench/soak.ts [--minutes 10] [--rate 6] [--out bench]
 *
 * Every 10 s it samples the process's RSS and V8 heap (from /metrics) and the p50/p95 of the
 * answer latency (event sent → answer posted at the fake) and p95 of the acknowledgement, and
 * writes `<out>/soak-results.csv` and `<out>/soak-chart.png` at the end, with a JSON summary on
 * stdout (questions, answers, lost, duplicated, heap after a forced GC at the start and the end).
 *
 * Bounded in time (the duration, then at most 60 s to let answers land) and in count (the rate
 * times the duration; sending pauses when 400 questions are in flight). Loopback only.
 */
import { cp, mkdtemp, readdir, rm, appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeBotConnector, type FakeMember, type SentActivity } from '../test/fakes/fake-bot-connector.js';
import { startFakeOpenAI } from '../test/fakes/fake-openai.js';
import { FakeSlackWebApi, type FakeMessage } from '../test/fakes/fake-slack-web-api.js';
import { citingReply } from '../test/support/citing-reply.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { startServeChild } from '../test/support/reliability-serve.js';
import { keepAliveAgent, sendSlackEvent, sendSlackForm, sendTeams, slackCommandForm, slackMention, slackReaction, teamsChannelMessage, teamsReaction } from '../test/support/reliability-world.js';
import { soakChartSvg, soakCsv, writeSoakChart, type SoakSample } from './soak-chart.js';

const REPOSITORY_ROOT = resolve(new URL('..', import.meta.url).pathname);
const TENANT = 'T0ACME';
const BOT_USER = 'U0RAGBOT';
const SLACK_TOKEN = 'xoxb-soak-0000-ragbottoken';
const SIGNING_SECRET = '50a450a450a450a450a450a450a450a4';
const SAMPLE_MS = 10_000;
const MAX_IN_FLIGHT = 400;
const DRAIN_MS = 60_000;

const QUESTIONS = [
  'how do I drain a haproxy backend?', 'what vlan do branch offices use for voice?', 'who approves secret rotation exceptions?',
  'how do I rotate the TLS certificate on the edge?', 'what do I do when a BGP session flaps?', 'how do I fail over patroni?',
  'what MTU do we use for jumbo frames?', 'how are network devices named?', 'what to do when the log host disk is full?',
  'how do I drain a kubernetes node?', 'what are the QoS classes?', 'how do I request access to production?',
  'what are the patching SLAs for critical vulnerabilities?', 'how do I bring an IPsec tunnel back up?', 'what do I do about redis memory pressure?',
  'how do I change a firewall rule?',
];

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const minutes = Number(argument('minutes', '10'));
const rate = Number(argument('rate', '6'));
const outDirectory = resolve(argument('out', join(REPOSITORY_ROOT, 'bench')));
if (!(minutes > 0 && minutes <= 120) || !(rate > 0 && rate <= 100)) throw new Error('--minutes must be in (0, 120] and --rate in (0, 100]');

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
};
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, Math.max(0, ms)));
const pad = (value: number, width = 3) => String(value).padStart(width, '0');

const main = async () => {
  const root = await mkdtemp(join(tmpdir(), 'ragbot-soak-'));
  const docs = join(root, 'docs');
  await cp(join(REPOSITORY_ROOT, 'examples/docs'), docs, { recursive: true });
  const collections = (await readdir(docs, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  await writeFile(
    join(root, 'policy.yaml'),
    [
      'tenants:', `  ${TENANT}:`, '    collections:', ...collections.map((name) => `      ${name}: { source: ./docs/${name} }`),
      '    roles:', `      everyone: { collections: [${collections.join(', ')}] }`, '    admins: { users: [U0ADMIN] }', '',
    ].join('\n'),
  );

  const redis = await startRedisServer();
  const openai = await startFakeOpenAI({ reply: citingReply() });
  openai.delayNext(100_000_000, 250, { pathPrefix: '/v1/chat' });
  const slack = await new FakeSlackWebApi({ token: SLACK_TOKEN, teamId: TENANT, botUserId: BOT_USER, botId: 'B0RAGBOT' }).start();
  const slackUsers = Array.from({ length: 50 }, (_, index) => `U0SOAK${pad(index)}`);
  const slackChannels = Array.from({ length: 10 }, (_, index) => `C0SOAK${pad(index, 2)}`);
  for (const channel of slackChannels) slack.addChannel({ id: channel, name: `soak-${channel.slice(-2)}`, kind: 'public', members: [...slackUsers, 'U0ADMIN', BOT_USER] });
  const connector = await new FakeBotConnector().start();
  const teamsUsers: FakeMember[] = Array.from({ length: 50 }, (_, index) => ({ id: `29:soak-${pad(index)}`, name: `Soak ${index}`, aadObjectId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}` }));
  const teamsChannels = Array.from({ length: 10 }, (_, index) => ({ id: `19:soak-channel-${pad(index, 2)}@thread.tacv2`, team: `19:soak-team-${index % 2}@thread.tacv2` }));
  for (const team of [0, 1]) {
    connector.setTeam(`19:soak-team-${team}@thread.tacv2`, {
      members: teamsUsers,
      channels: [{ id: `19:soak-team-${team}@thread.tacv2` }, ...teamsChannels.filter((channel) => channel.team.endsWith(`${team}@thread.tacv2`)).map((channel) => ({ id: channel.id, name: channel.id.slice(3, 18) }))],
    });
  }

  // When each answer reached the fakes, without polling: the fakes' arrays are wrapped.
  const postedAt = new Map<string, number[]>();
  const recordPost = (id: string) => postedAt.set(id, [...(postedAt.get(id) ?? []), performance.now()]);
  const slackPush = slack.messages.push.bind(slack.messages);
  slack.messages.push = (...messages: FakeMessage[]) => {
    for (const message of messages) if (message.metadata?.event_type === 'ragbot_answer') recordPost(String(message.metadata.event_payload.key).replace(/:answer$/, ''));
    return slackPush(...messages);
  };
  const teamsPush = connector.sent.push.bind(connector.sent);
  connector.sent.push = (...sent: SentActivity[]) => {
    for (const item of sent) if (item.kind === 'reply' && item.targetId) recordPost(item.targetId);
    return teamsPush(...sent);
  };

  const serve = await startServeChild(
    {
      RAGBOT_DATA_DIR: join(root, 'data'), RAGBOT_POLICY: join(root, 'policy.yaml'), RAGBOT_TENANT: TENANT, REDIS_URL: redis.url, RAGBOT_WEB: 'false',
      SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
      OPENAI_API_KEY: 'sk-soak-test-key', OPENAI_BASE_URL: `${openai.url}/v1`,
      RAGBOT_RATE_LIMIT_USER: '10000', RAGBOT_RATE_LIMIT_CHANNEL: '100000', RAGBOT_LOG_LEVEL: 'warn',
    },
    { timeoutMs: 90_000 },
  );
  const agent = keepAliveAgent(128);
  const metricsOf = async () => {
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    return { rssMb: value('ragbot_process_resident_memory_bytes') / 2 ** 20, heapUsedMb: value('ragbot_nodejs_heap_size_used_bytes') / 2 ** 20 };
  };

  let reindexes = 0;
  const reindex = async (collection: string) => {
    const trigger = `soak-reindex-${++reindexes}`;
    const summaries = () => slack.messages.filter((message) => message.metadata?.event_type === 'ragbot_reindex' && message.text.includes('Reindex finished')).length;
    const before = summaries();
    const started = performance.now();
    await sendSlackForm(serve.url, slackCommandForm({ command: '/reindex', text: collection, channel: slackChannels[0] ?? '', user: 'U0ADMIN', triggerId: trigger, responseUrl: slack.responseUrl(trigger) }), { secret: SIGNING_SECRET });
    for (let waited = 0; summaries() === before && waited < 120_000; waited += 100) await sleep(100);
    return performance.now() - started;
  };
  const firstIndexMs = await reindex('');
  const baseline = await serve.probe();

  type Sent = { id: string; platform: 'slack' | 'teams'; sentAt: number; ackMs?: number; failed?: boolean };
  const sent = new Map<string, Sent>();
  const samples: SoakSample[] = [];
  const counters = { questions: 0, reactions: 0, errors: 0, skipped: 0 };
  const reindexDurations: number[] = [];
  let window = { acks: [] as number[], answers: [] as number[], questions: 0, answered: 0, reactions: 0, reindexes: 0, errors: 0 };
  const seenAnswers = new Set<string>();

  const ask = (index: number) => {
    const platform: 'slack' | 'teams' = index % 2 === 0 ? 'slack' : 'teams';
    const base = QUESTIONS[index % QUESTIONS.length] ?? '';
    const text = index % 3 === 0 ? base : `${base.replace(/\?$/, '')} for change CHG-${index}?`;
    const id = platform === 'slack' ? `Ev0SOAK${pad(index, 7)}` : `soak-${pad(index, 7)}`;
    const entry: Sent = { id, platform, sentAt: performance.now() };
    sent.set(id, entry);
    counters.questions++;
    window.questions++;
    const request =
      platform === 'slack'
        ? sendSlackEvent(serve.url, slackMention({ eventId: id, channel: slackChannels[index % 10] ?? '', user: slackUsers[index % 50] ?? '', text, ts: slack.nextTs() }), { secret: SIGNING_SECRET, agent })
        : sendTeams(serve.url, teamsChannelMessage({ id, channel: teamsChannels[index % 10]?.id ?? '', team: teamsChannels[index % 10]?.team ?? '', user: teamsUsers[index % 50] as FakeMember, text, serviceUrl: connector.url }), { agent });
    request.then(
      (response) => {
        entry.ackMs = response.ms;
        window.acks.push(response.ms);
        if (response.status !== 200) (entry.failed = true), counters.errors++, window.errors++;
      },
      () => ((entry.failed = true), counters.errors++, window.errors++),
    );
  };

  const react = (index: number) => {
    if (index % 2 === 0) {
      const answers = slack.messages.filter((message) => message.metadata?.event_type === 'ragbot_answer').slice(-50);
      const target = answers[index % Math.max(1, answers.length)];
      if (!target) return;
      void sendSlackEvent(serve.url, slackReaction({ eventId: `Ev0SOAKVOTE${index}`, user: slackUsers[index % 50] ?? '', channel: target.channel, ts: target.ts, reaction: index % 4 === 0 ? '+1' : '-1' }), { secret: SIGNING_SECRET, agent })
        .catch(() => counters.errors++);
    } else {
      const replies = connector.sent.filter((item) => item.kind === 'reply').slice(-50);
      const target = replies[index % Math.max(1, replies.length)];
      if (!target) return;
      void sendTeams(serve.url, teamsReaction({ id: `soak-vote-${index}`, user: teamsUsers[index % 50] as FakeMember, conversationId: target.conversationId, replyToId: target.id, type: 'like', serviceUrl: connector.url }), { agent })
        .catch(() => counters.errors++);
    }
    counters.reactions++;
    window.reactions++;
  };

  const sample = async (elapsedSeconds: number) => {
    for (const [id, times] of postedAt) {
      if (seenAnswers.has(id)) continue;
      const entry = sent.get(id);
      const first = times[0];
      if (!entry || first === undefined) continue;
      seenAnswers.add(id);
      window.answers.push(first - entry.sentAt);
      window.answered++;
    }
    const memory = await metricsOf().catch(() => ({ rssMb: 0, heapUsedMb: 0 }));
    samples.push({
      elapsedSeconds, ...memory,
      answerP50Ms: percentile(window.answers, 50), answerP95Ms: percentile(window.answers, 95), ackP95Ms: percentile(window.acks, 95),
      questions: window.questions, answered: window.answered, reactions: window.reactions, reindexes: window.reindexes, errors: window.errors,
    });
    const last = samples.at(-1);
    process.stderr.write(`[soak] ${elapsedSeconds}s rss ${last?.rssMb.toFixed(0)} MB heap ${last?.heapUsedMb.toFixed(0)} MB answer p95 ${last?.answerP95Ms.toFixed(0)} ms ack p95 ${last?.ackP95Ms.toFixed(1)} ms q ${window.questions} a ${window.answered}\n`);
    window = { acks: [], answers: [], questions: 0, answered: 0, reactions: 0, reindexes: 0, errors: 0 };
    // The fakes keep what they were sent: only the recent past is needed (threads, reaction targets).
    slack.server.clearRequests();
    connector.server.clearRequests();
    openai.clearRequests();
    const keepFrom = (items: unknown[], keep: number) => items.splice(0, Math.max(0, items.length - keep));
    keepFrom(slack.messages, 2_000);
    keepFrom(connector.sent, 2_000);
    keepFrom(slack.responses, 200);
    keepFrom(slack.ephemerals, 200);
  };

  // The traffic: one loop, bounded by the clock; each kind of event keeps its own schedule.
  const started = performance.now();
  const endAt = started + minutes * 60_000;
  const questionEvery = 1000 / rate;
  let nextQuestion = started;
  let nextReaction = started + 2_000;
  let nextSample = started + SAMPLE_MS;
  let nextReindex = started + 60_000;
  let questionIndex = 0;
  let reactionIndex = 0;
  let reindexRunning: Promise<void> | undefined;
  while (performance.now() < endAt) {
    const now = performance.now();
    if (now >= nextQuestion) {
      const inFlight = [...sent.values()].filter((entry) => !entry.failed && !postedAt.has(entry.id)).length;
      if (inFlight < MAX_IN_FLIGHT) ask(questionIndex++);
      else counters.skipped++;
      nextQuestion += questionEvery;
    }
    if (now >= nextReaction) {
      react(reactionIndex++);
      nextReaction += 1_000;
    }
    if (now >= nextReindex && !reindexRunning) {
      const collection = collections[reindexes % collections.length] ?? '';
      const files = (await readdir(join(docs, collection))).filter((name) => name.endsWith('.md'));
      const file = files[reindexes % Math.max(1, files.length)];
      if (file) await appendFile(join(docs, collection, file), `\n\nSoak edit ${reindexes}: reviewed during the soak run.\n`);
      reindexRunning = reindex(collection).then((ms) => {
        reindexDurations.push(ms);
        window.reindexes++;
        reindexRunning = undefined;
      });
      nextReindex += 120_000;
    }
    if (now >= nextSample) {
      await sample(Math.round((nextSample - started) / 1000));
      nextSample += SAMPLE_MS;
    }
    await sleep(Math.min(nextQuestion, nextReaction, nextSample, nextReindex) - performance.now());
  }
  // Let the answers in flight land (bounded), then the last sample.
  const drainUntil = performance.now() + DRAIN_MS;
  while (performance.now() < drainUntil && [...sent.values()].some((entry) => !entry.failed && !postedAt.has(entry.id))) await sleep(200);
  await reindexRunning;
  await sample(Math.round((performance.now() - started) / 1000));
  await sleep(1_000);
  const final = await serve.probe();

  const all = [...sent.values()];
  const lost = all.filter((entry) => !entry.failed && !postedAt.has(entry.id));
  const duplicated = [...postedAt.entries()].filter(([, times]) => times.length > 1);
  const answerLatencies = all.flatMap((entry) => {
    const first = postedAt.get(entry.id)?.[0];
    return first === undefined ? [] : [first - entry.sentAt];
  });
  const acks = all.flatMap((entry) => (entry.ackMs === undefined ? [] : [entry.ackMs]));
  const summary = {
    minutes, ratePerSecond: rate, questions: counters.questions, answered: all.length - lost.length - all.filter((entry) => entry.failed).length,
    lost: lost.length, duplicated: duplicated.length, requestErrors: counters.errors, skippedForBackpressure: counters.skipped, reactions: counters.reactions,
    reindexes: reindexDurations.length, reindexSecondsP50: +(percentile(reindexDurations, 50) / 1000).toFixed(2), firstIndexSeconds: +(firstIndexMs / 1000).toFixed(1),
    answerP50Ms: Math.round(percentile(answerLatencies, 50)), answerP95Ms: Math.round(percentile(answerLatencies, 95)), answerP99Ms: Math.round(percentile(answerLatencies, 99)),
    ackP50Ms: +percentile(acks, 50).toFixed(1), ackP95Ms: +percentile(acks, 95).toFixed(1), ackP99Ms: +percentile(acks, 99).toFixed(1),
    rssFirstMb: Math.round(samples[0]?.rssMb ?? 0), rssLastMb: Math.round(samples.at(-1)?.rssMb ?? 0), rssMaxMb: Math.round(Math.max(...samples.map((entry) => entry.rssMb))),
    heapAfterGcStartMb: +(baseline.heapUsed / 2 ** 20).toFixed(1), heapAfterGcEndMb: +(final.heapUsed / 2 ** 20).toFixed(1),
  };
  await writeFile(join(outDirectory, 'soak-results.csv'), soakCsv(samples));
  const heading = [
    `ragbot soak: ${minutes} min, ${rate} questions/s (Slack + Teams), 1 reaction/s, a reindex every 2 min`,
    `${summary.questions} questions: ${summary.answered} answered, ${summary.lost} lost, ${summary.duplicated} duplicated · answer p95 ${summary.answerP95Ms} ms · ack p95 ${summary.ackP95Ms} ms · heap after GC ${summary.heapAfterGcStartMb} → ${summary.heapAfterGcEndMb} MB`,
  ];
  await writeSoakChart(join(outDirectory, 'soak-chart.png'), soakChartSvg(samples, heading));
  process.stdout.write(`${JSON.stringify(summary)}\n`);

  await serve.kill9();
  await Promise.all([slack.close(), connector.close(), openai.close()]);
  await redis.stop();
  await rm(root, { recursive: true, force: true });
  agent.destroy();
};

await main();
