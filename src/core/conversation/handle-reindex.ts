import type { AccessPolicy } from '../access/access-policy.js';
import { authorizeAdminAction } from '../access/authorize-admin.js';
import { namespaceOf } from '../access/search-scope.js';
import { runExclusively } from '../indexing/collection-lock.js';
import { indexCollection, type IndexDependencies, type IndexProgress, type IndexSummary } from '../indexing/index-collection.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { DocumentSource } from '../ports/document-source.js';
import type { KeyValueStore } from '../ports/key-value-store.js';
import type { MembershipDirectory } from '../ports/membership-directory.js';

export type ReindexDependencies = IndexDependencies & {
  policy: AccessPolicy;
  membership: MembershipDirectory;
  audit?: AuditSink;
  state: KeyValueStore;
  /** The documents of a collection, from the source the policy names. */
  sourceFor(options: { tenantId: string; collection: string; source: string }): DocumentSource;
};

export type ReindexRequest = {
  tenantId: string;
  userId: string;
  channelId?: string;
  collection?: string;
  full?: boolean;
  dryRun?: boolean;
  onProgress?: (collection: string, progress: IndexProgress) => void;
  signal?: AbortSignal;
};

export type ReindexOutcome =
  | { kind: 'refused' }
  | { kind: 'unknown-collection'; collection: string; known: string[] }
  | { kind: 'done'; summaries: IndexSummary[]; joined: string[] };

/**
 * `/reindex [collection] [--full] [--dry-run]` from any platform: admins only (audit-logged either
 * way), one run per collection at a time across replicas (a second request joins the running one).
 */
export const handleReindex = async (dependencies: ReindexDependencies, request: ReindexRequest): Promise<ReindexOutcome> => {
  const allowed = await authorizeAdminAction(dependencies, {
    tenantId: request.tenantId, userId: request.userId, action: 'reindex',
    ...(request.channelId ? { channelId: request.channelId } : {}),
    details: { collection: request.collection ?? 'all', full: request.full ?? false, dryRun: request.dryRun ?? false },
  });
  const tenant = dependencies.policy.tenants.get(request.tenantId);
  if (!allowed || !tenant) return { kind: 'refused' };
  const known = [...tenant.collections].filter(([, collection]) => collection.source).map(([name]) => name);
  if (request.collection && !known.includes(request.collection)) return { kind: 'unknown-collection', collection: request.collection, known };
  const summaries: IndexSummary[] = [];
  const joined: string[] = [];
  for (const collection of request.collection ? [request.collection] : known) {
    const source = dependencies.sourceFor({ tenantId: tenant.id, collection, source: tenant.collections.get(collection)?.source ?? '' });
    const run = await runExclusively(
      dependencies.state,
      `reindex:${namespaceOf(tenant.id, collection)}`,
      () =>
        indexCollection(dependencies, {
          source, tenantId: tenant.id, collection, full: request.full ?? false, dryRun: request.dryRun ?? false,
          onProgress: (progress) => request.onProgress?.(collection, progress),
          ...(request.signal ? { signal: request.signal } : {}),
        }),
      request.signal ? { signal: request.signal } : {},
    );
    if (run.joined) joined.push(collection);
    if (run.result) summaries.push(run.result);
  }
  return { kind: 'done', summaries, joined };
};
