/**
 * Child process: indexes a directory (each top-level folder a collection) into a data directory
 * with the given embedder, as `ragbot index` does, and reports chunk counts and throughput.
 *
 *   node --import tsx bench/index-scenario.ts --directory <docs> --data-dir <data> --embeddings none|hash|use-lite
 *
 * Run it twice on the same data directory to time an unchanged re-index.
 */
import { indexDirectory } from '../src/entry/commands/index-command.js';
import {
  BENCH_TENANT, emitResult, openRuntime, parseArguments, parseEmbeddings, requireArgument, roundMs, runScenario,
} from './scenario-support.js';

runScenario(async () => {
  const values = parseArguments(process.argv.slice(2));
  const directory = requireArgument(values, 'directory');
  const embeddings = parseEmbeddings(requireArgument(values, 'embeddings'));
  const started = performance.now();
  const runtime = await openRuntime({ dataDirectory: requireArgument(values, 'data-dir'), embeddings });
  const opened = performance.now();
  // Whole-process CPU time (native LanceDB threads included), steadier than wall time under load.
  const cpuBefore = process.cpuUsage();
  try {
    const summaries = await indexDirectory(runtime, { directory, tenant: BENCH_TENANT });
    const indexMs = performance.now() - opened;
    const cpu = process.cpuUsage(cpuBefore);
    const total = (field: 'scanned' | 'added' | 'changed' | 'unchanged' | 'chunksIndexed' | 'chunksEmbedded') =>
      summaries.reduce((sum, summary) => sum + summary[field], 0);
    const chunksIndexed = total('chunksIndexed');
    const failed = summaries.flatMap((summary) => summary.failed);
    if (failed.length > 0) process.stderr.write(`failed files: ${JSON.stringify(failed)}\n`);
    emitResult({
      embeddings,
      collections: summaries.length,
      files: total('scanned'),
      filesAdded: total('added'),
      filesChanged: total('changed'),
      filesUnchanged: total('unchanged'),
      filesFailed: failed.length,
      chunksIndexed,
      chunksEmbedded: total('chunksEmbedded'),
      // Store rows after the run: differs from chunksIndexed on an incremental run.
      chunksStored: (await runtime.store.stats()).reduce((sum, namespace) => sum + namespace.chunkCount, 0),
      openRuntimeMs: roundMs(opened - started),
      indexSeconds: roundMs(indexMs) / 1000,
      cpuSeconds: roundMs((cpu.user + cpu.system) / 1000) / 1000,
      // Model loading (use-lite) happens on the first embed call, so it is inside this figure.
      chunksPerSecond: Math.round((chunksIndexed / (indexMs / 1000)) * 10) / 10,
      perCollectionSeconds: Object.fromEntries(summaries.map((summary) => [summary.collection, summary.seconds])),
    });
  } finally {
    await runtime.close();
  }
});
