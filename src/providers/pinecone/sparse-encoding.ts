import { searchableText, type Chunk } from '../../core/chunk.js';
import type { WeightedTerm } from '../../core/ports/vector-store.js';
import { terms } from '../../core/text/analyze.js';

/**
 * Client-side BM25 as Pinecone sparse vectors, for a dotproduct (hybrid) index: a document carries
 * each stem's BM25 term-frequency part, a query each stem's weight (the core's IDF, tempered), so the
 * dot product is a BM25 score. Good candidates with comparable scores are all the store owes: the
 * core re-scores lexical hits with its own scope-wide BM25.
 *
 * A stem's dimension is its 32-bit FNV-1a hash. Collisions are negligible: a query stem meets some
 * other stem of a 100,000-stem vocabulary with probability ~100,000 / 2^32 ≈ 2e-5, and a collision
 * only adds a spurious candidate that the core's re-scoring (on the real stems) demotes. Stems that
 * do collide inside one vector are summed, which keeps indices unique as Pinecone requires.
 */

export type SparseVector = { indices: number[]; values: number[] };

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
/** Typical chunk length in terms (title twice, headings, text), when the caller has no corpus figure. */
export const DEFAULT_AVERAGE_LENGTH = 120;
/** Pinecone accepts at most 1000 non-zero values in the sparse part of a hybrid record. */
export const MAX_SPARSE_VALUES = 1000;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** FNV-1a over the stem's UTF-8 bytes: a stable unsigned 32-bit dimension. */
export const termIndex = (stem: string): number => {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(stem)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
};

/**
 * Sorted, unique indices with finite positive values; undefined when nothing is left (Pinecone
 * rejects an empty sparse vector, so the field must then be left out). Over the service's limit,
 * the heaviest values are kept.
 */
export const toSparseVector = (weights: Map<number, number>): SparseVector | undefined => {
  let entries = [...weights].filter(([, value]) => Number.isFinite(value) && value > 0);
  if (entries.length === 0) return undefined;
  if (entries.length > MAX_SPARSE_VALUES) {
    entries = entries.sort((left, right) => right[1] - left[1] || left[0] - right[0]).slice(0, MAX_SPARSE_VALUES);
  }
  entries.sort((left, right) => left[0] - right[0]);
  return { indices: entries.map(([index]) => index), values: entries.map(([, value]) => value) };
};

const addWeight = (weights: Map<number, number>, stem: string, weight: number) => {
  const index = termIndex(stem);
  weights.set(index, (weights.get(index) ?? 0) + weight);
};

/**
 * A chunk's sparse vector: for each stem, tf·(k1+1) / (tf + k1·(1 − b + b·len/avgLen)), over the
 * same terms the core's re-scoring counts (the title twice, then headings and text).
 */
export const encodeDocument = (
  chunk: Pick<Chunk, 'title' | 'headingPath' | 'text'>,
  options: { averageLength?: number } = {},
): SparseVector | undefined => {
  const averageLength = options.averageLength && options.averageLength > 0 ? options.averageLength : DEFAULT_AVERAGE_LENGTH;
  const chunkTerms = [...terms(chunk.title), ...terms(searchableText(chunk))];
  const counts = new Map<string, number>();
  for (const term of chunkTerms) counts.set(term, (counts.get(term) ?? 0) + 1);
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * chunkTerms.length) / averageLength);
  const weights = new Map<number, number>();
  for (const [term, frequency] of counts) addWeight(weights, term, (frequency * (BM25_K1 + 1)) / (frequency + norm));
  return toSparseVector(weights);
};

/** A query's sparse vector: the core's weighted stems, hashed like the documents'. */
export const encodeQuery = (weightedTerms: readonly WeightedTerm[]): SparseVector | undefined => {
  const stems = new Map<string, number>();
  for (const { term, weight } of weightedTerms) {
    // A stem listed twice counts once, at its heaviest weight (as the core's re-scoring does).
    if (term && weight > 0 && Number.isFinite(weight)) stems.set(term, Math.max(stems.get(term) ?? 0, weight));
  }
  const weights = new Map<number, number>();
  for (const [term, weight] of stems) addWeight(weights, term, weight);
  return toSparseVector(weights);
};
