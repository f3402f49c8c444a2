import { BotError } from '../../core/bot-error.js';
import type { Redis } from 'ioredis';
import { redisCall } from './redis-call.js';
import type { IndexCatalog, IndexCatalogStore } from '../../core/ports/index-catalog-store.js';

const NAMESPACES_KEY = 'catalog-namespaces';
const keyOf = (namespace: string) => `catalog:${namespace}`;

/**
 * Index catalogs in Redis, beside a remote vector store, so every replica sees the same index
 * versions and statistics: one JSON value per namespace under `catalog:<namespace>`, the namespaces
 * in a set. Writes are MULTI transactions, so the set and the values agree.
 */
export const createRedisIndexCatalogStore = (client: Redis): IndexCatalogStore => {
  const run = redisCall;
  const exec = async (transaction: ReturnType<Redis['multi']>) => {
    const results = await transaction.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
  };

  return {
    load: (namespace) =>
      run('load catalog', async () => {
        const json = await client.get(keyOf(namespace));
        if (json === null) return undefined;
        try {
          return JSON.parse(json) as IndexCatalog;
        } catch (error) {
          throw new BotError('index_corrupt', `The index catalog of ${namespace} in Redis is unreadable; re-index with --full.`, { cause: error });
        }
      }),
    save: (catalog) =>
      run('save catalog', () => exec(client.multi().set(keyOf(catalog.namespace), JSON.stringify(catalog)).sadd(NAMESPACES_KEY, catalog.namespace))),
    delete: (namespace) => run('delete catalog', () => exec(client.multi().del(keyOf(namespace)).srem(NAMESPACES_KEY, namespace))),
    listNamespaces: () => run('list catalogs', async () => (await client.smembers(NAMESPACES_KEY)).sort()),
  };
};
