/**
 * Child process: answers a list of questions against an existing index, end to end through
 * answerQuestion (query embedding, LanceDB search, fusion, evidence, extractive answer), and
 * reports latency percentiles. One warm-up question first opens the tables, reads the catalogs
 * and loads the embedding model, as a long-running bot would have done before its first user.
 *
 *   node --import tsx bench/ask-scenario.ts --data-dir <data> --embeddings none|hash|use-lite --questions <file.json>
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSearchScope, parseNamespace } from '../src/core/access/search-scope.js';
import type { Answer } from '../src/core/answer.js';
import { answerQuestion } from '../src/core/answering/answer-question.js';
import type { Question } from '../src/core/question.js';
import type { BenchQuestion } from './bench-questions.js';
import { summarizeLatencies } from './bench-report.js';
import {
  BENCH_TENANT, emitResult, openRuntime, parseArguments, parseEmbeddings, requireArgument, roundMs, runScenario,
} from './scenario-support.js';

const WARM_UP_QUESTION = 'how do I drain the load balancer backend pool before patching?';

const questionOf = (text: string): Question => ({
  id: randomUUID(), platform: 'cli', tenantId: BENCH_TENANT, channel: { id: 'bench', kind: 'dm', external: false },
  user: { id: 'bench' }, text, invocation: 'cli', history: [], receivedAt: new Date(),
});

runScenario(async () => {
  const values = parseArguments(process.argv.slice(2));
  const embeddings = parseEmbeddings(requireArgument(values, 'embeddings'));
  const questions = JSON.parse(await readFile(requireArgument(values, 'questions'), 'utf8')) as BenchQuestion[];
  const runtime = await openRuntime({ dataDirectory: requireArgument(values, 'data-dir'), embeddings });
  try {
    const collections = (await runtime.catalogs.listNamespaces())
      .map(parseNamespace)
      .filter((parsed) => parsed?.tenantId === BENCH_TENANT)
      .map((parsed) => parsed?.collection as string);
    if (collections.length === 0) throw new Error('nothing is indexed in this data directory');
    // Every collection in one scope, as a channel mapped to all of them would ask.
    const scope = createSearchScope(BENCH_TENANT, collections);
    const dependencies = { ...runtime, settings: runtime.config.retrieval };
    const ask = (text: string) => answerQuestion(dependencies, { question: questionOf(text), scope });

    const warmUpStarted = performance.now();
    await ask(WARM_UP_QUESTION);
    const warmUpMs = performance.now() - warmUpStarted;

    const totals: number[] = [];
    // CPU time of the whole process (LanceDB's threads included): less sensitive than wall time
    // to other work on a shared machine, so it shows whether a change cost computation or waiting.
    const cpuBefore = process.cpuUsage();
    const retrieves: number[] = [];
    const generates: number[] = [];
    const outcomes: Record<string, number> = {};
    const byKind: Record<string, number[]> = { present: [], absent: [] };
    // Questions are distinct, so this stays 0 unless the runtime's answer cache changes its key.
    let cached = 0;
    for (const question of questions) {
      const started = performance.now();
      const answer: Answer = await ask(question.text);
      const elapsed = performance.now() - started;
      totals.push(elapsed);
      byKind[question.kind]?.push(elapsed);
      retrieves.push(answer.timings.retrieveMs);
      generates.push(answer.timings.generateMs);
      outcomes[answer.outcome] = (outcomes[answer.outcome] ?? 0) + 1;
      if (answer.cached) cached++;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const chunksStored = (await runtime.store.stats()).reduce((sum, namespace) => sum + namespace.chunkCount, 0);
    emitResult({
      embeddings,
      collections: collections.length,
      chunksStored,
      warmUpMs: roundMs(warmUpMs),
      latencyMs: summarizeLatencies(totals),
      cpuMsPerQuestion: roundMs((cpu.user + cpu.system) / 1000 / questions.length),
      // Where the time goes, from the answer's own timings: retrieval (embedding + search + evidence) vs answering.
      retrieveMs: summarizeLatencies(retrieves),
      generateMs: summarizeLatencies(generates),
      presentLatencyMs: summarizeLatencies(byKind.present ?? []),
      absentLatencyMs: summarizeLatencies(byKind.absent ?? []),
      outcomes,
      cached,
    });
  } finally {
    await runtime.close();
  }
});
