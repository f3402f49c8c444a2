import * as lancedb from '@lancedb/lancedb';
import { BotError, describeError } from '../../core/bot-error.js';
import type { ScoredChunk } from '../../core/chunk.js';
import type { ChunkFilter, NamespaceStats, VectorStore } from '../../core/ports/vector-store.js';
import { CHUNK_COLUMNS, chunkSchema, fromRow, sqlString, toRow } from './chunk-rows.js';

type Table = lancedb.Table;

// Stemmed, stop-word-free BM25 over title, headings and text. No positions: phrase queries are
// not used, and the index is smaller and faster to build without them.
// A native Index object can be used once, hence a factory.
const ftsIndex = () => lancedb.Index.fts({
  baseTokenizer: 'simple', lowercase: true, stem: true, language: 'English', removeStopWords: true,
  asciiFolding: true, withPosition: false,
});

// LanceDB's default name for an index on `searchText`, which tables made before it was named have.
const SEARCH_INDEX = 'searchText_idx';
const createSearchIndex = (table: Table) => table.createIndex('searchText', { config: ftsIndex(), replace: true, name: SEARCH_INDEX });

const DELETE_BATCH = 500;

// From about this many rows a table's flat vector scan costs more than an HNSW-SQ index searched
// with exact re-ranking (bench/README.md, "Where the ANN index pays"); below it the scan is faster.
export const ANN_MIN_ROWS = 7_500;
// The index's approximate distances alone keep 70-83% of the true 10 nearest; re-ranking ten times
// as many candidates by exact distance keeps 97-100%.
const REFINE_FACTOR = 10;
const vectorDimensionsOf = (schema: { fields: { name: string; type: unknown }[] }): number =>
  (schema.fields.find((field) => field.name === 'vector')?.type as { listSize?: number } | undefined)?.listSize ?? 0;
const hasVectorIndex = async (table: Table) => (await table.listIndices()).some((index) => index.columns.includes('vector'));

const idPredicates = (ids: string[]): string[] => {
  const predicates: string[] = [];
  for (let start = 0; start < ids.length; start += DELETE_BATCH) {
    predicates.push(`id IN (${ids.slice(start, start + DELETE_BATCH).map(sqlString).join(', ')})`);
  }
  return predicates;
};

/** The embedded store: one LanceDB table per namespace, under the data directory. */
export const createLanceDbVectorStore = async (options: { directory: string; annMinRows?: number }): Promise<VectorStore> => {
  const connection = await lancedb.connect(options.directory);
  const annMinRows = options.annMinRows ?? ANN_MIN_ROWS;
  const tables = new Map<string, Table>();
  // Namespaces whose vectors have an ANN index: searched with exact re-ranking of the candidates.
  const vectorIndexed = new Set<string>();
  // Namespaces written since their last optimize. LanceDB 0.31 scores rows its BM25 index does not
  // cover yet (added or merged alike) with skewed statistics: far below indexed rows, and in a small
  // table a replaced row sharing words with its old version not at all. So a query folds them in first.
  const dirty = new Set<string>();
  // Tables made without an embedder have no vector column worth indexing (dimension 0 or absent).
  const vectorDimensions = new Map<string, number>();
  const hasVectors = (namespace: string) => (vectorDimensions.get(namespace) ?? 0) > 0;
  const optimizeTable = async (namespace: string) => {
    const table = await openTable(namespace);
    dirty.delete(namespace);
    if (!table) return;
    // A process that died between creating a table and indexing it left it without the index.
    if (!(await table.indexStats(SEARCH_INDEX))) await createSearchIndex(table);
    // Folds new rows into the BM25 index (and an ANN index) and compacts the small fragments each write leaves.
    await table.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
    if (!vectorIndexed.has(namespace) && hasVectors(namespace) && (await table.countRows()) >= annMinRows) {
      await table.createIndex('vector', { config: lancedb.Index.hnswSq({ distanceType: 'cosine' }), replace: true });
      vectorIndexed.add(namespace);
    }
  };

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
    const names = await connection.tableNames();
    if (!names.includes(namespace)) return undefined;
    const table = await connection.openTable(namespace);
    // Rows another process wrote and did not fold in (an index run killed before its optimize) are
    // folded in before this process first searches them.
    const coverage = await table.indexStats(SEARCH_INDEX);
    if (!coverage || coverage.numUnindexedRows > 0) dirty.add(namespace);
    if (await hasVectorIndex(table)) vectorIndexed.add(namespace);
    vectorDimensions.set(namespace, vectorDimensionsOf(await table.schema()));
    tables.set(namespace, table);
    return table;
  };

  const whereClause = (filter: ChunkFilter | undefined): string | undefined => {
    if (!filter?.documentIds) return undefined;
    if (filter.documentIds.length === 0) return 'false';
    return `documentId IN (${filter.documentIds.map(sqlString).join(', ')})`;
  };

  const deleteWhere = async (namespace: string, predicates: string[]) => {
    const table = await openTable(namespace);
    if (!table) return;
    dirty.add(namespace);
    for (const predicate of predicates) await table.delete(predicate);
  };

  return {
    provider: 'lancedb',

    upsert: ({ namespace, chunks }) =>
      wrap('upsert', async () => {
        if (chunks.length === 0) return;
        const rows = chunks.map(toRow);
        const table = await openTable(namespace);
        if (!table) {
          const dimensions = chunks[0]?.vector?.length;
          const created = await connection.createTable(namespace, rows, { schema: chunkSchema(dimensions) });
          await createSearchIndex(created);
          vectorDimensions.set(namespace, dimensions ?? 0);
          tables.set(namespace, created);
          return;
        }
        dirty.add(namespace);
        // One commit: a failure or a crash leaves the rows being replaced as they were (a delete
        // followed by an add lost them in between).
        await table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
      }),

    query: ({ scope, lexicalQuery, vector, topK, filter }) =>
      wrap('query', async () => {
        const where = whereClause(filter);
        const merged = new Map<string, ScoredChunk>();
        const hitOf = (namespace: string, row: Record<string, unknown>): ScoredChunk => {
          const key = `${namespace}\u0000${String(row.id)}`;
          let hit = merged.get(key);
          if (!hit) {
            hit = { chunk: fromRow(row), namespace };
            merged.set(key, hit);
          }
          return hit;
        };
        await Promise.all(
          scope.namespaces.map(async (namespace) => {
            const table = await openTable(namespace);
            if (!table) return;
            if (dirty.has(namespace)) await optimizeTable(namespace);
            if (lexicalQuery && lexicalQuery.trim()) {
              let search = table.query().fullTextSearch(lexicalQuery, { columns: ['searchText'] }).select([...CHUNK_COLUMNS, '_score']).limit(topK);
              if (where) search = search.where(where);
              for (const row of await search.toArray()) hitOf(namespace, row).lexicalScore = Number(row._score);
            }
            if (vector) {
              let search = table.vectorSearch(vector).distanceType('cosine').select([...CHUNK_COLUMNS, '_distance']).limit(topK);
              if (vectorIndexed.has(namespace)) search = search.refineFactor(REFINE_FACTOR);
              if (where) search = search.where(where);
              for (const row of await search.toArray()) hitOf(namespace, row).denseScore = 1 - Number(row._distance);
            }
          }),
        );
        return [...merged.values()];
      }),

    deleteChunks: ({ namespace, ids }) =>
      wrap('delete', async () => {
        await deleteWhere(namespace, idPredicates(ids));
      }),

    deleteDocument: ({ namespace, documentId }) =>
      wrap('delete', () => deleteWhere(namespace, [`documentId = ${sqlString(documentId)}`])),

    listDocumentIds: ({ namespace }) =>
      wrap('list', async () => {
        const table = await openTable(namespace);
        if (!table) return [];
        const rows = await table.query().select(['documentId']).toArray();
        return [...new Set(rows.map((row) => String(row.documentId)))].sort();
      }),

    dropNamespace: ({ namespace }) =>
      wrap('drop', async () => {
        tables.delete(namespace);
        vectorIndexed.delete(namespace);
        if ((await connection.tableNames()).includes(namespace)) await connection.dropTable(namespace);
      }),

    optimize: ({ namespace }) => wrap('optimize', () => optimizeTable(namespace)),

    stats: () =>
      wrap('stats', async () => {
        const result: NamespaceStats[] = [];
        for (const namespace of (await connection.tableNames()).sort()) {
          const table = await openTable(namespace);
          if (table) result.push({ namespace, chunkCount: await table.countRows() });
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

