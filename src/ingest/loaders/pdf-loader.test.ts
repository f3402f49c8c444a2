import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { BotError } from '../../core/bot-error.js';
import { exampleDocument, readFixture } from '../__fixtures__/read-fixture.js';
import { loadPdf } from './pdf-loader.js';

describe('loadPdf', () => {
  // pdfjs logs through console; at verbosity 0 it must stay silent, whatever the file.
  let consoleCalls: MockInstance[] = [];
  beforeEach(() => {
    consoleCalls = (['log', 'info', 'warn', 'error'] as const).map((method) => vi.spyOn(console, method));
  });
  afterEach(() => {
    for (const spy of consoleCalls) expect(spy).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('reads a two-page PDF: title from metadata, headings from larger type, page anchors', async () => {
    const bytes = readFixture('failover-guide.pdf');
    const parsed = await loadPdf({ bytes, documentId: 'failover-guide.pdf' });
    expect(parsed.title).toBe('Database Failover Guide');
    expect(parsed.sections).toEqual([
      {
        headingPath: ['Database Failover Guide', 'Promoting the replica'],
        anchor: 'page=1',
        blocks: [
          'Check the replication lag on the standby before promoting it. The lag must be below one second.',
          'Run patronictl failover and confirm the new leader in the cluster status output.',
        ],
      },
      {
        headingPath: ['Database Failover Guide', 'Verifying replication'],
        anchor: 'page=2',
        blocks: ['After the failover, every replica must stream from the new leader. Query pg_stat_replication on the leader to confirm it.'],
      },
    ]);
    // pdfjs must be handed a copy: the caller's bytes are hashed and may be read again.
    expect(bytes.byteLength).toBe(readFixture('failover-guide.pdf').byteLength);
  });

  it('rejects a corrupt PDF with a short reason', async () => {
    await expect(loadPdf({ bytes: readFixture('corrupt.pdf'), documentId: 'corrupt.pdf' })).rejects.toThrow(
      new BotError('document_unreadable', 'corrupt PDF (invalid PDF structure)'),
    );
  });

  it('rejects a PDF without a text layer', async () => {
    await expect(loadPdf({ bytes: readFixture('image-only.pdf'), documentId: 'scan.pdf' })).rejects.toThrow(
      'no extractable text (scanned or image-only PDF?)',
    );
  });

  it('rejects an encrypted PDF', async () => {
    await expect(loadPdf({ bytes: readFixture('encrypted.pdf'), documentId: 'encrypted.pdf' })).rejects.toThrow(
      'encrypted PDF (password required)',
    );
  });

  it('rejects an empty file', async () => {
    await expect(loadPdf({ bytes: new Uint8Array(), documentId: 'empty.pdf' })).rejects.toThrow('empty document');
  });

  const sample = exampleDocument('postmortems/2025-06-02-inc-2307-cert-expiry.pdf');
  it.runIf(sample.exists)('reads the postmortem sample: wrapped table cells, bullets, running footers', async () => {
    const parsed = await loadPdf({ bytes: sample.bytes(), documentId: 'postmortem.pdf' });
    expect(parsed.title).toBe('Postmortem INC-2307: Expired TLS certificate on the ams2 edge load balancers');
    const summary = parsed.sections.find((section) => section.headingPath[1] === 'Summary');
    expect(summary?.anchor).toBe('page=1');
    const text = parsed.sections.flatMap((section) => section.blocks).join('\n');
    expect(text).toContain('| AI-4 | Expiry alerts at 30, 14 and 7 days; the 7-day alert pages and cannot be silenced');
    expect(text).toMatch(/^- The renewal was verified only through DNS/m);
  });
});
