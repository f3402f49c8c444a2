import * as lancedb from '@lancedb/lancedb';
import { join } from 'node:path';
import { BotError, describeError } from '../../core/bot-error.js';
import type { ScoredChunk } from '../../core/chunk.js';
import type { ChunkFilter, NamespaceStats, VectorStore } from '../../core/ports/vector-store.js';
import { chunkSchema, fromRow, sqlString, toRow } from './chunk-rows.js';
import {
  createSearchIndex, hasVectorIndex, idPredicates, optimizeTable, searchIndexCoversAll, searchTable, vectorDimensionsOf, type Table,
} from './lancedb-tables.js';
import { createRecentRows, storedChunkOf, type TableFacts } from './recent-rows.js';

// From about this many rows a table's flat vector scan costs more than an HNSW-SQ index searched
// with exact re-ranking (bench/README.md, "Where the ANN index pays"); below it the scan is faster.
export const ANN_MIN_ROWS = 7_500;

/**
 * After a namespace's first load, writes go to its recent rows (recent-rows.ts) until an optimize
 * finds them this share of the table's rows, or this many of the table's rows stale; it then folds
 * them into the table. A search asks the table for as many more rows as it has stale ones.
 */
export const FOLD_SHARE = 0.1;
export const FOLD_STALE_ROWS = 2_000;

/** The embedded store: one LanceDB table per namespace, and the rows written since its last fold, under the data directory. */
export const createLanceDbVectorStore = async (options: { directory: string; annMinRows?: number; foldShare?: number }): Promise<VectorStore> => {
  const connection = await lancedb.connect(options.directory);
  // Not a LanceDB table (no ".lance"): the connection does not list it.
  const recent = createRecentRows(join(options.directory, 'recent-rows'));
  const annMinRows = options.annMinRows ?? ANN_MIN_ROWS;
  const foldShare = options.foldShare ?? FOLD_SHARE;
  const tables = new Map<string, Table>();
  // Namespaces whose table this process created and has not optimized yet: a first load writes all its batches to the table.
  const loading = new Set<string>();
  // Tables with rows their BM25 index does not cover. LanceDB 0.31 scores such rows with skewed
  // statistics (far below indexed rows; in a small table a replaced row sharing words with its old
  // version not at all), so they are folded in before the table is searched.
  const unfolded = new Set<string>();
  // Namespaces whose table has an ANN index: searched with exact re-ranking of the candidates.
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

  const openTable = async (namespace: string): Promise<Table | undefined> => {
    const cached = tables.get(namespace);
    if (cached) return cached;
    if (!(await connection.tableNames()).includes(namespace)) return undefined;
    const table = await connection.openTable(namespace);
    dimensions.set(namespace, await vectorDimensionsOf(table));
    await recent.load(namespace);
    tables.set(namespace, table);
    return table;
  };

  const factsFromTable = async (namespace: string, table: Table): Promise<TableFacts> => ({ rows: await table.countRows(), dimensions: dimensions.get(namespace) ?? 0 });

  /**
   * The facts a write to the recent rows needs, from the log when it has them: an incremental run
   * then never opens the table. Undefined when there is no table (a log left without one is an orphan).
   */
  const factsOf = async (namespace: string): Promise<TableFacts | undefined> => {
    const { table: recorded } = await recent.load(namespace);
    if (recorded && (tables.has(namespace) || (await connection.tableNames()).includes(namespace))) return recorded;
    const table = await openTable(namespace);
    if (!table) return undefined;
    const facts = await factsFromTable(namespace, table);
    await recent.recordTable(namespace, facts);
    return facts;
  };

  // What a search needs to know of a table, asked before its first search (an indexing run never searches).
  const inspections = new Map<string, Promise<void>>();
  const inspect = (namespace: string, table: Table) => {
    let inspection = inspections.get(namespace);
    if (!inspection) {
      inspection = (async () => {
        // Rows another process wrote and did not fold in (a first load killed before its optimize).
        if (!(await searchIndexCoversAll(table))) unfolded.add(namespace);
        if (await hasVectorIndex(table)) annIndexed.add(namespace);
      })();
      inspections.set(namespace, inspection);
      inspection.catch(() => inspections.delete(namespace));
    }
    return inspection;
  };

  const cover = async (namespace: string, table: Table) => {
    await inspect(namespace, table);
    if (!unfolded.delete(namespace)) return;
    await optimizeTable(table);
    if (!annIndexed.has(namespace) && (dimensions.get(namespace) ?? 0) > 0 && (await table.countRows()) >= annMinRows) {
      await table.createIndex('vector', { config: lancedb.Index.hnswSq({ distanceType: 'cosine' }), replace: true });
      annIndexed.add(namespace);
    }
  };

  /** Moves the recent rows into the table: stale rows out, recent ones in (replacing), then the table optimized. */
  const fold = async (namespace: string, table: Table) => {
    const state = await recent.load(namespace);
    const stale = [...state.shadowed].filter((id) => !state.chunks.has(id));
    // Each step can be repeated: a crash before the recent rows are cleared leaves them to the next fold.
    for (const predicate of idPredicates(stale)) await table.delete(predicate);
    if (state.chunks.size > 0) {
      await table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([...state.chunks.values()].map((chunk) => toRow(storedChunkOf(chunk))));
    }
    unfolded.add(namespace);
    await cover(namespace, table);
    await recent.clear(namespace, await factsFromTable(namespace, table));
  };

  const optimizeNamespace = async (namespace: string) => {
    const loaded = loading.has(namespace) ? tables.get(namespace) : undefined;
    if (loaded) {
      // A first load ends with its table compacted (and given an ANN index if it is large enough).
      unfolded.add(namespace);
      await cover(namespace, loaded);
      loading.delete(namespace);
      return recent.clear(namespace, await factsFromTable(namespace, loaded));
    }
    const facts = await factsOf(namespace);
    if (!facts) return;
    const state = await recent.load(namespace);
    const due = state.shadowed.size > 0 && (state.shadowed.size >= FOLD_STALE_ROWS || state.chunks.size >= foldShare * facts.rows);
    const table = due ? await openTable(namespace) : undefined;
    if (table) await fold(namespace, table);
  };

  const whereClause = (filter: ChunkFilter | undefined): string | undefined => {
    if (!filter?.documentIds) return undefined;
    if (filter.documentIds.length === 0) return 'false';
    return `documentId IN (${filter.documentIds.map(sqlString).join(', ')})`;
  };

  /** The table's rows matching `where` that are not stale, by id. */
  const liveRows = async (namespace: string, table: Table, where: string, columns: string[]) => {
    const { shadowed } = await recent.load(namespace);
    return (await table.query().where(where).select(columns).toArray()).filter((row) => !shadowed.has(String(row.id)));
  };

  return {
    provider: 'lancedb',

    upsert: ({ namespace, chunks }) =>
      wrap('upsert', async () => {
        if (chunks.length === 0) return;
        // A first load's batches go to the table, each one commit: a failure leaves the rows being replaced as they were.
        const loaded = loading.has(namespace) ? tables.get(namespace) : undefined;
        if (loaded) {
          unfolded.add(namespace);
          await loaded.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(chunks.map(toRow));
          return;
        }
        const facts = await factsOf(namespace);
        if (!facts) {
          const dimensionCount = chunks[0]?.vector?.length;
          // Recent rows left by a namespace dropped in another process belong to nothing now.
          await recent.clear(namespace);
          const created = await connection.createTable(namespace, chunks.map(toRow), { schema: chunkSchema(dimensionCount) });
          await createSearchIndex(created);
          dimensions.set(namespace, dimensionCount ?? 0);
          tables.set(namespace, created);
          inspections.set(namespace, Promise.resolve());
          loading.add(namespace);
          return;
        }
        // Checked here, as the table would on a write: a row it refuses would stop every later fold.
        const expected = facts.dimensions;
        const wrong = chunks.find((chunk) => (chunk.vector?.length ?? 0) !== expected);
        if (wrong) throw new BotError('input_invalid', `Passage ${wrong.id} has ${wrong.vector?.length ?? 0} vector dimensions; ${namespace} holds ${expected}.`);
        await recent.put(namespace, chunks);
      }),


    query: ({ scope, lexicalQuery, vector, topK, filter }) =>
      wrap('query', async () => {
        const where = whereClause(filter);
        const merged = new Map<string, ScoredChunk>();
        // One hit per passage, with its lexical and its dense score.
        const take = (hit: ScoredChunk) => {
          const key = `${hit.namespace}\u0000${hit.chunk.id}`;
          const found = merged.get(key);
          if (!found) return void merged.set(key, hit);
          if (hit.lexicalScore !== undefined) found.lexicalScore = hit.lexicalScore;
          if (hit.denseScore !== undefined) found.denseScore = hit.denseScore;
        };
        await Promise.all(
          scope.namespaces.map(async (namespace) => {
            const table = await openTable(namespace);
            if (!table) return;
            await cover(namespace, table);
            const { shadowed } = await recent.load(namespace);
            // Stale rows are left out after the search: it asks for as many more.
            const found = await searchTable(table, { lexicalQuery, vector, topK: topK + shadowed.size, where, annIndexed: annIndexed.has(namespace) });
            const live = (rows: Record<string, unknown>[]) => rows.filter((row) => !shadowed.has(String(row.id))).slice(0, topK);
            for (const row of live(found.lexical)) take({ chunk: fromRow(row), namespace, lexicalScore: Number(row._score) });
            for (const row of live(found.dense)) take({ chunk: fromRow(row), namespace, denseScore: 1 - Number(row._distance) });
          }),
        );
        const lexical = lexicalQuery?.trim() ? { lexicalQuery } : {};
        for (const hit of await recent.query({ scope, ...lexical, ...(vector ? { vector } : {}), topK, ...(filter ? { filter } : {}) })) take(hit);
        return [...merged.values()];
      }),

    deleteChunks: ({ namespace, ids }) =>
      wrap('delete', async () => {
        if (ids.length === 0) return;
        const loaded = loading.has(namespace) ? tables.get(namespace) : undefined;
        if (loaded) {
          for (const predicate of idPredicates(ids)) await loaded.delete(predicate);
        } else if (await factsOf(namespace)) {
          await recent.delete(namespace, ids);
        }
      }),

    deleteDocument: ({ namespace, documentId }) =>
      wrap('delete', async () => {
        const table = await openTable(namespace);
        if (!table) return;
        if (loading.has(namespace)) return void (await table.delete(`documentId = ${sqlString(documentId)}`));
        const { chunks } = await recent.load(namespace);
        const ids = (await liveRows(namespace, table, `documentId = ${sqlString(documentId)}`, ['id'])).map((row) => String(row.id));
        for (const chunk of chunks.values()) if (chunk.documentId === documentId) ids.push(chunk.id);
        if (ids.length > 0) await recent.delete(namespace, ids);
      }),

    listDocumentIds: ({ namespace }) =>
      wrap('list', async () => {
        const table = await openTable(namespace);
        if (!table) return [];
        const ids = new Set((await liveRows(namespace, table, 'true', ['id', 'documentId'])).map((row) => String(row.documentId)));
        for (const chunk of (await recent.load(namespace)).chunks.values()) ids.add(chunk.documentId);
        return [...ids].sort();
      }),

    dropNamespace: ({ namespace }) =>
      wrap('drop', async () => {
        tables.get(namespace)?.close();
        tables.delete(namespace);
        for (const set of [unfolded, annIndexed, loading, inspections]) set.delete(namespace);
        await recent.clear(namespace);
        if ((await connection.tableNames()).includes(namespace)) await connection.dropTable(namespace);
      }),

    optimize: ({ namespace }) => wrap('optimize', () => optimizeNamespace(namespace)),

    stats: () =>
      wrap('stats', async () => {
        const result: NamespaceStats[] = [];
        for (const namespace of (await connection.tableNames()).sort()) {
          const table = await openTable(namespace);
          if (!table) continue;
          const { shadowed, chunks } = await recent.load(namespace);
          let chunkCount = (await table.countRows()) + chunks.size;
          for (const predicate of idPredicates([...shadowed])) chunkCount -= await table.countRows(predicate);
          result.push({ namespace, chunkCount });
        }
        return result;
      }),

    close: async () => {
      for (const table of tables.values()) table.close();
      tables.clear();
      connection.close();
    },
  };
};
