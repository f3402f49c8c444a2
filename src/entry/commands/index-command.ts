import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { assertValidName } from '../../core/access/search-scope.js';
import { BotError } from '../../core/bot-error.js';
import { indexCollection, type IndexSummary } from '../../core/indexing/index-collection.js';
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

export const runIndexCommand = async (runtime: Runtime, options: IndexCommandOptions): Promise<number> => {
  const started = performance.now();
  const plans = await planCollections(resolve(options.directory), options, runtime);
  const showProgress = !options.json && process.stderr.isTTY;
  const summaries: IndexSummary[] = [];
  for (const plan of plans) {
    const bar = showProgress
      ? new cliProgress.SingleBar(
          { format: `${plan.collection.padEnd(14)} [{bar}] {value}/{total} files`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    let barStarted = false;
    const summary = await indexCollection(runtime, {
      source: plan.source,
      tenantId: options.tenant,
      collection: plan.collection,
      full: options.full ?? false,
      dryRun: options.dryRun ?? false,
      onProgress: ({ done, total }) => {
        if (!bar) return;
        if (!barStarted) bar.start(total, done);
        barStarted = true;
        bar.update(done);
      },
    });
    bar?.stop();
    summaries.push(summary);
    if (!options.json) console.log(describeSummary(summary).join('\n'));
  }
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
