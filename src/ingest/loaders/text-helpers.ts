import { DomUtils, parseDocument } from 'htmlparser2';

/**
 * GitHub-style heading slug, so citation anchors match what GitHub and most static site generators
 * produce: lower case, punctuation removed, each space a hyphen (not collapsed, as GitHub does).
 */
export const slugify = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** Slugs unique within one document: a repeated heading gets `-1`, `-2`… like GitHub. */
export const createSlugger = () => {
  const seen = new Map<string, number>();
  return (heading: string): string => {
    const base = slugify(heading);
    let slug = base;
    let count = seen.get(base) ?? 0;
    while (seen.has(slug)) slug = `${base}-${++count}`;
    seen.set(base, count);
    seen.set(slug, 0);
    return slug;
  };
};

/** A readable title from a file name when the document names none: `redis-memory_pressure.md` → `Redis memory pressure`. */
export const titleFromFileName = (documentId: string): string => {
  const fileName = documentId.split('/').at(-1) ?? documentId;
  const stem = fileName.includes('.') ? fileName.slice(0, fileName.lastIndexOf('.')) : fileName;
  const words = stem.replace(/[-_.\s]+/g, ' ').trim();
  if (!words) return fileName;
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Collapses runs of whitespace to one space, as browsers render text. */
export const collapseWhitespace = (text: string): string => text.replace(/\s+/g, ' ').trim();

const ENTITY = /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/gi;

/** Decodes HTML character references (`&amp;`, `&middot;`, `&#39;`) that Markdown passes through as text. */
export const decodeEntities = (text: string): string =>
  text.includes('&') ? text.replace(ENTITY, (entity) => DomUtils.textContent(parseDocument(entity))) : text;

/** The text of an HTML fragment, without its tags, comments, scripts or styles. */
export const stripTags = (html: string): string => {
  const document = parseDocument(html);
  const hidden = DomUtils.findAll((element) => element.name === 'script' || element.name === 'style', document.children);
  for (const element of hidden) DomUtils.removeElement(element);
  return DomUtils.textContent(document);
};
