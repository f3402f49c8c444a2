import type { DocumentSource } from '../ports/document-source.js';

/**
 * Presents a source's documents under a folder prefix, so documents indexed from
 * `docs/runbooks` as collection "runbooks" are cited as `runbooks/…`, relative to `docs`.
 */
export const prefixDocumentIds = (source: DocumentSource, prefix: string): DocumentSource => ({
  location: source.location,
  async list(options) {
    const { entries, skipped } = await source.list(options);
    return {
      entries: entries.map((entry) => ({ ...entry, documentId: `${prefix}/${entry.documentId}` })),
      skipped: skipped.map((file) => ({ ...file, path: `${prefix}/${file.path}` })),
    };
  },
});
