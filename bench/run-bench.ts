/**
 * npm run bench [-- --full] [--only <id,id>] [--cpu-prof] [--keep] [--verbose]
 *
 * Generates synthetic corpora into a temporary directory, runs each scenario of bench-plan.ts in a
 * fresh child process, prints Markdown tables (core figures, then the baselines, scaling,
 * incremental re-index and chat-path sections) and writes bench/results.json (results-full.json
 * with --full; nothing with --only, whose partial results would overwrite a complete run).
 * --cpu-prof profiles every child and prints where its time went; --keep leaves the temporary
 * directory for inspection.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createDocumentParser } from '../src/ingest/document-parser.js';
import { CORPORA, selectScenarios, type Scenario } from './bench-plan.js';
import { generateQuestions } from './bench-questions.js';
import { commandOf, figuresOf, markdownTable, type ScenarioRun } from './bench-report.js';
import { describeProfile, readProfile, summarizeProfile } from './cpu-profile-summary.js';
import { REPOSITORY_ROOT, runChild } from './run-child.js';
import { sectionReports } from './section-report.js';
import { parseArguments } from './scenario-support.js';
import { generateCorpus, writeCorpus } from './synthetic-corpus.js';

const SEED = 20_260_101;
const QUESTION_COUNT = 50;
const CALIBRATION_SECTIONS = 600;
const CHILD_TIMEOUT_MS = 45 * 60_000;

const flags = parseArguments(process.argv.slice(2));
const full = flags.has('full');
const only = flags.get('only')?.split(',').map((id) => id.trim()).filter(Boolean);
const profiling = flags.has('cpu-prof');
const log = (message: string) => process.stderr.write(`${message}\n`);

/**
 * Chunks per generated section, measured with the real parser: the chunker decides passage sizes,
 * so corpora are sized from this ratio and the actual chunk counts are taken from the index runs.
 */
const chunksPerSection = async (): Promise<number> => {
  const parser = createDocumentParser();
  let sections = 0;
  let chunks = 0;
  for (const document of generateCorpus({ seed: SEED, sections: CALIBRATION_SECTIONS })) {
    sections += document.sections;
    chunks += (await parser.parse({ documentId: document.path, bytes: new TextEncoder().encode(document.content) })).length;
  }
  return chunks / sections;
};

const substitute = (args: string[], temporary: string) => args.map((arg) => arg.replaceAll('<tmp>', temporary));

/** HEAD when the run started; read-only (rev-parse never writes the index). Uncommitted edits are not shown. */
const commitOf = (): string => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPOSITORY_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

const machine = () => ({
  cpuModel: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  totalMemoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  nodeVersion: process.version,
  platform: `${process.platform}-${process.arch}`,
});

const runScenarios = async (scenarios: Scenario[], temporary: string): Promise<ScenarioRun[]> => {
  const runs: ScenarioRun[] = [];
  for (const scenario of scenarios) {
    // Other work on this machine skews latencies; the load average before each run shows it.
    const loadAverage = Math.round((loadavg()[0] ?? 0) * 100) / 100;
    log(`▶ ${scenario.id}: ${scenario.description} (load average ${loadAverage})`);
    const profileDirectory = join(temporary, 'profiles', scenario.id);
    const { result, wallSeconds } = await runChild({
      script: scenario.script,
      args: substitute(scenario.args, temporary),
      nodeFlags: profiling ? ['--cpu-prof', '--cpu-prof-dir', profileDirectory] : [],
      verbose: flags.has('verbose'),
      timeoutMs: CHILD_TIMEOUT_MS,
    });
    log(`  ${wallSeconds} s: ${JSON.stringify(result)}`);
    if (profiling) {
      // Main thread only (thread id 0 in the file name); tsx's loader thread is idle after start-up.
      for (const file of (await readdir(profileDirectory)).filter((name) => /\.0\.\d+\.cpuprofile$/.test(name))) {
        log(`  profile ${join(profileDirectory, file)}\n${describeProfile(summarizeProfile(await readProfile(join(profileDirectory, file))))}`);
      }
    }
    runs.push({ scenario, wallSeconds, loadAverage, result });
  }
  return runs;
};

const main = async () => {
  const started = performance.now();
  // Read before the children start: the report should name the tree that was measured.
  const commit = commitOf();
  const scenarios = selectScenarios({ full, ...(only ? { only } : {}) });
  const temporary = await mkdtemp(join(tmpdir(), 'ragbot-bench-'));
  try {
    const ratio = await chunksPerSection();
    log(`calibration: ${ratio.toFixed(3)} chunks per generated section`);
    const labels = new Set(scenarios.map((scenario) => scenario.corpus).filter(Boolean));
    const corpora = [];
    for (const plan of CORPORA.filter((corpus) => labels.has(corpus.label))) {
      const documents = generateCorpus({ seed: SEED, sections: Math.ceil(plan.targetChunks / ratio) });
      // Dated an hour back, like documents indexed on a schedule: a file modified within two
      // seconds of a run is read and hashed again by the next one (see change-detection.ts), which
      // would charge a corpus's first incremental re-index for having been written just before its full index.
      await writeCorpus(join(temporary, `corpus-${plan.label}`), documents, { modifiedAt: new Date(Date.now() - 3_600_000) });
      corpora.push({ ...plan, documents: documents.length, sections: documents.reduce((sum, document) => sum + document.sections, 0) });
    }
    // One question set for every size: the 1k corpus is a prefix of the larger ones, so every
    // index holds the documents the questions are about, and latencies compare like with like.
    const questionDocuments = generateCorpus({ seed: SEED, sections: Math.ceil(1_000 / ratio) });
    await writeFile(join(temporary, 'questions.json'), JSON.stringify(generateQuestions(questionDocuments, { seed: SEED, count: QUESTION_COUNT })));
    log(`corpora written: ${corpora.map((corpus) => `${corpus.label} (${corpus.documents} files)`).join(', ')}`);

    const runs = await runScenarios(scenarios, temporary);
    const figures = figuresOf(runs);
    if (figures.length > 0) console.log(markdownTable(figures));
    const sections = sectionReports(runs);
    if (sections.markdown) console.log(`\n${sections.markdown}`);
    const loads = runs.map((run) => run.loadAverage);
    const chunksOf = (label: string) =>
      Math.max(0, ...runs.filter((run) => run.scenario.corpus === label).map((run) => Number(run.result.chunksStored ?? 0)));
    const report = {
      date: new Date().toISOString(),
      mode: only ? `only ${only.join(',')}` : full ? 'full' : 'quick',
      machine: machine(),
      commit,
      seed: SEED,
      chunksPerSection: Math.round(ratio * 1000) / 1000,
      corpora: corpora.map((corpus) => ({ ...corpus, chunks: chunksOf(corpus.label) })),
      questions: QUESTION_COUNT,
      totalSeconds: Math.round(performance.now() - started) / 1000,
      loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
      figures,
      // Baselines, scaling, incremental re-index and chat path: every entry carries its command.
      sections: sections.json,
      targets: sections.targets,
      scenarios: runs.map(({ scenario, wallSeconds, loadAverage, result }) => ({
        id: scenario.id,
        description: scenario.description,
        command: commandOf(scenario),
        childCommand: `node --import tsx bench/${scenario.script} ${scenario.args.join(' ')}`,
        wallSeconds,
        loadAverageBefore: loadAverage,
        result,
      })),
    };
    if (!only) {
      // The full run keeps its own file, so a later quick run does not erase its extra figures.
      const file = full ? 'results-full.json' : 'results.json';
      await writeFile(new URL(file, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
      log(`wrote bench/${file}`);
    }
    log(`total ${report.totalSeconds} s`);
  } finally {
    if (flags.has('keep') || profiling) log(`kept ${temporary}`);
    else await rm(temporary, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
