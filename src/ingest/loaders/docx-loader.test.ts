import { describe, expect, it } from 'vitest';
import { exampleDocument, readFixture } from '../__fixtures__/read-fixture.js';
import { loadDocx } from './docx-loader.js';

describe('loadDocx', () => {
  it('reads Heading 1/2 styles as the title and sections', async () => {
    const parsed = await loadDocx({ bytes: readFixture('redis-runbook.docx'), documentId: 'runbooks/redis-runbook.docx' });
    expect(parsed).toEqual({
      title: 'Redis Memory Runbook',
      sections: [
        { headingPath: ['Redis Memory Runbook'], anchor: 'redis-memory-runbook', blocks: ['This runbook covers memory pressure on the Redis cache cluster.'] },
        {
          headingPath: ['Redis Memory Runbook', 'Checking memory'],
          anchor: 'checking-memory',
          blocks: ['Run redis-cli info memory and compare used_memory with maxmemory.'],
        },
        {
          headingPath: ['Redis Memory Runbook', 'Evicting keys'],
          anchor: 'evicting-keys',
          blocks: ['The eviction policy is allkeys-lru on every cache node.', '| Node | Limit |\n| cache01 | 8 GiB |'],
        },
      ],
    });
  });

  it('rejects a file that is not a DOCX', async () => {
    await expect(loadDocx({ bytes: readFixture('corrupt.pdf'), documentId: 'fake.docx' })).rejects.toThrow(
      'docx: not a valid DOCX (ZIP) file',
    );
  });

  it('rejects an empty file', async () => {
    await expect(loadDocx({ bytes: new Uint8Array(), documentId: 'empty.docx' })).rejects.toThrow('empty document');
  });

  const sample = exampleDocument('standards/change-management-policy.docx');
  it.runIf(sample.exists)('reads the change management policy sample', async () => {
    const parsed = await loadDocx({ bytes: sample.bytes(), documentId: 'change-management-policy.docx' });
    expect(parsed.sections.length).toBeGreaterThan(3);
    expect(parsed.sections.every((section) => section.headingPath[0] === parsed.title)).toBe(true);
  });
});
