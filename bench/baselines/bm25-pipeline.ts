/**
 * Plain BM25 over our chunks with MiniSearch (zero dependencies, typed, maintained: 7.2.0 in
 * 2025-09, 7.1.3 in 2026-08, ~3M downloads a month). MiniSearch scores with BM25+ (k 1.2, b 0.7,
 * d 0.5) and multiplies each document's score by the number of query terms it matched; here d is
 * 0 and b 0.75, and that multiplier is divided out, which leaves Okapi BM25 (k1 1.2, b 0.75), with
 * one difference of MiniSearch's: a document's length is its number of distinct terms. Its
 * tokenizer (Unicode word boundaries) and lower-casing are used as they come: no stemming, no
 * stop words, no fuzzy or prefix matching. The answer is the top chunks' texts; it never abstains.
 */
import MiniSearch from 'minisearch';
import { searchableText, type Chunk } from '../../src/core/chunk.js';
import type { Pipeline } from './langchain-pipeline.js';

export const BM25_PARAMETERS = { k: 1.2, b: 0.75, d: 0 };
/** Chunks stuffed into the answer, as many as the LangChain baseline's retriever returns. */
export const BM25_TOP_K = 4;

export type Bm25Hit = { chunk: Chunk; score: number };

export const createBm25Index = (chunks: Chunk[]) => {
  const index = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], storeFields: [], searchOptions: { bm25: BM25_PARAMETERS } });
  // The same text our store indexes: title and headings, then the passage.
  index.addAll(chunks.map((chunk, position) => ({ id: position, text: searchableText(chunk) })));
  const search = (question: string): Bm25Hit[] =>
    index
      .search(question)
      .map((result) => ({ chunk: chunks[result.id as number] as Chunk, score: result.score / Math.max(1, result.queryTerms.length) }))
      .sort((left, right) => right.score - left.score || left.chunk.id.localeCompare(right.chunk.id));
  return { search, size: index.documentCount };
};

export const createBm25Pipeline = (chunks: Chunk[]): Pipeline => {
  const { search, size } = createBm25Index(chunks);
  return {
    chunks: size,
    answer: async (question) => ({
      text: search(question).slice(0, BM25_TOP_K).map((hit) => hit.chunk.text).join('\n\n'),
      outcome: 'answered',
    }),
    rankDocuments: async (question) => [...new Set(search(question).map((hit) => hit.chunk.documentId))],
  };
};
