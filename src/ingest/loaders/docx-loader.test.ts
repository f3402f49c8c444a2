import { describe, expect, it } from 'vitest';
import { docx } from '../../../test/support/reliability-zip.js';
import { exampleDocument, readFixture } from '../__fixtures__/read-fixture.js';
import { loadDocx, MAX_DOCX_UNPACKED_BYTES } from './docx-loader.js';

const MiB = 1024 * 1024;

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

  it('refuses a DOCX whose parts unpack past the 20 MiB limit (a decompression bomb), before parsing it', async () => {
    expect(MAX_DOCX_UNPACKED_BYTES).toBe(20 * MiB);
    const bomb = docx(['Bomb', 'word '.repeat((21 * MiB) / 5)]);
    await expect(loadDocx({ bytes: new Uint8Array(bomb), documentId: 'bomb.docx' })).rejects.toThrow('docx: unpacks to 21 MiB, more than the 20 MiB limit');
  });

  it('refuses a DOCX whose document part inflates past the size it declares', async () => {
    const liar = docx(['Liar', 'word '.repeat(MiB)]);
    // The last central directory record is word/document.xml's: it claims 1 KiB.
    const central = liar.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    liar.writeUInt32LE(1024, central + 24);
    await expect(loadDocx({ bytes: new Uint8Array(liar), documentId: 'liar.docx' })).rejects.toThrow(
      'docx: a part unpacks to more than the size it declares, so the 20 MiB limit on the unpacked size cannot be checked',
    );
  });

  it('reads a DOCX just as before when bytes precede the archive (as mammoth\'s unzipper accepts)', async () => {
    const plain = await loadDocx({ bytes: readFixture('redis-runbook.docx'), documentId: 'redis-runbook.docx' });
    const prefixed = new Uint8Array(Buffer.concat([Buffer.alloc(512, 0x4d), readFixture('redis-runbook.docx')]));
    expect(await loadDocx({ bytes: prefixed, documentId: 'redis-runbook.docx' })).toEqual(plain);
  });

  const sample = exampleDocument('standards/change-management-policy.docx');
  it.runIf(sample.exists)('reads the change management policy sample', async () => {
    const parsed = await loadDocx({ bytes: sample.bytes(), documentId: 'change-management-policy.docx' });
    expect(parsed.sections.length).toBeGreaterThan(3);
    expect(parsed.sections.every((section) => section.headingPath[0] === parsed.title)).toBe(true);
  });
});
