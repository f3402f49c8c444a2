import type { PdfLine } from './pdf-lines.js';

/** What a page is made of, in reading order: headings (by font size) and text blocks. */
export type PageElement = { kind: 'heading'; height: number; text: string } | { kind: 'block'; text: string };

type OpenBlock = {
  kind: 'paragraph' | 'list' | 'code' | 'table';
  lines: PdfLine[];
  /** List items' lines, or table rows' cells. */
  items: string[][];
  itemX: number;
  last: PdfLine;
};

const BULLET = /^(?:[•◦▪‣●○■∙]\s*|[-*–]\s+)/;
const NUMBERED = /^\d{1,2}[.)]\s+\S/;
const PAGE_NUMBER = /^(?:page\s+)?\d{1,4}(?:\s*(?:of|\/)\s*\d{1,4})?$/i;
// Paragraph lines sit about 1.15–1.3 font heights apart; a wider gap is a new paragraph.
const LINE_GAP = 1.45;
// Headings are noticeably larger than body text.
const HEADING_SCALE = 1.15;

export const isHeadingLine = (line: PdfLine, bodyHeight: number): boolean =>
  !line.monospace &&
  line.height >= bodyHeight * HEADING_SCALE &&
  line.text.length <= 120 &&
  !/[.,;:]$/.test(line.text) &&
  /\p{L}/u.test(line.text);

/** A long heading wraps onto lines of the same size just below it. */
const continuesHeading = (previous: PdfLine, next: PdfLine, bodyHeight: number): boolean => {
  const drop = previous.y - next.y;
  return isHeadingLine(next, bodyHeight) && Math.abs(next.height - previous.height) < 0.5 && drop > 0 && drop <= 1.8 * previous.height;
};

/** Joins wrapped lines; a word hyphenated at a line end (`copy-on-` / `write`) is rejoined without a space. */
const joinLines = (lines: string[]): string =>
  lines.reduce((joined, line) => (/\p{L}-$/u.test(joined) && /^\p{Ll}/u.test(line) ? joined + line : `${joined} ${line}`));

const render = (block: OpenBlock): string => {
  if (block.kind === 'code') {
    const left = Math.min(...block.lines.map((line) => line.x));
    const indented = block.lines.map((line) => ' '.repeat(Math.max(0, Math.round((line.x - left) / (0.6 * line.height)))) + line.text);
    return ['```', ...indented, '```'].join('\n');
  }
  if (block.kind === 'table') return block.items.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  if (block.kind === 'list') {
    return block.items.map((item) => joinLines(item).replace(BULLET, '- ')).join('\n');
  }
  return joinLines(block.lines.map((line) => line.text));
};

/** Groups one page's lines into headings, paragraphs, lists and code blocks. */
export const pageElements = (lines: PdfLine[], bodyHeight: number): PageElement[] => {
  const elements: PageElement[] = [];
  let block: OpenBlock | undefined;
  const flush = () => {
    if (block) elements.push({ kind: 'block', text: render(block) });
    block = undefined;
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as PdfLine;
    if (PAGE_NUMBER.test(line.text)) continue;
    if (isHeadingLine(line, bodyHeight)) {
      flush();
      let text = line.text;
      for (let next = lines[index + 1]; next && continuesHeading(lines[index] as PdfLine, next, bodyHeight); next = lines[index + 1]) {
        text = `${text} ${next.text}`;
        index++;
      }
      elements.push({ kind: 'heading', height: line.height, text });
      continue;
    }
    const gap = block ? block.last.y - line.y : 0;
    const height = Math.max(line.height, block?.last.height ?? 0);
    const startsItem = !line.monospace && (BULLET.test(line.text) || NUMBERED.test(line.text));
    const isRow = !line.monospace && line.cells.length > 1;
    const lastRow = block?.lines.at(-1);
    // A wrapped table cell: a lone line just below a row, starting where one of its cells starts.
    const wrappedCell = block?.kind === 'table' && !isRow && gap > 0 && gap <= LINE_GAP * height
      ? lastRow?.cells.findIndex((cell) => Math.abs(cell.x - line.x) < 2) ?? -1
      : -1;
    if (block?.kind === 'table' && isRow && gap > 0 && gap <= 3 * height) {
      block.lines.push(line);
      block.items.push(line.cells.map((cell) => cell.text));
    } else if (block?.kind === 'table' && wrappedCell >= 0) {
      const row = block.items.at(-1) ?? [];
      row[wrappedCell] = `${row[wrappedCell] ?? ''} ${line.text}`.trim();
    } else if (block?.kind === 'code' && line.monospace && gap > 0 && gap <= 2 * height) {
      block.lines.push(line);
    } else if (block?.kind === 'list' && startsItem && gap > 0 && gap <= 2 * height) {
      block.items.push([line.text]);
      block.itemX = line.x;
    } else if (block?.kind === 'list' && !startsItem && !line.monospace && gap > 0 && gap <= LINE_GAP * height && line.x > block.itemX + 1) {
      block.items.at(-1)?.push(line.text);
    } else if (block?.kind === 'paragraph' && !startsItem && !line.monospace && gap > 0 && gap <= LINE_GAP * height && Math.abs(line.height - block.last.height) < 0.5) {
      block.lines.push(line);
    } else {
      flush();
      const kind = line.monospace ? 'code' : isRow ? 'table' : startsItem ? 'list' : 'paragraph';
      const items = isRow ? [line.cells.map((cell) => cell.text)] : [[line.text]];
      block = { kind, lines: [line], items, itemX: line.x, last: line };
    }
    if (block) block.last = line;
  }
  flush();
  return elements;
};
