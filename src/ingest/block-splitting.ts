/**
 * Token estimate: whitespace-separated words × 1.3. English prose averages about 1.3 subword
 * tokens per word for the common tokenizers; code and identifiers run higher, so the chunk limits
 * leave headroom. Cheap and tokenizer-independent, which matters more here than precision.
 */
export const estimateTokens = (text: string): number => Math.ceil((text.match(/\S+/g)?.length ?? 0) * 1.3);

const FENCE = /^(`{3,}|~{3,})/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
// After . ! ? and whitespace, when the next sentence starts like one; "e.g. foo" stays whole.
const SENTENCE_END = /(?<=[.!?]["')\]]?)\s+(?=["'`(\[]?[\p{Lu}\d])/u;
const ABBREVIATION = /\b(?:e\.g|i\.e|etc|vs|approx|incl|cf|no|fig|dr|mr|mrs|ms)\.$/i;

export const isCodeBlock = (block: string): boolean => FENCE.test(block);

/** Lists and tables: blocks whose every line is an item or a row, so lines are the natural cut. */
const isLineStructured = (block: string): boolean => {
  const lines = block.split('\n');
  return lines.length > 1 && lines.every((line) => LIST_ITEM.test(line) || TABLE_ROW.test(line) || /^\s+\S/.test(line));
};

const isTable = (block: string): boolean => block.split('\n').every((line) => TABLE_ROW.test(line));

export const splitSentences = (text: string): string[] => {
  const sentences: string[] = [];
  for (const piece of text.split(SENTENCE_END)) {
    const previous = sentences.at(-1);
    if (previous !== undefined && ABBREVIATION.test(previous)) sentences[sentences.length - 1] = `${previous} ${piece}`;
    else sentences.push(piece);
  }
  return sentences.map((sentence) => sentence.trim()).filter(Boolean);
};

/** Last resort for a sentence or line longer than the limit: cut between words. */
const splitWords = (text: string, limit: number): string[] => {
  const words = text.split(/\s+/).filter(Boolean);
  const perPiece = Math.max(1, Math.floor(limit / 1.3));
  const pieces: string[] = [];
  for (let start = 0; start < words.length; start += perPiece) pieces.push(words.slice(start, start + perPiece).join(' '));
  return pieces;
};

/** Greedily packs units into pieces of at most `limit` tokens, `overhead` tokens reserved in each. */
const pack = (units: string[], limit: number, joiner: string, overhead = 0): string[] => {
  const budget = Math.max(1, limit - overhead);
  const pieces: string[][] = [];
  let tokens = 0;
  for (const unit of units.flatMap((candidate) => (estimateTokens(candidate) > budget ? splitWords(candidate, budget) : [candidate]))) {
    const size = estimateTokens(unit);
    const current = pieces.at(-1);
    if (current && tokens + size <= budget) {
      current.push(unit);
      tokens += size;
    } else {
      pieces.push([unit]);
      tokens = size;
    }
  }
  return pieces.map((piece) => piece.join(joiner));
};

/** A fenced code block cut at line boundaries; every piece is fenced again so fences stay balanced. */
const splitCode = (block: string, limit: number): string[] => {
  const lines = block.split('\n');
  const opening = lines[0] ?? '```';
  const marker = FENCE.exec(opening)?.[1] ?? '```';
  const closed = lines.length > 1 && (lines.at(-1) ?? '').trim().startsWith(marker);
  const body = lines.slice(1, closed ? -1 : undefined);
  const overhead = estimateTokens(opening) + estimateTokens(marker);
  // Lines are packed by words, but a code line is not reflowed: long lines stay whole unless huge.
  return pack(body, limit, '\n', overhead).map((piece) => `${opening}\n${piece}\n${marker}`);
};

/** A list or table cut between lines; a table's header row is repeated so every piece reads alone. */
const splitLines = (block: string, limit: number): string[] => {
  const lines = block.split('\n');
  const header = isTable(block) ? lines[0] : undefined;
  if (header === undefined) return pack(lines, limit, '\n');
  return pack(lines.slice(1), limit, '\n', estimateTokens(header)).map((piece) => `${header}\n${piece}`);
};

/** Cuts a block larger than `limit` tokens: code and lists at lines, prose at sentences. */
export const splitBlock = (block: string, limit: number): string[] => {
  if (estimateTokens(block) <= limit) return [block];
  if (isCodeBlock(block)) return splitCode(block, limit);
  if (isLineStructured(block)) return splitLines(block, limit);
  return pack(splitSentences(block.replace(/\s+/g, ' ')), limit, ' ');
};

/**
 * The end of a block worth repeating at the start of the next chunk, within `budget` tokens:
 * the whole block when it fits, else its trailing sentences or list items. Code and tables are never cut for this.
 */
export const blockTail = (block: string, budget: number): string | undefined => {
  if (estimateTokens(block) <= budget) return block;
  // Cut code or a table, headerless, would open the next chunk with a fragment that reads wrong.
  if (isCodeBlock(block) || isTable(block)) return undefined;
  const units = isLineStructured(block) ? block.split('\n') : splitSentences(block.replace(/\s+/g, ' '));
  const tail: string[] = [];
  let tokens = 0;
  for (const unit of units.reverse()) {
    const size = estimateTokens(unit);
    if (tokens + size > budget) break;
    tail.unshift(unit);
    tokens += size;
  }
  return tail.length > 0 ? tail.join(isLineStructured(block) ? '\n' : ' ') : undefined;
};
