import { BotError } from '../core/bot-error.js';
import type { DocumentParser } from '../core/ports/document-source.js';
import { chunkDocument, type ChunkOptions } from './chunker.js';
import { loadDocx } from './loaders/docx-loader.js';
import { loadHtml } from './loaders/html-loader.js';
import { loadMarkdown } from './loaders/markdown-loader.js';
import { loadPdf } from './loaders/pdf-loader.js';
import { loadText } from './loaders/text-loader.js';
import type { LoaderInput, ParsedDocument } from './parsed-document.js';

type Loader = { format: string; load: (input: LoaderInput) => ParsedDocument | Promise<ParsedDocument> };

const LOADERS: Record<string, Loader> = {
  '.md': { format: 'markdown', load: loadMarkdown },
  '.markdown': { format: 'markdown', load: loadMarkdown },
  '.txt': { format: 'text', load: loadText },
  '.html': { format: 'html', load: loadHtml },
  '.htm': { format: 'html', load: loadHtml },
  '.pdf': { format: 'pdf', load: loadPdf },
  '.docx': { format: 'docx', load: loadDocx },
};

/** Bump whenever loading or chunking output changes, so indexes re-chunk unchanged files once. */
const PARSER_VERSION = 1;

export const SUPPORTED_EXTENSIONS = Object.keys(LOADERS);

const loaderFor = (documentId: string): Loader | undefined => {
  const fileName = documentId.split('/').at(-1) ?? documentId;
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? LOADERS[fileName.slice(dot).toLowerCase()] : undefined;
};

const shortMessage = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 160) || 'unknown error';

/** Parses a file by its extension with the matching loader, then cuts it into passages. */
export const createDocumentParser = (options: { chunking?: ChunkOptions } = {}): DocumentParser => ({
  version: PARSER_VERSION,
  canParse: (documentId) => loaderFor(documentId) !== undefined,
  parse: async ({ documentId, bytes }) => {
    const loader = loaderFor(documentId);
    if (!loader) throw new BotError('document_unreadable', `unsupported file type: ${documentId}`);
    let parsed: ParsedDocument;
    try {
      parsed = await loader.load({ bytes, documentId });
    } catch (error) {
      // Parser libraries throw all sorts; the index report needs one code and a short reason.
      if (error instanceof BotError) throw error;
      throw new BotError('document_unreadable', `${loader.format}: ${shortMessage(error)}`, { cause: error });
    }
    const drafts = chunkDocument(parsed, options.chunking);
    if (drafts.length === 0) throw new BotError('document_unreadable', 'empty document');
    return drafts;
  },
});
