import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BotError } from '../../core/bot-error.js';
import type { TermChunkCounts } from '../../core/ports/index-catalog-store.js';
import { readIfPresent } from './missing-file.js';
import { writeFileAtomic } from './write-file-atomic.js';

// Enough that a run changing a few documents rewrites a few small files; few enough that a full
// index of a collection writes at most this many.
const SHARD_COUNT = 64;

/** A shard's shares by key, each still as its JSON text: only the shares asked for are parsed. */
type Shard = Map<string, string>;

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
 * A line per share: the key as a JSON string, a tab, the share as JSON. A JSON string holds no raw
 * tab, so the first one ends the key; a run parses the keys, and the JSON only of the shares it needs.
 */
const parseLines = (text: string): Shard => {
  const shard: Shard = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new Error('a line without a key');
    shard.set(JSON.parse(line.slice(0, tab)) as string, line.slice(tab + 1));
  }
  return shard;
};

const formatLines = (shard: Shard): string => [...shard].map(([key, share]) => `${JSON.stringify(key)}\t${share}\n`).join('');

/** The format before lines: one JSON object of every share in the shard. */
const parseObject = (text: string): Shard =>
  new Map(Object.entries(JSON.parse(text) as Record<string, TermChunkCounts>).map(([key, share]) => [key, JSON.stringify(share)]));

/**
 * Documents' shares of a namespace's term statistics, by `termShareKey`, in a directory of shard
 * files. A share is a function of the document's id and content, so one written by a run that crashed
 * before saving its catalog is never wrong, only unreferenced; unreferenced shares are dropped
 * when their shard is next rewritten.
 */
export const createTermShards = (directory: string) => {
  const pathOf = (shard: number) => join(directory, `${String(shard).padStart(2, '0')}.jsonl`);
  // Written by earlier versions; read when there is no line file yet, replaced by one when rewritten.
  const legacyPathOf = (shard: number) => join(directory, `${String(shard).padStart(2, '0')}.json`);
  const corrupt = (path: string, error: unknown) =>
    new BotError('index_corrupt', `The term statistics file ${path} is unreadable; re-index with --full.`, { cause: error });

  /** The shard's shares, from the file they were read from (none when there is no file). */
  const readShard = async (shard: number): Promise<{ shares: Shard; path?: string }> => {
    for (const [path, parse] of [[pathOf(shard), parseLines], [legacyPathOf(shard), parseObject]] as const) {
      const bytes = await readIfPresent(path);
      if (!bytes) continue;
      try {
        return { shares: parse(bytes.toString('utf8')), path };
      } catch (error) {
        throw corrupt(path, error);
      }
    }
    return { shares: new Map() };
  };

  return {
    async read(hashes: readonly string[]): Promise<Map<string, TermChunkCounts>> {
      const found = new Map<string, TermChunkCounts>();
      const groups = groupByShard(hashes.map((hash) => [hash, undefined]));
      await Promise.all([...groups].map(async ([shard, entries]) => {
        const { shares, path } = await readShard(shard);
        for (const [hash] of entries) {
          const share = shares.get(hash);
          if (share === undefined) continue;
          try {
            found.set(hash, JSON.parse(share) as TermChunkCounts);
          } catch (error) {
            throw corrupt(path ?? pathOf(shard), error);
          }
        }
      }));
      return found;
    },

    /** Adds shares; each shard rewritten keeps only the shares `keep` names. */
    async write(added: ReadonlyMap<string, TermChunkCounts>, keep: ReadonlySet<string>): Promise<void> {
      if (added.size === 0) return;
      await Promise.all([...groupByShard(added)].map(async ([shard, entries]) => {
        const stored = await readShard(shard);
        const shares: Shard = new Map();
        for (const [hash, share] of stored.shares) if (keep.has(hash)) shares.set(hash, share);
        for (const [hash, share] of entries) shares.set(hash, JSON.stringify(share));
        await writeFileAtomic(pathOf(shard), formatLines(shares));
        if (stored.path === legacyPathOf(shard)) await rm(stored.path, { force: true });
      }));
    },

    clear: () => rm(directory, { recursive: true, force: true }),
  };
};
