import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { assertValidName } from '../../core/access/search-scope.js';
import { BotError } from '../../core/bot-error.js';
import { indexCollection, type IndexProgress, type IndexSummary } from '../../core/indexing/index-collection.js';
import { prefixDocumentIds } from '../../core/indexing/prefixed-source.js';
import type { DocumentSource } from '../../core/ports/document-source.js';
import { createDirectorySource } from '../../ingest/directory-source.js';
import type { Runtime } from '../runtime.js';
import type { AccessPolicy } from '../../core/access/access-policy.js';
import { authorizeAdminAction } from '../../core/access/authorize-admin.js';
import { cliIdentity } from './cli-identity.js';

export type IndexCommandOptions = {
  /** Optional under a policy: the collections' sources come from the policy file. */
  directory?: string;
  collection?: string;
  tenant: string;
  user?: string;
  channel?: string;
  full?: boolean;
  dryRun?: boolean;
  json?: boolean;
  ignore?: string[];
};

const TOTAL_FIELDS = ['scanned', 'added', 'changed', 'deleted', 'unchanged', 'chunksIndexed', 'chunksEmbedded'] as const;

type Plan = { collection: string; source: DocumentSource };

const sourceFor = (runtime: Runtime, options: IndexCommandOptions, directory: string): DocumentSource =>
  createDirectorySource({ root: directory, ignore: options.ignore ?? [], supported: (path) => runtime.parser.canParse(path) });

/** Without --collection, each top-level folder of the directory is a collection named after it. */
const planDirectory = async (runtime: Runtime, options: IndexCommandOptions & { directory: string }): Promise<Plan[]> => {
  const root = resolve(options.directory);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new BotError('source_missing', `Directory "${options.directory}" does not exist or is not a directory.`);
  if (options.collection) {
    return [{ collection: assertValidName('collection', options.collection), source: sourceFor(runtime, options, root) }];
  }
  const entries = await readdir(root, { withFileTypes: true });
  const folders = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
  const hasRootFiles = entries.some((entry) => entry.isFile() && runtime.parser.canParse(entry.name));
  const plans: Plan[] = folders.map((folder) => ({
    collection: collectionNameOf(folder),
    source: prefixDocumentIds(sourceFor(runtime, options, join(root, folder)), folder),
  }));
  if (hasRootFiles || folders.length === 0) {
    // Files beside the folders (or a flat directory) form a collection named after the directory.
    let name = collectionNameOf(basename(root));
    while (plans.some((plan) => plan.collection === name)) name = `${name}-root`;
    plans.push({ collection: name, source: sourceFor(runtime, { ...options, ignore: [...(options.ignore ?? []), ...folders.map((folder) => `/${folder}/`)] }, root) });
  }
  return plans;
};

/** A folder name as a collection name: lowercase letters, digits, "-", "_" and "." only. */
const collectionNameOf = (folder: string): string => {
  const name = folder.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/_{2,}/g, '_').replace(/^[^a-z0-9]+/, '').slice(0, 63);
  return name || 'docs';
};

/** Under a policy: only the tenant's collections, from the directory given or their policy sources. */
const planPolicy = async (runtime: Runtime, policy: AccessPolicy, options: IndexCommandOptions): Promise<Plan[]> => {
  const tenant = policy.tenants.get(options.tenant);
  if (!tenant) throw new BotError('input_invalid', `Tenant "${options.tenant}" is not in the policy (${[...policy.tenants.keys()].join(', ')}).`);
  const defined = [...tenant.collections.keys()];
  const check = (collection: string) => {
    if (!tenant.collections.has(collection)) {
      throw new BotError('collection_unknown', `Collection "${collection}" is not defined for tenant ${tenant.id} in the policy (defined: ${defined.join(', ')}).`);
    }
  };
  if (options.directory) {
    const plans = await planDirectory(runtime, { ...options, directory: options.directory });
    plans.forEach((plan) => check(plan.collection));
    return plans;
  }
  const wanted = options.collection ? [options.collection] : defined;
  return wanted.map((collection) => {
    check(collection);
    const source = tenant.collections.get(collection)?.source;
    if (!source) throw new BotError('source_missing', `Collection "${collection}" has no source in the policy: pass the directory to index.`);
    return { collection, source: sourceFor(runtime, options, source) };
  });
};

const planCollections = async (runtime: Runtime, options: IndexCommandOptions): Promise<Plan[]> => {
  if (runtime.policy) {
    const { userId, channel } = await cliIdentity(runtime, { ...options, channel: options.channel ?? 'dm' });
    const allowed = await authorizeAdminAction(
      { ...runtime, policy: runtime.policy },
      { tenantId: options.tenant, userId, channelId: channel.id, action: 'reindex', details: { collection: options.collection ?? 'all', full: options.full ?? false, dryRun: options.dryRun ?? false } },
    );
    if (!allowed) throw new BotError('access_denied', `${userId} is not an admin of tenant ${options.tenant}: only admins may index.`);
    return planPolicy(runtime, runtime.policy, options);
  }
  if (!options.directory) throw new BotError('input_invalid', 'Pass the directory to index (or set RAGBOT_POLICY, whose collections name their sources).');
  return planDirectory(runtime, { ...options, directory: options.directory });
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
  const plans = await planCollections(runtime, options);
  const summaries: IndexSummary[] = [];
  // Each collection's optimize (LanceDB rewrites the table and folds the new rows into its full-text
  // index, natively) starts once its writes are done: it runs while that collection's catalog is
  // saved and the next collection is listed, hashed and parsed.
  const optimizing: Promise<{ error: unknown } | undefined>[] = [];
  const startOptimize = (namespace: string) => {
    const optimize = runtime.store.optimize?.({ namespace });
    // Settled into a value at once: a failure is reported below, never as an unhandled rejection.
    if (optimize) optimizing.push(optimize.then(() => undefined, (error: unknown) => ({ error })));
  };
  try {
    for (const plan of plans) {
      const summary = await indexCollection(runtime, {
        source: plan.source,
        tenantId: options.tenant,
        collection: plan.collection,
        full: options.full ?? false,
        dryRun: options.dryRun ?? false,
        startOptimize,
        onProgress: (progress) => options.onProgress?.(plan.collection, progress),
      });
      summaries.push(summary);
    }
  } finally {
    // No optimize outlives the run, even when a later collection failed.
    await Promise.all(optimizing);
  }
  const failed = (await Promise.all(optimizing)).find((outcome) => outcome !== undefined);
  if (failed) throw failed.error;
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
