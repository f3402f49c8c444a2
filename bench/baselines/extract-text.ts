/**
 * Document text for the baselines, extracted with OUR loaders so every pipeline sees the same
 * words whatever the file format (PDF, DOCX, HTML, Markdown, man pages). A LangChain user would
 * normally pick a loader per format (PDFLoader, DocxLoader, CheerioWebBaseLoader…); those extract
 * differently, which would compare extractors rather than retrieval, so the baselines get our text.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ParsedDocument } from '../../src/ingest/parsed-document.js';
import { loadDocx } from '../../src/ingest/loaders/docx-loader.js';
import { loadHtml } from '../../src/ingest/loaders/html-loader.js';
import { loadMarkdown } from '../../src/ingest/loaders/markdown-loader.js';
import { loadPdf } from '../../src/ingest/loaders/pdf-loader.js';
import { loadRoff } from '../../src/ingest/loaders/roff-loader.js';
import { loadText } from '../../src/ingest/loaders/text-loader.js';
import { gunzipSync } from 'node:zlib';
import { createDocumentParser } from '../../src/ingest/document-parser.js';
import { buildChunks } from '../../src/core/indexing/build-chunks.js';
import type { Chunk } from '../../src/core/chunk.js';

type Loader = (input: { bytes: Uint8Array; documentId: string }) => ParsedDocument | Promise<ParsedDocument>;

// The same choice of loader as src/ingest/document-parser.ts, which keeps its map private; which
// files are read at all is asked of the real parser (canParse), so the two cannot disagree on that.
const LOADERS: Record<string, Loader> = {
  '.md': loadMarkdown, '.markdown': loadMarkdown, '.txt': loadText, '.text': loadText, '.rst': loadText, '.adoc': loadText,
  '.html': loadHtml, '.htm': loadHtml, '.pdf': loadPdf, '.docx': loadDocx, '.man': loadRoff, '.mdoc': loadRoff,
};
const MAN_SECTION = /\.[1-9][a-z]{0,3}$/i;
const gunzipped: Loader = (input) => loadRoff({ ...input, bytes: new Uint8Array(gunzipSync(input.bytes)) });

const loaderFor = (path: string): Loader | undefined => {
  const fileName = path.split('/').at(-1) ?? path;
  if (/\.gz$/i.test(fileName)) return gunzipped;
  if (MAN_SECTION.test(fileName)) return loadRoff;
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? LOADERS[fileName.slice(dot).toLowerCase()] : undefined;
};

const parser = createDocumentParser();

/** A file of the corpus: its id (`collection/…`, as the eval labels name it) and bytes. */
export type SourceFile = { documentId: string; collection: string; bytes: Uint8Array };

/** Every supported file under `directory`, sorted; the first folder is the collection, as `ragbot index` does. */
export const readCorpus = async (directory: string): Promise<SourceFile[]> => {
  const files: SourceFile[] = [];
  const walk = async (folder: string) => {
    for (const entry of (await readdir(folder, { withFileTypes: true })).sort((left, right) => left.name.localeCompare(right.name))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && parser.canParse(entry.name) && loaderFor(entry.name)) {
        const documentId = relative(directory, path).split(sep).join('/');
        if (!documentId.includes('/')) continue; // top-level files belong to no collection
        files.push({ documentId, collection: documentId.split('/')[0] as string, bytes: new Uint8Array(await readFile(path)) });
      }
    }
  };
  await walk(directory);
  return files;
};

/**
 * A parsed document as one plain text: the title, then each section's heading and its blocks, the
 * way a loader's `pageContent` reads. Headings stay in the text, since a splitter has no other place
 * for them.
 */
export const documentText = (parsed: ParsedDocument): string => {
  const parts = [parsed.title];
  for (const section of parsed.sections) {
    const heading = section.headingPath.at(-1);
    if (heading && heading !== parsed.title) parts.push(heading);
    parts.push(...section.blocks);
  }
  return parts.filter((part) => part.trim() !== '').join('\n\n');
};

export const extractText = async (file: SourceFile): Promise<string> => {
  const loader = loaderFor(file.documentId);
  if (!loader) throw new Error(`no loader for ${file.documentId}`);
  return documentText(await loader({ bytes: file.bytes, documentId: file.documentId }));
};

/** Our chunker's passages of the corpus, with the identities `indexCollection` would give them. */
export const ourChunks = async (files: SourceFile[]): Promise<Chunk[]> => {
  const modifiedAt = new Date(0);
  const chunks: Chunk[] = [];
  for (const file of files) {
    const drafts = await parser.parse({ documentId: file.documentId, bytes: file.bytes });
    chunks.push(...buildChunks(drafts, { documentId: file.documentId, collection: file.collection, modifiedAt }));
  }
  return chunks;
};
