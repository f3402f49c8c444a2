/** The part of a pdfjs text item the line reconstruction reads. */
export type PdfTextItem = { str: string; transform: number[]; width: number; height: number; fontName: string };

/** A visual line; `cells` has more than one entry when wide gaps split it into table columns. */
export type PdfLine = { text: string; cells: { x: number; text: string }[]; x: number; y: number; height: number; monospace: boolean };

type OpenLine = Omit<PdfLine, 'text'> & { endX: number; words: number; monospaceWords: number };

// Items of one visual line share a baseline within this share of the font height.
const BASELINE_TOLERANCE = 0.4;
// A gap this many font heights wide, with no space item in it, separates table columns (a space is about a quarter).
const COLUMN_GAP = 1;
const LIST_MARKER = /^(?:[•◦▪‣●○■∙*–-]|\d{1,2}[.)])$/;
// A table cell that wraps puts its second line before the next cell of the first line; look back this far.
const LINES_LOOKED_BACK = 8;

const heightOf = (item: PdfTextItem): number => item.height || Math.abs(item.transform[3] ?? 0);

/**
 * Rebuilds the visual lines of one page from pdfjs text items, in reading order. An item joins an
 * earlier line on the same baseline to its left (wrapped table cells), otherwise starts a new line.
 */
export const reconstructLines = (items: PdfTextItem[], isMonospace: (fontName: string) => boolean): PdfLine[] => {
  const lines: OpenLine[] = [];
  for (const item of items) {
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    const height = heightOf(item);
    const blank = item.str.trim() === '';
    if (item.str === '') continue;
    const line = lines
      .slice(-LINES_LOOKED_BACK)
      .reverse()
      .find((candidate) => {
        const tolerance = BASELINE_TOLERANCE * Math.max(height, candidate.height, 1);
        return Math.abs(candidate.y - y) <= tolerance && x >= candidate.endX - Math.max(height, candidate.height);
      });
    if (!line) {
      if (blank) continue;
      const monospaceWords = isMonospace(item.fontName) ? 1 : 0;
      lines.push({ cells: [{ x, text: item.str }], x, y, height, endX: x + item.width, words: 1, monospaceWords, monospace: false });
      continue;
    }
    const cell = line.cells.at(-1) as { x: number; text: string };
    // pdfjs usually emits spaces as items of their own; a visible gap without one is a space too.
    const gap = x - line.endX;
    if (!blank && gap > COLUMN_GAP * Math.max(height, line.height, 1)) line.cells.push({ x, text: item.str });
    else cell.text += gap > 0.15 * Math.max(height, 1) && !/\s$/.test(cell.text) && !/^\s/.test(item.str) ? ` ${item.str}` : item.str;
    // Space items can be stretched across a column gap, so only visible text moves the line's end.
    if (!blank) {
      line.endX = Math.max(line.endX, x + item.width);
      line.height = Math.max(line.height, height);
      line.words++;
      if (isMonospace(item.fontName)) line.monospaceWords++;
    }
  }
  return lines.map(({ cells, x, y, height, words, monospaceWords }) => {
    const monospace = monospaceWords === words;
    // Code keeps its inner spacing; prose and cells are collapsed.
    const tidy = (text: string) => (monospace ? text.trimEnd() : text.replace(/\s+/g, ' ').trim());
    const tidyCells = cells.map((cell) => ({ x: cell.x, text: tidy(cell.text) })).filter((cell) => cell.text);
    // A list bullet sits a gap away from its text, but it is no table column.
    const [marker, second] = tidyCells;
    if (marker && second && LIST_MARKER.test(marker.text)) tidyCells.splice(0, 2, { x: marker.x, text: `${marker.text} ${second.text}` });
    return { text: tidyCells.map((cell) => cell.text).join(monospace ? '   ' : ' '), cells: tidyCells, x, y, height, monospace };
  });
};

/** The body text size: the font height carrying the most characters. */
export const bodyHeightOf = (lines: PdfLine[]): number => {
  const characters = new Map<number, number>();
  for (const line of lines) {
    const height = Math.round(line.height * 2) / 2;
    characters.set(height, (characters.get(height) ?? 0) + line.text.length);
  }
  let body = 0;
  let most = -1;
  for (const [height, count] of characters) {
    if (count > most) [body, most] = [height, count];
  }
  return body;
};
