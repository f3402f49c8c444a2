/**
 * The incremental re-index section: each re-index beside the full index it is a share of, the
 * series of 1% edits in one row, and questions asked with the series' recent rows pending.
 */
import { commandOf, type LatencySummary, type ScenarioRun } from './bench-report.js';
import { cmd, fixed, latency, ms, num, rss, table, type TargetVerdict } from './report-format.js';

export const INCREMENTAL_TARGET_SHARE = 0.05;

const median = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** One row for a series of 1% edits: the typical run, the runs that folded, and the mean (what a schedule pays). */
const seriesRow = (series: ScenarioRun[], fullSeconds: number, fullCpu: number): string[] => {
  const seconds = series.map((run) => num(run.result, 'indexSeconds'));
  const cpu = series.map((run) => num(run.result, 'cpuSeconds'));
  const folding = series.filter((run) => num(run.result, 'collectionsFolded') > 0);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const share = (value: number, of: number) => `${fixed((value / of) * 100, 1)}%`;
  const total = (field: string) => series.reduce((sum, run) => sum + num(run.result, field), 0);
  return [
    `${series.length} more edits of 1%, one re-index after each`,
    `${total('filesChanged')} changed in all`,
    String(total('chunksIndexed')), String(total('chunksEmbedded')), fixed(1 - total('chunksEmbedded') / total('chunksIndexed')),
    `median ${fixed(median(seconds), 2)} s; ${folding.length} that folded: ${folding.map((run) => `${fixed(num(run.result, 'indexSeconds'), 2)} s (${num(run.result, 'collectionsFolded')} of 4)`).join(', ') || 'none'}; mean ${fixed(mean(seconds), 2)} s (CPU ${fixed(mean(cpu), 2)} s)`,
    `median ${share(median(seconds), fullSeconds)}; mean ${share(mean(seconds), fullSeconds)} (CPU ${share(mean(cpu), fullCpu)})`,
    `${Math.max(...series.map((run) => Math.round(num(run.result, 'peakRssMb'))))} MiB`,
    fixed(mean(series.map((run) => run.loadAverage)), 2),
    series.length > 0 ? cmd((series[series.length - 1] as ScenarioRun).scenario) : '',
  ];
};

/** The full index and the re-index runs of one configuration, each row beside the full index it is a share of. */
const INCREMENTAL_GROUPS = [
  { full: 'index-hash-10k-edit', reindex: 'reindex-hash-', suffix: '', targetSuffix: '' },
  { full: 'index-none-10k-edit-bm25', reindex: 'reindex-none-', suffix: ', BM25 only (the default: no embedder)', targetSuffix: ' (BM25 only, the default)' },
];

/** The series' index asked the scaling questions, beside a freshly built index of the same size. */
const PENDING_ASK = 'ask-hash-10k-edit-recent';
const askRows = (runs: ScenarioRun[]): { rows: string[][]; shown: ScenarioRun[] } => {
  const pending = runs.find((run) => run.scenario.id === PENDING_ASK);
  if (!pending) return { rows: [], shown: [] };
  const fresh = runs.find((run) => run.scenario.id === 'ask-hash-10k');
  const shown = [fresh, pending].filter((run): run is ScenarioRun => run !== undefined);
  const labels = new Map([[pending, 'the edited copy after the series, recent rows pending'], ...(fresh ? [[fresh, 'a freshly built index'] as const] : [])]);
  const rows = shown.map((run) => [
    labels.get(run) ?? run.scenario.id, String(num(run.result, 'chunksStored')), latency(run.result.latencyMs as LatencySummary),
    `${ms(num(run.result, 'cpuMsPerQuestion'))} ms`, rss(run.result), String(run.loadAverage), cmd(run.scenario),
  ]);
  return { rows, shown };
};

export const incremental = (runs: ScenarioRun[]) => {
  const reindexRuns = runs.filter((run) => run.scenario.script === 'reindex-scenario.ts');
  const rows: string[][] = [];
  const targets: TargetVerdict[] = [];
  const shown: ScenarioRun[] = [];
  for (const group of INCREMENTAL_GROUPS) {
    const full = runs.find((run) => run.scenario.id === group.full);
    const ofGroup = reindexRuns.filter((run) => run.scenario.id.startsWith(group.reindex));
    const partial = ofGroup.filter((run) => !run.scenario.id.includes('-series-'));
    const series = ofGroup.filter((run) => run.scenario.id.includes('-series-'));
    if (!full && ofGroup.length === 0) continue;
    shown.push(...[full, ...ofGroup].filter((run): run is ScenarioRun => run !== undefined));
    const fullSeconds = full ? num(full.result, 'indexSeconds') : Number.NaN;
    const fullCpu = full ? num(full.result, 'cpuSeconds') : Number.NaN;
    if (full) {
      rows.push([
        `full index${group.suffix}`, `${num(full.result, 'files')} added`, String(num(full.result, 'chunksIndexed')), String(num(full.result, 'chunksEmbedded')), '—',
        `${fixed(fullSeconds, 2)} s (CPU ${fixed(fullCpu, 2)} s)`, '100%', rss(full.result), String(full.loadAverage), cmd(full.scenario),
      ]);
    }
    for (const run of partial) {
      const seconds = num(run.result, 'indexSeconds');
      const cpu = num(run.result, 'cpuSeconds');
      const share = seconds / fullSeconds;
      rows.push([
        `${num(run.result, 'changePercent')}% of documents edited${group.suffix}`,
        `${num(run.result, 'filesChanged')} changed, ${num(run.result, 'filesUnchanged')} unchanged`,
        String(num(run.result, 'chunksIndexed')), String(num(run.result, 'chunksEmbedded')), fixed(num(run.result, 'cacheHitRate')),
        `${fixed(seconds, 2)} s (CPU ${fixed(cpu, 2)} s)`,
        `${fixed(share * 100, 1)}% (CPU ${fixed((cpu / fullCpu) * 100, 1)}%)`,
        rss(run.result), String(run.loadAverage), cmd(run.scenario),
      ]);
      if (num(run.result, 'changePercent') === 1) {
        targets.push({
          section: 'incremental',
          target: `re-index after 1% of documents changed ≤ 5% of a full index${group.targetSuffix}`,
          measured: `${fixed(seconds, 2)} s vs ${fixed(fullSeconds, 2)} s: ${fixed(share * 100, 1)}% (CPU ${fixed((cpu / fullCpu) * 100, 1)}%)`,
          met: share <= INCREMENTAL_TARGET_SHARE,
          command: [full, run].filter((entry): entry is ScenarioRun => entry !== undefined).map((entry) => cmd(entry.scenario)).join(', '),
        });
      }
    }
    if (series.length > 0) rows.push(seriesRow(series, fullSeconds, fullCpu));
  }
  if (rows.length === 0) return undefined;
  const asked = askRows(runs);
  shown.push(...asked.shown);
  const markdown = [
    table(
      ['run (10k corpus; hashed embedder unless noted)', 'files', 'chunks re-indexed', 'chunks embedded', 'embedding-cache hit rate', 'time', 'share of full index', 'peak RSS', 'load', 'command'],
      rows,
    ),
    asked.rows.length > 0 ? table(['50 questions, hashed embedder, 10k corpus', 'chunks', 'query p50 / p95', 'CPU per question', 'peak RSS', 'load', 'command'], asked.rows) : '',
  ].filter(Boolean).join('\n\n');
  return {
    markdown,
    targets,
    json: shown
      .map(({ scenario, result, loadAverage }) => ({ id: scenario.id, command: commandOf(scenario), loadAverage, ...result })),
  };
};

