import mammoth from 'mammoth';
import { BotError } from '../../core/bot-error.js';
import type { LoaderInput, ParsedDocument } from '../parsed-document.js';
import { assertNotEmpty } from './decode-text.js';
import { parseHtml } from './html-loader.js';
import { measureUnpackedSize } from './zip-unpacked-size.js';

/**
 * What a DOCX's parts may unpack to in total: the directory source's file-size limit, so an archive
 * puts no more text before the parser than a plain file may. A few kilobytes of repeated XML would
 * otherwise parse into tens of thousands of passages. (Gzipped man pages are capped at 64 MiB.)
 */
export const MAX_DOCX_UNPACKED_BYTES = 20 * 1024 * 1024;

const mebibytes = (bytes: number) => `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;

/** Refuses, before mammoth inflates anything, an archive that unpacks past the limit or lies about its sizes. */
const assertUnpacksWithinLimit = (bytes: Uint8Array): void => {
  const size = measureUnpackedSize(bytes, MAX_DOCX_UNPACKED_BYTES);
  const limit = mebibytes(MAX_DOCX_UNPACKED_BYTES);
  if (size.kind === 'not-a-zip') throw new BotError('document_unreadable', 'docx: not a valid DOCX (ZIP) file');
  if (size.kind === 'over-limit') throw new BotError('document_unreadable', `docx: unpacks to ${mebibytes(size.bytes)}, more than the ${limit} limit`);
  if (size.kind === 'understated') {
    throw new BotError('document_unreadable', `docx: a part unpacks to more than the size it declares, so the ${limit} limit on the unpacked size cannot be checked`);
  }
};

// Word has no code element; these common paragraph styles are code listings, kept as one fenced block.
const STYLE_MAP = [
  "p[style-name='Code'] => pre:separator('\\n')",
  "p[style-name='Source Code'] => pre:separator('\\n')",
  "p[style-name='HTML Preformatted'] => pre:separator('\\n')",
  "p[style-name='Title'] => h1:fresh",
];

const shortReason = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  if (/central directory|zip|corrupted/i.test(message)) return 'docx: not a valid DOCX (ZIP) file';
  if (/word\/document\.xml|main document part/i.test(message)) return 'docx: no document part in the file';
  return `docx: ${message.split('\n')[0]?.slice(0, 160)}`;
};

/**
 * DOCX via mammoth's HTML rendering, so Heading 1–6 styles, lists and tables come out exactly as the
 * HTML loader reads them. The title is the first Heading 1 (or Title paragraph), else the file name.
 */
export const loadDocx = async ({ bytes, documentId }: LoaderInput): Promise<ParsedDocument> => {
  assertNotEmpty(bytes);
  assertUnpacksWithinLimit(bytes);
  let html: string;
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }, { styleMap: STYLE_MAP });
    html = result.value;
  } catch (error) {
    throw new BotError('document_unreadable', shortReason(error), { cause: error });
  }
  const parsed = parseHtml(html, documentId);
  if (parsed.sections.length === 0) throw new BotError('document_unreadable', 'empty document');
  return parsed;
};
