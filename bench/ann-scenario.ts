/**
 * Child process: dense search with LanceDB's flat scan, then with a vector (ANN) index built after
 * indexing, on an existing hashed-embedder index. The store builds HNSW-SQ itself on tables past
 * ANN_MIN_ROWS when it optimizes; those indexes are dropped first so the first phase is the flat scan,
 * and each index type is then built here, replacing the previous one.
 *
 *   node --import tsx bench/ann-scenario.ts --data-dir <data> --questions <file.json> [--indexes ivf-pq,hnsw-sq]
 *
 * For each phase (flat, then each index type, replacing the previous one) a fresh runtime opens the
 * tables, asks one warm-up question, then for every question times:
 * - the dense search alone: `store.query` with the question's vector, topK 50 per collection, as
 *   retrieval asks it (Arrow rows to chunks included), the query vector embedded beforehand;
 * - the whole `answerQuestion` with the hashed embedder (lexical and dense search, fusion,
 *   evidence, extractive answer), as `ask-hash-*` does.
 * ANN recall is the share of the flat scan's 10 best dense hits that the indexed search also
 * returns in its 10 best. The store searches an indexed table with refineFactor 10 (exact re-ranking);
 * the LanceDB search alone (ids only, no rows converted) is timed both without it and with it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { createSearchScope, parseNamespace } from '../src/core/access/search-scope.js';
import { answerQuestion } from '../src/core/answering/answer-question.js';
import type { Question } from '../src/core/question.js';
import type { BenchQuestion } from './bench-questions.js';
import { summarizeLatencies } from './bench-report.js';
import {
  BENCH_TENANT, emitResult, openRuntime, parseArguments, requireArgument, roundMs, runScenario,
} from './scenario-support.js';

const WARM_UP_QUESTION = 'how do I drain the load balancer backend pool before patching?';
const TOP_K = 50;
const RECALL_DEPTH = 10;
/** Re-ranks refineFactor × k candidates by exact distance, as the store does on an indexed table. */
const REFINE_FACTOR = 10;

export type VectorIndexKind = 'ivf-pq' | 'hnsw-sq';

/** LanceDB's defaults (IVF partitions √rows, PQ dimension/16 sub-vectors, HNSW m 20), cosine as the store queries. */
const indexConfig = (kind: VectorIndexKind) =>
  kind === 'ivf-pq' ? lancedb.Index.ivfPq({ distanceType: 'cosine' }) : lancedb.Index.hnswSq({ distanceType: 'cosine' });

const questionOf = (text: string): Question => ({
  id: `bench-${text.length}`, platform: 'cli', tenantId: BENCH_TENANT, channel: { id: 'bench', kind: 'dm', external: false },
  user: { id: 'bench' }, text, invocation: 'cli', history: [], receivedAt: new Date(),
});

/**
 * Drops the vector indexes the store built while indexing (tables past ANN_MIN_ROWS get HNSW-SQ),
 * so that the first phase measures the flat scan.
 */
const dropVectorIndexes = async (lancedbDirectory: string) => {
  const connection = await lancedb.connect(lancedbDirectory);
  let dropped = 0;
  try {
    for (const name of await connection.tableNames()) {
      const table = await connection.openTable(name);
      for (const index of await table.listIndices()) {
        if (!index.columns.includes('vector')) continue;
        await table.dropIndex(index.name);
        dropped++;
      }
      table.close();
    }
  } finally {
    connection.close();
  }
  return dropped;
};

/** Builds the vector index on every table; a table too small for the index type keeps its flat scan. */
const buildIndexes = async (lancedbDirectory: string, kind: VectorIndexKind) => {
  const connection = await lancedb.connect(lancedbDirectory);
  const tables: { table: string; rows: number; seconds?: number; skipped?: string }[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    for (const name of (await connection.tableNames()).sort()) {
      const table = await connection.openTable(name);
      const rows = await table.countRows();
      const tableStarted = performance.now();
      try {
        await table.createIndex('vector', { config: indexConfig(kind), replace: true });
        tables.push({ table: name, rows, seconds: roundMs(performance.now() - tableStarted) / 1000 });
      } catch (error) {
        // IVF-PQ needs at least 256 rows per table to train its codebooks.
        // The message without the source location LanceDB's native library appends.
        tables.push({ table: name, rows, skipped: (String(error).split('\n')[0] ?? 'failed').replace(/, \/\S.*$/, '').slice(0, 160) });
      } finally {
        table.close();
      }
    }
  } finally {
    connection.close();
  }
  const cpu = process.cpuUsage(cpuBefore);
  return {
    kind,
    seconds: roundMs(performance.now() - started) / 1000,
    cpuSeconds: roundMs((cpu.user + cpu.system) / 1000) / 1000,
    tablesIndexed: tables.filter((table) => table.skipped === undefined).length,
    tables,
  };
};

/**
 * The LanceDB search alone, ids only, all tables in parallel as the store queries them: separates
 * the index's own speed from converting 50 full rows per table into chunks.
 */
const rawSearch = async (dataDirectory: string, vectors: number[][], refineFactor?: number) => {
  const connection = await lancedb.connect(join(dataDirectory, 'lancedb'));
  const tables = await Promise.all((await connection.tableNames()).map((name) => connection.openTable(name)));
  const search = async (vector: number[]) => {
    const rows = await Promise.all(tables.map(async (table) => {
      let query = table.vectorSearch(vector).distanceType('cosine').select(['id']).limit(TOP_K);
      if (refineFactor) query = query.refineFactor(refineFactor);
      return query.toArray();
    }));
    return rows.flat().sort((left, right) => Number(left._distance) - Number(right._distance)).slice(0, RECALL_DEPTH).map((row) => String(row.id));
  };
  try {
    await search(vectors[0] as number[]);
    const latencies: number[] = [];
    const top: string[][] = [];
    const cpuBefore = process.cpuUsage();
    for (const vector of vectors) {
      const started = performance.now();
      top.push(await search(vector));
      latencies.push(performance.now() - started);
    }
    const cpu = process.cpuUsage(cpuBefore);
    return { latencyMs: summarizeLatencies(latencies), cpuMsPerQuery: roundMs((cpu.user + cpu.system) / 1000 / vectors.length), top };
  } finally {
    for (const table of tables) table.close();
    connection.close();
  }
};

const measure = async (dataDirectory: string, questions: BenchQuestion[], refineFactor?: number) => {
  const runtime = await openRuntime({ dataDirectory, embeddings: 'hash' });
  try {
    const embedder = runtime.embedder;
    if (!embedder) throw new Error('the ANN scenario needs the hashed embedder');
    const collections = (await runtime.catalogs.listNamespaces())
      .map(parseNamespace)
      .filter((parsed) => parsed?.tenantId === BENCH_TENANT)
      .map((parsed) => parsed?.collection as string);
    const scope = createSearchScope(BENCH_TENANT, collections);
    const dependencies = { ...runtime, settings: runtime.config.retrieval };
    const vectors = (await embedder.embed({ values: questions.map((question) => question.text), purpose: 'query' })).embeddings;
    await answerQuestion(dependencies, { question: questionOf(WARM_UP_QUESTION), scope });
    await runtime.store.query({ scope, vector: vectors[0] as number[], topK: TOP_K });

    const dense: number[] = [];
    const denseTop: string[][] = [];
    let cpuBefore = process.cpuUsage();
    for (const vector of vectors) {
      const started = performance.now();
      const hits = await runtime.store.query({ scope, vector, topK: TOP_K });
      dense.push(performance.now() - started);
      denseTop.push(
        hits.filter((hit) => hit.denseScore !== undefined)
          .sort((left, right) => (right.denseScore ?? 0) - (left.denseScore ?? 0))
          .slice(0, RECALL_DEPTH)
          .map((hit) => hit.chunk.id),
      );
    }
    const denseCpu = process.cpuUsage(cpuBefore);
    const asks: number[] = [];
    cpuBefore = process.cpuUsage();
    for (const question of questions) {
      const started = performance.now();
      await answerQuestion(dependencies, { question: questionOf(question.text), scope });
      asks.push(performance.now() - started);
    }
    const askCpu = process.cpuUsage(cpuBefore);
    const raw = await rawSearch(dataDirectory, vectors);
    const refined = refineFactor ? await rawSearch(dataDirectory, vectors, refineFactor) : undefined;
    const chunksStored = (await runtime.store.stats()).reduce((sum, namespace) => sum + namespace.chunkCount, 0);
    return {
      chunksStored,
      denseMs: summarizeLatencies(dense),
      denseCpuMsPerQuery: roundMs((denseCpu.user + denseCpu.system) / 1000 / vectors.length),
      askMs: summarizeLatencies(asks),
      askCpuMsPerQuestion: roundMs((askCpu.user + askCpu.system) / 1000 / questions.length),
      denseTop,
      raw,
      ...(refined ? { refined } : {}),
    };
  } finally {
    await runtime.close();
  }
};

const recallAgainst = (reference: string[][], candidate: string[][]): number => {
  let found = 0;
  let total = 0;
  reference.forEach((ids, index) => {
    const got = new Set(candidate[index] ?? []);
    total += ids.length;
    found += ids.filter((id) => got.has(id)).length;
  });
  return total === 0 ? Number.NaN : Math.round((found / total) * 1000) / 1000;
};

runScenario(async () => {
  const values = parseArguments(process.argv.slice(2));
  const dataDirectory = requireArgument(values, 'data-dir');
  const questions = JSON.parse(await readFile(requireArgument(values, 'questions'), 'utf8')) as BenchQuestion[];
  const kinds = (values.get('indexes') ?? 'ivf-pq,hnsw-sq').split(',').map((kind) => {
    if (kind !== 'ivf-pq' && kind !== 'hnsw-sq') throw new Error(`--indexes takes ivf-pq and/or hnsw-sq, not "${kind}"`);
    return kind;
  });
  const storeBuiltIndexesDropped = await dropVectorIndexes(join(dataDirectory, 'lancedb'));
  const flat = await measure(dataDirectory, questions);
  const phases = [];
  for (const kind of kinds) {
    const build = await buildIndexes(join(dataDirectory, 'lancedb'), kind);
    const measured = await measure(dataDirectory, questions, REFINE_FACTOR);
    const { denseTop, raw, refined, ...figures } = measured;
    phases.push({
      index: kind, build, ...figures,
      recallAt10VsFlat: recallAgainst(flat.denseTop, denseTop),
      rawSearchMs: raw.latencyMs, rawCpuMsPerQuery: raw.cpuMsPerQuery, rawRecallAt10VsFlat: recallAgainst(flat.raw.top, raw.top),
      ...(refined ? { refineFactor: REFINE_FACTOR, refinedSearchMs: refined.latencyMs, refinedCpuMsPerQuery: refined.cpuMsPerQuery, refinedRecallAt10VsFlat: recallAgainst(flat.raw.top, refined.top) } : {}),
    });
  }
  const { denseTop: _flatTop, raw: flatRaw, refined: _none, ...flatFigures } = flat;
  emitResult({ embeddings: 'hash', chunksStored: flat.chunksStored, storeBuiltIndexesDropped, topK: TOP_K, flat: { ...flatFigures, rawSearchMs: flatRaw.latencyMs, rawCpuMsPerQuery: flatRaw.cpuMsPerQuery }, indexed: phases });
});
