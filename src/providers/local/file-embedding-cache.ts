import { open, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmbeddingCache } from '../../core/ports/embedding-cache.js';
import {
  coalesce, decodeRecord, encodeIndexEntries, encodeRecords, INDEX_ENTRY_BYTES, keyOfHash, RecordLocations, recordLength, scanRecords,
  type IndexEntry, type RecordLocation,
} from './embedding-records.js';
import { appendMakingDirectory, inDirectoryOf, orWhenMissing, readIfPresent } from './missing-file.js';

const fileNameOf = (modelId: string) => `${modelId.replace(/[^A-Za-z0-9_.-]/g, '_')}.embeddings`;

// Records closer than this are read together: one read of a few extra kilobytes costs less than two reads.
const READ_GAP_BYTES = 64 * 1024;


/** The bytes of each span, in order; short where the file ends early. */
const readSpans = async (path: string, spans: RecordLocation[]): Promise<Buffer[]> => {
  const handle = await open(path, 'r');
  try {
    return await Promise.all(spans.map(async ({ offset, length }) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    }));
  } finally {
    await handle.close();
  }
};

/**
 * Where each record of a model's file is, from its index file and a scan of what the index does
 * not cover yet: the records of a run that stopped before writing its index entries, or a whole
 * file written before the index existed. A record torn by a crash is cut off, so the next append
 * starts on a record boundary.
 */
const locateRecords = async (dataPath: string, indexPath: string): Promise<RecordLocations> => {
  const [indexBytes, dataSize] = await Promise.all([
    readIfPresent(indexPath).then((bytes) => bytes ?? Buffer.alloc(0)),
    stat(dataPath).then((info) => info.size, orWhenMissing(0)),
  ]);
  let locations = RecordLocations.fromIndex(indexBytes, dataSize);
  if (!locations) {
    // The data is shorter than its index says: it was replaced or cut. The index is built anew from it.
    locations = new RecordLocations();
    await rm(indexPath, { force: true });
  } else if (indexBytes.length % INDEX_ENTRY_BYTES !== 0) {
    await truncate(indexPath, indexBytes.length - (indexBytes.length % INDEX_ENTRY_BYTES));
  }
  const { covered } = locations;
  if (covered < dataSize) {
    const [tail = Buffer.alloc(0)] = await readSpans(dataPath, [{ offset: covered, length: dataSize - covered }]);
    const scanned = scanRecords(tail, covered);
    locations.add(scanned.entries);
    if (scanned.end < dataSize) await truncate(dataPath, scanned.end);
    if (scanned.entries.length > 0) await appendMakingDirectory(indexPath, encodeIndexEntries(scanned.entries));
  }
  return locations;
};

/**
 * An append-only file per model, with an index beside it: a run reads the index and then only the
 * records it needs, not the whole file (most of a small incremental run's time when it did).
 */
const openModelFile = async (dataPath: string) => {
  const indexPath = `${dataPath}.index`;
  const locations = await locateRecords(dataPath, indexPath);
  // Appends are queued: each one's offsets come from the file's size just before it.
  let appending: Promise<void> = Promise.resolve();

  const getMany = async (hashes: string[]): Promise<Map<string, number[]>> => {
    const found = new Map<string, number[]>();
    const wanted = hashes
      .flatMap((hash) => {
        const location = locations.get(keyOfHash(hash));
        return location ? [{ hash, location }] : [];
      })
      .sort((left, right) => left.location.offset - right.location.offset);
    if (wanted.length === 0) return found;
    // Already in file order, as `coalesce` needs them.
    const spans = coalesce(wanted.map(({ location }) => location), READ_GAP_BYTES);
    // A file removed under a running process (its cache cleared) is a miss for every passage.
    const buffers = await readSpans(dataPath, spans).catch(orWhenMissing(spans.map(() => Buffer.alloc(0))));
    let index = 0;
    for (const { hash, location } of wanted) {
      // Both are in file order: each record lies in the last span that starts at or before it.
      while (index + 1 < spans.length && (spans[index + 1] as RecordLocation).offset <= location.offset) index++;
      const span = spans[index] as RecordLocation;
      const vector = decodeRecord(buffers[index] as Buffer, location.offset - span.offset, location.length, hash);
      if (vector) found.set(hash, vector);
      // A wrong entry (another process appended at the same time): the passage is embedded and written again.
      else locations.delete(keyOfHash(hash));
    }
    return found;
  };

  const append = async (fresh: [string, number[]][]): Promise<void> => {
    const records = encodeRecords(fresh);
    const handle = await inDirectoryOf(dataPath, () => open(dataPath, 'a'));
    let base: number;
    try {
      base = (await handle.stat()).size;
      await handle.appendFile(records);
    } finally {
      await handle.close();
    }
    const entries: IndexEntry[] = [];
    let offset = base;
    for (const [hash, vector] of fresh) {
      const length = recordLength(vector.length);
      entries.push({ key: keyOfHash(hash), offset, length });
      offset += length;
    }
    // Written after the data: a crash in between leaves records the next start indexes by scanning.
    await appendMakingDirectory(indexPath, encodeIndexEntries(entries));
    locations.add(entries);
  };

  const setMany = async (entries: Map<string, number[]>): Promise<void> => {
    const byKey = new Map<number, [string, number[]]>();
    for (const [hash, vector] of entries) if (!locations.has(keyOfHash(hash))) byKey.set(keyOfHash(hash), [hash, vector]);
    if (byKey.size === 0) return;
    const queued = appending.then(() => append([...byKey.values()]));
    appending = queued.catch(() => undefined);
    await queued;
  };

  return { getMany, setMany };
};

type ModelFile = Awaited<ReturnType<typeof openModelFile>>;

export const createFileEmbeddingCache = (options: { directory: string }): EmbeddingCache => {
  const opened = new Map<string, Promise<ModelFile>>();
  const fileOf = (modelId: string): Promise<ModelFile> => {
    let file = opened.get(modelId);
    if (!file) {
      file = openModelFile(join(options.directory, fileNameOf(modelId)));
      // A failed open (the disk, not a missing file) is tried again by the next call.
      file.catch(() => opened.delete(modelId));
      opened.set(modelId, file);
    }
    return file;
  };

  return {
    getMany: async (modelId, textHashes) => (await fileOf(modelId)).getMany(textHashes),
    async setMany(modelId, entries) {
      if (entries.size === 0) return;
      await (await fileOf(modelId)).setMany(entries);
    },
  };
};
