/** A passage of a document, the unit of retrieval and citation. */
export type Chunk = {
  /** `${documentId}#${contentHash}`: stable while the passage is unchanged. */
  id: string;
  /** The document's path relative to its source root, with `/` separators. */
  documentId: string;
  collection: string;
  title: string;
  /** Headings from the document title down to this passage's section. */
  headingPath: string[];
  /** Slug of the section heading, or `page=N` for PDF pages. */
  anchor?: string;
  url?: string;
  /** Body text as shown and quoted. */
  text: string;
  /** Hash of the passage text and its heading path. */
  contentHash: string;
  /** ISO time of the document's last modification. */
  updatedAt: string;
  /** Position of the chunk within its document. */
  ordinal: number;
};

export type StoredChunk = Chunk & { vector?: number[] };

/** A retrieval hit; each score is present only when that retriever found the chunk. */
export type ScoredChunk = {
  chunk: Chunk;
  namespace: string;
  lexicalScore?: number;
  denseScore?: number;
};

/** The text a chunk is searched and embedded by: its context first, so titles and headings count. */
export const searchableText = (chunk: Pick<Chunk, 'title' | 'headingPath' | 'text'>): string => {
  const context = [chunk.title, ...chunk.headingPath.filter((heading) => heading !== chunk.title)];
  return `${context.join(' — ')}\n${chunk.text}`;
};

/** The section a citation points at: the deepest heading, or the title. */
export const sectionOf = (chunk: Pick<Chunk, 'title' | 'headingPath'>): string =>
  chunk.headingPath.at(-1) ?? chunk.title;
