/**
 * Child process: the chat path under load, on loopback. The bot (chat-bot-process.ts) runs in its
 * own process with the real Slack or Teams adapter; this process hosts the platform's fakes (the
 * Slack Web API, or the Bot Connector and the Bot Framework's OpenID keys) and is the platform:
 * it sends signed Slack events (app mentions) or authenticated Teams activities (channel mentions)
 * and watches the fakes for the answers.
 *
 *   node --import tsx bench/chat-path-scenario.ts --platform slack|teams --data-dir <dir> \
 *     [--levels 50,200,500] [--open-levels 200] [--fake-llm-levels 200] [--answerers extractive,fake-llm] [--rates 25,50,100,200,400]
 *     [--rate-seconds 2] [--warm-up 200] [--repeats 200=3] [--bot-cpu-prof <dir>]
 *
 * - Warm-up: a burst of `--warm-up` requests on fresh connections, then one on open connections,
 *   answered and reported apart (`warmUp`), before anything is measured. V8 compiles the
 *   acknowledgement path's hot functions only after a few hundred requests; a bot in service has
 *   long passed that point, a bot just started has not.
 * - Bursts: N requests sent at once (N = each level), `--repeats` times for the levels it names
 *   (extractive answerer); the percentiles pool every repeat's samples. Ack = the bot's HTTP
 *   answer, from the moment the request is sent to its last byte. Answer delivered = from sending
 *   the request to the fake receiving the answer (chat.postMessage in the thread, or the Bot
 *   Connector reply). Before the next burst every answer is awaited.
 * - Rate sweep (extractive answerer): requests at a steady rate for a few seconds, rate after rate,
 *   until ack p99 exceeds 100 ms; each step waits for its answers before the next.
 * Percentiles are nearest-rank; p99 of 50 samples is the slowest.
 */
import { readFile } from 'node:fs/promises';
import type { EvalQuestion } from '../eval/eval-metrics.js';
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { createLoad, measureFloor, type BotTarget } from './chat-bursts.js';
import { startBot } from './chat-bot-client.js';
import { slackPlatform, teamsPlatform } from './chat-platforms.js';
import { REPOSITORY_ROOT } from './run-child.js';
import { emitResult, openRuntime, parseArguments, requireArgument, runScenario } from './scenario-support.js';

export const ACK_SLOW_MS = 100;

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

/** `200=3,500=2` → how many bursts to send at each of those levels (others: one). */
const parseRepeats = (text: string | undefined) =>
  new Map((text ?? '').split(',').filter(Boolean).map((pair) => pair.split('=').map(Number) as [number, number]));

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
  const warmUp = Number(values.get('warm-up') ?? 200);
  const repeats = parseRepeats(values.get('repeats'));
  const questions = (JSON.parse(await readFile(new URL('eval/questions.json', `file://${REPOSITORY_ROOT}`), 'utf8')) as EvalQuestion[]).map((question) => question.question);
  const platform = platformName === 'slack' ? await slackPlatform(questions) : platformName === 'teams' ? await teamsPlatform(questions) : undefined;
  if (!platform) throw new Error(`--platform must be slack or teams, not "${platformName}"`);
  const extractiveBursts = [
    ...levels.map((concurrency) => ({ concurrency, connections: 'fresh' as const, repeats: repeats.get(concurrency) ?? 1 })),
    ...openLevels.map((concurrency) => ({ concurrency, connections: 'open' as const, repeats: repeats.get(concurrency) ?? 1 })),
  ];
  const floor = await measureFloor(platform, extractiveBursts, warmUp);
  await prepareIndex(requireArgument(values, 'data-dir'), platform.tenant);
  // --bot-cpu-prof <dir>: profile the bot process (npx tsx bench/cpu-profile-summary.ts <file> summarizes it).
  const profileDirectory = values.get('bot-cpu-prof');
  const bot = await startBot(
    [...platform.botArgs, '--data-dir', requireArgument(values, 'data-dir'), '--directory', 'examples/docs'],
    profileDirectory ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profileDirectory] : [],
  );
  const target: BotTarget = {
    url: bot.url,
    pending: async () => Number((await bot.ask('stats')).pending),
    cpuSeconds: async () => Number((await bot.ask('stats')).cpuSeconds),
  };
  const load = createLoad(target, platform);
  const report = (label: string, measured: { ackMs: { p50: number; p99: number }; answerDeliveredMs?: { p50: number; p99: number } | undefined }) =>
    process.stderr.write(`${platformName} ${label}: ack p50 ${measured.ackMs.p50} p99 ${measured.ackMs.p99} ms, delivered p50 ${measured.answerDeliveredMs?.p50} p99 ${measured.answerDeliveredMs?.p99} ms\n`);
  try {
    // First contact (JWKS or auth.test, tables and catalogs), then the warm-up bursts.
    await load.rate(50, 0.2);
    const warmUpBursts = warmUp > 0 ? { fresh: await load.burst(warmUp, 'fresh'), open: await load.burst(warmUp, 'open') } : undefined;
    if (warmUpBursts) report(`warm-up ×${warmUp} (fresh, then open connections)`, warmUpBursts.open);
    const bursts = [];
    for (const answerer of answerers) {
      await bot.ask(`answerer ${answerer}`);
      const runs = answerer === 'extractive' ? extractiveBursts : fakeLlmLevels.map((concurrency) => ({ concurrency, connections: 'fresh' as const, repeats: 1 }));
      for (const { concurrency, connections, repeats: count } of runs) {
        const measured = await load.burst(concurrency, connections, count);
        bursts.push({ answerer, concurrency, connections, ...measured });
        report(`${answerer} ×${concurrency} (${connections} connections${count > 1 ? `, ${count} bursts` : ''})`, measured);
      }
    }
    const sweep = [];
    let firstSlowRate: number | undefined;
    if (rates.length) await bot.ask('answerer extractive');
    for (const rate of rates) {
      const measured = await load.rate(rate, rateSeconds);
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
      // The same bursts against a plain node:http server: the machine's floor.
      floor,
      warmUp: warmUpBursts,
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
