import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lstatAll } from './lstat-all.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ragbot-lstat-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('lstatAll', () => {
  it('gives each path its stats in order, and undefined for one that is not there', async () => {
    await writeFile(join(directory, 'a.md'), 'one');
    await writeFile(join(directory, 'b.md'), 'three');
    const infos = await lstatAll([join(directory, 'b.md'), join(directory, 'gone.md'), join(directory, 'a.md')]);
    expect(infos.map((info) => info?.size)).toEqual([5, undefined, 3]);
  });

  it('lets the event loop run between slices of a long listing, and stops when aborted there', async () => {
    const paths = Array.from({ length: 60_000 }, (_, index) => join(directory, `missing-${index}.md`));
    let ranDuring = false;
    const listing = lstatAll(paths);
    setImmediate(() => {
      ranDuring = true;
    });
    expect(await listing).toHaveLength(60_000);
    expect(ranDuring).toBe(true);

    const controller = new AbortController();
    const aborted = lstatAll(paths, controller.signal);
    setImmediate(() => controller.abort());
    await expect(aborted).rejects.toThrow();
  });
});
