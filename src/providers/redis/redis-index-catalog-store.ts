import { BotError } from '../../core/bot-error.js';
import type { Redis } from 'ioredis';
import { redisCall } from './redis-call.js';
import { createCatalogMigrations } from '../../core/indexing/legacy-catalog.js';
import type { IndexCatalog, IndexCatalogStore, TermChunkCounts } from '../../core/ports/index-catalog-store.js';

const NAMESPACES_KEY = 'catalog-namespaces';
const keyOf = (namespace: string) => `catalog:${namespace}`;
const termsKeyOf = (namespace: string) => `catalog-terms:${namespace}`;

/**
 * Index catalogs in Redis, beside a remote vector store, so every replica sees the same index
 * versions and statistics: one JSON value per namespace under `catalog:<namespace>`, the documents'
 * shares of the term statistics in a hash under `catalog-terms:<namespace>` (by `termShareKey`), the
 * namespaces in a set. Writes are MULTI transactions, so the set, the values and the shares agree.
 */
export const createRedisIndexCatalogStore = (client: Redis): IndexCatalogStore => {
  const run = redisCall;
  // Catalogs of the format before the hash: their shares go out with their next save.
  const migrations = createCatalogMigrations();
  const exec = async (transaction: ReturnType<Redis['multi']>) => {
    const results = await transaction.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
  };
  const corrupt = (namespace: string, error: unknown) =>
    new BotError('index_corrupt', `The index catalog of ${namespace} in Redis is unreadable; re-index with --full.`, { cause: error });

  return {
    load: (namespace) =>
      run('load catalog', async () => {
        const json = await client.get(keyOf(namespace));
        if (json === null) return undefined;
        let parsed: IndexCatalog;
        try {
          parsed = JSON.parse(json) as IndexCatalog;
        } catch (error) {
          throw corrupt(namespace, error);
        }
        return migrations.adopt(namespace, parsed);
      }),
    loadDocumentTerms: (namespace, hashes) =>
      run('load term statistics', async () => {
        const { found, rest } = migrations.lookup(namespace, hashes);
        if (rest.length === 0) return found;
        const values = await client.hmget(termsKeyOf(namespace), ...rest);
        try {
          rest.forEach((hash, index) => {
            const value = values[index];
            if (value !== null && value !== undefined) found.set(hash, JSON.parse(value) as TermChunkCounts);
          });
        } catch (error) {
          throw corrupt(namespace, error);
        }
        return found;
      }),
    save: (catalog, terms) =>
      run('save catalog', async () => {
        const { namespace } = catalog;
        const added = migrations.toAdd(namespace, terms?.added);
        const transaction = client.multi();
        if (added.size > 0) transaction.hset(termsKeyOf(namespace), Object.fromEntries([...added].map(([hash, share]) => [hash, JSON.stringify(share)])));
        // After the HSET: a migrated share the new catalog no longer refers to goes too.
        const released = terms?.released ?? [];
        if (released.length > 0) transaction.hdel(termsKeyOf(namespace), ...released);
        await exec(transaction.set(keyOf(namespace), JSON.stringify(catalog)).sadd(NAMESPACES_KEY, namespace));
        migrations.release(namespace);
      }),
    delete: (namespace) =>
      run('delete catalog', async () => {
        migrations.release(namespace);
        await exec(client.multi().del(keyOf(namespace), termsKeyOf(namespace)).srem(NAMESPACES_KEY, namespace));
      }),
    listNamespaces: () => run('list catalogs', async () => (await client.smembers(NAMESPACES_KEY)).sort()),
  };
};
