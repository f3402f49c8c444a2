import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BotError } from '../../core/bot-error.js';
import { termShareKey, type IndexCatalog, type IndexCatalogStore } from '../../core/ports/index-catalog-store.js';
import { createCatalogMigrations } from '../../core/indexing/legacy-catalog.js';
import { createTermShards } from './term-shards.js';
import { writeFileAtomic } from './write-file-atomic.js';

const SUFFIX = '.catalog.json';

/**
 * Catalogs as JSON files beside the embedded index; re-read only when the file changed. The
 * documents' shares of the term statistics live apart, in shard files (`term-shards.ts`), so that
 * a run parses and writes the catalog without them and touches only the shards of what changed.
 */
export const createFileIndexCatalogStore = (options: { directory: string }): IndexCatalogStore => {
  const cache = new Map<string, { modifiedMs: number; size: number; catalog: IndexCatalog }>();
  // Catalogs of the format before the shards: their shares go out with their next save.
  const migrations = createCatalogMigrations();
  const pathOf = (namespace: string) => join(options.directory, `${namespace}${SUFFIX}`);
  const shardsOf = (namespace: string) => createTermShards(join(options.directory, `${namespace}.terms`));

  return {
    async load(namespace) {
      const path = pathOf(namespace);
      const info = await stat(path).catch(() => undefined);
      if (!info) return undefined;
      const cached = cache.get(namespace);
      if (cached && cached.modifiedMs === info.mtimeMs && cached.size === info.size) return cached.catalog;
      let catalog: IndexCatalog;
      try {
        catalog = JSON.parse(await readFile(path, 'utf8')) as IndexCatalog;
      } catch (error) {
        throw new BotError('index_corrupt', `The index catalog ${path} is unreadable; re-index with --full.`, { cause: error });
      }
      catalog = migrations.adopt(namespace, catalog);
      cache.set(namespace, { modifiedMs: info.mtimeMs, size: info.size, catalog });
      return catalog;
    },
    async loadDocumentTerms(namespace, hashes) {
      const { found, rest } = migrations.lookup(namespace, hashes);
      if (rest.length > 0) for (const [hash, share] of await shardsOf(namespace).read(rest)) found.set(hash, share);
      return found;
    },
    async save(catalog, terms) {
      const path = pathOf(catalog.namespace);
      if (terms || migrations.isHolding(catalog.namespace)) {
        // A migrated catalog's shares go out with its first save, under the new one's.
        const added = migrations.toAdd(catalog.namespace, terms?.added);
        const referenced = new Set(Object.entries(catalog.documents).map(([documentId, record]) => termShareKey(documentId, record)));
        // The previous catalog stays on disk until the rename below: its shares must survive until then.
        for (const hash of terms?.released ?? []) referenced.add(hash);
        await shardsOf(catalog.namespace).write(added, referenced);
      }
      await writeFileAtomic(path, JSON.stringify(catalog));
      migrations.release(catalog.namespace);
      const info = await stat(path);
      cache.set(catalog.namespace, { modifiedMs: info.mtimeMs, size: info.size, catalog });
    },
    async delete(namespace) {
      cache.delete(namespace);
      migrations.release(namespace);
      await rm(pathOf(namespace), { force: true });
      await shardsOf(namespace).clear();
    },
    async listNamespaces() {
      const names = await readdir(options.directory).catch(() => [] as string[]);
      return names.filter((name) => name.endsWith(SUFFIX)).map((name) => name.slice(0, -SUFFIX.length)).sort();
    },
  };
};
