/**
 * Sending load for the chat-path benchmark and measuring it: bursts and steady rates of prepared
 * requests against the bot, each step's answers awaited before the next, and the same bursts
 * against a plain node:http server (the floor).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import type { Platform } from './chat-platforms.js';
import { percentile, summarizeLatencies } from './bench-report.js';
import { openConnection, prepareRequest, sendOnce } from './raw-http-sender.js';
import { REPOSITORY_ROOT } from './run-child.js';

const DELIVERY_TIMEOUT_MS = 180_000;

export type Connections = 'fresh' | 'open';

/** The bot under load: where to send, and what it reports of itself. */
export type BotTarget = {
  url: string;
  /** How many answers the bot is still working on (its background work). */
  pending(): Promise<number>;
  /** The bot process's CPU seconds so far (user + system, all its threads). */
  cpuSeconds(): Promise<number>;
};

export const withP99 = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  return { ...summarizeLatencies(values), p99: Math.round(percentile(sorted, 0.99) * 100) / 100 };
};

/**
 * Waits until every answer arrived, or the bot has nothing left in progress and nothing new
 * arrived for a second (an answer the bot dropped never comes), or the deadline.
 */
const awaitDeliveries = async (bot: BotTarget, missing: () => number) => {
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
      if ((await bot.pending()) === 0) break;
    }
  }
};

/** What one or more runs of the same step measured, before it is summarized. */
type Samples = { acks: number[]; delivered: number[]; requests: number; failures: number; elapsedSeconds: number; botCpuMs: number; loadAverage: number };

/** Sends prepared requests at the given offsets (ms after start), each fresh or on a connection opened beforehand. */
const send = async (url: URL, prepared: Buffer[], offsetsMs: number[], connections: Connections) => {
  const open = connections === 'open' ? await Promise.all(prepared.map(() => openConnection(url))) : [];
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
  return { acks, sentAt, failures, elapsedSeconds: (performance.now() - started) / 1000 };
};

/**
 * Sends requests `first`, `first + 1`, … at `offsetsMs` and measures acks and answers. Every
 * request is serialized and signed before the clock starts.
 */
const run = async (bot: BotTarget, platform: Platform, first: number, offsetsMs: number[], connections: Connections): Promise<Samples> => {
  const url = new URL(bot.url);
  const prepared = offsetsMs.map((_, position) => prepareRequest(url, { ...platform.request(first + position), keepAlive: connections === 'open' }));
  // The machine is shared: the one-minute load average when the step started.
  const loadAverage = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const cpuBefore = await bot.cpuSeconds();
  const { acks, sentAt, failures, elapsedSeconds } = await send(url, prepared, offsetsMs, connections);
  // Every answer, before the next step.
  await awaitDeliveries(bot, () => offsetsMs.filter((_, position) => platform.deliveredAt(first + position) === undefined).length);
  const botCpuMs = ((await bot.cpuSeconds()) - cpuBefore) * 1000;
  const delivered = offsetsMs.flatMap((_, position) => {
    const at = platform.deliveredAt(first + position);
    return at === undefined ? [] : [at - (sentAt[position] ?? 0)];
  });
  return { acks, delivered, requests: offsetsMs.length, failures, elapsedSeconds, botCpuMs, loadAverage };
};

const summarize = (runs: Samples[]) => {
  const requests = runs.reduce((sum, samples) => sum + samples.requests, 0);
  const delivered = runs.flatMap((samples) => samples.delivered);
  return {
    requests,
    repeats: runs.length,
    loadAverage: runs[0]?.loadAverage,
    // The bot's CPU time per request, acknowledging and answering: steadier than latency under load.
    botCpuMsPerRequest: Math.round((runs.reduce((sum, samples) => sum + samples.botCpuMs, 0) / requests) * 10) / 10,
    failures: runs.reduce((sum, samples) => sum + samples.failures, 0),
    undelivered: requests - delivered.length,
    // Every acknowledgement of every repeat: the p99 of three bursts of 200 is the sixth slowest of 600.
    ackMs: withP99(runs.flatMap((samples) => samples.acks)),
    ackP99PerRepeat: runs.map((samples) => withP99(samples.acks).p99),
    acksPerSecond: Math.round((requests / runs.reduce((sum, samples) => sum + samples.elapsedSeconds, 0)) * 10) / 10,
    answerDeliveredMs: delivered.length ? withP99(delivered) : undefined,
  };
};

/** Numbers requests from 0 up, so each one's answer can be told apart. */
export const createLoad = (bot: BotTarget, platform: Platform) => {
  let next = 0;
  const take = (count: number) => ((next += count), next - count);
  return {
    /** `repeats` bursts of `concurrency` requests sent at once, each burst's answers awaited. */
    async burst(concurrency: number, connections: Connections, repeats = 1) {
      const runs: Samples[] = [];
      for (let index = 0; index < repeats; index++) {
        runs.push(await run(bot, platform, take(concurrency), Array.from({ length: concurrency }, () => 0), connections));
      }
      return summarize(runs);
    },
    /** Requests at a steady rate for `seconds`, on fresh connections. */
    async rate(perSecond: number, seconds: number) {
      const count = Math.round(perSecond * seconds);
      return summarize([await run(bot, platform, take(count), Array.from({ length: count }, (_, index) => (index * 1000) / perSecond), 'fresh')]);
    },
  };
};

/**
 * The floor: the same bursts (same requests, same sender, after the same warm-up) against a plain
 * node:http server that answers at once, in its own process. What is left above it is the bot's
 * own acknowledgement work.
 */
export const measureFloor = async (platform: Platform, bursts: { concurrency: number; connections: Connections; repeats: number }[], warmUp: number) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/plain-http-server.ts'], { cwd: REPOSITORY_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const url = new URL((JSON.parse(line) as { url: string }).url);
  const burstOf = async (concurrency: number, connections: Connections) => {
    const prepared = Array.from({ length: concurrency }, (_, index) => prepareRequest(url, { ...platform.request(1_000_000 + index), keepAlive: connections === 'open' }));
    return (await send(url, prepared, prepared.map(() => 0), connections)).acks;
  };
  const floors = [];
  try {
    for (const connections of ['fresh', 'open'] as const) if (warmUp > 0) await burstOf(warmUp, connections);
    for (const { concurrency, connections, repeats } of bursts) {
      const runs: number[][] = [];
      for (let index = 0; index < repeats; index++) runs.push(await burstOf(concurrency, connections));
      floors.push({ concurrency, connections, repeats, ackMs: withP99(runs.flat()), ackP99PerRepeat: runs.map((acks) => withP99(acks).p99) });
    }
  } finally {
    child.stdin.end();
    await once(child, 'exit');
  }
  return floors;
};
