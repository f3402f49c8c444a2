/**
 * Child process: the chat path under load, on loopback. The bot (chat-bot-process.ts) runs in its
 * own process with the real Slack or Teams adapter; this process hosts the platform's fakes (the
 * Slack Web API, or the Bot Connector and the Bot Framework's OpenID keys) and is the platform:
 * it sends signed Slack events (app mentions) or authenticated Teams activities (channel mentions)
 * and watches the fakes for the answers.
 *
 *   node --import tsx bench/chat-path-scenario.ts --platform slack|teams --data-dir <dir> \
 *     [--levels 50,200,500] [--open-levels 200] [--fake-llm-levels 200] [--answerers extractive,fake-llm] [--rates 25,50,100,200,400]
 *     [--rate-seconds 2] [--bot-cpu-prof <dir>]
 *
 * - Bursts: N requests sent at once (N = each level). Ack = the bot's HTTP answer, from the moment
 *   the request is sent to its last byte. Answer delivered = from sending the request to the fake
 *   receiving the answer (chat.postMessage in the thread, or the Bot Connector reply). Before the
 *   next burst every answer is awaited.
 * - Rate sweep (extractive answerer): requests at a steady rate for a few seconds, rate after rate,
 *   until ack p99 exceeds 100 ms; each step waits for its answers before the next.
 * Percentiles are nearest-rank; p99 of 50 samples is the slowest.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { EvalQuestion } from '../eval/eval-metrics.js';
import { FakeBotConnector, type FakeMember } from '../test/fakes/fake-bot-connector.js';
import { FakeOpenIdMetadata } from '../test/fakes/fake-openid-metadata.js';
import { FakeSlackWebApi } from '../test/fakes/fake-slack-web-api.js';
import { signSlackRequest } from '../test/support/slack-signing.js';
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { openConnection, prepareRequest, sendOnce } from './raw-http-sender.js';
import { percentile, summarizeLatencies } from './bench-report.js';
import { REPOSITORY_ROOT } from './run-child.js';
import { emitResult, openRuntime, parseArguments, requireArgument, runScenario } from './scenario-support.js';

export const ACK_SLOW_MS = 100;
const USERS = 500;
const DELIVERY_TIMEOUT_MS = 180_000;

const SLACK = { team: 'T0BENCH', botUser: 'U0RAGBOT', botId: 'B0RAGBOT', token: 'xoxb-1234-5678-ragbotbenchtoken', secret: '8f742231b10e8888abcd99b1c0ffee42', channel: 'C0BENCH' };
const TEAMS = {
  appId: '6a1f4a52-7d3c-4e0b-9a51-2c1b7f3e9d10', tenant: '3f8b2c71-0d4e-4a9b-8c6f-5e1a2b3c4d5e',
  team: '19:bench-team@thread.tacv2', channel: '19:bench-general@thread.tacv2',
};
const TEAMS_BOT = { id: `28:${TEAMS.appId}`, name: 'ragbot' };

const withP99 = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  return { ...summarizeLatencies(values), p99: Math.round(percentile(sorted, 0.99) * 100) / 100 };
};

/** The bot process and a line protocol to it. */
const startBot = async (args: string[], nodeFlags: string[] = []) => {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeFlags, 'bench/chat-bot-process.ts', ...args], { cwd: REPOSITORY_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const pending: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  lines.on('line', (line) => pending.shift()?.resolve(line));
  child.once('exit', (code) => {
    for (const waiter of pending.splice(0)) waiter.reject(new Error(`the bot process exited (code ${code})`));
  });
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    pending.push({ resolve: (line) => resolve(JSON.parse(line) as Record<string, unknown>), reject });
  });
  const ready = (await next()) as { url: string };
  const ask = async (command: string) => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return answer;
  };
  return {
    url: ready.url,
    ask,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    }),
  };
};

/**
 * Indexes the docs for the platform's tenant here, before the bot starts: the bot then finds them
 * unchanged, so its peak RSS is that of serving, not of parsing PDFs.
 */
const prepareIndex = async (dataDirectory: string, tenant: string) => {
  const runtime = await openRuntime({ dataDirectory, embeddings: 'none' });
  try {
    await indexDirectory(runtime, { directory: 'examples/docs', tenant });
  } finally {
    await runtime.close();
  }
};

type Platform = {
  tenant: string;
  /** Request number `index` as the platform sends it: headers (signed or authenticated) and body. */
  request(index: number): { headers: Record<string, string>; body: string };
  /** When the answer to request `index` reached the fake (performance.now()), if it has. */
  deliveredAt(index: number): number | undefined;
  close(): Promise<void>;
  botArgs: string[];
};

const slackPlatform = async (questions: string[]): Promise<Platform> => {
  const api = await new FakeSlackWebApi({ token: SLACK.token, teamId: SLACK.team, botUserId: SLACK.botUser, botId: SLACK.botId }).start();
  const users = Array.from({ length: USERS }, (_, index) => `U0B${String(index).padStart(6, '0')}`);
  api.addChannel({ id: SLACK.channel, name: 'bench', kind: 'public', members: [...users, SLACK.botUser] });
  // `/ask` posts the question as a root message (its metadata key names the trigger_id), then the
  // answer in that thread: chat.postMessage's handler is wrapped to note when each answer arrives.
  const triggerOfRoot = new Map<string, string>();
  const delivered = new Map<string, number>();
  const handlers = (api as unknown as { handlers: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> }).handlers;
  const postMessage = handlers['chat.postMessage'];
  if (!postMessage) throw new Error('the fake Slack Web API has no chat.postMessage handler');
  handlers['chat.postMessage'] = (args) => {
    const result = postMessage(args);
    if (result.ok === false) return result;
    const thread = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    const key = (args.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (!thread && key?.endsWith(':question')) triggerOfRoot.set(String(result.ts), key.slice(0, -':question'.length));
    const trigger = thread ? triggerOfRoot.get(thread) : undefined;
    if (trigger && !delivered.has(trigger)) delivered.set(trigger, performance.now());
    return result;
  };
  const triggerOf = (index: number) => `${index}.bench.trigger`;
  return {
    tenant: SLACK.team,
    botArgs: ['--platform', 'slack', '--tenant', SLACK.team, '--slack-api-url', api.apiUrl, '--signing-secret', SLACK.secret, '--bot-token', SLACK.token],
    request: (index) => {
      const user = users[index % users.length] as string;
      const body = new URLSearchParams({
        token: 'bench', team_id: SLACK.team, team_domain: 'bench', channel_id: SLACK.channel, channel_name: 'bench', user_id: user, user_name: user.toLowerCase(),
        command: '/ask', text: questions[index % questions.length] as string, api_app_id: 'A0RAGBOT', is_enterprise_install: 'false',
        response_url: api.responseUrl(triggerOf(index)), trigger_id: triggerOf(index),
      }).toString();
      return { headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SLACK.secret, body) }, body };
    },
    deliveredAt: (index) => delivered.get(triggerOf(index)),
    close: () => api.close(),
  };
};

const teamsPlatform = async (questions: string[]): Promise<Platform> => {
  const connector = await new FakeBotConnector().start();
  const openId = await new FakeOpenIdMetadata().start();
  const members: FakeMember[] = Array.from({ length: USERS }, (_, index) => ({
    id: `29:bench-user-${index}`, name: `User ${index}`, aadObjectId: `a11ce000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  }));
  connector.setTeam(TEAMS.team, { members, channels: [{ id: TEAMS.team }, { id: TEAMS.channel, name: 'bench' }] });
  connector.expectedAuthorization = 'Bearer bench-outbound-token';
  // One token for the run, as the Bot Connector reuses its token across activities; verification is per request.
  const token = openId.sign({ audience: TEAMS.appId, serviceUrl: connector.url, expiresIn: 3600 });
  const idOf = (index: number) => String(1_800_000_000_000 + index);
  // Replies are recorded with Date.now(); the offset turns them into this process's performance.now().
  const offset = Date.now() - performance.now();
  const delivered = new Map<string, number>();
  let scanned = 0;
  const scan = () => {
    for (; scanned < connector.sent.length; scanned++) {
      const sent = connector.sent[scanned];
      if (!sent || sent.kind !== 'reply') continue;
      const root = sent.conversationId.split(';messageid=')[1] ?? sent.targetId ?? '';
      if (!delivered.has(root)) delivered.set(root, sent.at - offset);
    }
  };
  return {
    tenant: TEAMS.tenant,
    botArgs: ['--platform', 'teams', '--tenant', TEAMS.tenant, '--app-id', TEAMS.appId, '--openid-url', openId.metadataUrl],
    request: (index) => {
      const id = idOf(index);
      const member = members[index % members.length] as FakeMember;
      const activity = {
        type: 'message', id, timestamp: new Date().toISOString(), channelId: 'msteams', serviceUrl: connector.url,
        from: { id: member.id, name: member.name, aadObjectId: member.aadObjectId }, recipient: TEAMS_BOT,
        conversation: { isGroup: true, conversationType: 'channel', id: `${TEAMS.channel};messageid=${id}`, tenantId: TEAMS.tenant },
        text: `<at>${TEAMS_BOT.name}</at> ${questions[index % questions.length]}`, textFormat: 'plain', locale: 'en-US',
        entities: [{ type: 'mention', text: `<at>${TEAMS_BOT.name}</at>`, mentioned: TEAMS_BOT }],
        channelData: { teamsChannelId: TEAMS.channel, teamsTeamId: TEAMS.team, channel: { id: TEAMS.channel }, team: { id: TEAMS.team }, tenant: { id: TEAMS.tenant } },
      };
      return { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(activity) };
    },
    deliveredAt: (index) => {
      scan();
      return delivered.get(idOf(index));
    },
    close: async () => {
      await connector.close();
      await openId.close();
    },
  };
};

let botUrl = '';
/** How many answers the bot is still working on (its background work). */
let botPending: () => Promise<number> = async () => 0;
/** The bot process's CPU seconds so far (user + system, all its threads). */
let botCpuSeconds: () => Promise<number> = async () => 0;

/**
 * Waits until every answer arrived, or the bot has nothing left in progress and nothing new
 * arrived for a second (an answer the bot dropped never comes), or the deadline.
 */
const awaitDeliveries = async (missing: () => number) => {
  const deadline = performance.now() + DELIVERY_TIMEOUT_MS;
  let lastMissing = missing();
  let lastProgress = performance.now();
  let lastCheck = 0;
  while (lastMissing > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = missing();
    if (now < lastMissing) lastProgress = performance.now();
    lastMissing = now;
    if (now > 0 && performance.now() - lastProgress > 1_000 && performance.now() - lastCheck > 500) {
      lastCheck = performance.now();
      if ((await botPending()) === 0) break;
    }
  }
};

/**
 * Sends the requests given by `offsetsMs` (ms after start, one per request) and measures acks.
 * Every request is serialized and signed before the clock starts. `fresh`: each on a new
 * connection, closed after its response; `open`: each on a connection opened beforehand.
 */
const fire = async (platform: Platform, first: number, offsetsMs: number[], connections: 'fresh' | 'open' = 'fresh') => {
  const url = new URL(botUrl);
  const prepared = offsetsMs.map((_, position) => prepareRequest(url, { ...platform.request(first + position), keepAlive: connections === 'open' }));
  const open = connections === 'open' ? await Promise.all(offsetsMs.map(() => openConnection(url))) : [];
  const loadAverage = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const cpuBefore = await botCpuSeconds();
  const started = performance.now();
  const sentAt: number[] = [];
  const acks: number[] = [];
  let failures = 0;
  await Promise.all(offsetsMs.map(async (offset, position) => {
    const wait = started + offset - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = performance.now();
    sentAt[position] = at;
    const request = prepared[position] as Buffer;
    const connection = open[position];
    const status = await (connection ? connection.send(request) : sendOnce(url, request)).catch(() => 0);
    acks[position] = performance.now() - at;
    if (status !== 200) failures++;
  }));
  for (const connection of open) connection.close();
  const elapsedSeconds = (performance.now() - started) / 1000;
  // Every answer, before the next step.
  await awaitDeliveries(() => offsetsMs.filter((_, position) => platform.deliveredAt(first + position) === undefined).length);
  const botCpuMsPerRequest = Math.round((((await botCpuSeconds()) - cpuBefore) * 1000 / offsetsMs.length) * 10) / 10;
  const delivered = offsetsMs.flatMap((_, position) => {
    const at = platform.deliveredAt(first + position);
    return at === undefined ? [] : [at - (sentAt[position] ?? 0)];
  });
  return {
    requests: offsetsMs.length,
    // The machine is shared: the one-minute load average when the step started.
    loadAverage,
    // The bot's CPU time per request, acknowledging and answering: steadier than latency under load.
    botCpuMsPerRequest,
    failures,
    undelivered: offsetsMs.length - delivered.length,
    ackMs: withP99(acks),
    acksPerSecond: Math.round((offsetsMs.length / elapsedSeconds) * 10) / 10,
    answerDeliveredMs: delivered.length ? withP99(delivered) : undefined,
  };
};

/**
 * The floor: the same bursts (same requests, same sender) against a plain node:http server that
 * answers at once, in its own process. What is left above it is the bot's own acknowledgement work.
 */
const measureFloor = async (platform: Platform, levels: number[]) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/plain-http-server.ts'], { cwd: REPOSITORY_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const url = new URL((JSON.parse(line) as { url: string }).url);
  const floors = [];
  try {
    for (const concurrency of levels) {
      const prepared = Array.from({ length: concurrency }, (_, index) => prepareRequest(url, platform.request(1_000_000 + index)));
      const acks = await Promise.all(prepared.map(async (request) => {
        const at = performance.now();
        await sendOnce(url, request);
        return performance.now() - at;
      }));
      floors.push({ concurrency, ackMs: withP99(acks) });
    }
  } finally {
    child.stdin.end();
    await once(child, 'exit');
  }
  return floors;
};

runScenario(async () => {
  const values = parseArguments(process.argv.slice(2));
  const platformName = requireArgument(values, 'platform');
  const levels = (values.get('levels') ?? '50,200,500').split(',').map(Number);
  // The fake LLM's bursts (default: the same levels); the quick profile runs it at 200 only.
  const fakeLlmLevels = (values.get('fake-llm-levels') ?? values.get('levels') ?? '50,200,500').split(',').map(Number);
  // Bursts (extractive) sent on connections opened beforehand, as a platform keeping them alive would.
  const openLevels = (values.get('open-levels') ?? '').split(',').filter(Boolean).map(Number);
  const answerers = (values.get('answerers') ?? 'extractive,fake-llm').split(',');
  const rates = (values.get('rates') ?? '').split(',').filter(Boolean).map(Number);
  const rateSeconds = Number(values.get('rate-seconds') ?? 2);
  const questions = (JSON.parse(await readFile(new URL('eval/questions.json', `file://${REPOSITORY_ROOT}`), 'utf8')) as EvalQuestion[]).map((question) => question.question);
  const platform = platformName === 'slack' ? await slackPlatform(questions) : platformName === 'teams' ? await teamsPlatform(questions) : undefined;
  if (!platform) throw new Error(`--platform must be slack or teams, not "${platformName}"`);
  const floor = await measureFloor(platform, [...new Set([...levels, ...openLevels])]);
  await prepareIndex(requireArgument(values, 'data-dir'), platform.tenant);
  // --bot-cpu-prof <dir>: profile the bot process (npx tsx bench/cpu-profile-summary.ts <file> summarizes it).
  const profileDirectory = values.get('bot-cpu-prof');
  const bot = await startBot(
    [...platform.botArgs, '--data-dir', requireArgument(values, 'data-dir'), '--directory', 'examples/docs'],
    profileDirectory ? ['--cpu-prof', '--cpu-prof-dir', profileDirectory] : [],
  );
  botUrl = bot.url;
  botPending = async () => Number((await bot.ask('stats')).pending);
  botCpuSeconds = async () => Number((await bot.ask('stats')).cpuSeconds);
  let next = 0;
  try {
    // Warm-up: connections, JWKS or auth.test, memberships of the first users, tables and catalogs.
    await fire(platform, next, Array.from({ length: 10 }, (_, index) => index * 20));
    next += 10;
    const bursts = [];
    for (const answerer of answerers) {
      await bot.ask(`answerer ${answerer}`);
      const runs = [
        ...(answerer === 'fake-llm' ? fakeLlmLevels : levels).map((concurrency) => ({ concurrency, connections: 'fresh' as const })),
        ...(answerer === 'extractive' ? openLevels.map((concurrency) => ({ concurrency, connections: 'open' as const })) : []),
      ];
      for (const { concurrency, connections } of runs) {
        const measured = await fire(platform, next, Array.from({ length: concurrency }, () => 0), connections);
        next += concurrency;
        bursts.push({ answerer, concurrency, connections, ...measured });
        process.stderr.write(`${platformName} ${answerer} ×${concurrency} (${connections} connections): ack p50 ${measured.ackMs.p50} p99 ${measured.ackMs.p99} ms, delivered p50 ${measured.answerDeliveredMs?.p50} p99 ${measured.answerDeliveredMs?.p99} ms\n`);
      }
    }
    const sweep = [];
    let firstSlowRate: number | undefined;
    if (rates.length) await bot.ask('answerer extractive');
    for (const rate of rates) {
      const count = Math.round(rate * rateSeconds);
      const measured = await fire(platform, next, Array.from({ length: count }, (_, index) => (index * 1000) / rate));
      next += count;
      sweep.push({ rate, ...measured });
      process.stderr.write(`${platformName} ${rate}/s: ack p50 ${measured.ackMs.p50} p99 ${measured.ackMs.p99} ms\n`);
      if (measured.ackMs.p99 > ACK_SLOW_MS) {
        firstSlowRate = rate;
        break;
      }
    }
    const botStats = await bot.ask('stats');
    emitResult({
      platform: platformName,
      // The same bursts on fresh connections against a plain node:http server: the machine's floor.
      floor,
      bursts,
      sweep,
      ackSlowMs: ACK_SLOW_MS,
      // The first rate of the sweep whose ack p99 exceeded 100 ms (undefined: none did).
      firstSlowRate,
      lastFastRate: sweep.filter((step) => step.ackMs.p99 <= ACK_SLOW_MS).at(-1)?.rate,
      botPeakRssMb: botStats.peakRssMb,
      botCpuSeconds: botStats.cpuSeconds,
      botErrors: botStats.errors,
      botFirstErrors: botStats.firstErrors,
    });
  } finally {
    await bot.stop();
    await platform.close();
  }
});
