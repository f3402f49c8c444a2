import { Lexer, type Token, type Tokens } from 'marked';
import type { LoaderInput, ParsedDocument } from '../parsed-document.js';
import { decodeText } from './decode-text.js';
import { collapseWhitespace, decodeEntities, stripTags, titleFromFileName } from './text-helpers.js';
import { createSectionBuilder, type SectionBuilder } from './section-builder.js';

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/;
// GitHub alert syntax opening a blockquote: `> [!WARNING]`.
const ALERT = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/i;

const splitFrontMatter = (text: string): { body: string; title?: string } => {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { body: text };
  const titleLine = /^title:[ \t]*(.+)$/m.exec(match[1] ?? '');
  const title = titleLine?.[1]?.trim().replace(/^(["'])(.*)\1$/, '$2').trim();
  return { body: text.slice(match[0].length), ...(title ? { title } : {}) };
};

const childTokens = (token: Token): Token[] | undefined =>
  'tokens' in token && Array.isArray(token.tokens) ? token.tokens : undefined;

/**
 * Inline tokens as plain text: emphasis dropped, code spans kept in backticks, links as `text (url)`.
 * Headings are shown in citations, so `forHeading` drops backticks and link targets.
 */
const inlineText = (tokens: Token[] | undefined, forHeading = false): string => {
  let text = '';
  for (const token of tokens ?? []) {
    if (token.type === 'codespan') {
      const code = (token as Tokens.Codespan).text;
      text += forHeading ? code : `\`${code}\``;
    } else if (token.type === 'link') {
      const link = token as Tokens.Link;
      const label = inlineText(link.tokens, forHeading);
      text += forHeading ? label : label && label !== link.href ? `${label} (${link.href})` : link.href;
    } else if (token.type === 'image') {
      text += (token as Tokens.Image).text;
    } else if (token.type === 'html') {
      // Inline HTML is markup, not content; a <br> still separates words.
      text += /^<br\b/i.test(token.raw) ? ' ' : stripTags(token.raw);
    } else if (token.type === 'br') {
      text += ' ';
    } else if (token.type === 'escape') {
      text += (token as Tokens.Escape).text;
    } else {
      const children = childTokens(token);
      text += children ? inlineText(children, forHeading) : decodeEntities('text' in token ? String(token.text) : '');
    }
  }
  return text;
};

const fence = (code: string, language = ''): string => {
  const marker = code.includes('```') ? '````' : '```';
  return `${marker}${language}\n${code.replace(/\n+$/, '')}\n${marker}`;
};

const codeBlock = (token: Tokens.Code): string => fence(token.text, token.lang?.split(/\s/)[0] ?? '');

const paragraphText = (token: Token): string => {
  const text = collapseWhitespace(inlineText(childTokens(token)) || decodeEntities('text' in token ? String(token.text) : ''));
  return text.replace(ALERT, (_marker, kind: string) => `${kind.charAt(0)}${kind.slice(1).toLowerCase()}: `);
};

/** One list as one block: a line per item, nested lists indented under their item. */
const listLines = (list: Tokens.List, depth: number): string[] => {
  const lines: string[] = [];
  const start = typeof list.start === 'number' ? list.start : 1;
  list.items.forEach((item, index) => {
    const marker = list.ordered ? `${start + index}.` : '-';
    const checkbox = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
    const parts: string[] = [];
    // Nested lists and code blocks get lines of their own, so fences stay at the start of a line.
    const nested: string[] = [];
    for (const child of item.tokens) {
      if (child.type === 'list') nested.push(...listLines(child as Tokens.List, depth + 1));
      else if (child.type === 'code') nested.push(codeBlock(child as Tokens.Code));
      else if (child.type !== 'space' && child.type !== 'checkbox') parts.push(paragraphText(child));
    }
    lines.push(`${'  '.repeat(depth)}${marker} ${checkbox}${parts.filter(Boolean).join(' ')}`);
    lines.push(...nested);
  });
  return lines;
};

const tableLines = (table: Tokens.Table): string[] => {
  const row = (cells: Tokens.TableCell[]) =>
    `| ${cells.map((cell) => collapseWhitespace(inlineText(cell.tokens))).join(' | ')} |`;
  return [row(table.header), ...table.rows.map(row)];
};

const addBlocks = (tokens: Token[], builder: SectionBuilder): void => {
  for (const token of tokens) {
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      builder.heading(heading.depth, collapseWhitespace(inlineText(heading.tokens, true)));
    } else if (token.type === 'paragraph' || token.type === 'text') {
      builder.block(paragraphText(token));
    } else if (token.type === 'code') {
      builder.block(codeBlock(token as Tokens.Code));
    } else if (token.type === 'list') {
      builder.block(listLines(token as Tokens.List, 0).join('\n'));
    } else if (token.type === 'table') {
      builder.block(tableLines(token as Tokens.Table).join('\n'));
    } else if (token.type === 'blockquote') {
      addBlocks((token as Tokens.Blockquote).tokens, builder);
    } else if (token.type === 'html') {
      builder.block(collapseWhitespace(stripTags(token.raw)));
    }
    // hr, space and link definitions carry no text.
  }
};

/** Markdown via marked's lexer: headings start sections, front matter is metadata, not text. */
export const loadMarkdown = ({ bytes, documentId }: LoaderInput): ParsedDocument => {
  const { body, title: frontMatterTitle } = splitFrontMatter(decodeText(bytes));
  const builder = createSectionBuilder();
  addBlocks(new Lexer({ gfm: true }).lex(body), builder);
  return builder.finish(builder.firstTopHeading ?? frontMatterTitle ?? titleFromFileName(documentId));
};
