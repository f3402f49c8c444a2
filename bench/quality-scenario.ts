/**
 * Child process: one retrieval pipeline over examples/docs, scored on eval/questions.json and
 * eval/holdout.json with eval/eval-metrics.ts (recall@5 and MRR@10 over distinct documents, fact
 * coverage of the answer text, abstention), with its indexing time, per-question latency and peak
 * RSS. One pipeline per process, so peak RSS belongs to that pipeline alone.
 *
 *   node --import tsx bench/quality-scenario.ts --pipeline ours|langchain|bm25 --embeddings none|hash|use-lite \
 *     --directory examples/docs [--data-dir <dir>]   (ours only: where its index goes)
 *
 * - ours: `indexDirectory` then `answerQuestion` (retrieval, evidence check, extractive answer),
 *   exactly as `ragbot ask` runs; documents are ranked with `retrieve`, as `npm run eval` does.
 * - langchain: our loaders' text → RecursiveCharacterTextSplitter 1000/200 → MemoryVectorStore with
 *   our embedder → retriever k=4 → the four chunk texts as the answer.
 * - bm25: our chunks → MiniSearch with plain BM25 → the top four chunk texts as the answer.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSearchScope, parseNamespace } from '../src/core/access/search-scope.js';
import { answerQuestion } from '../src/core/answering/answer-question.js';
import type { EmbeddingModel } from '../src/core/ports/embedding-model.js';
import { retrieve } from '../src/core/retrieval/retrieve.js';
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { createHashEmbeddingModel } from '../src/providers/embeddings/hash-embedding-model.js';
import { createUseLiteEmbeddingModel } from '../src/providers/embeddings/use-lite-embedding-model.js';
import { computeFigures, distinctDocuments, factsFound, type EvalQuestion, type QuestionResult } from '../eval/eval-metrics.js';
import { createBm25Pipeline } from './baselines/bm25-pipeline.js';
import { ourChunks, readCorpus } from './baselines/extract-text.js';
import { createLangChainPipeline, splitDocuments, type Pipeline } from './baselines/langchain-pipeline.js';
import { summarizeLatencies } from './bench-report.js';
import { REPOSITORY_ROOT } from './run-child.js';
import {
  BENCH_TENANT, emitResult, openRuntime, parseArguments, parseEmbeddings, requireArgument, roundMs, runScenario,
} from './scenario-support.js';

export const EVAL_SETS = ['questions', 'holdout'] as const;
const WARM_UP_QUESTION = 'how do I drain the load balancer backend pool before patching?';

type TimedPipeline = Pipeline & { indexSeconds: number; indexCpuSeconds: number; close(): Promise<void>; sourceText?(question: string): Promise<string> };

const cpuSeconds = (usage: NodeJS.CpuUsage) => roundMs((usage.user + usage.system) / 1000) / 1000;

const embedderFor = (embeddings: string): EmbeddingModel => {
  if (embeddings === 'hash') return createHashEmbeddingModel();
  if (embeddings === 'use-lite') return createUseLiteEmbeddingModel();
  throw new Error(`the LangChain baseline needs an embedder (hash or use-lite), not "${embeddings}"`);
};

/** Our pipeline, as the CLI builds it; indexing covers parsing, embedding, LanceDB and catalogs. */
const ours = async (directory: string, dataDirectory: string, embeddings: ReturnType<typeof parseEmbeddings>): Promise<TimedPipeline> => {
  const runtime = await openRuntime({ dataDirectory, embeddings });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const summaries = await indexDirectory(runtime, { directory, tenant: BENCH_TENANT });
  const indexSeconds = roundMs(performance.now() - started) / 1000;
  const indexCpuSeconds = cpuSeconds(process.cpuUsage(cpuBefore));
  const collections = (await runtime.catalogs.listNamespaces()).map((namespace) => parseNamespace(namespace)?.collection ?? '');
  const scope = createSearchScope(BENCH_TENANT, collections);
  const dependencies = { ...runtime, settings: runtime.config.retrieval };
  const question = (text: string) => ({
    id: randomUUID(), platform: 'cli' as const, tenantId: BENCH_TENANT, channel: { id: 'bench', kind: 'dm' as const, external: false },
    user: { id: 'bench' }, text, invocation: 'cli' as const, history: [], receivedAt: new Date(),
  });
  return {
    chunks: summaries.reduce((sum, summary) => sum + summary.chunksIndexed, 0),
    indexSeconds,
    indexCpuSeconds,
    answer: async (text) => {
      const answer = await answerQuestion(dependencies, { question: question(text), scope });
      return { text: answer.text, outcome: answer.outcome === 'no-answer' ? 'no-answer' : 'answered' };
    },
    rankDocuments: async (text) =>
      distinctDocuments((await retrieve(dependencies, { scope, query: text, settings: runtime.config.retrieval })).ranking.map((hit) => hit.chunk.documentId)),
    // The passages handed to the answerer: separates what retrieval found from what the answer kept.
    sourceText: async (text) =>
      (await retrieve(dependencies, { scope, query: text, settings: runtime.config.retrieval })).ranking
        .slice(0, runtime.config.retrieval.sources)
        .map((hit) => hit.chunk.text)
        .join('\n\n'),
    close: () => runtime.close(),
  };
};

const timedBuild = async (build: () => Promise<Pipeline>): Promise<TimedPipeline> => {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const pipeline = await build();
  return {
    ...pipeline,
    indexSeconds: roundMs(performance.now() - started) / 1000,
    indexCpuSeconds: cpuSeconds(process.cpuUsage(cpuBefore)),
    close: async () => undefined,
  };
};

runScenario(async () => {
  const values = parseArguments(process.argv.slice(2));
  const kind = requireArgument(values, 'pipeline');
  const embeddings = parseEmbeddings(requireArgument(values, 'embeddings'));
  const directory = requireArgument(values, 'directory');
  const sets = await Promise.all(
    EVAL_SETS.map(async (name) => ({ name, questions: JSON.parse(await readFile(new URL(`eval/${name}.json`, `file://${REPOSITORY_ROOT}`), 'utf8')) as EvalQuestion[] })),
  );

  let pipeline: TimedPipeline;
  let chunkDescription: string;
  if (kind === 'ours') {
    pipeline = await ours(directory, requireArgument(values, 'data-dir'), embeddings);
    chunkDescription = 'our chunker (target 300 / max 400 estimated tokens, 50 overlap)';
  } else if (kind === 'langchain') {
    const model = embedderFor(embeddings);
    // Reading files is outside every pipeline's indexing time; our indexDirectory reads them inside
    // its own, a few milliseconds for examples/docs.
    const files = await readCorpus(directory);
    pipeline = await timedBuild(async () => createLangChainPipeline(await splitDocuments(files), model));
    chunkDescription = 'RecursiveCharacterTextSplitter 1000/200 characters';
  } else if (kind === 'bm25') {
    const files = await readCorpus(directory);
    pipeline = await timedBuild(async () => createBm25Pipeline(await ourChunks(files)));
    chunkDescription = 'our chunker';
  } else {
    throw new Error(`--pipeline must be ours, langchain or bm25, not "${kind}"`);
  }

  try {
    // The first question opens tables, loads catalogs, the lexicon and models: a running bot has
    // done that before its first user, so it is not in the latencies.
    const warmUpStarted = performance.now();
    await pipeline.answer(WARM_UP_QUESTION);
    const warmUpMs = performance.now() - warmUpStarted;

    const latencies: number[] = [];
    let answerCpuMicros = 0;
    const reports = [];
    for (const set of sets) {
      const results: QuestionResult[] = [];
      let answerCharacters = 0;
      let sourceCoverage = 0;
      for (const question of set.questions) {
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const answer = await pipeline.answer(question.question);
        latencies.push(performance.now() - started);
        const cpu = process.cpuUsage(cpuBefore);
        answerCpuMicros += cpu.user + cpu.system;
        answerCharacters += answer.text.length;
        const rankedDocuments = await pipeline.rankDocuments(question.question);
        results.push({ question, rankedDocuments, outcome: answer.outcome, text: answer.text });
        if (question.answerable && question.facts.length > 0) {
          const sources = pipeline.sourceText ? await pipeline.sourceText(question.question) : answer.text;
          sourceCoverage += factsFound(sources, question.facts) / question.facts.length;
        }
      }
      const answerable = set.questions.filter((question) => question.answerable).length;
      reports.push({
        set: set.name,
        figures: computeFigures(results),
        meanAnswerCharacters: Math.round(answerCharacters / set.questions.length),
        // Fact coverage of the passages given to the answerer (the baselines' answer is those passages).
        sourceFactCoverage: Math.round((sourceCoverage / answerable) * 1000) / 1000,
      });
    }
    emitResult({
      pipeline: kind,
      embeddings,
      chunking: chunkDescription,
      chunks: pipeline.chunks,
      indexSeconds: pipeline.indexSeconds,
      indexCpuSeconds: pipeline.indexCpuSeconds,
      warmUpMs: roundMs(warmUpMs),
      latencyMs: summarizeLatencies(latencies),
      cpuMsPerQuestion: roundMs(answerCpuMicros / 1000 / latencies.length),
      sets: reports,
    });
  } finally {
    await pipeline.close();
  }
});
