/** A quotable unit of a passage: a sentence of prose, or a whole code block, list item or table row. */
export type TextUnit = { text: string; kind: 'prose' | 'code' | 'item'; index: number };

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
  const push = (unitText: string, kind: TextUnit['kind']) => {
    const trimmed = unitText.trim();
    if (trimmed) units.push({ text: trimmed, kind, index: units.length });
  };
  const lines = text.split('\n');
  let paragraph: string[] = [];
  const flushParagraph = () => {
    for (const sentence of splitSentences(paragraph.join(' ').replace(/\s+/g, ' '))) push(sentence, 'prose');
    paragraph = [];
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (FENCE.test(line.trim())) {
      flushParagraph();
      const block = [line];
      for (index++; index < lines.length; index++) {
        block.push(lines[index] ?? '');
        if (FENCE.test((lines[index] ?? '').trim())) break;
      }
      push(block.join('\n'), 'code');
    } else if (LIST_ITEM.test(line) || TABLE_ROW.test(line)) {
      flushParagraph();
      push(line, 'item');
    } else if (line.trim() === '') {
      flushParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  flushParagraph();
  return units;
};
