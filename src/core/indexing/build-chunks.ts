import { searchableText, type Chunk } from '../chunk.js';
import type { ChunkDraft } from '../ports/document-source.js';
import type { TermChunkCounts } from '../ports/index-catalog-store.js';
import { terms } from '../text/analyze.js';
import { shortHash } from './hash.js';

/** Gives drafts their identity: ids derive from content, so an unchanged passage keeps its id. */
export const buildChunks = (
  drafts: ChunkDraft[],
  document: { documentId: string; collection: string; modifiedAt: Date; url?: string },
): Chunk[] => {
  const seen = new Map<string, number>();
  return drafts.map((draft, ordinal) => {
    const contentHash = shortHash(`${draft.headingPath.join('\u0000')}\u0001${draft.text}`);
    // The same passage twice in one document (a repeated warning, say) still needs two ids.
    const repeat = seen.get(contentHash) ?? 0;
    seen.set(contentHash, repeat + 1);
    const chunk: Chunk = {
      id: `${document.documentId}#${contentHash}${repeat ? `-${repeat}` : ''}`,
      documentId: document.documentId,
      collection: document.collection,
      title: draft.title,
      headingPath: draft.headingPath,
      text: draft.text,
      contentHash,
      updatedAt: document.modifiedAt.toISOString(),
      ordinal,
    };
    if (draft.anchor) chunk.anchor = draft.anchor;
    if (document.url) chunk.url = document.url;
    return chunk;
  });
};

/** A document's share of the corpus statistics: per term, the number of its chunks containing it. */
export const termStatistics = (chunks: Chunk[]): { termChunkCounts: TermChunkCounts; tokenCount: number } => {
  const termChunkCounts: TermChunkCounts = {};
  let tokenCount = 0;
  for (const chunk of chunks) {
    const chunkTerms = terms(searchableText(chunk));
    tokenCount += chunkTerms.length;
    for (const term of new Set(chunkTerms)) termChunkCounts[term] = (termChunkCounts[term] ?? 0) + 1;
  }
  return { termChunkCounts, tokenCount };
};
