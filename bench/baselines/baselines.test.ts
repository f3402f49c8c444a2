import { Document } from '@langchain/core/documents';
import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/core/chunk.js';
import type { EmbeddingModel, EmbeddingPurpose } from '../../src/core/ports/embedding-model.js';
import { createHashEmbeddingModel } from '../../src/providers/embeddings/hash-embedding-model.js';
import { BM25_PARAMETERS, createBm25Index, createBm25Pipeline } from './bm25-pipeline.js';
import { documentText } from './extract-text.js';
import { RagbotEmbeddings } from './langchain-embeddings.js';
import { createLangChainPipeline, distinctSources } from './langchain-pipeline.js';

/** An embedder that records each call and returns [index, length] vectors. */
const recordingModel = (maxValuesPerCall: number) => {
  const calls: { values: string[]; purpose: EmbeddingPurpose }[] = [];
  const model: EmbeddingModel = {
    provider: 'recording', modelId: 'recording-2', dimensions: 2, maxValuesPerCall,
    async embed({ values, purpose }) {
      calls.push({ values, purpose });
      return { embeddings: values.map((value) => [calls.length, value.length]) };
    },
  };
  return { model, calls };
};

const chunk = (id: string, text: string, title = 'Doc'): Chunk => ({
  id, documentId: `${id}.md`, collection: 'runbooks', title, headingPath: [title], text, contentHash: id, updatedAt: '2026-01-01T00:00:00.000Z', ordinal: 0,
});

describe('RagbotEmbeddings (our embedders behind LangChain’s Embeddings)', () => {
  it('embeds documents in batches of the model’s maxValuesPerCall, in order, as documents', async () => {
    const { model, calls } = recordingModel(2);
    const vectors = await new RagbotEmbeddings(model).embedDocuments(['a', 'bb', 'ccc', 'dddd', 'eeeee']);
    expect(calls.map((call) => call.values)).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    expect(calls.every((call) => call.purpose === 'document')).toBe(true);
    expect(vectors).toEqual([[1, 1], [1, 2], [2, 3], [2, 4], [3, 5]]);
  });

  it('embeds a query with the query purpose', async () => {
    const { model, calls } = recordingModel(8);
    expect(await new RagbotEmbeddings(model).embedQuery('drain')).toEqual([1, 5]);
    expect(calls).toEqual([{ values: ['drain'], purpose: 'query' }]);
  });

  it('gives LangChain exactly the vectors our embedder gives', async () => {
    const hash = createHashEmbeddingModel();
    const text = 'drain the haproxy backend before patching';
    const [ours] = (await hash.embed({ values: [text], purpose: 'document' })).embeddings;
    expect(await new RagbotEmbeddings(hash).embedDocuments([text])).toEqual([ours]);
  });
});

describe('the LangChain.js baseline', () => {
  it('retrieves the matching chunk first and stuffs the top chunks’ texts as the answer', async () => {
    const splits = [
      new Document({ pageContent: 'Drain a haproxy backend with set server state drain on the admin socket.', metadata: { source: 'runbooks/haproxy.md' } }),
      new Document({ pageContent: 'Rotate the vault root token every 90 days.', metadata: { source: 'security/vault.md' } }),
      new Document({ pageContent: 'BGP sessions flap when the hold timer expires.', metadata: { source: 'runbooks/bgp.md' } }),
    ];
    const pipeline = await createLangChainPipeline(splits, createHashEmbeddingModel());
    expect(pipeline.chunks).toBe(3);
    expect((await pipeline.rankDocuments('how do I drain a haproxy backend?'))[0]).toBe('runbooks/haproxy.md');
    const answer = await pipeline.answer('vault root token rotation');
    expect(answer.outcome).toBe('answered');
    expect(answer.text.split('\n\n')[0]).toBe('Rotate the vault root token every 90 days.');
  });

  it('ranks documents by their best chunk, each once', () => {
    const docs = ['a.md', 'b.md', 'a.md', 'c.md'].map((source) => new Document({ pageContent: source, metadata: { source } }));
    expect(distinctSources(docs)).toEqual(['a.md', 'b.md', 'c.md']);
  });
});

describe('the BM25 baseline (MiniSearch)', () => {
  const chunks = [
    chunk('haproxy', 'drain the backend server on the haproxy admin socket'),
    chunk('bgp', 'the bgp session flaps when the hold timer expires on the router'),
    chunk('vault', 'rotate the vault token; the vault root token rotates every 90 days'),
  ];

  it('ranks the chunk with the rare query terms first', () => {
    const { search } = createBm25Index(chunks);
    expect(search('vault token').map((hit) => hit.chunk.id)).toEqual(['vault']);
    expect(search('haproxy drain')[0]?.chunk.id).toBe('haproxy');
    expect(search('the router').map((hit) => hit.chunk.id)[0]).toBe('bgp');
  });

  it('scores with Okapi BM25 (MiniSearch’s coordination factor divided out; its length is distinct terms)', () => {
    // One field (title, newline, text); "vault" occurs twice in the vault chunk only.
    const { search } = createBm25Index(chunks);
    const [hit] = search('vault');
    const lengths = chunks.map((entry) => new Set(`Doc\n${entry.text}`.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)).size);
    const average = lengths.reduce((sum, length) => sum + length, 0) / lengths.length;
    const { k, b } = BM25_PARAMETERS;
    const idf = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
    const expected = idf * ((2 * (k + 1)) / (2 + k * (1 - b + (b * (lengths[2] as number)) / average)));
    expect(hit?.score).toBeCloseTo(expected, 6);
    // Two matched terms: MiniSearch would have doubled the sum; plain BM25 does not.
    const [both] = search('vault rotate');
    const [rotate] = search('rotate');
    expect(both?.score).toBeCloseTo((hit?.score ?? 0) + (rotate?.score ?? 0), 6);
  });

  it('does not stem: "rotates" and "rotate" are different terms', () => {
    const { search } = createBm25Index([chunk('a', 'rotate the token'), chunk('b', 'the token rotates')]);
    expect(search('rotates').map((hit) => hit.chunk.id)).toEqual(['b']);
  });

  it('answers with the top chunks’ texts and never abstains', async () => {
    const pipeline = createBm25Pipeline(chunks);
    const answer = await pipeline.answer('kafka consumer lag');
    expect(answer).toEqual({ text: '', outcome: 'answered' });
    expect(await pipeline.rankDocuments('bgp hold timer')).toEqual(['bgp.md']);
  });
});

describe('documentText (our loaders’ output as one text for the splitter)', () => {
  it('keeps the title, section headings and blocks in reading order', () => {
    const text = documentText({
      title: 'HAProxy drain',
      sections: [
        { headingPath: ['HAProxy drain'], blocks: ['Intro paragraph.'] },
        { headingPath: ['HAProxy drain', 'Steps'], blocks: ['1. Drain\n2. Patch', '```\nsocat\n```'] },
      ],
    });
    expect(text).toBe('HAProxy drain\n\nIntro paragraph.\n\nSteps\n\n1. Drain\n2. Patch\n\n```\nsocat\n```');
  });
});
