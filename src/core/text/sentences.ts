/**
 * A quotable unit of a passage: a sentence of prose, or a whole code block, list item or table row.
 * A table row carries its table's header row as context: "| Redis | Platform SRE |" means little
 * without "| System | Owner |". `block` numbers the paragraph, list, table or code block the unit
 * belongs to, so a quote can keep a paragraph's sentences together.
 */
export type TextUnit = { text: string; kind: 'prose' | 'code' | 'item' | 'header' | 'row'; index: number; block: number; context?: string };

const FENCE = /^(```|~~~)/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
// Split after . ! ? when followed by whitespace and an uppercase letter, digit or quote; keeps "e.g. foo" whole.
const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z0-9"'`(])/;
const ABBREVIATION = /\b(?:e\.g|i\.e|etc|vs|approx|incl|min|max|no|fig)\.$/i;

const splitSentences = (paragraph: string): string[] => {
  const pieces = paragraph.split(SENTENCE_END);
  const sentences: string[] = [];
  for (const piece of pieces) {
    const previous = sentences.at(-1);
    if (previous !== undefined && ABBREVIATION.test(previous)) sentences[sentences.length - 1] = `${previous} ${piece}`;
    else sentences.push(piece);
  }
  return sentences.map((sentence) => sentence.trim()).filter(Boolean);
};

/** Splits passage text (markdown-ish) into units an extractive answer can quote whole. */
export const splitUnits = (text: string): TextUnit[] => {
  const units: TextUnit[] = [];
  let block = -1;
  const push = (unitText: string, kind: TextUnit['kind'], context?: string, sameBlock = false) => {
    const trimmed = unitText.trim();
    if (!trimmed) return;
    if (!sameBlock || block < 0) block++;
    const unit: TextUnit = { text: trimmed, kind, index: units.length, block };
    if (context) unit.context = context;
    units.push(unit);
  };
  let header: string | undefined;
  const lines = text.split('\n');
  let paragraph: string[] = [];
  const flushParagraph = () => {
    splitSentences(paragraph.join(' ').replace(/\s+/g, ' ')).forEach((sentence, position) => push(sentence, 'prose', undefined, position > 0));
    paragraph = [];
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (!TABLE_ROW.test(line)) header = undefined;
    if (FENCE.test(line.trim())) {
      flushParagraph();
      const block = [line];
      for (index++; index < lines.length; index++) {
        block.push(lines[index] ?? '');
        if (FENCE.test((lines[index] ?? '').trim())) break;
      }
      push(block.join('\n'), 'code');
    } else if (TABLE_ROW.test(line)) {
      flushParagraph();
      // The first row of a run of table rows is its header (the loaders emit no separator rows).
      if (header === undefined) {
        header = line.trim();
        push(line, 'header');
      } else if (!/^\s*\|[\s:|-]+\|\s*$/.test(line)) {
        push(line, 'row', header, true);
      }
      continue;
    } else if (LIST_ITEM.test(line)) {
      flushParagraph();
      // Items in a row, blank lines between them or not, are one list.
      push(line, 'item', undefined, units.at(-1)?.kind === 'item');
    } else if (line.trim() === '') {
      flushParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  flushParagraph();
  return units;
};
