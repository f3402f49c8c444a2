import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BotError } from '../../core/bot-error.js';
import type { IndexCatalog, IndexCatalogStore } from '../../core/ports/index-catalog-store.js';
import { writeFileAtomic } from './write-file-atomic.js';

const SUFFIX = '.catalog.json';

/** Catalogs as JSON files beside the embedded index; re-read only when the file changed. */
export const createFileIndexCatalogStore = (options: { directory: string }): IndexCatalogStore => {
  const cache = new Map<string, { modifiedMs: number; size: number; catalog: IndexCatalog }>();
  const pathOf = (namespace: string) => join(options.directory, `${namespace}${SUFFIX}`);

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
      cache.set(namespace, { modifiedMs: info.mtimeMs, size: info.size, catalog });
      return catalog;
    },
    async save(catalog) {
      const path = pathOf(catalog.namespace);
      await writeFileAtomic(path, JSON.stringify(catalog));
      const info = await stat(path);
      cache.set(catalog.namespace, { modifiedMs: info.mtimeMs, size: info.size, catalog });
    },
    async delete(namespace) {
      cache.delete(namespace);
      await rm(pathOf(namespace), { force: true });
    },
    async listNamespaces() {
      const names = await readdir(options.directory).catch(() => [] as string[]);
      return names.filter((name) => name.endsWith(SUFFIX)).map((name) => name.slice(0, -SUFFIX.length)).sort();
    },
  };
};
