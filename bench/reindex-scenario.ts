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
import { join } from 'node:path';
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { readRecentLog, recentLogPath } from '../src/providers/lancedb/recent-rows.js';
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
    // A fold leaves its collection's log with the table's facts and nothing recent.
    const folded = async (namespace: string) => {
      const { chunks, shadowed } = await readRecentLog(recentLogPath(join(dataDirectory, 'lancedb', 'recent-rows'), namespace));
      return chunks.size === 0 && shadowed.size === 0;
    };
    const written = summaries.filter((summary) => summary.added + summary.changed + summary.deleted > 0);
    const foldedCount = (await Promise.all(written.map((summary) => folded(summary.namespace)))).filter(Boolean).length;
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
      collectionsFolded: foldedCount,
      indexSeconds: roundMs(indexMs) / 1000,
      cpuSeconds: roundMs((cpu.user + cpu.system) / 1000) / 1000,
      perCollectionSeconds: Object.fromEntries(summaries.map((summary) => [summary.collection, summary.seconds])),
    });
  } finally {
    await runtime.close();
  }
});
