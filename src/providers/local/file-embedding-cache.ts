import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmbeddingCache } from '../../core/ports/embedding-cache.js';

// Record layout: 32-byte SHA-256 of the text, uint32 dimension count, float32 values.
const HASH_BYTES = 32;

const fileNameOf = (modelId: string) => `${modelId.replace(/[^A-Za-z0-9_.-]/g, '_')}.embeddings`;

/** An append-only file per model: cheap to extend, loaded once per process. */
export const createFileEmbeddingCache = (options: { directory: string }): EmbeddingCache => {
  const loaded = new Map<string, Promise<Entries>>();

  const load = (modelId: string) => {
    let entries = loaded.get(modelId);
    if (!entries) {
      entries = readFile(join(options.directory, fileNameOf(modelId)))
        .then(decode)
        .catch(() => new Entries(Buffer.alloc(0), new Map()));
      loaded.set(modelId, entries);
    }
    return entries;
  };

  return {
    async getMany(modelId, textHashes) {
      const entries = await load(modelId);
      const found = new Map<string, number[]>();
      for (const hash of textHashes) {
        const vector = entries.get(hash);
        if (vector) found.set(hash, vector);
      }
      return found;
    },
    async setMany(modelId, newEntries) {
      const entries = await load(modelId);
      const fresh = [...newEntries].filter(([hash]) => !entries.has(hash));
      if (fresh.length === 0) return;
      await mkdir(options.directory, { recursive: true });
      await appendFile(join(options.directory, fileNameOf(modelId)), encode(fresh));
      for (const [hash, vector] of fresh) entries.set(hash, vector);
    },
  };
};

const encode = (entries: [string, number[]][]): Buffer => {
  const size = entries.reduce((total, [, vector]) => total + HASH_BYTES + 4 + vector.length * 4, 0);
  const buffer = Buffer.alloc(size);
  let offset = 0;
  for (const [hash, vector] of entries) {
    buffer.write(hash, offset, HASH_BYTES, 'hex');
    offset += HASH_BYTES;
    buffer.writeUInt32LE(vector.length, offset);
    offset += 4;
    for (const value of vector) {
      buffer.writeFloatLE(value, offset);
      offset += 4;
    }
  }
  return buffer;
};

/**
 * The file's records, decoded on demand: an incremental run needs the vectors of a few passages,
 * and decoding every float of a large cache cost more than the rest of such a run's work.
 */
class Entries {
  constructor(
    private readonly buffer: Buffer,
    /** Text hash → offset of its record's dimension count. */
    private readonly offsets: Map<string, number>,
    private readonly added = new Map<string, number[]>(),
  ) {}

  has(hash: string): boolean {
    return this.added.has(hash) || this.offsets.has(hash);
  }

  get(hash: string): number[] | undefined {
    const vector = this.added.get(hash);
    if (vector) return vector;
    const offset = this.offsets.get(hash);
    if (offset === undefined) return undefined;
    const dimensions = this.buffer.readUInt32LE(offset);
    const values = new Array<number>(dimensions);
    for (let index = 0; index < dimensions; index++) values[index] = this.buffer.readFloatLE(offset + 4 + index * 4);
    return values;
  }

  set(hash: string, vector: number[]): void {
    this.added.set(hash, vector);
  }
}

/** Indexes whole records; a torn last record (a crash mid-append) is ignored. */
const decode = (buffer: Buffer): Entries => {
  const offsets = new Map<string, number>();
  let offset = 0;
  while (offset + HASH_BYTES + 4 <= buffer.length) {
    const hash = buffer.toString('hex', offset, offset + HASH_BYTES);
    const dimensions = buffer.readUInt32LE(offset + HASH_BYTES);
    const end = offset + HASH_BYTES + 4 + dimensions * 4;
    if (end > buffer.length) break;
    offsets.set(hash, offset + HASH_BYTES);
    offset = end;
  }
  return new Entries(buffer, offsets);
};
