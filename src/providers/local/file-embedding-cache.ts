import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmbeddingCache } from '../../core/ports/embedding-cache.js';

// Record layout: 32-byte SHA-256 of the text, uint32 dimension count, float32 values.
const HASH_BYTES = 32;

const fileNameOf = (modelId: string) => `${modelId.replace(/[^A-Za-z0-9_.-]/g, '_')}.embeddings`;

/** An append-only file per model: cheap to extend, loaded once per process. */
export const createFileEmbeddingCache = (options: { directory: string }): EmbeddingCache => {
  const loaded = new Map<string, Promise<Map<string, number[]>>>();

  const load = (modelId: string) => {
    let entries = loaded.get(modelId);
    if (!entries) {
      entries = readFile(join(options.directory, fileNameOf(modelId)))
        .then(decode)
        .catch(() => new Map<string, number[]>());
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

/** Reads whole records; a torn last record (a crash mid-append) is ignored. */
const decode = (buffer: Buffer): Map<string, number[]> => {
  const entries = new Map<string, number[]>();
  let offset = 0;
  while (offset + HASH_BYTES + 4 <= buffer.length) {
    const hash = buffer.toString('hex', offset, offset + HASH_BYTES);
    const dimensions = buffer.readUInt32LE(offset + HASH_BYTES);
    const start = offset + HASH_BYTES + 4;
    const end = start + dimensions * 4;
    if (end > buffer.length) break;
    const vector = new Array<number>(dimensions);
    for (let index = 0; index < dimensions; index++) vector[index] = buffer.readFloatLE(start + index * 4);
    entries.set(hash, vector);
    offset = end;
  }
  return entries;
};
