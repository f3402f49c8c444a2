import { BotError } from '../bot-error.js';
import { termShareKey, type DocumentTermsChange, type IndexCatalog, type IndexCatalogStore, type TermChunkCounts } from '../ports/index-catalog-store.js';

/** Adds a document's share to the totals, or takes it away; a term no chunk holds any more is dropped. */
const applyShare = (totals: TermChunkCounts, share: TermChunkCounts, sign: 1 | -1): void => {
  for (const term in share) {
    const count = (totals[term] ?? 0) + sign * (share[term] ?? 0);
    if (count > 0) totals[term] = count;
    else delete totals[term];
  }
};

const loadShares = async (catalogs: IndexCatalogStore, namespace: string, keys: Iterable<string>): Promise<Map<string, TermChunkCounts>> => {
  const wanted = [...new Set(keys)];
  const shares = wanted.length > 0 ? await catalogs.loadDocumentTerms(namespace, wanted) : new Map<string, TermChunkCounts>();
  const missing = wanted.filter((key) => !shares.has(key));
  if (missing.length > 0) {
    throw new BotError('index_corrupt', `The term statistics of ${namespace} lack ${missing.length} document(s); re-index with --full.`);
  }
  return shares;
};

export type TermStatisticsUpdate = {
  catalogs: IndexCatalogStore;
  /** The catalog being saved, its documents final. */
  catalog: IndexCatalog;
  /** The totals to update, or undefined to sum them from every document's share (first run, new parser). */
  previousTotals: TermChunkCounts | undefined;
  /** Shares of the documents parsed in this run, by `termShareKey`. */
  indexed: { key: string; share: TermChunkCounts }[];
  /** The `termShareKey`s of the previous records of documents changed or deleted in this run. */
  replaced: string[];
};

/**
 * Sets the catalog's term statistics after a run and returns the change its store must save, and
 * how to undo it if that save fails. Incrementally, only the shares of changed and deleted documents
 * are read: the previous totals minus their old shares plus the new ones equal the sum over all
 * documents. The previous totals are changed in place (a copy of a collection's vocabulary cost more
 * than the rest of a small run's update): `revert` gives them back exactly, integer for integer.
 */
export const updateTermStatistics = async (update: TermStatisticsUpdate): Promise<{ change: DocumentTermsChange; revert: () => void }> => {
  const { catalogs, catalog, previousTotals, indexed, replaced } = update;
  const added = new Map(indexed.map(({ key, share }) => [key, share]));
  let totals: TermChunkCounts;
  let revert = () => undefined as void;
  if (previousTotals) {
    // Read before any change: a missing share fails the run with the totals untouched.
    const old = await loadShares(catalogs, catalog.namespace, replaced);
    totals = previousTotals;
    const apply = (sign: 1 | -1) => {
      for (const key of replaced) applyShare(totals, old.get(key) ?? {}, (-sign) as 1 | -1);
      for (const { share } of indexed) applyShare(totals, share, sign);
    };
    apply(1);
    revert = () => apply(-1);
  } else {
    // Documents kept from the previous catalog without a new parse (unreadable this time) keep their share.
    const keys = Object.entries(catalog.documents).map(([documentId, record]) => termShareKey(documentId, record));
    const kept = await loadShares(catalogs, catalog.namespace, keys.filter((key) => !added.has(key)));
    totals = {};
    for (const key of keys) applyShare(totals, added.get(key) ?? kept.get(key) ?? {}, 1);
  }
  catalog.termChunkCounts = totals;
  const referenced = new Set(Object.entries(catalog.documents).map(([documentId, record]) => termShareKey(documentId, record)));
  const released = [...new Set(replaced)].filter((key) => !referenced.has(key));
  return { change: { added, released }, revert };
};
