import { DomUtils, ElementType, parseDocument } from 'htmlparser2';
import type { LoaderInput, ParsedDocument } from '../parsed-document.js';
import { decodeText } from './decode-text.js';
import { collapseWhitespace, titleFromFileName } from './text-helpers.js';
import { createSectionBuilder, type SectionBuilder } from './section-builder.js';

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;
type DomText = Extract<DomNode, { type: typeof ElementType.Text }>;

// Site chrome and non-content: their text would only add noise to passages.
const SKIPPED = new Set(['script', 'style', 'nav', 'head', 'title', 'noscript', 'template', 'svg', 'iframe', 'object']);
const HEADING = /^h([1-6])$/;
// Elements that end the running paragraph; everything else is inline and joins it.
const FLOW = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hgroup', 'hr', 'html', 'li', 'main', 'ol', 'p',
  'section', 'summary', 'ul', 'caption', 'pre', 'table',
]);

const isElement = (node: DomNode): node is DomElement => ElementType.isTag(node);
const isText = (node: DomNode): node is DomText => node.type === ElementType.Text;

type InlineOptions = { insideListItem?: boolean; forHeading?: boolean };

/**
 * An element's text as it reads inline: code in backticks, links as `text (url)`, nested blocks
 * spaced. Headings are shown in citations, so `forHeading` drops backticks and link targets.
 */
const inlineText = (nodes: DomNode[], options: InlineOptions = {}): string => {
  let text = '';
  for (const node of nodes) {
    if (isText(node)) text += node.data;
    if (!isElement(node) || SKIPPED.has(node.name)) continue;
    // A list item's nested lists and code blocks get lines of their own.
    if (options.insideListItem && (node.name === 'ul' || node.name === 'ol' || node.name === 'pre')) continue;
    const inner = inlineText(node.children, options);
    if ((node.name === 'code' || node.name === 'kbd') && !options.forHeading) {
      text += `\`${inner.trim()}\``;
    } else if (node.name === 'a') {
      const href = node.attribs.href ?? '';
      // In-page and script links lead nowhere a reader of the passage can follow.
      const shown = !options.forHeading && href !== '' && !/^(#|javascript:)/i.test(href) && collapseWhitespace(inner) !== href;
      text += shown ? `${inner} (${href})` : inner;
    } else if (node.name === 'br' || FLOW.has(node.name) || node.name === 'td' || node.name === 'th') {
      text += ` ${inner} `;
    } else {
      text += inner;
    }
  }
  return text;
};

const codeFence = (pre: DomElement): string => {
  const code = DomUtils.textContent(pre).replace(/^\n/, '').replace(/\s+$/, '');
  const classes = `${pre.attribs.class ?? ''} ${DomUtils.findOne((element) => element.name === 'code', pre.children)?.attribs.class ?? ''}`;
  const language = /(?:^|\s)(?:language|lang)-([\w+-]+)/.exec(classes)?.[1] ?? '';
  const marker = code.includes('```') ? '````' : '```';
  return `${marker}${language}\n${code}\n${marker}`;
};

const listLines = (list: DomElement, depth: number): string[] => {
  const lines: string[] = [];
  let number = Number(list.attribs.start ?? 1) || 1;
  const addChildren = (nodes: DomNode[]) => {
    for (const node of nodes) {
      if (!isElement(node) || SKIPPED.has(node.name)) continue;
      if (node.name === 'ul' || node.name === 'ol') lines.push(...listLines(node, depth + 1));
      else if (node.name === 'pre') lines.push(codeFence(node));
      else addChildren(node.children);
    }
  };
  for (const item of list.children) {
    if (!isElement(item) || item.name !== 'li') continue;
    const marker = list.name === 'ol' ? `${number++}.` : '-';
    const text = collapseWhitespace(inlineText(item.children, { insideListItem: true }));
    if (text) lines.push(`${'  '.repeat(depth)}${marker} ${text}`);
    addChildren(item.children);
  }
  return lines;
};

/** Rows of this table only (not of tables nested in its cells), each as `| a | b |`. */
const tableLines = (table: DomElement): string[] => {
  const rows: DomElement[] = [];
  const collect = (nodes: DomNode[]) => {
    for (const node of nodes) {
      if (!isElement(node) || node.name === 'table') continue;
      if (node.name === 'tr') rows.push(node);
      else collect(node.children);
    }
  };
  collect(table.children);
  return rows
    .map((row) => row.children.filter(isElement).filter((cell) => cell.name === 'td' || cell.name === 'th'))
    .map((cells) => cells.map((cell) => collapseWhitespace(inlineText(cell.children))))
    .filter((cells) => cells.some(Boolean))
    .map((cells) => `| ${cells.join(' | ')} |`);
};

/** The heading's own id, or that of an anchor inside it; Word's hidden bookmarks (`_Toc…`) are no anchors. */
const headingAnchor = (heading: DomElement): string | undefined => {
  const usable = (id: string | undefined) => (id && !id.startsWith('_') ? id : undefined);
  if (usable(heading.attribs.id)) return heading.attribs.id;
  const named = DomUtils.findOne(
    (element) => element.name === 'a' && usable(element.attribs.id ?? element.attribs.name) !== undefined,
    heading.children,
  );
  return usable(named?.attribs.id ?? named?.attribs.name);
};

const walk = (nodes: DomNode[], builder: SectionBuilder): void => {
  let running = '';
  const flush = () => {
    builder.block(collapseWhitespace(running));
    running = '';
  };
  for (const node of nodes) {
    if (!isElement(node)) {
      running += inlineText([node]);
      continue;
    }
    if (SKIPPED.has(node.name)) continue;
    const heading = HEADING.exec(node.name);
    if (!heading && !FLOW.has(node.name)) {
      running += inlineText([node]);
      continue;
    }
    flush();
    if (heading) builder.heading(Number(heading[1]), collapseWhitespace(inlineText(node.children, { forHeading: true })), headingAnchor(node));
    else if (node.name === 'pre') builder.block(codeFence(node));
    else if (node.name === 'ul' || node.name === 'ol') builder.block(listLines(node, 0).join('\n'));
    else if (node.name === 'table') builder.block(tableLines(node).join('\n'));
    else walk(node.children, builder);
  }
  flush();
};

/** Parses HTML markup (a web page, or mammoth's rendering of a DOCX) into sections. */
export const parseHtml = (html: string, documentId: string): ParsedDocument => {
  const document = parseDocument(html, { decodeEntities: true });
  const titleElement = DomUtils.findOne((element) => element.name === 'title', document.children);
  const builder = createSectionBuilder();
  walk(document.children, builder);
  const title = (titleElement && collapseWhitespace(DomUtils.textContent(titleElement))) || builder.firstTopHeading;
  return builder.finish(title || titleFromFileName(documentId));
};

export const loadHtml = ({ bytes, documentId }: LoaderInput): ParsedDocument => parseHtml(decodeText(bytes), documentId);
