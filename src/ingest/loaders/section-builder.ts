import type { ParsedDocument, ParsedSection } from '../parsed-document.js';
import { createSlugger } from './text-helpers.js';

type Heading = { level: number; text: string; anchor: string };
type OpenSection = { headings: Heading[]; blocks: string[] };

/**
 * Collects headings and blocks in reading order and turns them into sections, for the loaders of
 * formats with explicit heading levels (Markdown, HTML, DOCX, PDF font sizes, man pages).
 */
export const createSectionBuilder = () => {
  const slug = createSlugger();
  const sections: OpenSection[] = [];
  let stack: Heading[] = [];
  let current: OpenSection = { headings: [], blocks: [] };
  let firstTopHeading: string | undefined;

  return {
    /** Starts a section; `anchor` is the element's own id when the format has one, else a slug. */
    heading(level: number, text: string, anchor?: string): void {
      if (!text) return;
      if (level === 1 && firstTopHeading === undefined) firstTopHeading = text;
      sections.push(current);
      stack = [...stack.filter((heading) => heading.level < level), { level, text, anchor: anchor || slug(text) }];
      current = { headings: stack, blocks: [] };
    },

    block(text: string): void {
      const trimmed = text.trim();
      if (trimmed) current.blocks.push(trimmed);
    },

    /** The first level-1 heading, the usual title fallback. */
    get firstTopHeading(): string | undefined {
      return firstTopHeading;
    },

    /**
     * The finished document. Heading paths start at the title unless a level-1 heading is already
     * their root; sections without text are dropped (their headings live on in their children's paths).
     */
    finish(title: string): ParsedDocument {
      const result: ParsedSection[] = [];
      for (const section of [...sections, current]) {
        if (section.blocks.length === 0) continue;
        const texts = section.headings.map((heading) => heading.text);
        const headingPath = section.headings[0]?.level === 1 ? texts : [title, ...texts];
        const parsed: ParsedSection = { headingPath, blocks: section.blocks };
        const anchor = section.headings.at(-1)?.anchor;
        if (anchor) parsed.anchor = anchor;
        result.push(parsed);
      }
      return { title, sections: result };
    },
  };
};

export type SectionBuilder = ReturnType<typeof createSectionBuilder>;
