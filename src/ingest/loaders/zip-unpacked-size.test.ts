import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { docx, zip } from '../../../test/support/reliability-zip.js';
import { readFixture } from '../__fixtures__/read-fixture.js';
import { measureUnpackedSize } from './zip-unpacked-size.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Offsets of every record with this signature, in order. */
const recordsOf = (archive: Buffer, signature: number): number[] => {
  const offsets: number[] = [];
  for (let offset = 0; offset + 4 <= archive.length; offset++) if (archive.readUInt32LE(offset) === signature) offsets.push(offset);
  return offsets;
};
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const END = 0x06054b50;

/** One deflated entry whose central record gives its sizes in a ZIP64 extra field. */
const zip64Archive = (data: Buffer, declaredUncompressed: bigint): Buffer => {
  const name = Buffer.from('word/document.xml');
  const compressed = deflateRawSync(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(LOCAL, 0);
  local.writeUInt16LE(45, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(0xffffffff, 22);
  local.writeUInt16LE(name.length, 26);
  const extra = Buffer.alloc(12);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8, 2);
  extra.writeBigUInt64LE(declaredUncompressed, 4);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(CENTRAL, 0);
  central.writeUInt16LE(8, 10); // deflate
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(0xffffffff, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt16LE(extra.length, 30);
  const directoryOffset = local.length + name.length + compressed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length + extra.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return Buffer.concat([local, name, compressed, central, name, extra, end]);
};

describe('measureUnpackedSize', () => {
  it('measures a real DOCX: the sum of its parts, more than the file itself', () => {
    const file = readFixture('redis-runbook.docx');
    const size = measureUnpackedSize(file, 20 * MiB);
    expect(size.kind).toBe('measured');
    expect(size.kind === 'measured' && size.bytes).toBeGreaterThan(file.length);
  });

  it('refuses a small archive that declares a huge part (a decompression bomb), naming the total', () => {
    const bomb = docx(['Bomb', 'word '.repeat((21 * MiB) / 5)]);
    expect(bomb.length).toBeLessThan(64 * KiB);
    const size = measureUnpackedSize(bomb, 20 * MiB);
    expect(size.kind).toBe('over-limit');
    expect(size.kind === 'over-limit' && size.bytes).toBeGreaterThan(21 * MiB);
  });

  it('adds the parts up: two parts each under the limit are over it together', () => {
    const archive = zip([{ name: 'a.xml', data: 'a'.repeat(600 * KiB) }, { name: 'b.xml', data: 'b'.repeat(600 * KiB) }]);
    expect(measureUnpackedSize(archive, 1 * MiB)).toEqual({ kind: 'over-limit', bytes: 1200 * KiB });
    expect(measureUnpackedSize(archive, 2 * MiB)).toEqual({ kind: 'measured', bytes: 1200 * KiB });
  });

  it('counts every central directory record, past the count the archive claims (jszip reads them all)', () => {
    const archive = zip([{ name: 'a.xml', data: 'a'.repeat(600 * KiB) }, { name: 'b.xml', data: 'b'.repeat(600 * KiB) }]);
    const [end] = recordsOf(archive, END);
    archive.writeUInt16LE(1, (end ?? 0) + 8);
    archive.writeUInt16LE(1, (end ?? 0) + 10);
    expect(measureUnpackedSize(archive, 1 * MiB)).toEqual({ kind: 'over-limit', bytes: 1200 * KiB });
  });

  it('catches a part that inflates past the size it declares, however small the declared total', () => {
    const archive = zip([{ name: 'word/document.xml', data: 'word '.repeat(MiB) }]);
    const [central] = recordsOf(archive, CENTRAL);
    archive.writeUInt32LE(1_000, (central ?? 0) + 24);
    expect(measureUnpackedSize(archive, 20 * MiB)).toEqual({ kind: 'understated' });
    archive.writeUInt32LE(0, (central ?? 0) + 24);
    expect(measureUnpackedSize(archive, 20 * MiB)).toEqual({ kind: 'understated' });
  });

  it('counts a stored part by the bytes it stores, whatever it declares', () => {
    const archive = zip([{ name: 'image.png', data: randomBytes(100 * KiB) }]);
    for (const signature of [LOCAL, CENTRAL]) {
      const [offset] = recordsOf(archive, signature);
      archive.writeUInt16LE(0, (offset ?? 0) + (signature === LOCAL ? 8 : 10));
    }
    const [central] = recordsOf(archive, CENTRAL);
    archive.writeUInt32LE(10, (central ?? 0) + 24);
    expect(measureUnpackedSize(archive, 50 * KiB).kind).toBe('over-limit');
  });

  it('reads sizes from a ZIP64 extra field', () => {
    const data = Buffer.from('word '.repeat(1_000));
    expect(measureUnpackedSize(zip64Archive(data, BigInt(data.length)), MiB)).toEqual({ kind: 'measured', bytes: data.length });
    expect(measureUnpackedSize(zip64Archive(data, 5n * 1024n * BigInt(MiB)), MiB)).toEqual({ kind: 'over-limit', bytes: 5 * 1024 * MiB });
  });

  it('reads an archive with bytes before it, as jszip does', () => {
    const archive = readFixture('redis-runbook.docx');
    const expected = measureUnpackedSize(archive, 20 * MiB);
    expect(measureUnpackedSize(Buffer.concat([Buffer.alloc(1_000, 0x4d), archive]), 20 * MiB)).toEqual(expected);
  });

  it('says "not a zip" for what jszip could not open either: no archive, a truncated one, an encrypted part', () => {
    const archive = readFixture('redis-runbook.docx');
    expect(measureUnpackedSize(Buffer.from('plain text pretending to be a docx'), 20 * MiB)).toEqual({ kind: 'not-a-zip' });
    expect(measureUnpackedSize(archive.subarray(0, Math.floor(archive.length / 2)), 20 * MiB)).toEqual({ kind: 'not-a-zip' });
    expect(measureUnpackedSize(archive.subarray(0, archive.length - 10), 20 * MiB)).toEqual({ kind: 'not-a-zip' });
    const encrypted = Buffer.from(archive);
    const [central] = recordsOf(encrypted, CENTRAL);
    encrypted.writeUInt16LE(1, (central ?? 0) + 8);
    expect(measureUnpackedSize(encrypted, 20 * MiB)).toEqual({ kind: 'not-a-zip' });
  });
});
