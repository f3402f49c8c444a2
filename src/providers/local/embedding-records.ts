/**
 * The two files of a model's embedding cache.
 *
 * Data: records of a 32-byte SHA-256 of the text, a uint32 dimension count and float32 values,
 * appended in turn. Index: 16-byte entries of a record's key (the hash's first 6 bytes), its offset
 * in the data (6 bytes) and its length (4 bytes). The index is derived: whatever it lacks is found
 * by scanning the data past the last record it covers, and a wrong entry is caught by the hash
 * check on read, so it is never more than a miss.
 */
const HASH_BYTES = 32;
const HEADER_BYTES = HASH_BYTES + 4;
export const INDEX_ENTRY_BYTES = 16;

export type RecordLocation = { offset: number; length: number };

export const recordLength = (dimensions: number): number => HEADER_BYTES + dimensions * 4;

/** 48 bits of the hash: unique enough to find a record; the full hash is checked when it is read. */
export const keyOfHash = (hash: string): number => Number.parseInt(hash.slice(0, 12), 16);

export const encodeRecords = (entries: [string, number[]][]): Buffer => {
  const size = entries.reduce((total, [, vector]) => total + recordLength(vector.length), 0);
  const buffer = Buffer.alloc(size);
  let offset = 0;
  for (const [hash, vector] of entries) {
    buffer.write(hash, offset, HASH_BYTES, 'hex');
    buffer.writeUInt32LE(vector.length, offset + HASH_BYTES);
    offset += HEADER_BYTES;
    for (const value of vector) {
      buffer.writeFloatLE(value, offset);
      offset += 4;
    }
  }
  return buffer;
};

/** The vector of the record at `start` of `bytes`, or undefined unless it is whole and holds `hash`. */
export const decodeRecord = (bytes: Buffer, start: number, length: number, hash: string): number[] | undefined => {
  if (length < HEADER_BYTES || start + length > bytes.length) return undefined;
  if (bytes.toString('hex', start, start + HASH_BYTES) !== hash) return undefined;
  const dimensions = bytes.readUInt32LE(start + HASH_BYTES);
  if (recordLength(dimensions) !== length) return undefined;
  const vector = new Array<number>(dimensions);
  for (let index = 0; index < dimensions; index++) vector[index] = bytes.readFloatLE(start + HEADER_BYTES + index * 4);
  return vector;
};

export type IndexEntry = { key: number } & RecordLocation;

/** The whole records of a stretch of data that starts at `base` in the file, and where they end. */
export const scanRecords = (bytes: Buffer, base: number): { entries: IndexEntry[]; end: number } => {
  const entries: IndexEntry[] = [];
  let position = 0;
  while (position + HEADER_BYTES <= bytes.length) {
    const length = recordLength(bytes.readUInt32LE(position + HASH_BYTES));
    if (position + length > bytes.length) break;
    entries.push({ key: bytes.readUIntBE(position, 6), offset: base + position, length });
    position += length;
  }
  return { entries, end: base + position };
};

export const encodeIndexEntries = (entries: IndexEntry[]): Buffer => {
  const buffer = Buffer.alloc(entries.length * INDEX_ENTRY_BYTES);
  entries.forEach((entry, index) => writeEntry(buffer, index * INDEX_ENTRY_BYTES, entry));
  return buffer;
};

const writeEntry = (buffer: Buffer, position: number, { key, offset, length }: IndexEntry): void => {
  buffer.writeUIntBE(key, position, 6);
  buffer.writeUIntBE(offset, position + 6, 6);
  buffer.writeUInt32BE(length, position + 12);
};

// Two reads rather than readUIntBE's six: a large index is decoded at every start.
const read48 = (buffer: Buffer, position: number): number => buffer.readUInt16BE(position) * 0x1_0000_0000 + buffer.readUInt32BE(position + 2);

/**
 * Record locations by key, held as index entries in one buffer (no object per record): a cache of
 * a large corpus is opened by every run, and most runs look up a few records of it.
 */
export class RecordLocations {
  private entries: Buffer = Buffer.alloc(0);
  private count = 0;
  private readonly positions = new Map<number, number>();
  /** Where the records the entries cover end: the data past it is not indexed yet. */
  covered = 0;

  /**
   * The whole entries of an index file, or undefined if one points past the data's end (the data
   * was replaced or cut, so the index no longer describes it).
   */
  static fromIndex(bytes: Buffer, dataSize: number): RecordLocations | undefined {
    const locations = new RecordLocations();
    locations.count = Math.floor(bytes.length / INDEX_ENTRY_BYTES);
    locations.entries = bytes;
    for (let index = 0; index < locations.count; index++) {
      const position = index * INDEX_ENTRY_BYTES;
      const end = read48(bytes, position + 6) + bytes.readUInt32BE(position + 12);
      if (end > dataSize) return undefined;
      if (end > locations.covered) locations.covered = end;
      locations.positions.set(read48(bytes, position), index);
    }
    return locations;
  }

  get size(): number {
    return this.positions.size;
  }

  get(key: number): RecordLocation | undefined {
    const index = this.positions.get(key);
    if (index === undefined) return undefined;
    const position = index * INDEX_ENTRY_BYTES;
    return { offset: read48(this.entries, position + 6), length: this.entries.readUInt32BE(position + 12) };
  }

  has(key: number): boolean {
    return this.positions.has(key);
  }

  delete(key: number): void {
    this.positions.delete(key);
  }

  add(added: IndexEntry[]): void {
    if ((this.count + added.length) * INDEX_ENTRY_BYTES > this.entries.length) {
      const grown = Buffer.alloc(Math.max(2 * this.entries.length, (this.count + added.length) * INDEX_ENTRY_BYTES));
      this.entries.copy(grown, 0, 0, this.count * INDEX_ENTRY_BYTES);
      this.entries = grown;
    }
    for (const entry of added) {
      writeEntry(this.entries, this.count * INDEX_ENTRY_BYTES, entry);
      this.positions.set(entry.key, this.count);
      this.count++;
      this.covered = Math.max(this.covered, entry.offset + entry.length);
    }
  }
}

/**
 * The spans to read for a set of records, given in file order: neighbours closer than `gap` bytes share one read, so a
 * run that needs most of the file reads it in a few large pieces rather than one piece per record.
 */
export const coalesce = (locations: RecordLocation[], gap: number): RecordLocation[] => {
  const spans: RecordLocation[] = [];
  for (const { offset, length } of locations) {
    const last = spans.at(-1);
    if (last && offset - (last.offset + last.length) <= gap) last.length = Math.max(last.length, offset + length - last.offset);
    else spans.push({ offset, length });
  }
  return spans;
};
