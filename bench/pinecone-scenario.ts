/**
 * Child process: the Pinecone store's overhead per query, against the local fake Pinecone in a
 * separate process (bench/fake-pinecone-process.ts). It measures what the Pinecone path costs on
 * this machine (SDK, JSON, HTTP over loopback, the fake's brute-force scoring), NOT a real
 * Pinecone: there is no network round trip to a region, and no Pinecone server behaviour.
 *
 *   node --import tsx bench/pinecone-scenario.ts --directory <corpus> --data-dir <new data dir> \
 *     --lancedb-data-dir <existing hash index of the same corpus> --questions <file.json>
 *
 * The corpus is indexed into the fake (hashed embedder, 384 dimensions), then every question is
 * answered through both stores in turn, LanceDB then Pinecone, so both see the same machine load.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config/config-schema.js';
import { createSearchScope, parseNamespace } from '../src/core/access/search-scope.js';
import { answerQuestion } from '../src/core/answering/answer-question.js';
import type { Question } from '../src/core/question.js';
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { createRuntime, type Runtime } from '../src/entry/runtime.js';
import type { BenchQuestion } from './bench-questions.js';
import { summarizeLatencies } from './bench-report.js';
import { REPOSITORY_ROOT } from './run-child.js';
import {
  BENCH_TENANT, emitResult, openRuntime, parseArguments, requireArgument, roundMs, runScenario,
} from './scenario-support.js';

const API_KEY = 'bench-key';
const WARM_UP_QUESTION = 'how do I drain the load balancer backend pool before patching?';

const questionOf = (text: string): Question => ({
  id: `bench-${text.length}`, platform: 'cli', tenantId: BENCH_TENANT, channel: { id: 'bench', kind: 'dm', external: false },
  user: { id: 'bench' }, text, invocation: 'cli', history: [], receivedAt: new Date(),
});

/** The fake in its own process, and a line protocol to read its request count and server time. */
const startFakeProcess = async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-pinecone-process.ts', '--dimension', '384', '--api-key', API_KEY], {
    cwd: REPOSITORY_ROOT, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const pending: ((line: string) => void)[] = [];
  lines.on('line', (line) => pending.shift()?.(line));
  const next = () => new Promise<Record<string, unknown>>((resolve) => pending.push((line) => resolve(JSON.parse(line) as Record<string, unknown>)));
  const started = (await next()) as { url: string; indexName: string };
  const ask = async (command: 'stats' | 'reset') => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return answer;
  };
  return {
    ...started,
    stats: async () => (await ask('stats')) as { requests: number; serverMs: number },
    reset: () => ask('reset'),
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    }),
  };
};

const scopeOf = async (runtime: Runtime) =>
  createSearchScope(
    BENCH_TENANT,
    (await runtime.catalogs.listNamespaces()).map(parseNamespace).filter((parsed) => parsed?.tenantId === BENCH_TENANT).map((parsed) => parsed?.collection as string),
  );

runScenario(async () => {
  const values = parseArguments(process.argv.slice(2));
  const questions = JSON.parse(await readFile(requireArgument(values, 'questions'), 'utf8')) as BenchQuestion[];
  const fake = await startFakeProcess();
  let clientRequests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    clientRequests++;
    return fetch(input, init);
  };
  const pinecone = await createRuntime(
    loadConfig({
      RAGBOT_DATA_DIR: requireArgument(values, 'data-dir'), RAGBOT_EMBEDDINGS: 'hash', RAGBOT_TENANT: BENCH_TENANT,
      RAGBOT_VECTOR_STORE: 'pinecone', PINECONE_API_KEY: API_KEY, PINECONE_INDEX: fake.indexName, PINECONE_HOST: fake.url,
    }),
    { fetch: countingFetch },
  );
  const lance = await openRuntime({ dataDirectory: requireArgument(values, 'lancedb-data-dir'), embeddings: 'hash' });
  try {
    const indexStarted = performance.now();
    const summaries = await indexDirectory(pinecone, { directory: requireArgument(values, 'directory'), tenant: BENCH_TENANT });
    const indexSeconds = roundMs(performance.now() - indexStarted) / 1000;
    const chunksIndexed = summaries.reduce((sum, summary) => sum + summary.chunksIndexed, 0);

    const stores = [
      { name: 'lancedb', runtime: lance, scope: await scopeOf(lance) },
      { name: 'pinecone', runtime: pinecone, scope: await scopeOf(pinecone) },
    ];
    for (const store of stores) {
      await answerQuestion({ ...store.runtime, settings: store.runtime.config.retrieval }, { question: questionOf(WARM_UP_QUESTION), scope: store.scope });
    }
    await fake.reset();
    clientRequests = 0;
    const totals: Record<string, number[]> = { lancedb: [], pinecone: [] };
    const retrieves: Record<string, number[]> = { lancedb: [], pinecone: [] };
    const differences: number[] = [];
    for (const question of questions) {
      const measured: Record<string, number> = {};
      for (const store of stores) {
        const started = performance.now();
        const answer = await answerQuestion({ ...store.runtime, settings: store.runtime.config.retrieval }, { question: questionOf(question.text), scope: store.scope });
        measured[store.name] = performance.now() - started;
        totals[store.name]?.push(measured[store.name] as number);
        retrieves[store.name]?.push(answer.timings.retrieveMs);
      }
      differences.push((measured.pinecone ?? 0) - (measured.lancedb ?? 0));
    }
    const server = await fake.stats();
    emitResult({
      embeddings: 'hash',
      collections: stores[1]?.scope.namespaces.length,
      chunksIndexed,
      pineconeIndexSeconds: indexSeconds,
      questions: questions.length,
      lancedbMs: summarizeLatencies(totals.lancedb ?? []),
      pineconeMs: summarizeLatencies(totals.pinecone ?? []),
      lancedbRetrieveMs: summarizeLatencies(retrieves.lancedb ?? []),
      pineconeRetrieveMs: summarizeLatencies(retrieves.pinecone ?? []),
      // Per question, Pinecone (fake) minus LanceDB, answered one after the other.
      overheadMs: summarizeLatencies(differences),
      httpRequestsPerQuestion: Math.round((clientRequests / questions.length) * 100) / 100,
      // The fake's own time per question (reading bodies, brute-force scoring, JSON), in its process.
      fakeServerMsPerQuestion: roundMs(server.serverMs / questions.length),
      fakeServerRequests: server.requests,
    });
  } finally {
    await pinecone.close();
    await lance.close();
    await fake.stop();
  }
});
