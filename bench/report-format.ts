/** Formatting shared by the benchmark's section reports: numbers, latencies, markdown tables. */
import type { Scenario } from './bench-plan.js';
import { commandOf, type LatencySummary } from './bench-report.js';

export type TargetVerdict = { section: string; target: string; measured: string; met?: boolean; command: string };

export type Result = Record<string, unknown>;
export const num = (result: Result, field: string): number => Number(result[field] ?? Number.NaN);
export const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
export const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value * 10) / 10}` : '—');
export const latency = (summary: LatencySummary | undefined) => (summary ? `${ms(summary.p50)} / ${ms(summary.p95)} ms` : '—');
export const rss = (result: Result) => `${Math.round(num(result, 'peakRssMb'))} MiB`;
export const cmd = (scenario: Scenario) => `\`${commandOf(scenario)}\``;
export const verdict = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : '**missed**');
export const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
