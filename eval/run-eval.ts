/**
 * npm run eval [-- --json] [--use-lite] [--production] [--verbose] [--sweep] [--set holdout]
 * Indexes examples/docs per embedder into a temporary directory and scores eval/questions.json:
 * recall@5, MRR@10, fact coverage and abstention, for lexical-only, dense-only, hybrid and the default.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../src/config/config-schema.js';
import { createSearchScope, parseNamespace } from '../src/core/access/search-scope.js';
import { answerQuestion } from '../src/core/answering/answer-question.js';
import { retrieve } from '../src/core/retrieval/retrieve.js';
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { createRuntime, type Runtime } from '../src/entry/runtime.js';
import { computeFigures, distinctDocuments, factsFound, type EvalFigures, type EvalQuestion, type QuestionResult } from './eval-metrics.js';

const root = new URL('..', import.meta.url).pathname;
const flags = new Set(process.argv.slice(2));
const log = (message: string) => process.stderr.write(`${message}\n`);

type Mode = { name: string; environment: Record<string, string> };

const modes: Mode[] = [
  { name: 'default', environment: {} },
  { name: 'lexical-only', environment: { RAGBOT_EMBEDDINGS: 'none' } },
  { name: 'dense-only (hash)', environment: { RAGBOT_EMBEDDINGS: 'hash', RAGBOT_DENSE_WEIGHT: '1' } },
  { name: 'hybrid (hash)', environment: { RAGBOT_EMBEDDINGS: 'hash' } },
  ...(flags.has('--use-lite')
    ? [
        { name: 'dense-only (use-lite)', environment: { RAGBOT_EMBEDDINGS: 'use-lite', RAGBOT_DENSE_WEIGHT: '1' } },
        { name: 'hybrid (use-lite)', environment: { RAGBOT_EMBEDDINGS: 'use-lite' } },
      ]
    : []),
];

/**
 * Production mode: Pinecone (the local fake) with OpenAI-compatible embeddings from a deterministic
 * fake server, to show the sparse-dense hybrid is at least as good as its lexical half.
 */
const productionModes = async (): Promise<{ modes: Mode[]; stop: () => Promise<void> }> => {
  const [{ startFakeOpenAI }, { startFakePinecone }] = await Promise.all([
    import('../test/fakes/fake-openai.js'),
    import('../test/fakes/fake-pinecone.js'),
  ]);
  const dimensions = 256;
  const openai = await startFakeOpenAI({ dimensions });
  const pinecone = await startFakePinecone({ dimension: dimensions, apiKey: 'eval-key' });
  const base = {
    RAGBOT_VECTOR_STORE: 'pinecone', PINECONE_API_KEY: 'eval-key', PINECONE_INDEX: pinecone.indexName, PINECONE_HOST: pinecone.url,
    RAGBOT_EMBEDDINGS: 'openai', OPENAI_API_KEY: 'eval-key', OPENAI_BASE_URL: `${openai.url}/v1`, RAGBOT_EMBEDDING_DIMENSIONS: String(dimensions),
    // The fake chat model only echoes its prompt; answers come from the extractive answerer, as offline.
    RAGBOT_LLM_ORDER: 'extractive',
  };
  return {
    modes: [
      { name: 'production lexical-only (Pinecone sparse)', environment: { ...base, RAGBOT_DENSE_WEIGHT: '0' } },
      { name: 'production dense-only (fake embeddings)', environment: { ...base, RAGBOT_DENSE_WEIGHT: '1' } },
      { name: 'production hybrid (default weights)', environment: base },
    ],
    stop: async () => {
      await openai.close();
      await pinecone.close();
    },
  };
};

const runtimes = new Map<string, Promise<{ runtime: Runtime; directory: string }>>();

/** One index per embedder, shared by the modes that differ only in weights. */
const runtimeFor = (config: Config) => {
  let entry = runtimes.get(config.embeddings);
  if (!entry) {
    entry = (async () => {
      const directory = await mkdtemp(join(tmpdir(), `ragbot-eval-${config.embeddings}-`));
      const runtime = await createRuntime({ ...config, dataDirectory: directory });
      const started = performance.now();
      await indexDirectory(runtime, { directory: join(root, 'examples/docs'), tenant: 'eval' });
      log(`indexed examples/docs with embeddings=${config.embeddings} in ${Math.round(performance.now() - started)} ms`);
      return { runtime, directory };
    })();
    runtimes.set(config.embeddings, entry);
  }
  return entry;
};

const evaluate = async (mode: Mode, questions: EvalQuestion[]) => {
  const config = loadConfig({ ...mode.environment, RAGBOT_TENANT: 'eval' });
  const { runtime } = await runtimeFor(config);
  const collections = (await runtime.catalogs.listNamespaces()).map((namespace) => parseNamespace(namespace)?.collection ?? '');
  const scope = createSearchScope('eval', collections);
  const dependencies = { ...runtime, settings: config.retrieval };
  const results: (QuestionResult & { evidence: number })[] = [];
  for (const question of questions) {
    const retrieval = await retrieve(dependencies, { scope, query: question.question, settings: config.retrieval });
    const answer = await answerQuestion(dependencies, {
      scope,
      question: {
        id: question.id, platform: 'cli', tenantId: 'eval', channel: { id: 'eval', kind: 'dm', external: false },
        user: { id: 'eval' }, text: question.question, invocation: 'cli', history: [], receivedAt: new Date(),
      },
    });
    results.push({
      question,
      rankedDocuments: distinctDocuments(retrieval.ranking.map((hit) => hit.chunk.documentId)),
      outcome: answer.outcome,
      text: answer.text,
      evidence: retrieval.evidence,
    });
  }
  return { mode: mode.name, settings: config.retrieval, figures: computeFigures(results), results };
};

const describeMisses = (name: string, results: (QuestionResult & { evidence: number })[]) => {
  for (const { question, rankedDocuments, outcome, text, evidence } of results) {
    const top = rankedDocuments.slice(0, 5);
    const problems: string[] = [];
    if (question.answerable && !question.relevant.some((path) => top.includes(path))) problems.push(`not in top 5: ${question.relevant.join(', ')}; got ${top.slice(0, 3).join(', ')}`);
    if (question.answerable && outcome === 'no-answer') problems.push('wrongly refused');
    if (!question.answerable && outcome !== 'no-answer') problems.push('answered an unanswerable question');
    const missingFacts = question.facts.filter((fact) => factsFound(text, [fact]) === 0);
    if (question.answerable && outcome !== 'no-answer' && missingFacts.length) problems.push(`missing facts: ${missingFacts.join(' | ')}`);
    if (problems.length) log(`[${name}] ${question.id} (evidence ${evidence.toFixed(2)}) "${question.question}": ${problems.join('; ')}`);
  }
};

/** How abstention would change with the evidence threshold: the calibration behind minEvidence. */
const sweep = (results: (QuestionResult & { evidence: number })[]) => {
  for (let threshold = 0.3; threshold <= 0.901; threshold += 0.01) {
    const refused = (result: { evidence: number }) => result.evidence < threshold;
    const unanswerable = results.filter((result) => !result.question.answerable);
    const answerable = results.filter((result) => result.question.answerable);
    log(
      `threshold ${threshold.toFixed(2)}: abstention ${(unanswerable.filter(refused).length / unanswerable.length).toFixed(2)}, ` +
        `false refusals ${(answerable.filter(refused).length / answerable.length).toFixed(2)}`,
    );
  }
};

const format = (value: number) => value.toFixed(3);

const main = async () => {
  // questions.json is the set retrieval was tuned on; holdout.json was written without seeing the tuning.
  const setIndex = process.argv.indexOf('--set');
  const setName = setIndex >= 0 ? process.argv[setIndex + 1] : 'questions';
  const questions = JSON.parse(await readFile(join(root, `eval/${setName}.json`), 'utf8')) as EvalQuestion[];
  const reports: { mode: string; figures: EvalFigures }[] = [];
  const production = flags.has('--production') ? await productionModes() : undefined;
  for (const mode of [...modes, ...(production?.modes ?? [])]) {
    const report = await evaluate(mode, questions);
    if (flags.has('--verbose')) describeMisses(mode.name, report.results);
    if (flags.has('--sweep') && mode.name === 'default') sweep(report.results);
    reports.push({ mode: report.mode, figures: report.figures });
  }
  if (flags.has('--json')) {
    console.log(JSON.stringify({ set: setName, questions: questions.length, modes: reports }, null, 2));
  } else {
    console.log(`${questions.length} questions of eval/${setName}.json over examples/docs\n`);
    console.log('| mode | recall@5 | MRR@10 | fact coverage | abstention | false refusals |');
    console.log('|---|---|---|---|---|---|');
    for (const { mode, figures } of reports) {
      console.log(`| ${mode} | ${format(figures.recallAt5)} | ${format(figures.mrrAt10)} | ${format(figures.factCoverage)} | ${format(figures.abstentionAccuracy)} | ${format(figures.falseRefusalRate)} |`);
    }
  }
  for (const entry of runtimes.values()) {
    const { runtime, directory } = await entry;
    await runtime.close();
    await rm(directory, { recursive: true, force: true });
  }
  await production?.stop();
};

await main();
