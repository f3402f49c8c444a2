import type { LoaderInput, ParsedDocument } from '../parsed-document.js';
import { assertNotEmpty, decodeText } from './decode-text.js';
import { createSectionBuilder } from './section-builder.js';

// Inline escapes of man(7) and mdoc(7) sources: fonts, dashes, special characters.
const ESCAPES: [RegExp, string][] = [
  [/\\f(?:\[[^\]]*\]|\(..|.)/g, ''],
  [/\\\((?:em|en)/g, '—'],
  [/\\\(bu/g, '•'],
  [/\\\((?:lq|rq|dq)/g, '"'],
  [/\\\((?:oq|cq|aq)/g, "'"],
  [/\\\*\((?:lq|rq)/g, '"'],
  [/\\\*\[[^\]]*\]/g, ''],
  [/\\\(../g, ''],
  [/\\s[+-]?\d/g, ''],
  [/\\[&c%|^]/g, ''],
  [/\\ /g, ' '],
  [/\\e/g, '\\'],
];

const unescape = (text: string): string => {
  let result = text;
  for (const [pattern, replacement] of ESCAPES) result = result.replace(pattern, replacement as string);
  return result.replace(/\\-/g, '-').replace(/\\(.)/g, '$1');
};

/** Macro arguments: space separated, double quotes grouping. */
const argumentsOf = (line: string): string[] =>
  [...line.matchAll(/"((?:[^"]|"")*)"|(\S+)/g)].map((match) => (match[1] ?? match[2] ?? '').replaceAll('""', '"'));

// Macros whose arguments are running text (man: fonts; mdoc: semantic markup).
const MDOC_PREFIX: Record<string, string> = { Fl: '-', Nd: '— ' };
const IGNORED = new Set(['RS', 'RE', 'in', 'ft', 'ad', 'na', 'hy', 'nh', 'ne', 'ta', 'ti', 'ds', 'nr', 'so', 'ig', 'Bd', 'Ed', 'Bl', 'El', 'Os', 'Dd', 'UC', 'ce', 'ls', 'ss', 'cs', 'bp', 'ps', 'vs', 'ie', 'el', 'if', 'tr', 'Pp', 'PP', 'LP', 'P', 'sp', 'br']);

/**
 * man(7) and mdoc(7) sources (what `man` renders): `.SH`/`.Sh` start sections, `.SS`/`.Ss`
 * subsections, `.TP`/`.IP`/`.It` items, `.nf`…`.fi` preformatted text; font and escape markup removed.
 */
export const loadRoff = ({ bytes, documentId }: LoaderInput): ParsedDocument => {
  assertNotEmpty(bytes);
  const builder = createSectionBuilder();
  let title: string | undefined;
  let pageName: string | undefined;
  let heading = '';
  let paragraph: string[] = [];
  let preformatted: string[] | undefined;
  const flush = () => {
    const text = paragraph.join(' ').replace(/\s+/g, ' ').trim();
    if (text) {
      builder.block(text);
      if (heading.toUpperCase() === 'NAME' && title === undefined) title = text;
    }
    paragraph = [];
  };
  for (const raw of decodeText(bytes).split('\n')) {
    if (preformatted) {
      if (/^\.(fi|EE|Ed)\b/.test(raw)) {
        builder.block(`\`\`\`\n${preformatted.join('\n')}\n\`\`\``);
        preformatted = undefined;
      } else if (!raw.startsWith('.')) preformatted.push(unescape(raw));
      continue;
    }
    if (/^[.']\\"/.test(raw) || raw.startsWith('\\"')) continue;
    const macro = /^[.'](\S+)\s*(.*)$/.exec(raw);
    if (!macro) {
      paragraph.push(unescape(raw));
      continue;
    }
    const [, name = '', rest = ''] = macro;
    const args = argumentsOf(rest).map(unescape);
    if (name === 'TH' || name === 'Dt') {
      if (!pageName && args[0]) pageName = `${args[0].toLowerCase()}${args[1] ? `(${args[1]})` : ''}`;
    } else if (name === 'SH' || name === 'Sh' || name === 'SS' || name === 'Ss') {
      flush();
      heading = args.join(' ');
      builder.heading(name.toUpperCase() === 'SH' ? 2 : 3, heading);
    } else if (name === 'nf' || name === 'EX' || (name === 'Bd' && rest.includes('-literal'))) {
      flush();
      preformatted = [];
    } else if (name === 'TP' || name === 'It' || name === 'IP') {
      flush();
      // An item is its tag and its description, one block.
      if (name !== 'TP' && args.length) paragraph.push(args.join(' '));
    } else if (IGNORED.has(name)) {
      if (['PP', 'LP', 'P', 'Pp', 'sp', 'br'].includes(name)) flush();
    } else if (args.length) {
      // Font and mdoc markup macros (.B, .BR, .Nm, .Fl, .Ar…): their arguments are running text.
      const joined = /^(B|I)(R|I|B)$/.test(name) ? args.join('') : args.join(' ');
      paragraph.push(`${MDOC_PREFIX[name] ?? ''}${joined}`);
    }
  }
  flush();
  // The NAME line says what the page is about; the .TH name is the fallback.
  return builder.finish(title ?? pageName ?? documentId.split('/').at(-1) ?? documentId);
};
