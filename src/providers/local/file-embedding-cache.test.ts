import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecords, INDEX_ENTRY_BYTES } from './embedding-records.js';
import { createFileEmbeddingCache } from './file-embedding-cache.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ragbot-embeddings-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A distinct 64-hex-digit text hash per number. */
const hashOf = (number: number) => number.toString(16).padStart(8, '0').repeat(8);
const vectorOf = (number: number) => [number, -number / 2, number / 4];
const entries = (from: number, to: number) => new Map(Array.from({ length: to - from }, (_, index) => [hashOf(from + index), vectorOf(from + index)]));
const dataPath = () => join(directory, 'm.embeddings');
const indexPath = () => join(directory, 'm.embeddings.index');
const read = async (numbers: number[]) => createFileEmbeddingCache({ directory }).getMany('m', numbers.map(hashOf));

describe('the file embedding cache', () => {
  it('keeps vectors per model across processes (new instances)', async () => {
    const hash = (character: string) => character.repeat(64);
    await createFileEmbeddingCache({ directory }).setMany('model-a', new Map([[hash('a'), [0.5, -1.25, 3]], [hash('b'), [1, 2, 3]]]));
    const reopened = createFileEmbeddingCache({ directory });
    expect([...(await reopened.getMany('model-a', [hash('a'), hash('c')]))]).toEqual([[hash('a'), [0.5, -1.25, 3]]]);
    expect((await reopened.getMany('model-b', [hash('a')])).size).toBe(0);
  });

  it('makes its directory on the first write', async () => {
    const nested = join(directory, 'data', 'embeddings');
    await createFileEmbeddingCache({ directory: nested }).setMany('m', entries(0, 3));
    expect((await createFileEmbeddingCache({ directory: nested }).getMany('m', [hashOf(2)])).get(hashOf(2))).toEqual(vectorOf(2));
    expect((await stat(join(nested, 'm.embeddings.index'))).size).toBe(3 * INDEX_ENTRY_BYTES);
  });

  it('indexes every record, and reads many records back exactly, in any order', async () => {
    const cache = createFileEmbeddingCache({ directory });
    await cache.setMany('m', entries(0, 1_500));
    await cache.setMany('m', entries(1_000, 3_000)); // the first 500 are there already: not written twice
    expect((await stat(indexPath())).size).toBe(3_000 * INDEX_ENTRY_BYTES);
    const wanted = [2_999, 0, 1_234, 7, 2_000, 1_499, 1_500];
    const found = await read([...wanted, 5_000]);
    expect(new Map([...found].sort())).toEqual(new Map(wanted.map((number) => [hashOf(number), vectorOf(number)] as const).sort()));
    expect((await read(Array.from({ length: 3_000 }, (_, index) => index))).size).toBe(3_000);
  });

  it('indexes a file written before the index existed, once', async () => {
    await writeFile(dataPath(), encodeRecords([...entries(0, 50)]));
    expect([...(await read([3, 49]))]).toEqual([[hashOf(3), vectorOf(3)], [hashOf(49), vectorOf(49)]]);
    expect((await stat(indexPath())).size).toBe(50 * INDEX_ENTRY_BYTES);
    expect((await read([10])).get(hashOf(10))).toEqual(vectorOf(10));
    expect((await stat(indexPath())).size).toBe(50 * INDEX_ENTRY_BYTES);
  });

  it('finds records appended by a run that stopped before writing their index entries', async () => {
    await createFileEmbeddingCache({ directory }).setMany('m', entries(0, 10));
    await appendFile(dataPath(), encodeRecords([...entries(10, 20)]));
    expect((await read([5, 15])).size).toBe(2);
    expect((await stat(indexPath())).size).toBe(20 * INDEX_ENTRY_BYTES);
  });

  it('cuts off a record or an index entry torn by a crash, so that later appends line up', async () => {
    await createFileEmbeddingCache({ directory }).setMany('m', entries(0, 10));
    const wholeData = (await stat(dataPath())).size;
    await appendFile(dataPath(), Buffer.from([0xab, 0xcd, 0x01]));
    await appendFile(indexPath(), Buffer.from([0x01, 0x02]));
    const cache = createFileEmbeddingCache({ directory });
    expect((await cache.getMany('m', [hashOf(9)])).get(hashOf(9))).toEqual(vectorOf(9));
    expect((await stat(dataPath())).size).toBe(wholeData);
    await cache.setMany('m', entries(10, 12));
    expect((await read([0, 9, 10, 11])).size).toBe(4);
    expect((await stat(indexPath())).size).toBe(12 * INDEX_ENTRY_BYTES);
  });

  it('treats an index entry that does not lead to its record as a miss, and writes the vector again', async () => {
    await createFileEmbeddingCache({ directory }).setMany('m', entries(0, 2));
    // Another file of the same size in place of the data: the entries point at records of other texts.
    await writeFile(dataPath(), encodeRecords([[hashOf(7), vectorOf(7)], [hashOf(8), vectorOf(8)]]));
    const cache = createFileEmbeddingCache({ directory });
    expect((await cache.getMany('m', [hashOf(0), hashOf(1)])).size).toBe(0);
    await cache.setMany('m', entries(0, 1));
    expect((await read([0])).get(hashOf(0))).toEqual(vectorOf(0));
  });

  it('builds the index anew when the data is shorter than the index says', async () => {
    await createFileEmbeddingCache({ directory }).setMany('m', entries(0, 20));
    await writeFile(dataPath(), encodeRecords([...entries(100, 105)]));
    expect((await read([0, 100, 104])).size).toBe(2);
    expect((await readFile(indexPath())).length).toBe(5 * INDEX_ENTRY_BYTES);
  });
});
