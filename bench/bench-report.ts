/**
 * Summarizes latencies and turns scenario results into figures (one row per measured number,
 * with its target when the project has one), rendered as a Markdown table for the terminal.
 */
import type { Scenario } from './bench-plan.js';

/**
 * Latency percentiles by the nearest-rank method: with 50 samples p95 is the 48th fastest, a
 * value that was actually observed, rather than an interpolation between two.
 */
export type LatencySummary = { samples: number; p50: number; p95: number; max: number; mean: number };

export const percentile = (sorted: readonly number[], fraction: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
};

const round = (milliseconds: number) => Math.round(milliseconds * 100) / 100;

export const summarizeLatencies = (milliseconds: readonly number[]): LatencySummary => {
  const sorted = [...milliseconds].sort((left, right) => left - right);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return {
    samples: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(mean),
  };
};

export type ScenarioRun = {
  scenario: Scenario;
  wallSeconds: number;
  /** One-minute load average when the child started. */
  loadAverage: number;
  result: Record<string, unknown>;
};

export type Figure = {
  scenario: string;
  measure: string;
  chunks: number;
  value: string;
  peakRssMb: number;
  target?: string;
  /** Undefined when the figure has no target. */
  met?: boolean;
  command: string;
  /** One-minute load average when the child started. */
  loadAverage?: number;
};

const numberOf = (result: Record<string, unknown>, field: string): number => Number(result[field] ?? Number.NaN);

const EMBEDDER_NAMES: Record<string, string> = { none: 'lexical only (default)', hash: 'hashed embedder', 'use-lite': 'USE-lite' };

export const commandOf = (scenario: Scenario): string => `npm run bench -- --only ${scenario.id}`;

export { EMBEDDER_NAMES };

const indexFigure = (run: ScenarioRun): Figure => {
  const { scenario, result } = run;
  const embeddings = String(result.embeddings);
  const chunksPerSecond = numberOf(result, 'chunksPerSecond');
  const incremental = numberOf(result, 'filesUnchanged') > 0 ? `, incremental: ${numberOf(result, 'chunksStored')} chunks stored` : '';
  const figure: Figure = {
    scenario: scenario.id,
    measure: `indexing, ${EMBEDDER_NAMES[embeddings] ?? embeddings}`,
    chunks: numberOf(result, 'chunksIndexed'),
    value: `${chunksPerSecond} chunks/s (${numberOf(result, 'indexSeconds').toFixed(2)} s, CPU ${numberOf(result, 'cpuSeconds').toFixed(2)} s${incremental})`,
    peakRssMb: numberOf(result, 'peakRssMb'),
    command: commandOf(scenario),
  };
  if (scenario.id === 'index-none-10k') Object.assign(figure, { target: '≥ 2,000 chunks/s', met: chunksPerSecond >= 2_000 });
  return figure;
};

const ASK_TARGETS: Record<string, { target: string; limitMs: number }> = {
  'ask-none-10k': { target: 'p95 ≤ 50 ms', limitMs: 50 },
  'ask-use-lite-10k': { target: 'p95 ≤ 150 ms', limitMs: 150 },
};

const askFigure = (run: ScenarioRun): Figure => {
  const { scenario, result } = run;
  const latency = result.latencyMs as LatencySummary;
  const embeddings = String(result.embeddings);
  const figure: Figure = {
    scenario: scenario.id,
    measure: `ask latency, ${EMBEDDER_NAMES[embeddings] ?? embeddings}`,
    chunks: numberOf(result, 'chunksStored'),
    value: `p50 ${latency.p50} ms, p95 ${latency.p95} ms (max ${latency.max} ms, n=${latency.samples}; CPU ${numberOf(result, 'cpuMsPerQuestion').toFixed(1)} ms/question)`,
    peakRssMb: numberOf(result, 'peakRssMb'),
    command: commandOf(scenario),
  };
  const target = ASK_TARGETS[scenario.id];
  if (target) Object.assign(figure, { target: target.target, met: latency.p95 <= target.limitMs });
  else if (embeddings === 'use-lite') figure.target = '(target is at 10k chunks: --full)';
  return figure;
};

const reindexFigure = (run: ScenarioRun): Figure => {
  const { scenario, result, wallSeconds } = run;
  const chunksIndexed = numberOf(result, 'chunksIndexed');
  return {
    scenario: scenario.id,
    measure: 'unchanged re-index of examples/docs',
    chunks: numberOf(result, 'chunksStored'),
    value: `${numberOf(result, 'indexSeconds').toFixed(3)} s indexing, ${wallSeconds.toFixed(2)} s whole process; ${chunksIndexed} chunks indexed`,
    peakRssMb: numberOf(result, 'peakRssMb'),
    target: '< 2 s, 0 chunks indexed',
    // Judged on the whole process (tsx start-up included), the stricter reading of the target.
    met: wallSeconds < 2 && chunksIndexed === 0,
    command: commandOf(scenario),
  };
};

/**
 * Figures of the core scenarios (indexing, ask latency, unchanged re-index); the first examples/docs
 * run is only set-up. The other sections' scenarios are reported by section-report.ts.
 */
export const figuresOf = (runs: ScenarioRun[]): Figure[] =>
  runs.flatMap((run): Figure[] => {
    const withLoad = (figure: Figure): Figure => ({ ...figure, loadAverage: run.loadAverage });
    if (run.scenario.section !== undefined && run.scenario.section !== 'core') return [];
    if (run.scenario.id === 'reindex-examples-unchanged') return [withLoad(reindexFigure(run))];
    if (run.scenario.id.startsWith('reindex-')) return [];
    if (run.scenario.script === 'ask-scenario.ts') return [withLoad(askFigure(run))];
    if (run.scenario.script === 'index-scenario.ts') return [withLoad(indexFigure(run))];
    return [];
  });

export const markdownTable = (figures: Figure[]): string => {
  const verdict = (figure: Figure) => (figure.met === undefined ? '' : figure.met ? 'met' : '**missed**');
  const lines = [
    '| measure | chunks | result | peak RSS | load | target | status | command |',
    '|---|---:|---|---:|---:|---|---|---|',
    ...figures.map((figure) =>
      `| ${figure.measure} | ${figure.chunks.toLocaleString('en-US')} | ${figure.value} | ${Math.round(figure.peakRssMb)} MiB | ${figure.loadAverage ?? ''} | ${figure.target ?? ''} | ${verdict(figure)} | \`${figure.command}\` |`),
  ];
  return lines.join('\n');
};
