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
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { slackPlatform, teamsPlatform, type Platform } from './chat-platforms.js';
import { openConnection, prepareRequest, sendOnce } from './raw-http-sender.js';
import { percentile, summarizeLatencies } from './bench-report.js';
import { REPOSITORY_ROOT } from './run-child.js';
import { emitResult, openRuntime, parseArguments, requireArgument, runScenario } from './scenario-support.js';

export const ACK_SLOW_MS = 100;
const DELIVERY_TIMEOUT_MS = 180_000;

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
