import { BotError } from '../core/bot-error.js';
import type { DocumentParser } from '../core/ports/document-source.js';
import { chunkDocument, type ChunkOptions } from './chunker.js';
import { loadDocx } from './loaders/docx-loader.js';
import { loadHtml } from './loaders/html-loader.js';
import { loadMarkdown } from './loaders/markdown-loader.js';
import { loadPdf } from './loaders/pdf-loader.js';
import { loadRoff } from './loaders/roff-loader.js';
import { loadText } from './loaders/text-loader.js';
import { gunzipSync } from 'node:zlib';
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
  '.text': { format: 'text', load: loadText },
  '.rst': { format: 'text', load: loadText },
  '.adoc': { format: 'text', load: loadText },
  '.man': { format: 'man page', load: loadRoff },
  '.mdoc': { format: 'man page', load: loadRoff },
};

// Man page sources are named by their section: bgpd.8, printf.3p, and often gzipped (bgpd.8.gz).
const MAN_SECTION = /\.[1-9][a-z]{0,3}$/i;
const ROFF: Loader = { format: 'man page', load: loadRoff };

/** Bump whenever loading or chunking output changes, so indexes re-chunk unchanged files once. */
const PARSER_VERSION = 2;

export const SUPPORTED_EXTENSIONS = Object.keys(LOADERS);

const withoutGzip = (fileName: string) => fileName.replace(/\.gz$/i, '');

const loaderFor = (documentId: string): Loader | undefined => {
  const fileName = documentId.split('/').at(-1) ?? documentId;
  const plain = withoutGzip(fileName);
  // Only man pages are read gzipped; other formats compressed are not what they claim to be.
  if (plain !== fileName) return MAN_SECTION.test(plain) || /\.(man|mdoc)$/i.test(plain) ? ROFF : undefined;
  if (MAN_SECTION.test(plain)) return ROFF;
  const dot = plain.lastIndexOf('.');
  return dot > 0 ? LOADERS[plain.slice(dot).toLowerCase()] : undefined;
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
      const content = /\.gz$/i.test(documentId) ? new Uint8Array(gunzipSync(bytes, { maxOutputLength: 64 * 1024 * 1024 })) : bytes;
      parsed = await loader.load({ bytes: content, documentId: withoutGzip(documentId) });
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
