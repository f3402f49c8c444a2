import { inflateRawSync } from 'node:zlib';

/**
 * How much a ZIP archive (a DOCX) unpacks to, measured before any parser inflates it, so that a few
 * kilobytes cannot expand into gigabytes of XML.
 *
 * The archive is read the way jszip (mammoth's unzipper) reads it: the last end-of-central-directory
 * record, ZIP64 records, bytes prepended to the archive, every central directory record up to the
 * first that is not one (whatever count the archive claims), each entry's data found through its
 * local header. Any disagreement would let a part through unmeasured, so what jszip refuses is
 * refused here too. Declared sizes are not trusted alone: each deflated entry is inflated once,
 * stopping as soon as it outgrows what it declares (native zlib, output thrown away).
 */
export type UnpackedSize =
  | { kind: 'measured'; bytes: number }
  /** The entries declare more than the limit in total: nothing was inflated. */
  | { kind: 'over-limit'; bytes: number }
  /** An entry inflates to more than it declares: its real size is unknown, the archive is a lie. */
  | { kind: 'understated' }
  | { kind: 'not-a-zip' };

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const CENTRAL_DIRECTORY_RECORD = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;
const ZIP64_EXTRA_FIELD = 0x0001;

type Entry = { method: number; flags: number; compressedSize: number; uncompressedSize: number; localHeaderOffset: number };

class NotAZip extends Error {}

/** Little-endian reads that refuse to run past the end, as jszip's reader does. */
const reader = (buffer: Buffer) => {
  const check = (offset: number, size: number) => {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > buffer.length) throw new NotAZip();
  };
  return {
    span: check,
    u16: (offset: number) => (check(offset, 2), buffer.readUInt16LE(offset)),
    u32: (offset: number) => (check(offset, 4), buffer.readUInt32LE(offset)),
    u64: (offset: number) => (check(offset, 8), Number(buffer.readBigUInt64LE(offset))),
    has: (offset: number, signature: number) => offset >= 0 && offset + 4 <= buffer.length && buffer.readUInt32LE(offset) === signature,
    last: (signature: number) => {
      const needle = Buffer.alloc(4);
      needle.writeUInt32LE(signature);
      return buffer.lastIndexOf(needle);
    },
  };
};

/** Entries in the ZIP64 extra field replace the 32-bit fields that are all ones, in this order. */
const applyZip64Extra = (read: ReturnType<typeof reader>, entry: Entry, field: { start: number; end: number }) => {
  let cursor = field.start;
  const next = () => {
    if (cursor + 8 > field.end) throw new NotAZip();
    const value = read.u64(cursor);
    cursor += 8;
    return value;
  };
  if (entry.uncompressedSize === MAX_32) entry.uncompressedSize = next();
  if (entry.compressedSize === MAX_32) entry.compressedSize = next();
  if (entry.localHeaderOffset === MAX_32) entry.localHeaderOffset = next();
};

const readEntries = (buffer: Buffer): { entries: Entry[]; base: number } => {
  const read = reader(buffer);
  const end = read.last(END_OF_CENTRAL_DIRECTORY);
  if (end < 0) throw new NotAZip();
  const sixteenBitFields = [read.u16(end + 4), read.u16(end + 6), read.u16(end + 8), read.u16(end + 10)];
  let records = read.u16(end + 10);
  let directorySize = read.u32(end + 12);
  let directoryOffset = read.u32(end + 16);
  read.span(end + 22, read.u16(end + 20)); // the archive comment must be there
  let expectedEnd = 0;
  if (sixteenBitFields.includes(MAX_16) || directorySize === MAX_32 || directoryOffset === MAX_32) {
    const locator = read.last(ZIP64_END_LOCATOR);
    if (locator < 0 || read.u32(locator + 16) > 1) throw new NotAZip();
    let zip64End = read.u64(locator + 8);
    if (!read.has(zip64End, ZIP64_END_OF_CENTRAL_DIRECTORY)) zip64End = read.last(ZIP64_END_OF_CENTRAL_DIRECTORY);
    if (zip64End < 0) throw new NotAZip();
    records = read.u64(zip64End + 32);
    directorySize = read.u64(zip64End + 40);
    directoryOffset = read.u64(zip64End + 48);
    expectedEnd = 20 + 12 + read.u64(zip64End + 4);
  }
  // Bytes before the archive (a self-extractor stub) shift every offset; missing bytes are corruption.
  const base = end - (directoryOffset + directorySize + expectedEnd);
  if (base < 0) throw new NotAZip();
  const entries: Entry[] = [];
  let position = base + directoryOffset;
  while (read.has(position, CENTRAL_DIRECTORY_RECORD)) {
    const entry: Entry = {
      flags: read.u16(position + 8),
      method: read.u16(position + 10),
      compressedSize: read.u32(position + 20),
      uncompressedSize: read.u32(position + 24),
      localHeaderOffset: read.u32(position + 42),
    };
    const nameLength = read.u16(position + 28);
    const extraLength = read.u16(position + 30);
    const commentLength = read.u16(position + 32);
    const extraEnd = position + 46 + nameLength + extraLength;
    let zip64Field: { start: number; end: number } | undefined;
    for (let field = position + 46 + nameLength; field + 4 < extraEnd; field += 4 + read.u16(field + 2)) {
      const size = read.u16(field + 2);
      read.span(field + 4, size); // the field's data must be there
      if (read.u16(field) === ZIP64_EXTRA_FIELD) zip64Field = { start: field + 4, end: field + 4 + size };
    }
    if (zip64Field) applyZip64Extra(read, entry, zip64Field);
    entries.push(entry);
    position = extraEnd + commentLength;
  }
  if (entries.length === 0 && records !== 0) throw new NotAZip();
  return { entries, base };
};

/** Where an entry's data starts: after its local header, whose own lengths may differ from the central ones. */
const dataStart = (buffer: Buffer, base: number, entry: Entry): number => {
  const read = reader(buffer);
  const header = base + entry.localHeaderOffset;
  if (!read.has(header, LOCAL_HEADER)) throw new NotAZip();
  const start = header + 30 + read.u16(header + 26) + read.u16(header + 28);
  if (start + entry.compressedSize > buffer.length) throw new NotAZip();
  return start;
};

const inflatesPastDeclared = (data: Buffer, declared: number): boolean => {
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, declared) }).length > declared;
  } catch (error) {
    // A corrupt stream stops no later than the limit: the parser will report it.
    return error instanceof RangeError && (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
  }
};

export const measureUnpackedSize = (bytes: Uint8Array, limit: number): UnpackedSize => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const { entries, base } = readEntries(buffer);
    const located = entries.map((entry) => {
      if ((entry.flags & 1) === 1 || (entry.method !== STORED && entry.method !== DEFLATED)) throw new NotAZip(); // encrypted, or a method jszip lacks
      return { entry, start: dataStart(buffer, base, entry) };
    });
    // A stored entry yields its stored bytes whatever it declares.
    const total = entries.reduce((sum, entry) => sum + (entry.method === STORED ? Math.max(entry.compressedSize, entry.uncompressedSize) : entry.uncompressedSize), 0);
    if (total > limit) return { kind: 'over-limit', bytes: total };
    for (const { entry, start } of located) {
      if (entry.method === DEFLATED && inflatesPastDeclared(buffer.subarray(start, start + entry.compressedSize), entry.uncompressedSize)) return { kind: 'understated' };
    }
    return { kind: 'measured', bytes: total };
  } catch (error) {
    if (error instanceof NotAZip) return { kind: 'not-a-zip' };
    throw error;
  }
};
