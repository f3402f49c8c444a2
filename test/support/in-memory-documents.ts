import type { DocumentParser, DocumentSource, SourceEntry } from '../../src/core/ports/document-source.js';
import { BotError } from '../../src/core/bot-error.js';
import type { EmbeddingModel } from '../../src/core/ports/embedding-model.js';
import { createHashEmbeddingModel } from '../../src/providers/embeddings/hash-embedding-model.js';

/** Documents as a mutable map of path → text, with modification times that move on every edit. */
export const createInMemorySource = (initial: Record<string, string>) => {
  const files = new Map(Object.entries(initial).map(([path, text]) => [path, { text, modifiedAt: new Date(Date.UTC(2026, 0, 1)) }]));
  let clock = Date.UTC(2026, 0, 2);
  const source: DocumentSource = {
    location: 'memory',
    async list() {
      const entries: SourceEntry[] = [...files].sort(([left], [right]) => left.localeCompare(right)).map(([documentId, file]) => {
        const bytes = new TextEncoder().encode(file.text);
        return { documentId, size: bytes.length, modifiedAt: file.modifiedAt, read: async () => bytes };
      });
      return { entries, skipped: [] };
    },
  };
  return {
    source,
    write(path: string, text: string) {
      clock += 60_000;
      files.set(path, { text, modifiedAt: new Date(clock) });
    },
    remove(path: string) {
      files.delete(path);
    },
  };
};

/** A parser for tests: `# Title` first line, then one chunk per blank-line separated paragraph. */
export const paragraphParser: DocumentParser = {
  version: 1,
  canParse: () => true,
  async parse({ documentId, bytes }) {
    const text = new TextDecoder().decode(bytes);
    if (text.includes('\u0000') || text.trim() === '') throw new BotError('document_unreadable', `${documentId}: unreadable`);
    const [first, ...rest] = text.split(/\n\s*\n/);
    const title = (first ?? '').replace(/^#\s*/, '').trim();
    return rest.map((paragraph) => ({ title, headingPath: [title], text: paragraph.trim() }));
  },
};

/** Wraps an embedder and counts what reaches it, to prove what incremental runs re-embed. */
export const countingEmbedder = (inner: EmbeddingModel = createHashEmbeddingModel({ dimensions: 64 })) => {
  const calls: string[][] = [];
  const model: EmbeddingModel = {
    ...inner,
    async embed(options) {
      calls.push(options.values);
      return inner.embed(options);
    },
  };
  return { model, calls, embeddedTexts: () => calls.flat() };
};
