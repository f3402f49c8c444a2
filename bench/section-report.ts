/**
 * Tables and target verdicts for the sections added beside the core figures: peer baselines on
 * examples/docs, scaling (sizes, ANN indexes, Pinecone overhead), incremental re-index and the chat
 * path. Every row names the command that reproduces it and the load average it ran under.
 */
import { commandOf, type LatencySummary, type ScenarioRun } from './bench-report.js';
import { chat } from './chat-report.js';
import { incremental } from './incremental-report.js';
import { cmd, fixed, latency, ms, num, rss, table, verdict, type Result, type TargetVerdict } from './report-format.js';

export { SLACK_ACK_TARGET_MS } from './chat-report.js';
export type { TargetVerdict } from './report-format.js';

// ---------------------------------------------------------------------------------------------
// Baselines

type EvalFigures = { recallAt5: number; mrrAt10: number; factCoverage: number; abstentionAccuracy: number; falseRefusalRate: number };
type SetReport = { set: string; figures: EvalFigures; meanAnswerCharacters: number; sourceFactCoverage: number };

const PIPELINE_NAMES: Record<string, string> = { ours: 'ours', langchain: 'LangChain.js', bm25: 'BM25 (MiniSearch)' };
const EMBEDDING_NAMES: Record<string, string> = { none: 'lexical, the default', hash: 'hashed embedder', 'use-lite': 'USE-lite' };

export const pipelineName = (result: Result) =>
  result.pipeline === 'bm25' ? PIPELINE_NAMES.bm25 as string : `${PIPELINE_NAMES[String(result.pipeline)] ?? String(result.pipeline)} (${EMBEDDING_NAMES[String(result.embeddings)] ?? String(result.embeddings)})`;

const setsOf = (result: Result) => (result.sets as SetReport[] | undefined) ?? [];
const pair = (result: Result, pick: (report: SetReport) => number, digits = 3) => setsOf(result).map((report) => fixed(pick(report), digits)).join(' / ');

const QUALITY_FIGURES: { key: keyof EvalFigures; name: string }[] = [
  { key: 'recallAt5', name: 'recall@5' },
  { key: 'mrrAt10', name: 'MRR@10' },
  { key: 'factCoverage', name: 'fact coverage' },
  { key: 'abstentionAccuracy', name: 'abstention' },
];

/** Where ours falls below a peer, figure by figure and set by set. */
export const qualityShortfalls = (ours: Result, peer: Result): string[] =>
  setsOf(ours).flatMap((report) => {
    const peerReport = setsOf(peer).find((candidate) => candidate.set === report.set);
    if (!peerReport) return [];
    return QUALITY_FIGURES.filter(({ key }) => report.figures[key] < peerReport.figures[key]).map(
      ({ key, name }) => `${name} on ${report.set}: ${fixed(report.figures[key])} < ${fixed(peerReport.figures[key])}`,
    );
  });

const baselines = (runs: ScenarioRun[]) => {
  const quality = runs.filter((run) => run.scenario.script === 'quality-scenario.ts');
  if (quality.length === 0) return undefined;
  const rows = quality.map(({ scenario, result, loadAverage }) => [
    pipelineName(result),
    String(result.chunks),
    pair(result, (report) => report.figures.recallAt5),
    pair(result, (report) => report.figures.mrrAt10),
    pair(result, (report) => report.figures.factCoverage),
    pair(result, (report) => report.sourceFactCoverage),
    pair(result, (report) => report.meanAnswerCharacters, 0),
    result.pipeline === 'ours' ? pair(result, (report) => report.figures.abstentionAccuracy) : `${pair(result, (report) => report.figures.abstentionAccuracy)} (never abstains)`,
    pair(result, (report) => report.figures.falseRefusalRate),
    `${fixed(num(result, 'indexSeconds'), 2)} s (CPU ${fixed(num(result, 'indexCpuSeconds'), 2)} s)`,
    `${latency(result.latencyMs as LatencySummary)} (CPU ${ms(num(result, 'cpuMsPerQuestion'))} ms)`,
    rss(result),
    String(loadAverage),
    cmd(scenario),
  ]);
  const markdown = table(
    ['pipeline', 'chunks', 'recall@5', 'MRR@10', 'fact coverage', "sources' fact coverage", 'answer chars', 'abstention', 'false refusals', 'indexing', 'query p50 / p95', 'peak RSS', 'load', 'command'],
    rows,
  );
  const find = (pipeline: string, embeddings: string) =>
    quality.find((run) => run.result.pipeline === pipeline && run.result.embeddings === embeddings);
  const targets: TargetVerdict[] = [];
  const bm25 = find('bm25', 'none');
  for (const ours of quality.filter((run) => run.result.pipeline === 'ours')) {
    const embeddings = String(ours.result.embeddings);
    // The lexical default is set beside the hashed-embedder LangChain pipeline (LangChain needs an embedder).
    const langchain = find('langchain', embeddings === 'none' ? 'hash' : embeddings);
    const peers = [langchain, bm25].filter((run): run is ScenarioRun => run !== undefined);
    if (peers.length === 0) continue;
    const shortfalls = peers.flatMap((peer) => qualityShortfalls(ours.result, peer.result).map((shortfall) => `${shortfall} (${pipelineName(peer.result)})`));
    targets.push({
      section: 'baselines',
      target: `${pipelineName(ours.result)} ≥ ${peers.map((peer) => pipelineName(peer.result)).join(' and ')} on recall@5, MRR@10, fact coverage and abstention, both sets`,
      measured: shortfalls.length === 0 ? 'no figure below a baseline' : shortfalls.join('; '),
      met: shortfalls.length === 0,
      command: [ours, ...peers].map((run) => cmd(run.scenario)).join(', '),
    });
    if (langchain) {
      const mine = ours.result.latencyMs as LatencySummary;
      const theirs = langchain.result.latencyMs as LatencySummary;
      targets.push({
        section: 'baselines',
        target: `${pipelineName(ours.result)} query latency ≤ ${pipelineName(langchain.result)}`,
        measured: `p50 ${ms(mine.p50)} vs ${ms(theirs.p50)} ms, p95 ${ms(mine.p95)} vs ${ms(theirs.p95)} ms`,
        met: mine.p50 <= theirs.p50 && mine.p95 <= theirs.p95,
        command: [ours, langchain].map((run) => cmd(run.scenario)).join(', '),
      });
    }
  }
  return { markdown, targets, json: quality.map(({ scenario, result, loadAverage }) => ({ id: scenario.id, command: commandOf(scenario), loadAverage, ...result })) };
};

// ---------------------------------------------------------------------------------------------
// Scaling

const SIZES = ['1k', '10k', '30k', '100k'];

const scaling = (runs: ScenarioRun[]) => {
  const byId = new Map(runs.map((run) => [run.scenario.id, run]));
  const sizeRows: string[][] = [];
  for (const size of SIZES) {
    for (const embeddings of ['none', 'hash']) {
      const indexRun = byId.get(`index-${embeddings}-${size}`);
      const askRun = byId.get(`ask-${embeddings}-${size}`);
      if (!indexRun && !askRun) continue;
      const indexResult = indexRun?.result ?? {};
      const askResult = askRun?.result ?? {};
      sizeRows.push([
        size,
        `ours (${EMBEDDING_NAMES[embeddings]}), LanceDB as the store runs it`,
        String(askRun ? num(askResult, 'chunksStored') : num(indexResult, 'chunksIndexed')),
        indexRun ? `${num(indexResult, 'chunksPerSecond')} chunks/s (${fixed(num(indexResult, 'indexSeconds'), 2)} s, CPU ${fixed(num(indexResult, 'cpuSeconds'), 2)} s)` : '—',
        askRun ? `${latency(askResult.latencyMs as LatencySummary)} (CPU ${ms(num(askResult, 'cpuMsPerQuestion'))} ms)` : '—',
        `${indexRun ? rss(indexResult) : '—'} / ${askRun ? rss(askResult) : '—'}`,
        [indexRun, askRun].filter(Boolean).map((run) => String(run?.loadAverage)).join(' / '),
        [indexRun, askRun].filter((run): run is ScenarioRun => run !== undefined).map((run) => cmd(run.scenario)).join(', '),
      ]);
    }
    for (const pipeline of ['langchain', 'bm25']) {
      const run = byId.get(`${pipeline}-${size}`);
      if (!run) continue;
      const { result } = run;
      sizeRows.push([
        size,
        pipeline === 'langchain' ? 'LangChain.js (hashed embedder), MemoryVectorStore' : 'BM25 (MiniSearch), in memory',
        String(result.chunks),
        `${num(result, 'chunksPerSecond')} chunks/s (${fixed(num(result, 'indexSeconds'), 2)} s, CPU ${fixed(num(result, 'indexCpuSeconds'), 2)} s)`,
        `${latency(result.latencyMs as LatencySummary)} (CPU ${ms(num(result, 'cpuMsPerQuestion'))} ms)`,
        `${rss(result)} (one process)`,
        String(run.loadAverage),
        cmd(run.scenario),
      ]);
    }
  }
  const annRuns = runs.filter((run) => run.scenario.script === 'ann-scenario.ts');
  const annRows: string[][] = [];
  const targets: TargetVerdict[] = [];
  for (const run of annRuns) {
    const result = run.result as Result & { flat: Result; indexed: Result[] };
    const chunks = String(num(result, 'chunksStored'));
    const flat = result.flat;
    annRows.push([
      chunks, 'flat scan', '—',
      `${latency(flat.denseMs as LatencySummary)} (CPU ${ms(num(flat, 'denseCpuMsPerQuery'))} ms)`, '1 (reference)',
      latency(flat.rawSearchMs as LatencySummary), '—',
      `${latency(flat.askMs as LatencySummary)} (CPU ${ms(num(flat, 'askCpuMsPerQuestion'))} ms)`,
      rss(result), String(run.loadAverage), cmd(run.scenario),
    ]);
    for (const phase of result.indexed) {
      const build = phase.build as Result;
      annRows.push([
        chunks,
        `${String(phase.index).toUpperCase()}${num(build, 'tablesIndexed') < 4 ? ` (${num(build, 'tablesIndexed')} of 4 tables: too few rows in the others)` : ''}`,
        `${fixed(num(build, 'seconds'), 2)} s (CPU ${fixed(num(build, 'cpuSeconds'), 2)} s)`,
        `${latency(phase.denseMs as LatencySummary)} (CPU ${ms(num(phase, 'denseCpuMsPerQuery'))} ms)`,
        fixed(num(phase, 'recallAt10VsFlat'), 2),
        latency(phase.rawSearchMs as LatencySummary),
        `${latency(phase.refinedSearchMs as LatencySummary)}, recall ${fixed(num(phase, 'refinedRecallAt10VsFlat'), 2)}`,
        `${latency(phase.askMs as LatencySummary)} (CPU ${ms(num(phase, 'askCpuMsPerQuestion'))} ms)`,
        '', '', '',
      ]);
    }
    if (run.scenario.id === 'ann-hash-100k') {
      for (const phase of result.indexed) {
        const p95 = (phase.askMs as LatencySummary).p95;
        targets.push({
          section: 'scaling',
          target: `ask p95 ≤ 150 ms at 100k chunks with the ANN index (${String(phase.index).toUpperCase()}, hashed embedder)`,
          measured: `p95 ${ms(p95)} ms (flat scan: ${ms((flat.askMs as LatencySummary).p95)} ms), recall@10 of dense hits vs flat ${fixed(num(phase, 'recallAt10VsFlat'), 2)}`,
          met: p95 <= 150,
          command: cmd(run.scenario),
        });
      }
    }
  }
  const pinecone = runs.find((run) => run.scenario.script === 'pinecone-scenario.ts');
  const pineconeMarkdown = pinecone
    ? table(
      ['chunks', 'LanceDB ask p50 / p95', 'Pinecone (fake) ask p50 / p95', 'difference per question p50 / p95', 'LanceDB retrieval p50 / p95', 'Pinecone retrieval p50 / p95', 'HTTP requests per question', "fake's own time per question", 'peak RSS', 'load', 'command'],
      [[
        String(pinecone.result.chunksIndexed),
        latency(pinecone.result.lancedbMs as LatencySummary), latency(pinecone.result.pineconeMs as LatencySummary),
        latency(pinecone.result.overheadMs as LatencySummary),
        latency(pinecone.result.lancedbRetrieveMs as LatencySummary), latency(pinecone.result.pineconeRetrieveMs as LatencySummary),
        String(pinecone.result.httpRequestsPerQuestion), `${ms(num(pinecone.result, 'fakeServerMsPerQuestion'))} ms`,
        rss(pinecone.result), String(pinecone.loadAverage), cmd(pinecone.scenario),
      ]],
    )
    : undefined;
  if (sizeRows.length === 0 && annRows.length === 0 && !pinecone) return undefined;
  const markdown = [
    sizeRows.length ? table(['corpus', 'pipeline', 'chunks', 'indexing', 'query p50 / p95', 'peak RSS (index / query)', 'load', 'command'], sizeRows) : '',
    annRows.length
      ? table(['chunks', 'dense search', 'index build', 'store dense query p50 / p95 (4 tables, top 50 each)', 'dense recall@10 vs flat', 'LanceDB search alone p50 / p95', 'with refineFactor 10', 'ask p50 / p95 (hybrid)', 'peak RSS', 'load', 'command'], annRows)
      : '',
    pineconeMarkdown ?? '',
  ].filter(Boolean).join('\n\n');
  return {
    markdown,
    targets,
    json: runs
      .filter((run) => run.scenario.section === 'scaling' || run.scenario.script === 'ann-scenario.ts' || /^(index|ask)-(none|hash)-(1k|10k|30k|100k)$/.test(run.scenario.id))
      .map(({ scenario, result, loadAverage }) => ({ id: scenario.id, command: commandOf(scenario), loadAverage, ...result })),
  };
};

// ---------------------------------------------------------------------------------------------
// Chat path

// ---------------------------------------------------------------------------------------------

export const sectionReports = (runs: ScenarioRun[]) => {
  const sections = { baselines: baselines(runs), scaling: scaling(runs), incremental: incremental(runs), chatPath: chat(runs) };
  const targets = Object.values(sections).flatMap((section) => section?.targets ?? []);
  const markdown = [
    ...Object.entries(sections).flatMap(([name, section]) => (section ? [`### ${name}\n\n${section.markdown}`] : [])),
    targets.length
      ? `### targets of these sections\n\n${table(['target', 'measured', 'status', 'command'], targets.map((target) => [target.target, target.measured, verdict(target.met), target.command]))}`
      : '',
  ].filter(Boolean).join('\n\n');
  const json = Object.fromEntries(Object.entries(sections).map(([name, section]) => [name, section?.json ?? []]));
  return { markdown, targets, json };
};
