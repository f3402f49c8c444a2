import * as lancedb from '@lancedb/lancedb';
import { CHUNK_COLUMNS, sqlString } from './chunk-rows.js';

export type Table = lancedb.Table;

// Stemmed, stop-word-free BM25 over title, headings and text. No positions: phrase queries are
// not used, and the index is smaller and faster to build without them.
// A native Index object can be used once, hence a factory.
const ftsIndex = () => lancedb.Index.fts({
  baseTokenizer: 'simple', lowercase: true, stem: true, language: 'English', removeStopWords: true,
  asciiFolding: true, withPosition: false,
});

// LanceDB's default name for an index on `searchText`, which tables made before it was named have.
const SEARCH_INDEX = 'searchText_idx';
export const createSearchIndex = (table: Table) => table.createIndex('searchText', { config: ftsIndex(), replace: true, name: SEARCH_INDEX });

/** Whether every row of the table is in its full-text index (false without the index). */
export const searchIndexCoversAll = async (table: Table): Promise<boolean> => {
  const coverage = await table.indexStats(SEARCH_INDEX);
  return coverage !== undefined && coverage.numUnindexedRows === 0;
};

/**
 * Folds new rows into the table's BM25 index (and an ANN index) and compacts the fragments each
 * write leaves. A process that died between creating a table and indexing it left it without the index.
 */
export const optimizeTable = async (table: Table): Promise<void> => {
  if (!(await table.indexStats(SEARCH_INDEX))) await createSearchIndex(table);
  await table.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
};

export const vectorDimensionsOf = async (table: Table): Promise<number> => {
  const schema = await table.schema();
  return (schema.fields.find((field) => field.name === 'vector')?.type as { listSize?: number } | undefined)?.listSize ?? 0;
};

export const hasVectorIndex = async (table: Table) => (await table.listIndices()).some((index) => index.columns.includes('vector'));

const DELETE_BATCH = 500;

export const idPredicates = (ids: string[]): string[] => {
  const predicates: string[] = [];
  for (let start = 0; start < ids.length; start += DELETE_BATCH) {
    predicates.push(`id IN (${ids.slice(start, start + DELETE_BATCH).map(sqlString).join(', ')})`);
  }
  return predicates;
};

// The index's approximate distances alone keep 70-83% of the true 10 nearest; re-ranking ten times
// as many candidates by exact distance keeps 97-100%.
const REFINE_FACTOR = 10;

export type TableSearch = {
  lexicalQuery?: string;
  vector?: number[];
  topK: number;
  where?: string;
  /** The table has an ANN index on its vectors: re-rank its candidates by exact distance. */
  annIndexed: boolean;
};

/** One table's BM25 and nearest-vector candidates, each list with its own score. */
export const searchTable = async (table: Table, search: TableSearch) => {
  const lexical: Record<string, unknown>[] = [];
  const dense: Record<string, unknown>[] = [];
  if (search.lexicalQuery && search.lexicalQuery.trim()) {
    let query = table.query().fullTextSearch(search.lexicalQuery, { columns: ['searchText'] }).select([...CHUNK_COLUMNS, '_score']).limit(search.topK);
    if (search.where) query = query.where(search.where);
    lexical.push(...(await query.toArray()));
  }
  if (search.vector) {
    let query = table.vectorSearch(search.vector).distanceType('cosine').select([...CHUNK_COLUMNS, '_distance']).limit(search.topK);
    if (search.annIndexed) query = query.refineFactor(REFINE_FACTOR);
    if (search.where) query = query.where(search.where);
    dense.push(...(await query.toArray()));
  }
  return { lexical, dense };
};
