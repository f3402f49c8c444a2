import { describe, expect, it } from 'vitest';
import { chunkDocument, estimateTokens } from './chunker.js';
import type { ParsedDocument, ParsedSection } from './parsed-document.js';

// About 14 tokens each (11 words × 1.3).
const sentence = (topic: string, index: number) => `Sentence ${index} explains how the ${topic} cluster behaves under heavy load.`;
const paragraph = (topic: string, from: number, count: number) =>
  Array.from({ length: count }, (_, offset) => sentence(topic, from + offset)).join(' ');
const paragraphs = (topic: string, count: number, sentencesEach = 4) =>
  Array.from({ length: count }, (_, index) => paragraph(topic, index * sentencesEach, sentencesEach));
const section = (headingPath: string[], blocks: string[], anchor?: string): ParsedSection => ({ headingPath, blocks, ...(anchor ? { anchor } : {}) });
const document = (...sections: ParsedSection[]): ParsedDocument => ({ title: 'Guide', sections });

describe('chunkDocument', () => {
  it('estimates tokens as words × 1.3', () => {
    expect(estimateTokens('one two three four five six seven eight nine ten')).toBe(13);
    expect(estimateTokens('  ')).toBe(0);
  });

  it('packs a long section into chunks within the bounds, overlapping by whole trailing blocks', () => {
    const drafts = chunkDocument(document(section(['Guide', 'Redis'], paragraphs('redis', 30), 'redis')));
    expect(drafts.length).toBeGreaterThan(4);
    for (const draft of drafts) {
      expect(estimateTokens(draft.text)).toBeLessThanOrEqual(400);
      expect(estimateTokens(draft.text)).toBeGreaterThanOrEqual(60);
      expect(draft).toMatchObject({ title: 'Guide', headingPath: ['Guide', 'Redis'], anchor: 'redis' });
    }
    for (let index = 1; index < drafts.length; index++) {
      const opening = drafts[index]?.text.split('\n\n')[0] ?? '';
      expect(drafts[index - 1]?.text.endsWith(opening)).toBe(true);
      expect(estimateTokens(opening)).toBeLessThanOrEqual(50);
      expect(estimateTokens(opening)).toBeGreaterThan(30);
    }
  });

  it('honours custom sizes', () => {
    const drafts = chunkDocument(document(section(['Guide'], paragraphs('etcd', 20))), { targetTokens: 120, maxTokens: 150, minTokens: 20, overlapTokens: 0 });
    expect(drafts.every((draft) => estimateTokens(draft.text) <= 150)).toBe(true);
    expect(drafts.map((draft) => draft.text).join('\n\n')).toBe(paragraphs('etcd', 20).join('\n\n'));
  });

  it('never mixes two sections that are large enough to stand alone', () => {
    const drafts = chunkDocument(document(section(['Guide', 'Redis'], paragraphs('redis', 3)), section(['Guide', 'Kafka'], paragraphs('kafka', 3))));
    expect(drafts.map((draft) => draft.headingPath[1])).toEqual(['Redis', 'Kafka']);
    expect(drafts[0]?.text).not.toContain('kafka');
    expect(drafts[1]?.text).not.toContain('redis');
  });

  it('merges a tiny section into the following sections of the same parent, under the first heading', () => {
    const drafts = chunkDocument(
      document(
        section(['Guide'], ['A short introduction.'], 'guide'),
        section(['Guide', 'Alerts'], ['Page the on-call engineer.'], 'alerts'),
        section(['Guide', 'Alerts', 'Silencing'], paragraphs('alertmanager', 2), 'silencing'),
        section(['Guide', 'Backups'], paragraphs('backup', 3), 'backups'),
      ),
    );
    expect(drafts.map((draft) => [draft.headingPath, draft.anchor])).toEqual([
      [['Guide'], 'guide'],
      [['Guide', 'Backups'], 'backups'],
    ]);
    expect(drafts[0]?.text.split('\n\n').slice(0, 4)).toEqual(['A short introduction.', 'Alerts', 'Page the on-call engineer.', 'Alerts › Silencing']);
  });

  it('leaves a tiny section alone when what follows has another parent or would overflow', () => {
    const drafts = chunkDocument(
      document(
        section(['Guide', 'Alerts', 'Silencing'], ['Use amtool to silence.']),
        section(['Guide', 'Backups'], ['Nightly at two.']),
        section(['Guide', 'Restores'], paragraphs('restore', 8)),
      ),
    );
    expect(drafts[0]).toMatchObject({ headingPath: ['Guide', 'Alerts', 'Silencing'], text: 'Use amtool to silence.' });
    expect(drafts[1]).toMatchObject({ headingPath: ['Guide', 'Backups'], text: 'Nightly at two.' });
  });

  it('splits an oversized code block at line boundaries with balanced fences', () => {
    const code = ['```yaml', ...Array.from({ length: 200 }, (_, index) => `  key_${index}: value number ${index} for the service`), '```'].join('\n');
    const drafts = chunkDocument(document(section(['Guide', 'Config'], ['The configuration:', code])));
    const pieces = drafts.flatMap((draft) => draft.text.split('\n\n')).filter((block) => block.startsWith('```'));
    expect(pieces.length).toBeGreaterThan(3);
    for (const draft of drafts) {
      expect(estimateTokens(draft.text)).toBeLessThanOrEqual(400);
      expect(draft.text.split('\n').filter((line) => line.startsWith('```')).length % 2).toBe(0);
    }
    for (const piece of pieces) {
      expect(piece.startsWith('```yaml\n')).toBe(true);
      expect(piece.endsWith('\n```')).toBe(true);
    }
    const lines = pieces.flatMap((piece) => piece.split('\n').slice(1, -1));
    expect(new Set(lines).size).toBe(200);
  });

  it('splits an oversized paragraph at sentence boundaries', () => {
    const drafts = chunkDocument(document(section(['Guide'], [paragraph('vault', 0, 80)])));
    expect(drafts.length).toBeGreaterThan(2);
    for (const draft of drafts) {
      expect(draft.text).toMatch(/^Sentence \d+ .*load\.$/s);
      expect(estimateTokens(draft.text)).toBeLessThanOrEqual(400);
    }
  });

  it('repeats the header row when a table is split', () => {
    const rows = Array.from({ length: 120 }, (_, index) => `| host${index}.fra1 | 10.0.0.${index} | primary database |`);
    const drafts = chunkDocument(document(section(['Guide', 'Hosts'], [['| Host | Address | Role |', ...rows].join('\n')])));
    expect(drafts.length).toBeGreaterThan(1);
    for (const draft of drafts) expect(draft.text.startsWith('| Host | Address | Role |\n')).toBe(true);
  });
});
