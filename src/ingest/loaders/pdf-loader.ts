import { BotError } from '../../core/bot-error.js';
import type { LoaderInput, ParsedDocument, ParsedSection } from '../parsed-document.js';
import { assertNotEmpty } from './decode-text.js';
import { collapseWhitespace } from './text-helpers.js';
import { pageElements, type PageElement } from './pdf-blocks.js';
import { bodyHeightOf, reconstructLines, type PdfLine } from './pdf-lines.js';

// Producers fill Title with junk often enough that such values are worth ignoring.
const USELESS_TITLE = /^(?:untitled|microsoft word - .*|.*\.(?:docx?|pdf|odt|rtf|tex))$/i;

const unreadable = (reason: string, cause?: unknown) =>
  new BotError('document_unreadable', reason, cause === undefined ? {} : { cause });

const classify = (error: unknown): BotError => {
  if (error instanceof BotError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') return unreadable('encrypted PDF (password required)', error);
  if (name === 'InvalidPDFException') return unreadable('corrupt PDF (invalid PDF structure)', error);
  return unreadable(`pdf: ${message.split('\n')[0]?.slice(0, 160)}`, error);
};

/** Every page's lines, read with pdfjs configured for Node: no eval, no fonts, no canvas, no logging. */
const readPages = async (bytes: Uint8Array): Promise<{ metadataTitle?: string; pages: PdfLine[][] }> => {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // pdfjs takes ownership of (detaches) the buffer it is given: hand it a copy.
  const task = getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 });
  try {
    const pdf = await task.promise;
    const info = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const pages: PdfLine[][] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      const items = content.items.flatMap((item) => ('str' in item ? [item] : []));
      pages.push(reconstructLines(items, (fontName) => content.styles[fontName]?.fontFamily === 'monospace'));
      page.cleanup();
    }
    const title = typeof info?.Title === 'string' ? collapseWhitespace(info.Title) : '';
    return { pages, ...(title && !USELESS_TITLE.test(title) ? { metadataTitle: title } : {}) };
  } catch (error) {
    throw classify(error);
  } finally {
    await task.destroy();
  }
};

/**
 * Drops running headers and footers: lines near a page's top or bottom whose text, digits aside,
 * recurs on at least half of the pages (of two or more).
 */
const withoutRunningLines = (pages: PdfLine[][]): PdfLine[][] => {
  if (pages.length < 2) return pages;
  const key = (line: PdfLine) => line.text.replace(/\d+/g, '#').toLowerCase();
  const edges = (lines: PdfLine[]) => [...lines.slice(0, 2), ...lines.slice(-2)];
  const pagesWith = new Map<string, number>();
  for (const lines of pages) for (const text of new Set(edges(lines).map(key))) pagesWith.set(text, (pagesWith.get(text) ?? 0) + 1);
  const running = (text: string) => (pagesWith.get(text) ?? 0) >= Math.max(2, pages.length / 2);
  return pages.map((lines) => {
    const edge = new Set(edges(lines));
    return lines.filter((line) => !(edge.has(line) && running(key(line))));
  });
};

const sameText = (left: string, right: string) => collapseWhitespace(left).toLowerCase() === collapseWhitespace(right).toLowerCase();

/**
 * PDF text, one or more sections per page (anchor `page=N`). Lines set larger than the body text
 * are headings, their level by size; without any, a page is titled `Page N`. The title is the
 * metadata Title, else the first line.
 */
export const loadPdf = async ({ bytes }: LoaderInput): Promise<ParsedDocument> => {
  assertNotEmpty(bytes);
  const { metadataTitle, pages: rawPages } = await readPages(bytes);
  const pages = withoutRunningLines(rawPages);
  const bodyHeight = bodyHeightOf(pages.flat());
  const elements = pages.map((lines) => pageElements(lines, bodyHeight));
  const firstLine = pages.flat()[0];
  if (!firstLine) throw unreadable('no extractable text (scanned or image-only PDF?)');
  const first = elements.flat()[0];
  const title = metadataTitle ?? (first?.kind === 'heading' ? first.text : firstLine.text);
  // The title set large at the top of page 1 is the title, not a section.
  const pageOne = elements[0] ?? [];
  if (pageOne[0]?.kind === 'heading' && sameText(pageOne[0].text, title)) pageOne.shift();

  const headingHeights = [...new Set(elements.flat().flatMap((element) => (element.kind === 'heading' ? [Math.round(element.height * 2) / 2] : [])))];
  headingHeights.sort((left, right) => right - left);
  const sections: ParsedSection[] = [];
  let stack: { level: number; text: string }[] = [];
  elements.forEach((pageContent: PageElement[], pageIndex) => {
    const anchor = `page=${pageIndex + 1}`;
    const open = (): ParsedSection => {
      const headingPath = [title, ...(stack.length > 0 ? stack.map((heading) => heading.text) : [`Page ${pageIndex + 1}`])];
      const section: ParsedSection = { headingPath, anchor, blocks: [] };
      sections.push(section);
      return section;
    };
    let section = open();
    for (const element of pageContent) {
      if (element.kind === 'block') {
        section.blocks.push(element.text);
        continue;
      }
      const level = headingHeights.indexOf(Math.round(element.height * 2) / 2) + 1;
      stack = [...stack.filter((heading) => heading.level < level), { level, text: element.text }];
      section = open();
    }
  });
  return { title, sections: sections.filter((candidate) => candidate.blocks.length > 0) };
};
