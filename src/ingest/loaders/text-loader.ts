import type { LoaderInput, ParsedDocument } from '../parsed-document.js';
import { decodeText } from './decode-text.js';
import { collapseWhitespace, titleFromFileName } from './text-helpers.js';
import { createSectionBuilder } from './section-builder.js';

// A man-page section heading: capitals at column 0, such as NAME, SEE ALSO, EXIT STATUS.
const MAN_HEADING = /^[A-Z][A-Z0-9 /&-]*[A-Z0-9]$/;
const MAN_SECTIONS = new Set(['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS']);
// Running header and footer of a formatted man page: `ACME-DRAIN(8)   Acme Manual   ACME-DRAIN(8)`.
const MAN_RUNNING_LINE = /^\S.*\s{3,}.*\S+\(\w+\)\s*$/;

type Line = { text: string; indent: number };

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** Blank-line separated groups of lines. */
const paragraphs = (lines: string[]): Line[][] => {
  const groups: Line[][] = [[]];
  for (const line of lines) {
    if (line.trim() === '') groups.push([]);
    else groups.at(-1)?.push({ text: line.trimEnd(), indent: indentOf(line) });
  }
  return groups.filter((group) => group.length > 0);
};

const fence = (lines: Line[], base: number) =>
  ['```', ...lines.map((line) => line.text.slice(Math.min(base, line.indent))), '```'].join('\n');

// A tagged paragraph line: a short tag, a wide gap, then its text (`0      Server drained.`).
const TAGGED = /^(\S+(?: \S+){0,3}?)\s{3,}(\S.*)$/;

type Entry = { first: string; rest: string[] };

/**
 * A man-page paragraph as a block: prose at the section's indentation is joined; an option or tag
 * with its deeper-indented description becomes `term: description` (a list when there are several);
 * deeper-indented lines alone (examples) become code.
 */
const manBlock = (group: Line[], base: number, verbatim: boolean): string => {
  if (verbatim || group.every((line) => line.indent > base)) return fence(group, Math.min(...group.map((line) => line.indent)));
  const entries: Entry[] = [];
  for (const line of group) {
    const last = entries.at(-1);
    if (line.indent <= base || !last) entries.push({ first: line.text.trim(), rest: [] });
    else last.rest.push(line.text.trim());
  }
  const definition = (entry: Entry): string => {
    const tagged = TAGGED.exec(entry.first);
    const term = tagged ? tagged[1] : entry.first;
    return collapseWhitespace(`${term}: ${[tagged?.[2] ?? '', ...entry.rest].join(' ')}`);
  };
  const isDefinition = (entry: Entry) => entry.rest.length > 0 || TAGGED.test(entry.first);
  if (entries.length === 1 && entries[0] && isDefinition(entries[0])) return definition(entries[0]);
  if (entries.length > 1 && entries.every(isDefinition)) return entries.map((entry) => `- ${definition(entry)}`).join('\n');
  return collapseWhitespace(group.map((line) => line.text).join(' '));
};

const loadManPage = (lines: string[], documentId: string): ParsedDocument => {
  const builder = createSectionBuilder();
  let title: string | undefined;
  let heading = '';
  let body: string[] = [];
  const flush = () => {
    const groups = paragraphs(body);
    const base = Math.min(...groups.flat().map((line) => line.indent));
    for (const group of groups) {
      const block = manBlock(group, base, heading === 'SYNOPSIS');
      if (heading === 'NAME' && title === undefined) title = collapseWhitespace(group.map((line) => line.text).join(' '));
      builder.block(block);
    }
    body = [];
  };
  for (const line of lines) {
    if (MAN_RUNNING_LINE.test(line)) continue;
    if (MAN_HEADING.test(line)) {
      flush();
      heading = line.trim();
      builder.heading(2, heading);
    } else {
      body.push(line);
    }
  }
  flush();
  return builder.finish(title ?? titleFromFileName(documentId));
};

/**
 * Plain text. A formatted man page (NAME, SYNOPSIS, DESCRIPTION… at column 0) is split into its
 * sections, titled by its NAME line; any other text is one section of blank-line separated paragraphs.
 */
export const loadText = ({ bytes, documentId }: LoaderInput): ParsedDocument => {
  const lines = decodeText(bytes).split('\n');
  const headings = lines.filter((line) => MAN_HEADING.test(line)).map((line) => line.trim());
  if (headings.filter((heading) => MAN_SECTIONS.has(heading)).length >= 2) return loadManPage(lines, documentId);
  const builder = createSectionBuilder();
  for (const group of paragraphs(lines)) {
    const indented = group.every((line) => line.indent >= 4);
    builder.block(indented ? fence(group, Math.min(...group.map((line) => line.indent))) : collapseWhitespace(group.map((line) => line.text).join(' ')));
  }
  return builder.finish(titleFromFileName(documentId));
};
