import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBotError } from '../../core/bot-error.js';
import type { IndexCatalog } from '../../core/ports/index-catalog-store.js';
import { createFileEmbeddingCache } from './file-embedding-cache.js';
import { createFileIndexCatalogStore } from './file-index-catalog-store.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ragbot-files-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const hash = (character: string) => character.repeat(64);

describe('the file embedding cache', () => {
  it('keeps vectors per model across processes (new instances)', async () => {
    await createFileEmbeddingCache({ directory }).setMany('model-a', new Map([[hash('a'), [0.5, -1.25, 3]], [hash('b'), [1, 2, 3]]]));
    const reopened = createFileEmbeddingCache({ directory });
    const found = await reopened.getMany('model-a', [hash('a'), hash('c')]);
    expect([...found]).toEqual([[hash('a'), [0.5, -1.25, 3]]]);
    expect((await reopened.getMany('model-b', [hash('a')])).size).toBe(0);
  });

  it('ignores a record torn by a crash mid-append', async () => {
    await createFileEmbeddingCache({ directory }).setMany('m', new Map([[hash('a'), [1, 2]]]));
    const [file] = await readdir(directory);
    await appendFile(join(directory, file ?? ''), Buffer.from([0xab, 0xcd, 0x01]));
    expect([...(await createFileEmbeddingCache({ directory }).getMany('m', [hash('a')]))]).toEqual([[hash('a'), [1, 2]]]);
  });
});

describe('the file index catalog store', () => {
  const catalog: IndexCatalog = { namespace: 'acme__runbooks', parserVersion: 1, version: 3, updatedAt: '2026-01-01T00:00:00.000Z', documents: {} };

  it('saves, lists, loads and deletes catalogs', async () => {
    const store = createFileIndexCatalogStore({ directory });
    await store.save(catalog);
    await store.save({ ...catalog, namespace: 'acme__faq' });
    expect(await store.listNamespaces()).toEqual(['acme__faq', 'acme__runbooks']);
    expect(await createFileIndexCatalogStore({ directory }).load('acme__runbooks')).toEqual(catalog);
    await store.delete('acme__faq');
    expect(await store.load('acme__faq')).toBeUndefined();
    expect(await store.listNamespaces()).toEqual(['acme__runbooks']);
  });

  it('reports a corrupt catalog as such, asking for a full re-index', async () => {
    await writeFile(join(directory, 'acme__runbooks.catalog.json'), '{"namespace": ');
    const error = await createFileIndexCatalogStore({ directory }).load('acme__runbooks').catch((caught: unknown) => caught);
    expect(isBotError(error, 'index_corrupt')).toBe(true);
    expect((error as Error).message).toMatch(/--full/);
  });
});
