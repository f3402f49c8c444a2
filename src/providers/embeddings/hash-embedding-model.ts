import type { EmbeddingModel } from '../../core/ports/embedding-model.js';
import { terms } from '../../core/text/analyze.js';

const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/**
 * Feature hashing of stems and stem bigrams: deterministic, instant, no data files.
 * It exercises every dense code path in tests; it is not a semantic model.
 */
export const createHashEmbeddingModel = (options: { dimensions?: number } = {}): EmbeddingModel => {
  const dimensions = options.dimensions ?? 384;
  const embedOne = (text: string): number[] => {
    const vector = new Array<number>(dimensions).fill(0);
    const stems = terms(text);
    const counts = new Map<string, number>();
    stems.forEach((stem, index) => {
      counts.set(stem, (counts.get(stem) ?? 0) + 1);
      const next = stems[index + 1];
      if (next) counts.set(`${stem} ${next}`, (counts.get(`${stem} ${next}`) ?? 0) + 0.5);
    });
    for (const [feature, count] of counts) {
      const hash = fnv1a(feature);
      // The top bit picks the sign, so collisions cancel out on average instead of piling up.
      vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + (hash & 0x80000000 ? -1 : 1) * (1 + Math.log(count));
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((value) => value / norm);
  };
  return {
    provider: 'hash',
    modelId: `hash-${dimensions}-v1`,
    dimensions,
    maxValuesPerCall: 1_000,
    async embed({ values }) {
      return { embeddings: values.map(embedOne) };
    },
  };
};
