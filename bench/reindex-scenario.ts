/**
 * Child process: edits a share of an indexed corpus's documents (untimed), then re-indexes it
 * incrementally, as `ragbot index` does on a schedule, and reports what that cost: files read,
 * chunks re-indexed, chunks actually embedded (the embedding cache serves the passages an edit did
 * not touch), seconds and CPU time, and how many collections it folded (their recent rows moved
 * into their LanceDB tables, which the runs in between leave alone).
 *
 *   node --import tsx bench/reindex-scenario.ts --directory <docs> --data-dir <data> --embeddings hash \
 *     --change-percent <n> --seed <n> --round <n>
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { editCorpus } from './edit-corpus.js';
import {
  BENCH_TENANT, emitResult, openRuntime, parseArguments, parseEmbeddings, requireArgument, roundMs, runScenario,
} from './scenario-support.js';

runScenario(async () => {
  const values = parseArguments(process.argv.slice(2));
  const directory = requireArgument(values, 'directory');
  const embeddings = parseEmbeddings(requireArgument(values, 'embeddings'));
  const percent = Number(requireArgument(values, 'change-percent'));
  const edited = await editCorpus(directory, { percent, seed: Number(requireArgument(values, 'seed')), round: Number(requireArgument(values, 'round')) });
  const dataDirectory = requireArgument(values, 'data-dir');
  const runtime = await openRuntime({ dataDirectory, embeddings });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const summaries = await indexDirectory(runtime, { directory, tenant: BENCH_TENANT });
    const indexMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const recentLogs = await readdir(join(dataDirectory, 'lancedb', 'recent-rows')).catch(() => [] as string[]);
    const total = (field: 'scanned' | 'changed' | 'unchanged' | 'chunksIndexed' | 'chunksEmbedded' | 'chunksDeleted') =>
      summaries.reduce((sum, summary) => sum + summary[field], 0);
    const chunksIndexed = total('chunksIndexed');
    const chunksEmbedded = total('chunksEmbedded');
    emitResult({
      embeddings,
      changePercent: percent,
      filesEdited: edited.length,
      files: total('scanned'),
      filesChanged: total('changed'),
      filesUnchanged: total('unchanged'),
      chunksIndexed,
      chunksEmbedded,
      chunksDeleted: total('chunksDeleted'),
      // Chunks of the re-indexed documents whose vectors came from the embedding cache.
      cacheHitRate: chunksIndexed === 0 || embeddings === 'none' ? null : Math.round((1 - chunksEmbedded / chunksIndexed) * 1000) / 1000,
      chunksStored: (await runtime.store.stats()).reduce((sum, namespace) => sum + namespace.chunkCount, 0),
      // Collections written whose recent rows the run's optimize folded into their table (none left after it).
      collectionsFolded: summaries.filter((summary) => summary.added + summary.changed + summary.deleted > 0 && !recentLogs.includes(`${summary.namespace}.jsonl`)).length,
      indexSeconds: roundMs(indexMs) / 1000,
      cpuSeconds: roundMs((cpu.user + cpu.system) / 1000) / 1000,
      perCollectionSeconds: Object.fromEntries(summaries.map((summary) => [summary.collection, summary.seconds])),
    });
  } finally {
    await runtime.close();
  }
});
