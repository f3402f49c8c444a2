import { describe, expect, it } from 'vitest';
import type { SourceEntry } from '../ports/document-source.js';
import type { DocumentRecord } from '../ports/index-catalog-store.js';
import { isUnchangedOnDisk, trustedModifiedAt } from './change-detection.js';

const entry = (modifiedAt: Date, size = 10): SourceEntry => ({ documentId: 'a.md', size, modifiedAt, read: async () => new Uint8Array(size) });
const record = (modifiedAt: string, size = 10): DocumentRecord => ({ hash: 'h', size, modifiedAt, chunkIds: [], tokenCount: 0 });

describe('change detection', () => {
  const readAt = Date.UTC(2026, 10, 21, 12, 0, 0);

  it('trusts an mtime well before the read, and neither one within a timestamp tick of it nor one in the future', () => {
    expect(trustedModifiedAt(entry(new Date(readAt - 60_000)), readAt)).toBe(new Date(readAt - 60_000).toISOString());
    expect(trustedModifiedAt(entry(new Date(readAt - 500)), readAt)).toBe('');
    expect(trustedModifiedAt(entry(new Date(readAt + 5_000)), readAt)).toBe('');
  });

  it('skips the read only when size and a trusted mtime both match', () => {
    const mtime = new Date(readAt - 60_000);
    expect(isUnchangedOnDisk(record(mtime.toISOString()), entry(mtime))).toBe(true);
    expect(isUnchangedOnDisk(record(mtime.toISOString()), entry(mtime, 11))).toBe(false);
    expect(isUnchangedOnDisk(record(mtime.toISOString()), entry(new Date(readAt)))).toBe(false);
    expect(isUnchangedOnDisk(record(''), entry(mtime))).toBe(false);
    expect(isUnchangedOnDisk(undefined, entry(mtime))).toBe(false);
  });
});
