import * as lancedb from '@lancedb/lancedb';
import { BotError, describeError } from '../../core/bot-error.js';
import type { ScoredChunk } from '../../core/chunk.js';
import type { ChunkFilter, NamespaceStats, VectorStore } from '../../core/ports/vector-store.js';
import { chunkSchema, fromRow, sqlString, toRow } from './chunk-rows.js';
import {
  createSearchIndex, hasVectorIndex, idPredicates, optimizeTable, searchIndexCoversAll, searchTable, vectorDimensionsOf, type Table,
} from './lancedb-tables.js';

// From about this many rows a table's flat vector scan costs more than an HNSW-SQ index searched
// with exact re-ranking (bench/README.md, "Where the ANN index pays"); below it the scan is faster.
export const ANN_MIN_ROWS = 7_500;

/**
 * Rows written after a namespace's first load go to a small "recent" table beside its main one,
 * until they are this share of the main table's rows. LanceDB 0.31 can only fold new rows into a
 * table's BM25 index by rewriting the whole table (optimize), which cost an incremental run of 1% of
 * the documents more than all its other work; the recent table's own optimize costs what it holds.
 */
export const FOLD_SHARE = 0.1;

// "__" appears once in a namespace (see assertValidName), so no namespace is named like this.
const recentNameOf = (namespace: string) => `${namespace}__recent`;
const isRecentName = (name: string) => name.split('__').length > 2 && name.endsWith('__recent');

type NamespaceTables = { main: Table; recent?: Table };

/** The embedded store: LanceDB tables per namespace (a main one and, at times, a recent one), under the data directory. */
export const createLanceDbVectorStore = async (options: { directory: string; annMinRows?: number; foldShare?: number }): Promise<VectorStore> => {
  const connection = await lancedb.connect(options.directory);
  const annMinRows = options.annMinRows ?? ANN_MIN_ROWS;
  const foldShare = options.foldShare ?? FOLD_SHARE;
  const opened = new Map<string, Promise<NamespaceTables | undefined>>();
  // Namespaces whose main table this process created and has not optimized yet: a first load
  // writes all its batches there.
  const loading = new Set<string>();
  // Tables (by name) with rows their BM25 index does not cover. LanceDB 0.31 scores such rows with
  // skewed statistics (far below indexed rows; in a small table a replaced row sharing words with
  // its old version not at all), so they are folded in before the table is searched.
  const unfolded = new Set<string>();
  // Namespaces whose main table has an ANN index: searched with exact re-ranking of the candidates.
  const annIndexed = new Set<string>();
  // Tables made without an embedder have no vector column worth indexing (dimension 0 or absent).
  const dimensions = new Map<string, number>();

  const wrap = async <T>(action: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof BotError) throw error;
      throw new BotError('vector_store_unavailable', `LanceDB ${action} failed: ${describeError(error)}`, { cause: error });
    }
  };

  const load = async (namespace: string): Promise<NamespaceTables | undefined> => {
    const names = await connection.tableNames();
    if (!names.includes(namespace)) return undefined;
    const main = await connection.openTable(namespace);
    const recent = names.includes(recentNameOf(namespace)) ? await connection.openTable(recentNameOf(namespace)) : undefined;
    // Rows another process wrote and did not fold in (an index run killed before its optimize).
    if (!(await searchIndexCoversAll(main))) unfolded.add(namespace);
    if (recent && !(await searchIndexCoversAll(recent))) unfolded.add(recentNameOf(namespace));
    if (await hasVectorIndex(main)) annIndexed.add(namespace);
    dimensions.set(namespace, await vectorDimensionsOf(main));
    return { main, recent };
  };

  const openNamespace = async (namespace: string): Promise<NamespaceTables | undefined> => {
    let tables = opened.get(namespace);
    if (!tables) {
      tables = load(namespace);
      opened.set(namespace, tables);
    }
    const result = await tables.catch((error: unknown) => {
      opened.delete(namespace);
      throw error;
    });
    // Not there yet: looked up again next time, in case it is created.
    if (!result && opened.get(namespace) === tables) opened.delete(namespace);
    return result;
  };

  /** Folds unindexed rows into the BM25 index of each of the namespace's tables that has some. */
  const cover = async (namespace: string, tables: NamespaceTables) => {
    if (tables.recent && unfolded.delete(recentNameOf(namespace))) await optimizeTable(tables.recent);
    if (unfolded.delete(namespace)) {
      await optimizeTable(tables.main);
      if (!annIndexed.has(namespace) && (dimensions.get(namespace) ?? 0) > 0 && (await tables.main.countRows()) >= annMinRows) {
        await tables.main.createIndex('vector', { config: lancedb.Index.hnswSq({ distanceType: 'cosine' }), replace: true });
        annIndexed.add(namespace);
      }
    }
  };

  /** Moves the recent table's rows into the main table (replacing any copies there) and drops it. */
  const foldRecent = async (namespace: string, tables: NamespaceTables) => {
    const recent = tables.recent;
    if (!recent) return;
    const rows = await recent.query().toArrow();
    if (rows.numRows > 0) await tables.main.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
    unfolded.add(namespace);
    tables.recent = undefined;
    unfolded.delete(recentNameOf(namespace));
    recent.close();
    await connection.dropTable(recentNameOf(namespace));
  };

  const optimizeNamespace = async (namespace: string) => {
    const tables = await openNamespace(namespace);
    if (!tables) return;
    if (tables.recent && (loading.has(namespace) || (await tables.recent.countRows()) >= foldShare * (await tables.main.countRows()))) {
      await foldRecent(namespace, tables);
    }
    // A first load ends with its main table compacted (and given an ANN index if it is large enough).
    if (loading.has(namespace)) unfolded.add(namespace);
    await cover(namespace, tables);
    loading.delete(namespace);
  };

  const whereClause = (filter: ChunkFilter | undefined): string | undefined => {
    if (!filter?.documentIds) return undefined;
    if (filter.documentIds.length === 0) return 'false';
    return `documentId IN (${filter.documentIds.map(sqlString).join(', ')})`;
  };

  const deleteWhere = async (namespace: string, predicates: string[]) => {
    const tables = await openNamespace(namespace);
    if (!tables) return;
    // Deleted rows need no fold: searches leave them out.
    for (const table of [tables.main, tables.recent]) {
      if (table) for (const predicate of predicates) await table.delete(predicate);
    }
  };

  return {
    provider: 'lancedb',

    upsert: ({ namespace, chunks }) =>
      wrap('upsert', async () => {
        if (chunks.length === 0) return;
        const rows = chunks.map(toRow);
        const tables = await openNamespace(namespace);
        if (!tables) {
          // A recent table left without its main one (a drop cut short) holds nothing current.
          if ((await connection.tableNames()).includes(recentNameOf(namespace))) await connection.dropTable(recentNameOf(namespace));
          const dimensionCount = chunks[0]?.vector?.length;
          const main = await connection.createTable(namespace, rows, { schema: chunkSchema(dimensionCount) });
          await createSearchIndex(main);
          dimensions.set(namespace, dimensionCount ?? 0);
          opened.set(namespace, Promise.resolve({ main }));
          loading.add(namespace);
          return;
        }
        // Each write is one commit: a failure or a crash leaves the rows being replaced as they were.
        if (loading.has(namespace)) {
          unfolded.add(namespace);
          await tables.main.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
          return;
        }
        unfolded.add(recentNameOf(namespace));
        if (tables.recent) await tables.recent.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
        else tables.recent = await connection.createTable(recentNameOf(namespace), rows, { schema: await tables.main.schema() });
        // Only once the new versions are committed do the old ones leave the main table. A crash in
        // between leaves a row in both, the same passage (ids name their content): searches take the recent one.
        for (const predicate of idPredicates(chunks.map((chunk) => chunk.id))) await tables.main.delete(predicate);
      }),

    query: ({ scope, lexicalQuery, vector, topK, filter }) =>
      wrap('query', async () => {
        const where = whereClause(filter);
        const merged = new Map<string, ScoredChunk>();
        const take = (namespace: string, row: Record<string, unknown>, score: 'lexicalScore' | 'denseScore', value: number) => {
          const key = `${namespace}\u0000${String(row.id)}`;
          let hit = merged.get(key);
          if (!hit) {
            hit = { chunk: fromRow(row), namespace };
            merged.set(key, hit);
          }
          hit[score] ??= value;
        };
        await Promise.all(
          scope.namespaces.map(async (namespace) => {
            const tables = await openNamespace(namespace);
            if (!tables) return;
            await cover(namespace, tables);
            const searched = await Promise.all([
              searchTable(tables.main, { lexicalQuery, vector, topK, where, annIndexed: annIndexed.has(namespace) }),
              tables.recent ? searchTable(tables.recent, { lexicalQuery, vector, topK, where, annIndexed: false }) : undefined,
            ]);
            // The recent table's rows come first: a row found in both (see upsert) is taken from it.
            for (const found of searched.reverse()) {
              for (const row of found?.lexical ?? []) take(namespace, row, 'lexicalScore', Number(row._score));
              for (const row of found?.dense ?? []) take(namespace, row, 'denseScore', 1 - Number(row._distance));
            }
          }),
        );
        return [...merged.values()];
      }),

    deleteChunks: ({ namespace, ids }) => wrap('delete', () => deleteWhere(namespace, idPredicates(ids))),

    deleteDocument: ({ namespace, documentId }) =>
      wrap('delete', () => deleteWhere(namespace, [`documentId = ${sqlString(documentId)}`])),

    listDocumentIds: ({ namespace }) =>
      wrap('list', async () => {
        const tables = await openNamespace(namespace);
        if (!tables) return [];
        const ids = new Set<string>();
        for (const table of [tables.main, tables.recent]) {
          if (table) for (const row of await table.query().select(['documentId']).toArray()) ids.add(String(row.documentId));
        }
        return [...ids].sort();
      }),

    dropNamespace: ({ namespace }) =>
      wrap('drop', async () => {
        const tables = await opened.get(namespace)?.catch(() => undefined);
        opened.delete(namespace);
        tables?.main.close();
        tables?.recent?.close();
        for (const name of [namespace, recentNameOf(namespace)]) unfolded.delete(name);
        annIndexed.delete(namespace);
        loading.delete(namespace);
        const names = await connection.tableNames();
        for (const name of [recentNameOf(namespace), namespace]) if (names.includes(name)) await connection.dropTable(name);
      }),

    optimize: ({ namespace }) => wrap('optimize', () => optimizeNamespace(namespace)),

    stats: () =>
      wrap('stats', async () => {
        const result: NamespaceStats[] = [];
        for (const namespace of (await connection.tableNames()).filter((name) => !isRecentName(name)).sort()) {
          const tables = await openNamespace(namespace);
          if (!tables) continue;
          const counts = await Promise.all([tables.main.countRows(), tables.recent?.countRows() ?? 0]);
          result.push({ namespace, chunkCount: counts[0] + counts[1] });
        }
        return result;
      }),

    close: async () => {
      for (const tables of opened.values()) {
        const open = await tables.catch(() => undefined);
        open?.main.close();
        open?.recent?.close();
      }
      opened.clear();
      connection.close();
    },
  };
};
