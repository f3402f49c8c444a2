/** One file of a document source, read only when its size or time changed since the last run. */
export type SourceEntry = {
  /** Path relative to the source root, `/`-separated: the document id. */
  documentId: string;
  size: number;
  modifiedAt: Date;
  read(): Promise<Uint8Array>;
};

/** A file the source refused, with the reason to report. */
export type SkippedFile = { path: string; reason: string };

export type DocumentSource = {
  /** Where the documents come from, for messages. */
  readonly location: string;
  list(options?: { signal?: AbortSignal }): Promise<{ entries: SourceEntry[]; skipped: SkippedFile[] }>;
};

/** A passage as the chunker cuts it, before the index gives it an identity. */
export type ChunkDraft = {
  title: string;
  headingPath: string[];
  anchor?: string;
  text: string;
};

/** Turns a document's bytes into passages; throws `document_unreadable` with the reason. */
export type DocumentParser = {
  /** Bumped whenever parsing or chunking changes, so unchanged files are re-chunked once. */
  readonly version: number;
  canParse(documentId: string): boolean;
  parse(options: { documentId: string; bytes: Uint8Array }): Promise<ChunkDraft[]>;
};
