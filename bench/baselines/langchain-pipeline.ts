/**
 * The pipeline most LangChain.js tutorials build: RecursiveCharacterTextSplitter (1000 characters,
 * 200 overlap) over the documents, an in-memory vector store, top-k similarity, and a "stuff" chain.
 * There is no LLM here, so the stuffed context itself is the answer: the top chunks' texts joined
 * as `formatDocumentsAsString` would join them. It never abstains.
 */
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { EmbeddingModel } from '../../src/core/ports/embedding-model.js';
import { extractText, type SourceFile } from './extract-text.js';
import { RagbotEmbeddings } from './langchain-embeddings.js';

/** What the baselines and our pipeline share in the quality scenario. */
export type Pipeline = {
  /** The path a user waits for: retrieve, then answer. */
  answer(question: string): Promise<{ text: string; outcome: 'answered' | 'no-answer' }>;
  /** Distinct document ids, best first, for recall@5 and MRR@10 (not timed). */
  rankDocuments(question: string): Promise<string[]>;
  chunks: number;
};

export const LANGCHAIN_CHUNK_SIZE = 1000;
export const LANGCHAIN_CHUNK_OVERLAP = 200;
/** `vectorStore.asRetriever()`'s default k. */
export const LANGCHAIN_TOP_K = 4;
/** Chunks searched when ranking documents: enough for 10 distinct documents. */
const RANKING_DEPTH = 50;

export const splitDocuments = async (files: SourceFile[]): Promise<Document[]> => {
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: LANGCHAIN_CHUNK_SIZE, chunkOverlap: LANGCHAIN_CHUNK_OVERLAP });
  const documents = await Promise.all(
    files.map(async (file) => new Document({ pageContent: await extractText(file), metadata: { source: file.documentId } })),
  );
  return splitter.splitDocuments(documents);
};

export const distinctSources = (documents: Document[]): string[] => [...new Set(documents.map((document) => String(document.metadata.source)))];

/** Builds the pipeline over already-split documents (embedding them all). */
export const createLangChainPipeline = async (splits: Document[], model: EmbeddingModel): Promise<Pipeline> => {
  const store = new MemoryVectorStore(new RagbotEmbeddings(model));
  await store.addDocuments(splits);
  const retriever = store.asRetriever({ k: LANGCHAIN_TOP_K });
  return {
    chunks: store.memoryVectors.length,
    answer: async (question) => {
      const documents = await retriever.invoke(question);
      return { text: documents.map((document) => document.pageContent).join('\n\n'), outcome: 'answered' };
    },
    rankDocuments: async (question) => distinctSources(await store.similaritySearch(question, RANKING_DEPTH)),
  };
};
