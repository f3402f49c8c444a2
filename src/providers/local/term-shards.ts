import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BotError } from '../../core/bot-error.js';
import type { TermChunkCounts } from '../../core/ports/index-catalog-store.js';
import { writeFileAtomic } from './write-file-atomic.js';

// Enough that a run changing a few documents rewrites a few small files; few enough that a full
// index of a collection writes at most this many.
const SHARD_COUNT = 64;

type Shard = Record<string, TermChunkCounts>;

/** FNV-1a of the share's key (`termShareKey`): any key spreads evenly. */
export const shardOf = (hash: string): number => {
  let value = 0x811c9dc5;
  for (let index = 0; index < hash.length; index++) value = Math.imul(value ^ hash.charCodeAt(index), 0x01000193);
  return (value >>> 0) % SHARD_COUNT;
};

const groupByShard = <T>(keys: Iterable<[string, T]>): Map<number, [string, T][]> => {
  const groups = new Map<number, [string, T][]>();
  for (const entry of keys) {
    const shard = shardOf(entry[0]);
    const group = groups.get(shard) ?? [];
    group.push(entry);
    groups.set(shard, group);
  }
  return groups;
};

/**
 * Documents' shares of a namespace's term statistics, by `termShareKey`, in a directory of shard
 * files. A share is a function of the document's id and content, so one written by a run that crashed
 * before saving its catalog is never wrong, only unreferenced; unreferenced shares are dropped
 * when their shard is next rewritten.
 */
export const createTermShards = (directory: string) => {
  const pathOf = (shard: number) => join(directory, `${String(shard).padStart(2, '0')}.json`);
  const readShard = async (shard: number): Promise<Shard> => {
    const path = pathOf(shard);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      return JSON.parse(text) as Shard;
    } catch (error) {
      throw new BotError('index_corrupt', `The term statistics file ${path} is unreadable; re-index with --full.`, { cause: error });
    }
  };

  return {
    async read(hashes: readonly string[]): Promise<Map<string, TermChunkCounts>> {
      const found = new Map<string, TermChunkCounts>();
      const groups = groupByShard(hashes.map((hash) => [hash, undefined]));
      await Promise.all([...groups].map(async ([shard, entries]) => {
        const stored = await readShard(shard);
        for (const [hash] of entries) if (Object.hasOwn(stored, hash)) found.set(hash, stored[hash] as TermChunkCounts);
      }));
      return found;
    },

    /** Adds shares; each shard rewritten keeps only the shares `keep` names. */
    async write(added: ReadonlyMap<string, TermChunkCounts>, keep: ReadonlySet<string>): Promise<void> {
      if (added.size === 0) return;
      await mkdir(directory, { recursive: true });
      await Promise.all([...groupByShard(added)].map(async ([shard, entries]) => {
        const shares: Shard = {};
        for (const [hash, share] of Object.entries(await readShard(shard))) if (keep.has(hash)) shares[hash] = share;
        for (const [hash, share] of entries) shares[hash] = share;
        await writeFileAtomic(pathOf(shard), JSON.stringify(shares));
      }));
    },

    clear: () => rm(directory, { recursive: true, force: true }),
  };
};
