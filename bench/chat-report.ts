/**
 * The chat-path section: acknowledgement and answer-delivery latency per burst (beside the floor
 * of a plain node:http server) and per steady rate, and the Slack acknowledgement target.
 */
import { commandOf, type LatencySummary, type ScenarioRun } from './bench-report.js';
import { cmd, ms, num, table, type Result, type TargetVerdict } from './report-format.js';

export const SLACK_ACK_TARGET_MS = 50;

type Percentiles = LatencySummary & { p99: number };
type Step = {
  requests: number; repeats?: number; loadAverage?: number; botCpuMsPerRequest?: number; failures: number; undelivered: number;
  ackMs: Percentiles; ackP99PerRepeat?: number[]; acksPerSecond: number; answerDeliveredMs?: Percentiles;
};
type Connections = 'fresh' | 'open';
type Floor = { concurrency: number; connections?: Connections; repeats?: number; ackMs: Percentiles; ackP99PerRepeat?: number[] };
type ChatResult = Result & {
  platform: string;
  warmUp?: Record<Connections, Step>;
  bursts: (Step & { answerer: string; concurrency: number; connections?: Connections })[];
  floor?: Floor[];
  sweep: (Step & { rate: number })[];
  firstSlowRate?: number;
  lastFastRate?: number;
};

const p50p99 = (summary: Percentiles | undefined) => (summary ? `${ms(summary.p50)} / ${ms(summary.p99)} ms` : '—');
/** Each burst's own p99 when there were several: how much one burst differs from the next. */
const perRepeat = (p99s: number[] | undefined) => (p99s && p99s.length > 1 ? ` (bursts: ${p99s.map(ms).join(', ')})` : '');
const burstLabel = (concurrency: number, repeats: number | undefined, connections: Connections | undefined) =>
  `${concurrency}${(repeats ?? 1) > 1 ? ` × ${repeats} bursts` : ''} (${connections ?? 'fresh'} connections)`;
const ANSWERER_NAMES: Record<string, string> = { extractive: 'extractive', 'fake-llm': 'fake LLM, fixed 500 ms' };

export const chat = (runs: ScenarioRun[]) => {
  const chatRuns = runs.filter((run) => run.scenario.script === 'chat-path-scenario.ts');
  if (chatRuns.length === 0) return undefined;
  const burstRows: string[][] = [];
  const sweepRows: string[][] = [];
  const targets: TargetVerdict[] = [];
  for (const run of chatRuns) {
    const result = run.result as ChatResult;
    const platform = result.platform === 'slack' ? 'Slack' : 'Teams';
    const botRss = `${Math.round(num(result, 'botPeakRssMb'))} MiB`;
    const row = (answerer: string, label: string, step: Step, floor: Floor | undefined) => [
      platform, answerer, label, `${p50p99(step.ackMs)}${perRepeat(step.ackP99PerRepeat)}`,
      floor ? `${p50p99(floor.ackMs)}${perRepeat(floor.ackP99PerRepeat)}` : '—', p50p99(step.answerDeliveredMs),
      `${ms(step.botCpuMsPerRequest ?? Number.NaN)} ms`,
      `${step.failures} / ${step.undelivered}`, botRss, String(step.loadAverage ?? run.loadAverage), cmd(run.scenario),
    ];
    // The first bursts after start, before V8 has compiled the acknowledgement path: not in the targets.
    for (const connections of ['fresh', 'open'] as const) {
      const step = result.warmUp?.[connections];
      if (step) burstRows.push(row('extractive', `warm-up: the first ${step.requests} after start (${connections} connections)`, step, undefined));
    }
    for (const burst of result.bursts) {
      const connections = burst.connections ?? 'fresh';
      const floor = result.floor?.find((entry) => entry.concurrency === burst.concurrency && (entry.connections ?? 'fresh') === connections);
      const answerer = ANSWERER_NAMES[burst.answerer] ?? burst.answerer;
      burstRows.push(row(answerer, burstLabel(burst.concurrency, burst.repeats, connections), burst, floor));
      if (result.platform === 'slack' && burst.concurrency === 200) {
        targets.push({
          section: 'chat',
          target: `Slack ack p99 < ${SLACK_ACK_TARGET_MS} ms at 200 concurrent requests (${answerer} answerer, ${connections} connections)`,
          measured: `p99 ${ms(burst.ackMs.p99)} ms over ${burst.ackMs.samples} acks${perRepeat(burst.ackP99PerRepeat)} (p50 ${ms(burst.ackMs.p50)} ms)${floor ? `; a plain node:http server, same bursts: p99 ${ms(floor.ackMs.p99)} ms` : ''}`,
          met: burst.ackMs.p99 < SLACK_ACK_TARGET_MS,
          command: cmd(run.scenario),
        });
      }
    }
    for (const step of result.sweep) {
      sweepRows.push([
        platform, `${step.rate}/s for ${step.requests} requests`, p50p99(step.ackMs), p50p99(step.answerDeliveredMs),
        `${ms(step.botCpuMsPerRequest ?? Number.NaN)} ms`,
        `${step.failures} / ${step.undelivered}`, step.ackMs.p99 > 100 ? '**over 100 ms**' : '', String(step.loadAverage ?? run.loadAverage), cmd(run.scenario),
      ]);
    }
    if (result.sweep.length) {
      sweepRows.push([
        platform, '**acks exceed 100 ms from**',
        result.firstSlowRate === undefined ? `no step of the sweep (highest: ${result.sweep.at(-1)?.rate}/s)` : `${result.firstSlowRate}/s (last rate under: ${result.lastFastRate ?? 'none'}/s)`,
        '', '', '', '', '', '',
      ]);
    }
  }
  const markdown = [
    table(['platform', 'answerer', 'concurrent requests', 'ack p50 / p99', 'floor: plain node:http server, p50 / p99', 'answer delivered p50 / p99', 'bot CPU per request', 'failed / undelivered', 'bot peak RSS', 'load', 'command'], burstRows),
    sweepRows.length ? table(['platform', 'steady rate (extractive)', 'ack p50 / p99', 'answer delivered p50 / p99', 'bot CPU per request', 'failed / undelivered', '', 'load', 'command'], sweepRows) : '',
  ].filter(Boolean).join('\n\n');
  return {
    markdown,
    targets,
    json: chatRuns.map(({ scenario, result, loadAverage }) => ({ id: scenario.id, command: commandOf(scenario), loadAverage, ...result })),
  };
};
