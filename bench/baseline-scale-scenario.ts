/**
 * Child process: a baseline pipeline's indexing time, query latency and memory on a synthetic
 * corpus, to set beside `ask-hash-*` (ours) at the same size. Quality is not scored here: the
 * synthetic questions have no labels; quality is compared on examples/docs (quality-scenario.ts).
 *
 *   node --import tsx bench/baseline-scale-scenario.ts --pipeline langchain|bm25 --embeddings hash \
 *     --directory <corpus> --questions <file.json>
 */
import { readFile } from 'node:fs/promises';
import type { BenchQuestion } from './bench-questions.js';
import { createBm25Pipeline } from './baselines/bm25-pipeline.js';
import { ourChunks, readCorpus } from './baselines/extract-text.js';
import { createLangChainPipeline, splitDocuments, type Pipeline } from './baselines/langchain-pipeline.js';
import { summarizeLatencies } from './bench-report.js';
import { createHashEmbeddingModel } from '../src/providers/embeddings/hash-embedding-model.js';
import { createUseLiteEmbeddingModel } from '../src/providers/embeddings/use-lite-embedding-model.js';
import { emitResult, parseArguments, requireArgument, roundMs, runScenario } from './scenario-support.js';

const WARM_UP_QUESTION = 'how do I drain the load balancer backend pool before patching?';

runScenario(async () => {
  const values = parseArguments(process.argv.slice(2));
  const kind = requireArgument(values, 'pipeline');
  const embeddings = requireArgument(values, 'embeddings');
  const questions = JSON.parse(await readFile(requireArgument(values, 'questions'), 'utf8')) as BenchQuestion[];
  const files = await readCorpus(requireArgument(values, 'directory'));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let pipeline: Pipeline;
  if (kind === 'langchain') {
    pipeline = await createLangChainPipeline(await splitDocuments(files), embeddings === 'use-lite' ? createUseLiteEmbeddingModel() : createHashEmbeddingModel());
  } else if (kind === 'bm25') {
    pipeline = createBm25Pipeline(await ourChunks(files));
  } else {
    throw new Error(`--pipeline must be langchain or bm25, not "${kind}"`);
  }
  const indexSeconds = roundMs(performance.now() - started) / 1000;
  const indexCpu = process.cpuUsage(cpuBefore);
  await pipeline.answer(WARM_UP_QUESTION);
  const latencies: number[] = [];
  const answerCpuBefore = process.cpuUsage();
  for (const question of questions) {
    const questionStarted = performance.now();
    await pipeline.answer(question.text);
    latencies.push(performance.now() - questionStarted);
  }
  const answerCpu = process.cpuUsage(answerCpuBefore);
  emitResult({
    pipeline: kind,
    embeddings: kind === 'bm25' ? 'none' : embeddings,
    files: files.length,
    chunks: pipeline.chunks,
    indexSeconds,
    indexCpuSeconds: roundMs((indexCpu.user + indexCpu.system) / 1000) / 1000,
    chunksPerSecond: Math.round((pipeline.chunks / indexSeconds) * 10) / 10,
    latencyMs: summarizeLatencies(latencies),
    cpuMsPerQuestion: roundMs((answerCpu.user + answerCpu.system) / 1000 / questions.length),
  });
});
