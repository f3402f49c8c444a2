import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { assertValidName } from '../../core/access/search-scope.js';
import { BotError } from '../../core/bot-error.js';
import { indexCollection, type IndexProgress, type IndexSummary } from '../../core/indexing/index-collection.js';
import { prefixDocumentIds } from '../../core/indexing/prefixed-source.js';
import type { DocumentSource } from '../../core/ports/document-source.js';
import { createDirectorySource } from '../../ingest/directory-source.js';
import type { Runtime } from '../local-runtime.js';

export type IndexCommandOptions = {
  directory: string;
  collection?: string;
  tenant: string;
  full?: boolean;
  dryRun?: boolean;
  json?: boolean;
  ignore?: string[];
};

const TOTAL_FIELDS = ['scanned', 'added', 'changed', 'deleted', 'unchanged', 'chunksIndexed', 'chunksEmbedded'] as const;

/** Without --collection, each top-level folder of the directory is a collection named after it. */
const planCollections = async (root: string, options: IndexCommandOptions, runtime: Runtime) => {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new BotError('source_missing', `Directory "${options.directory}" does not exist or is not a directory.`);
  const sourceFor = (directory: string) =>
    createDirectorySource({ root: directory, ignore: options.ignore ?? [], supported: (path) => runtime.parser.canParse(path) });
  if (options.collection) {
    return [{ collection: assertValidName('collection', options.collection), source: sourceFor(root) as DocumentSource }];
  }
  const folders = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  if (folders.length === 0) {
    throw new BotError('input_invalid', `"${options.directory}" has no sub-folders to use as collections: pass --collection <name>.`);
  }
  return folders.map((folder) => ({
    collection: assertValidName('collection', folder),
    source: prefixDocumentIds(sourceFor(join(root, folder)), folder),
  }));
};

const describeSummary = (summary: IndexSummary): string[] => {
  const lines = [
    `${summary.dryRun ? '[dry run] ' : ''}${summary.collection}: ${summary.scanned} scanned, ${summary.added} added, ` +
      `${summary.changed} changed, ${summary.deleted} deleted, ${summary.unchanged} unchanged; ` +
      `${summary.chunksIndexed} chunks indexed, ${summary.chunksEmbedded} embedded, ${summary.chunksDeleted} removed in ${summary.seconds} s`,
  ];
  for (const failure of summary.failed) lines.push(`  ! ${failure.path}: ${failure.reason} (skipped)`);
  for (const skipped of summary.skipped) lines.push(`  - ${skipped.path}: ${skipped.reason}`);
  return lines;
};

/** Indexes a directory as one collection, or each of its folders as a collection. */
export const indexDirectory = async (
  runtime: Runtime,
  options: IndexCommandOptions & { onProgress?: (collection: string, progress: IndexProgress) => void },
): Promise<IndexSummary[]> => {
  const plans = await planCollections(resolve(options.directory), options, runtime);
  const summaries: IndexSummary[] = [];
  for (const plan of plans) {
    summaries.push(
      await indexCollection(runtime, {
        source: plan.source,
        tenantId: options.tenant,
        collection: plan.collection,
        full: options.full ?? false,
        dryRun: options.dryRun ?? false,
        onProgress: (progress) => options.onProgress?.(plan.collection, progress),
      }),
    );
  }
  return summaries;
};

/** A progress bar on the terminal, one per collection; nothing when output is piped or JSON. */
const progressReporter = (enabled: boolean) => {
  let bar: cliProgress.SingleBar | undefined;
  let current: string | undefined;
  return {
    update(collection: string, { done, total }: IndexProgress) {
      if (!enabled) return;
      if (collection !== current) {
        bar?.stop();
        current = collection;
        bar = new cliProgress.SingleBar(
          { format: `${collection.padEnd(14)} [{bar}] {value}/{total} files`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar?.update(done);
    },
    stop: () => bar?.stop(),
  };
};

export const runIndexCommand = async (runtime: Runtime, options: IndexCommandOptions): Promise<number> => {
  const started = performance.now();
  const progress = progressReporter(!options.json && process.stderr.isTTY === true);
  const summaries = await indexDirectory(runtime, { ...options, onProgress: progress.update }).finally(progress.stop);
  if (!options.json) for (const summary of summaries) console.log(describeSummary(summary).join('\n'));
  const totals = Object.fromEntries(TOTAL_FIELDS.map((field) => [field, summaries.reduce((sum, summary) => sum + summary[field], 0)]));
  const seconds = Math.round(performance.now() - started) / 1000;
  if (options.json) {
    console.log(JSON.stringify({
      ...totals, seconds, dryRun: options.dryRun ?? false, tenant: options.tenant,
      failed: summaries.flatMap((summary) => summary.failed),
      collections: summaries,
    }));
  } else if (summaries.length > 1) {
    console.log(`total: ${TOTAL_FIELDS.map((field) => `${totals[field]} ${field}`).join(', ')} in ${seconds} s`);
  }
  return 0;
};
