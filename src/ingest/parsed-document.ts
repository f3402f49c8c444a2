/**
 * What every loader produces, whatever the file format: the document's title and its sections in
 * reading order. The chunker cuts passages from this, so loaders never decide passage sizes.
 */
export type ParsedSection = {
  /** Headings from the document title down to this section. */
  headingPath: string[];
  /** Slug of the section heading, or `page=N` for PDF pages. */
  anchor?: string;
  /**
   * Paragraphs, lists (one line per item), tables (one `| a | b |` line per row) and code blocks
   * (fenced with ```), as Markdown-ish text so the chunker and answerer can tell them apart.
   */
  blocks: string[];
};

export type ParsedDocument = {
  title: string;
  sections: ParsedSection[];
};

/** What a loader is given: the file's bytes and its document id (for the file-name fallback title). */
export type LoaderInput = {
  bytes: Uint8Array;
  documentId: string;
};
