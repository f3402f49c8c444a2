import { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from 'apache-arrow';
import { searchableText, type Chunk, type StoredChunk } from '../../core/chunk.js';
import { compounds } from '../../core/text/analyze.js';

/** One LanceDB row per chunk; `searchText` (title and headings first) carries the BM25 index. */
export type ChunkRow = {
  id: string;
  documentId: string;
  collection: string;
  title: string;
  headingPath: string;
  anchor: string | null;
  url: string | null;
  text: string;
  searchText: string;
  contentHash: string;
  updatedAt: string;
  ordinal: number;
  vector?: number[];
};

export const CHUNK_COLUMNS = [
  'id', 'documentId', 'collection', 'title', 'headingPath', 'anchor', 'url', 'text', 'contentHash', 'updatedAt', 'ordinal',
];

export const chunkSchema = (dimensions: number | undefined): Schema => {
  const fields: Field[] = [
    new Field('id', new Utf8(), false),
    new Field('documentId', new Utf8(), false),
    new Field('collection', new Utf8(), false),
    new Field('title', new Utf8(), false),
    new Field('headingPath', new Utf8(), false),
    new Field('anchor', new Utf8(), true),
    new Field('url', new Utf8(), true),
    new Field('text', new Utf8(), false),
    new Field('searchText', new Utf8(), false),
    new Field('contentHash', new Utf8(), false),
    new Field('updatedAt', new Utf8(), false),
    new Field('ordinal', new Int32(), false),
  ];
  if (dimensions !== undefined) {
    fields.push(new Field('vector', new FixedSizeList(dimensions, new Field('item', new Float32(), true)), false));
  }
  return new Schema(fields);
};

/**
 * What BM25 indexes: the title once more (a crude field boost: a passage of the document named after
 * the question's subject should win), headings and text, and hyphenated words joined ("wifi").
 */
const searchTextOf = (chunk: StoredChunk): string => {
  const text = searchableText(chunk);
  return `${chunk.title}\n${text}\n${compounds(text).join(' ')}`;
};

export const toRow = (chunk: StoredChunk): ChunkRow => {
  const row: ChunkRow = {
    id: chunk.id,
    documentId: chunk.documentId,
    collection: chunk.collection,
    title: chunk.title,
    headingPath: JSON.stringify(chunk.headingPath),
    anchor: chunk.anchor ?? null,
    url: chunk.url ?? null,
    text: chunk.text,
    searchText: searchTextOf(chunk),
    contentHash: chunk.contentHash,
    updatedAt: chunk.updatedAt,
    ordinal: chunk.ordinal,
  };
  if (chunk.vector) row.vector = chunk.vector;
  return row;
};

export const fromRow = (row: Record<string, unknown>): Chunk => {
  const chunk: Chunk = {
    id: String(row.id),
    documentId: String(row.documentId),
    collection: String(row.collection),
    title: String(row.title),
    headingPath: JSON.parse(String(row.headingPath)) as string[],
    text: String(row.text),
    contentHash: String(row.contentHash),
    updatedAt: String(row.updatedAt),
    ordinal: Number(row.ordinal),
  };
  if (typeof row.anchor === 'string') chunk.anchor = row.anchor;
  if (typeof row.url === 'string') chunk.url = row.url;
  return chunk;
};

/** SQL string literal for LanceDB filters. */
export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
