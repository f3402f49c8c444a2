import { makeChatSafe } from '../../src/core/answering/chat-safe.js';

/** Slack rejects a section whose text is longer than this. */
export const MAX_SECTION_CHARACTERS = 3_000;

/** Slack's three control characters; everything else in mrkdwn is literal. */
export const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text from documents or a model, as inert mrkdwn: no mention can fire, no `<…>` can form a link. */
export const safeMrkdwn = (text: string): string => escapeMrkdwn(makeChatSafe(text));

const LINK = /\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:)[^\s)]+)\)/g;

const convertInline = (text: string): string =>
  text
    .split(/(`[^`\n]+`)/)
    .map((part, index) => {
      if (index % 2 === 1) return escapeMrkdwn(part); // inline code stays verbatim
      return escapeMrkdwn(part)
        .replace(LINK, (_match, label: string, url: string) => `<${url}|${label.replace(/\|/g, '¦')}>`)
        .replace(/(?<![*\w])\*(?![\s*])([^*\n]+?)(?<![\s*])\*(?![*\w])/g, '_$1_')
        .replace(/\*\*(?!\s)([^*\n]+?)(?<!\s)\*\*/g, '*$1*')
        .replace(/(?<!\w)__(?!\s)([^_\n]+?)(?<!\s)__(?!\w)/g, '*$1*')
        .replace(/~~(?!\s)([^~\n]+?)(?<!\s)~~/g, '~$1~');
    })
    .join('');

const convertLine = (line: string): string => {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)[\s#]*$/.exec(line);
  if (heading) return `*${convertInline((heading[1] ?? '').replace(/\*\*/g, ''))}*`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1] ?? ''}• ${convertInline(bullet[2] ?? '')}`;
  const quote = /^\s*>\s?(.*)$/.exec(line);
  if (quote) return `> ${convertInline(quote[1] ?? '')}`;
  return convertInline(line);
};

/**
 * The model's Markdown as Slack mrkdwn: `**b**` → `*b*`, `*i*` → `_i_`, `[t](u)` → `<u|t>`,
 * headings bold, bullets •, fences without their language tag (Slack shows it as code). Every
 * character from the text is escaped and broadcast mentions are neutralised first.
 */
export const markdownToMrkdwn = (markdown: string): string => {
  const lines = makeChatSafe(markdown).replace(/\r\n?/g, '\n').split('\n');
  const converted: string[] = [];
  let inFence = false;
  for (const line of lines) {
    if (/^\s*```/.test(line) && !(/^\s*```.*```\s*$/.test(line) && line.trim().length > 6)) {
      inFence = !inFence;
      converted.push('```');
    } else {
      converted.push(inFence ? escapeMrkdwn(line) : convertLine(line));
    }
  }
  if (inFence) converted.push('```');
  return converted.join('\n');
};

// Never split inside these: a link or mention, a citation marker, an entity, inline code.
const PROTECTED = /<[^<>\n]*>|\[\d+\]|&(?:amp|lt|gt);|`[^`\n]*`/g;
const FENCE = '```';

const fenceCount = (text: string) => text.split(FENCE).length - 1;

type Cut = { headEnd: number; tailStart: number };

/** Code fences as [start, end) spans, pairing the ``` markers in order (an unclosed one runs to the end). */
const fenceSpans = (text: string): (readonly [number, number])[] => {
  const markers = [...text.matchAll(/```/g)].map((match) => match.index);
  const spans: (readonly [number, number])[] = [];
  for (let index = 0; index < markers.length; index += 2) spans.push([markers[index] ?? 0, (markers[index + 1] ?? text.length) + FENCE.length]);
  return spans;
};

/**
 * Where to cut text longer than `max`: between paragraphs, lines, sentences, then words, outside
 * code fences (preferring a cut in the second half of the piece, then anywhere); inside a fence
 * only between its lines when the fence alone is longer than a piece; a hard cut last.
 */
const findCut = (text: string, max: number): Cut => {
  const spans = [...text.matchAll(PROTECTED)].map((match) => [match.index, match.index + match[0].length] as const);
  const fences = fenceSpans(text);
  const within = (ranges: (readonly [number, number])[], position: number) => ranges.some(([start, end]) => start < position && position < end);
  const last = (test: (position: number) => boolean, minimum: number, allowInFence = false): number => {
    for (let position = Math.min(max, text.length - 1); position >= Math.max(1, minimum); position--) {
      if (test(position) && !within(spans, position) && (allowInFence || !within(fences, position))) return position;
    }
    return -1;
  };
  const tiers: [test: (position: number) => boolean, separator: number, minimum: number][] = [
    [(position) => text.startsWith('\n\n', position), 2, max / 2],
    [(position) => text[position] === '\n', 1, max / 3],
    [(position) => text[position] === ' ' && /[.!?\]]/.test(text[position - 1] ?? ''), 1, max / 3],
    [(position) => text[position] === ' ' || text[position] === '\n', 1, max / 3],
  ];
  for (const useMinimum of [true, false]) {
    for (const [test, separator, minimum] of tiers) {
      const position = last(test, useMinimum ? minimum : 1);
      if (position > 0) return { headEnd: position, tailStart: position + separator };
    }
  }
  const line = last((position) => text[position] === '\n', 1, true);
  if (line > 0) return { headEnd: line, tailStart: line + 1 };
  let hard = max;
  while (hard > 1 && (within(spans, hard) || /[\uDC00-\uDFFF]/.test(text[hard] ?? ''))) hard--;
  return { headEnd: hard, tailStart: hard };
};

/**
 * Splits mrkdwn into pieces of at most `limit` characters. A code fence that must be split is
 * closed at the end of one piece and reopened in the next, so each piece renders on its own.
 */
export const splitMrkdwn = (text: string, limit = MAX_SECTION_CHARACTERS): string[] => {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const { headEnd, tailStart } = findCut(rest, limit - FENCE.length - 1);
    let head = rest.slice(0, headEnd).trimEnd();
    let tail = rest.slice(tailStart).replace(/^\n+/, '');
    if (fenceCount(head) % 2 === 1) {
      head = `${head}\n${FENCE}`;
      tail = `${FENCE}\n${tail}`;
    }
    if (head.trim() !== '' && head.trim() !== `${FENCE}\n${FENCE}`) pieces.push(head);
    rest = tail;
  }
  if (rest.trim() !== '') pieces.push(rest);
  return pieces;
};

/** At most `limit` characters, cut at a safe place and marked with an ellipsis. */
export const truncateMrkdwn = (text: string, limit: number): string => {
  if (text.length <= limit) return text;
  return `${splitMrkdwn(text, limit - 2)[0] ?? ''} …`;
};
