import type { StoredChunk } from '../../src/core/chunk.js';

let counter = 0;

/** A chunk with sensible defaults; `vector` only when given. */
export const sampleChunk = (overrides: Partial<StoredChunk> & { text: string }): StoredChunk => {
  counter++;
  const documentId = overrides.documentId ?? `doc-${counter}.md`;
  return {
    id: overrides.id ?? `${documentId}#${counter.toString(16).padStart(16, '0')}`,
    documentId,
    collection: overrides.collection ?? 'runbooks',
    title: overrides.title ?? 'Sample document',
    headingPath: overrides.headingPath ?? ['Sample document', 'A section'],
    contentHash: overrides.contentHash ?? counter.toString(16),
    updatedAt: overrides.updatedAt ?? '2026-01-02T03:04:05.000Z',
    ordinal: overrides.ordinal ?? 0,
    ...overrides,
  };
};

/** A unit vector pointing mostly along one axis: easy nearest-neighbour expectations. */
export const axisVector = (dimensions: number, axis: number, noise = 0.01): number[] =>
  Array.from({ length: dimensions }, (_, index) => (index === axis ? 1 : noise));
