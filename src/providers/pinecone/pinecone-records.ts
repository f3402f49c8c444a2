import type { RecordMetadata } from '@pinecone-database/pinecone';
import { BotError } from '../../core/bot-error.js';
import type { Chunk } from '../../core/chunk.js';

/** Pinecone's per-record metadata limit, and the share of it a record may use (headroom for how the service counts). */
export const METADATA_LIMIT_BYTES = 40 * 1024;
export const METADATA_BUDGET_BYTES = METADATA_LIMIT_BYTES - 1024;
export const TRUNCATION_MARK = ' […]';
export const MAX_ID_BYTES = 512;

export type ChunkMetadata = RecordMetadata & {
  documentId: string;
  collection: string;
  title: string;
  /** JSON array: Pinecone metadata lists hold strings, but order and empties must survive exactly. */
  headingPath: string;
  anchor?: string;
  url?: string;
  text: string;
  textTruncated?: boolean;
  contentHash: string;
  updatedAt: string;
  ordinal: number;
};

/** Unit length, so the dotproduct index scores dense matches as cosine similarities. */
export const normalize = (vector: number[]): number[] => {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm > 0 ? vector.map((value) => value / norm) : vector;
};

export const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');
export const jsonBytes = (value: unknown): number => utf8Bytes(JSON.stringify(value));

/** The first `length` UTF-16 units of `text`, without splitting a surrogate pair. */
const prefixOf = (text: string, length: number): string => {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
};

/**
 * A chunk's metadata: every field, `headingPath` as JSON. When the record would exceed the budget
 * (39 KB of JSON, under the 40 KB limit), the text is cut to the longest prefix that fits (binary
 * search on the serialized size, so JSON escaping and multi-byte characters are counted) and ends
 * with " […]"; `textTruncated` marks it. The sparse vector is computed from the full text, so the
 * passage is still found by every term; only what is shown and re-scored is shortened.
 */
export const toMetadata = (chunk: Chunk): ChunkMetadata => {
  const metadata: ChunkMetadata = {
    documentId: chunk.documentId,
    collection: chunk.collection,
    title: chunk.title,
    headingPath: JSON.stringify(chunk.headingPath),
    ...(chunk.anchor === undefined ? {} : { anchor: chunk.anchor }),
    ...(chunk.url === undefined ? {} : { url: chunk.url }),
    text: chunk.text,
    contentHash: chunk.contentHash,
    updatedAt: chunk.updatedAt,
    ordinal: chunk.ordinal,
  };
  if (jsonBytes(metadata) <= METADATA_BUDGET_BYTES) return metadata;
  const withText = (length: number): ChunkMetadata => ({ ...metadata, text: `${prefixOf(chunk.text, length)}${TRUNCATION_MARK}`, textTruncated: true });
  if (jsonBytes(withText(0)) > METADATA_BUDGET_BYTES) {
    throw new BotError('input_invalid', `Chunk ${chunk.id} cannot be stored in Pinecone: its title, headings and links alone exceed the ${METADATA_LIMIT_BYTES}-byte metadata limit.`);
  }
  let low = 0;
  let high = chunk.text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (jsonBytes(withText(middle)) <= METADATA_BUDGET_BYTES) low = middle;
    else high = middle - 1;
  }
  return withText(low);
};

export const fromMetadata = (id: string, metadata: RecordMetadata | undefined): Chunk | undefined => {
  if (!metadata || typeof metadata.documentId !== 'string' || typeof metadata.text !== 'string') return undefined; // not a ragbot record
  let headingPath: string[] = [];
  try {
    const parsed = JSON.parse(String(metadata.headingPath ?? '[]')) as unknown;
    if (Array.isArray(parsed)) headingPath = parsed.map(String);
  } catch {
    // a damaged heading path costs the citation its section, not the hit
  }
  const chunk: Chunk = {
    id,
    documentId: metadata.documentId,
    collection: String(metadata.collection ?? ''),
    title: String(metadata.title ?? ''),
    headingPath,
    text: metadata.text,
    contentHash: String(metadata.contentHash ?? ''),
    updatedAt: String(metadata.updatedAt ?? ''),
    ordinal: Number(metadata.ordinal ?? 0),
  };
  if (typeof metadata.anchor === 'string') chunk.anchor = metadata.anchor;
  if (typeof metadata.url === 'string') chunk.url = metadata.url;
  return chunk;
};

/** The document part of a chunk id `${documentId}#${hash}`: content hashes hold no `#`, paths may. */
export const documentIdOf = (id: string): string | undefined => {
  const at = id.lastIndexOf('#');
  return at > 0 ? id.slice(0, at) : undefined;
};
