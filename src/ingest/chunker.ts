import type { ChunkDraft } from '../core/ports/document-source.js';
import { blockTail, estimateTokens, splitBlock } from './block-splitting.js';
import type { ParsedDocument, ParsedSection } from './parsed-document.js';

export { estimateTokens } from './block-splitting.js';

export type ChunkOptions = {
  /** Size the packer aims for. */
  targetTokens?: number;
  /** Hard ceiling, overlap included (a single word longer than this is the only exception). */
  maxTokens?: number;
  /** Sections smaller than this are merged with the sections that follow them. */
  minTokens?: number;
  /** Context repeated from the end of the previous chunk of the same section. */
  overlapTokens?: number;
};

type Settings = Required<ChunkOptions>;

const DEFAULTS: Settings = { targetTokens: 300, maxTokens: 400, minTokens: 60, overlapTokens: 50 };

const sectionTokens = (blocks: string[]) => blocks.reduce((total, block) => total + estimateTokens(block), 0);

const startsWith = (path: string[], prefix: string[]) => prefix.every((heading, index) => path[index] === heading);

/**
 * Merges each section smaller than minTokens with the sections after it that share its parent
 * (siblings and their children), while the result stays within maxTokens. The merged passage
 * keeps the first section's heading path and anchor; later headings become lines of text.
 */
const mergeSmallSections = (sections: ParsedSection[], settings: Settings): ParsedSection[] => {
  const groups: ParsedSection[] = [];
  for (let index = 0; index < sections.length; ) {
    const first = sections[index++] as ParsedSection;
    const blocks = [...first.blocks];
    let tokens = sectionTokens(blocks);
    const parent = first.headingPath.slice(0, -1);
    for (let next = sections[index]; next && tokens < settings.minTokens && startsWith(next.headingPath, parent); next = sections[index]) {
      const shared = first.headingPath.findIndex((heading, position) => next.headingPath[position] !== heading);
      const heading = next.headingPath.slice(shared === -1 ? first.headingPath.length : shared).join(' › ');
      const added = heading ? [heading, ...next.blocks] : next.blocks;
      if (tokens + sectionTokens(added) > settings.maxTokens) break;
      blocks.push(...added);
      tokens += sectionTokens(added);
      index++;
    }
    groups.push({ ...first, blocks });
  }
  return groups;
};

/** Trailing whole blocks (or, for the last one, trailing sentences) of a chunk, within the budget. */
const overlapOf = (blocks: string[], budget: number): string[] => {
  const overlap: string[] = [];
  let remaining = budget;
  for (let index = blocks.length - 1; index >= 0 && remaining > 0; index--) {
    const tail = blockTail(blocks[index] as string, remaining);
    if (tail === undefined) break;
    overlap.unshift(tail);
    remaining -= estimateTokens(tail);
    if (tail !== blocks[index]) break;
  }
  return overlap;
};

type OpenChunk = { overlap: string[]; content: string[]; tokens: number };

/** Packs one section's blocks into chunks, cutting oversized blocks first. */
const chunkSection = (blocks: string[], settings: Settings): string[][] => {
  const pieces = blocks.flatMap((block) => splitBlock(block, settings.targetTokens));
  const chunks: OpenChunk[] = [];
  let current: OpenChunk = { overlap: [], content: [], tokens: 0 };
  for (const piece of pieces) {
    const size = estimateTokens(piece);
    const fits = current.tokens + size <= settings.targetTokens;
    const smallEnoughToStretch = current.tokens < settings.minTokens && current.tokens + size <= settings.maxTokens;
    if (current.content.length > 0 && !fits && !smallEnoughToStretch) {
      chunks.push(current);
      const budget = Math.min(settings.overlapTokens, settings.maxTokens - size);
      const overlap = budget > 0 ? overlapOf([...current.overlap, ...current.content], budget) : [];
      current = { overlap, content: [], tokens: sectionTokens(overlap) };
    }
    current.content.push(piece);
    current.tokens += size;
  }
  const previous = chunks.at(-1);
  const contentTokens = sectionTokens(current.content);
  // A small remainder reads better appended to the chunk before it than standing alone.
  if (previous && contentTokens < settings.minTokens && previous.tokens + contentTokens <= settings.maxTokens) {
    previous.content.push(...current.content);
    previous.tokens += contentTokens;
  } else if (current.content.length > 0) {
    chunks.push(current);
  }
  return chunks.map((chunk) => [...chunk.overlap, ...chunk.content]);
};

/**
 * Cuts a parsed document into passages that never mix sections (except merged tiny ones), each
 * about targetTokens and at most maxTokens, consecutive passages of a section sharing about
 * overlapTokens of context. Text is the blocks joined by blank lines.
 */
export const chunkDocument = (parsed: ParsedDocument, options: ChunkOptions = {}): ChunkDraft[] => {
  const settings: Settings = { ...DEFAULTS, ...options };
  return mergeSmallSections(parsed.sections, settings).flatMap((section) =>
    chunkSection(section.blocks, settings).map((blocks) => {
      const draft: ChunkDraft = { title: parsed.title, headingPath: section.headingPath, text: blocks.join('\n\n') };
      if (section.anchor) draft.anchor = section.anchor;
      return draft;
    }),
  );
};
