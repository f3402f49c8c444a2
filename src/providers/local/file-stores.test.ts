import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBotError } from '../../core/bot-error.js';
import { termShareKey, type IndexCatalog, type TermChunkCounts } from '../../core/ports/index-catalog-store.js';
import { createFileIndexCatalogStore } from './file-index-catalog-store.js';
import { shardOf } from './term-shards.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ragbot-files-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const hash = (character: string) => character.repeat(64);
/** The key of a document's share of the term statistics, `documentId` holding content `character`. */
const share = (documentId: string, character: string) => termShareKey(documentId, { hash: hash(character) });

describe('the file index catalog store', () => {
  const catalog: IndexCatalog = { namespace: 'acme__runbooks', parserVersion: 1, version: 3, updatedAt: '2026-01-01T00:00:00.000Z', documents: {}, termChunkCounts: {} };
  const record = (contentHash: string, tokenCount = 10) => ({ hash: contentHash, size: 100, modifiedAt: '', chunkIds: [`${contentHash}#1`], tokenCount });

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

  it("keeps documents' term shares apart, for a later process, and drops a share once no saved catalog refers to it", async () => {
    const store = createFileIndexCatalogStore({ directory });
    const first = { ...catalog, documents: { 'a.md': record(hash('a')), 'b.md': record(hash('b')) }, termChunkCounts: { drain: 2, vlan: 1 } };
    await store.save(first, { added: new Map<string, TermChunkCounts>([[share('a.md', 'a'), { drain: 1 }], [share('b.md', 'b'), { drain: 1, vlan: 1 }]]), released: [] });
    const reopened = createFileIndexCatalogStore({ directory });
    expect(await reopened.load('acme__runbooks')).toEqual(first);
    expect(await reopened.loadDocumentTerms('acme__runbooks', [share('a.md', 'a'), share('b.md', 'b'), share('z.md', 'z')])).toEqual(new Map([
      [share('a.md', 'a'), { drain: 1 }], [share('b.md', 'b'), { drain: 1, vlan: 1 }],
    ]));
    // The catalog file itself holds no per-document share.
    expect(await readFile(join(directory, 'acme__runbooks.catalog.json'), 'utf8')).not.toMatch(/"a\.md":\{[^}]*drain/);

    // a.md changes: its old share stays while the previous catalog is the saved one, and goes when its shard is next rewritten.
    const second = { ...first, documents: { ...first.documents, 'a.md': record(hash('c')) } };
    await store.save(second, { added: new Map([[share('a.md', 'c'), { bgp: 1 }]]), released: [share('a.md', 'a')] });
    expect((await store.loadDocumentTerms('acme__runbooks', [share('a.md', 'a'), share('a.md', 'c')])).size).toBe(2);
    // A new document whose share lands in a's shard: that shard is rewritten, without a's share now.
    let sibling = 0;
    while (shardOf(termShareKey('d.md', { hash: `d${sibling}` })) !== shardOf(share('a.md', 'a'))) sibling++;
    const third = { ...second, documents: { ...second.documents, 'd.md': record(`d${sibling}`) } };
    await store.save(third, { added: new Map([[termShareKey('d.md', { hash: `d${sibling}` }), { ospf: 1 }]]), released: [] });
    const left = await store.loadDocumentTerms('acme__runbooks', [share('a.md', 'a'), share('b.md', 'b'), share('a.md', 'c')]);
    expect([...left.keys()].sort()).toEqual([share('b.md', 'b'), share('a.md', 'c')].sort());
  });

  it('loads a catalog written before the shares moved out, and writes the shares out with its next save', async () => {
    const legacy = {
      ...catalog,
      termChunkCounts: undefined,
      documents: {
        'a.md': { ...record(hash('a')), termChunkCounts: { drain: 1, vlan: 2 } },
        'b.md': { ...record(hash('b')), termChunkCounts: { drain: 3 } },
      },
    };
    await writeFile(join(directory, 'acme__runbooks.catalog.json'), JSON.stringify(legacy));
    const store = createFileIndexCatalogStore({ directory });
    const loaded = await store.load('acme__runbooks');
    expect(loaded?.termChunkCounts).toEqual({ drain: 4, vlan: 2 });
    expect(loaded?.documents['a.md']).toEqual(record(hash('a')));
    expect((await store.loadDocumentTerms('acme__runbooks', [share('b.md', 'b')])).get(share('b.md', 'b'))).toEqual({ drain: 3 });

    await store.save({ ...(loaded as IndexCatalog), version: 4 });
    const reopened = createFileIndexCatalogStore({ directory });
    expect((await reopened.load('acme__runbooks'))?.termChunkCounts).toEqual({ drain: 4, vlan: 2 });
    expect(await reopened.loadDocumentTerms('acme__runbooks', [share('a.md', 'a'), share('b.md', 'b')])).toEqual(new Map([
      [share('a.md', 'a'), { drain: 1, vlan: 2 }], [share('b.md', 'b'), { drain: 3 }],
    ]));
    await reopened.delete('acme__runbooks');
    expect(await readdir(directory)).toEqual([]);
  });

  it('writes a shard as a line per share, and reads and replaces a shard of the earlier one-object format', async () => {
    const store = createFileIndexCatalogStore({ directory });
    const terms = join(directory, 'acme__runbooks.terms');
    const shard = (key: string) => String(shardOf(key)).padStart(2, '0');
    await store.save({ ...catalog, documents: { 'a.md': record(hash('a')) } }, { added: new Map([[share('a.md', 'a'), { drain: 2 }]]), released: [] });
    expect(await readFile(join(terms, `${shard(share('a.md', 'a'))}.jsonl`), 'utf8')).toBe(`${JSON.stringify(share('a.md', 'a'))}\t{"drain":2}\n`);

    // A shard as earlier versions wrote it, holding b's share and one no catalog refers to.
    expect(shard(share('z.md', 'z'))).not.toBe(shard(share('a.md', 'a')));
    let sibling = 0;
    while (shardOf(share(`b${sibling}.md`, 'b')) !== shardOf(share('z.md', 'z'))) sibling++;
    const b = `b${sibling}.md`;
    await writeFile(join(terms, `${shard(share(b, 'b'))}.json`), JSON.stringify({ [share(b, 'b')]: { vlan: 1 }, [share('z.md', 'z')]: { ospf: 1 } }));
    const reopened = createFileIndexCatalogStore({ directory });
    expect(await reopened.loadDocumentTerms('acme__runbooks', [share(b, 'b')])).toEqual(new Map([[share(b, 'b'), { vlan: 1 }]]));

    // Rewritten (a share added to it): lines now, with b's share kept and the unreferenced one gone.
    let added = 0;
    while (shardOf(share(`c${added}.md`, 'c')) !== shardOf(share(b, 'b'))) added++;
    const c = `c${added}.md`;
    await reopened.save({ ...catalog, documents: { 'a.md': record(hash('a')), [b]: record(hash('b')), [c]: record(hash('c')) } }, { added: new Map([[share(c, 'c'), { bgp: 1 }]]), released: [] });
    expect((await readdir(terms)).sort()).toEqual([...new Set([`${shard(share('a.md', 'a'))}.jsonl`, `${shard(share(b, 'b'))}.jsonl`])].sort());
    expect(await createFileIndexCatalogStore({ directory }).loadDocumentTerms('acme__runbooks', [share(b, 'b'), share(c, 'c'), share('z.md', 'z')])).toEqual(new Map([
      [share(b, 'b'), { vlan: 1 }], [share(c, 'c'), { bgp: 1 }],
    ]));
  });

  it('reports a corrupt term shard as such, asking for a full re-index', async () => {
    const store = createFileIndexCatalogStore({ directory });
    await store.save({ ...catalog, documents: { 'a.md': record(hash('a')) } }, { added: new Map([[share('a.md', 'a'), { drain: 1 }]]), released: [] });
    const [shard] = await readdir(join(directory, 'acme__runbooks.terms'));
    await writeFile(join(directory, 'acme__runbooks.terms', shard ?? ''), '{"aaa');
    const error = await store.loadDocumentTerms('acme__runbooks', [share('a.md', 'a')]).catch((caught: unknown) => caught);
    expect(isBotError(error, 'index_corrupt')).toBe(true);
    expect((error as Error).message).toMatch(/--full/);
  });

  it('reports a corrupt catalog as such, asking for a full re-index', async () => {
    await writeFile(join(directory, 'acme__runbooks.catalog.json'), '{"namespace": ');
    const error = await createFileIndexCatalogStore({ directory }).load('acme__runbooks').catch((caught: unknown) => caught);
    expect(isBotError(error, 'index_corrupt')).toBe(true);
    expect((error as Error).message).toMatch(/--full/);
  });
});
