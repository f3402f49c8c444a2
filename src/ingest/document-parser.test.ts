import { describe, expect, it, vi } from 'vitest';
import { BotError } from '../core/bot-error.js';
import { exampleDocument, readFixture } from './__fixtures__/read-fixture.js';
import { estimateTokens } from './chunker.js';
import { createDirectorySource } from './directory-source.js';
import { createDocumentParser } from './document-parser.js';

// One text file name makes the loader fail the way a library bug would: with a plain TypeError.
vi.mock('./loaders/text-loader.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./loaders/text-loader.js')>();
  return {
    loadText: (input: Parameters<typeof actual.loadText>[0]) => {
      if (input.documentId.endsWith('explodes.txt')) throw new TypeError("Cannot read properties of undefined (reading 'length')\n    at stack");
      return actual.loadText(input);
    },
  };
});

const parser = createDocumentParser();

describe('createDocumentParser', () => {
  it('recognises the supported extensions in any case', () => {
    for (const id of ['a.md', 'b/c.MARKDOWN', 'd.txt', 'e.HTML', 'f.htm', 'g.Pdf', 'h.docx']) expect(parser.canParse(id)).toBe(true);
    for (const id of ['a.doc', 'b.png', 'md', '.md', 'c.md.bak', 'dir.md/readme']) expect(parser.canParse(id)).toBe(false);
    expect(parser.version).toBe(2);
  });

  it('loads and chunks each format', async () => {
    const cases = [
      ['certificate-rotation.md', 'Rotating the API certificate', 'rotating-the-api-certificate'],
      ['dns-changes.html', 'DNS zone changes & reloads', 'internal-dns-zone-changes'],
      ['failover-guide.pdf', 'Database Failover Guide', 'page=1'],
      ['redis-runbook.docx', 'Redis Memory Runbook', 'redis-memory-runbook'],
      ['backup-tool.8.txt', 'backup-tool - copy database snapshots to the offsite bucket', 'name'],
    ] as const;
    for (const [name, title, anchor] of cases) {
      const drafts = await parser.parse({ documentId: `docs/${name}`, bytes: readFixture(name) });
      expect(drafts.length).toBeGreaterThan(0);
      expect(drafts[0]).toMatchObject({ title, anchor });
    }
  });

  it('rejects unreadable files with the specific reason', async () => {
    const reasons = [
      ['corrupt.pdf', 'corrupt PDF (invalid PDF structure)'],
      ['empty.md', 'empty document'],
      ['binary.txt', 'binary content in a text file'],
    ] as const;
    for (const [name, reason] of reasons) {
      await expect(parser.parse({ documentId: name, bytes: readFixture(name) })).rejects.toThrow(new BotError('document_unreadable', reason));
    }
  });

  it('wraps an unexpected library exception as document_unreadable with the format', async () => {
    const error = await parser.parse({ documentId: 'explodes.txt', bytes: new TextEncoder().encode('text') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ code: 'document_unreadable', message: "text: Cannot read properties of undefined (reading 'length')" });
    expect((error as BotError).cause).toBeInstanceOf(TypeError);
  });

  const samples = exampleDocument('');
  it.runIf(samples.exists)('parses every sample document within the chunk bounds', async () => {
    const source = createDirectorySource({ root: samples.path, supported: (documentId) => parser.canParse(documentId) });
    const { entries } = await source.list();
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const drafts = await parser.parse({ documentId: entry.documentId, bytes: await entry.read() });
      expect(drafts.length, entry.documentId).toBeGreaterThan(0);
      for (const draft of drafts) {
        expect(estimateTokens(draft.text), entry.documentId).toBeLessThanOrEqual(400);
        expect(draft.title, entry.documentId).not.toBe('');
      }
    }
  });
});
