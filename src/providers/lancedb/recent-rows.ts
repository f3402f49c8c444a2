import { appendFile, mkdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { BotError } from '../../core/bot-error.js';
import type { StoredChunk } from '../../core/chunk.js';
import { createMemoryVectorStore } from '../memory/memory-vector-store.js';

/** One write: passages put (replacing any under the same ids) or ids deleted. */
type Entry = { put: StoredChunk[] } | { delete: string[] };

type Namespace = {
  /** The namespace's recent passages, by id. */
  chunks: Map<string, StoredChunk>;
  /** Ids whose copies in the main table are stale: put again here since, or deleted. */
  shadowed: Set<string>;
  /** Writes to the log file, one at a time. */
  queue: Promise<unknown>;
};

/**
 * The passages written to each namespace since its last fold into its LanceDB table: in memory,
 * searched by the in-memory store (BM25 and cosine, plain TypeScript), and in an append-only
 * JSON-lines file per namespace, one line per write. A line torn by a crash is ignored on replay:
 * a write is there whole or not at all. Writing here costs an append, where LanceDB 0.31 commits a
 * new table version per write and can fold rows into its BM25 index only by rewriting the table.
 */
export const createRecentRows = (directory: string) => {
  const search = createMemoryVectorStore();
  const namespaces = new Map<string, Promise<Namespace>>();
  const pathOf = (namespace: string) => recentLogPath(directory, namespace);

  const apply = async (namespace: string, state: Namespace, entry: Entry) => {
    applyEntry(state, entry);
    if ('put' in entry) await search.upsert({ namespace, chunks: entry.put });
    else await search.deleteChunks({ namespace, ids: entry.delete });
  };

  const replay = async (namespace: string): Promise<Namespace> => {
    const { chunks, shadowed } = await readRecentLog(pathOf(namespace));
    await search.upsert({ namespace, chunks: [...chunks.values()] });
    return { chunks, shadowed, queue: Promise.resolve() };
  };

  const stateOf = (namespace: string): Promise<Namespace> => {
    let state = namespaces.get(namespace);
    if (!state) {
      state = replay(namespace);
      namespaces.set(namespace, state);
      state.catch(() => namespaces.delete(namespace));
    }
    return state;
  };

  const append = async (namespace: string, entry: Entry) => {
    const state = await stateOf(namespace);
    const write = state.queue.then(async () => {
      await mkdir(directory, { recursive: true });
      await appendFile(pathOf(namespace), `${JSON.stringify(entry)}\n`);
      await apply(namespace, state, entry);
    });
    state.queue = write.catch(() => undefined);
    await write;
  };

  return {
    /** Searches and lists the recent passages of every namespace loaded. */
    search,
    load: stateOf,
    put: (namespace: string, chunks: StoredChunk[]) => append(namespace, { put: chunks }),
    delete: (namespace: string, ids: string[]) => append(namespace, { delete: ids }),
    /** After a fold: the namespace starts over with nothing recent. */
    clear: async (namespace: string) => {
      const state = await stateOf(namespace);
      await state.queue;
      await search.dropNamespace({ namespace });
      state.chunks.clear();
      state.shadowed.clear();
      await rm(pathOf(namespace), { force: true });
    },
  };
};

export type RecentRows = ReturnType<typeof createRecentRows>;

const applyEntry = (state: Pick<Namespace, 'chunks' | 'shadowed'>, entry: Entry) => {
  if ('put' in entry) {
    for (const chunk of entry.put) {
      state.chunks.set(chunk.id, chunk);
      state.shadowed.add(chunk.id);
    }
  } else {
    for (const id of entry.delete) {
      state.chunks.delete(id);
      state.shadowed.add(id);
    }
  }
};

export const recentLogPath = (directory: string, namespace: string) => join(directory, `${namespace}.jsonl`);

/**
 * What a namespace's log holds: its complete lines applied in order. A torn last line is cut off
 * the file, so the next write starts a line of its own.
 */
export const readRecentLog = async (path: string): Promise<Pick<Namespace, 'chunks' | 'shadowed'>> => {
  const state: Pick<Namespace, 'chunks' | 'shadowed'> = { chunks: new Map(), shadowed: new Set() };
  let bytes = Buffer.alloc(0);
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const complete = bytes.lastIndexOf(0x0a) + 1;
  if (complete < bytes.length) await truncate(path, complete);
  for (const line of bytes.toString('utf8', 0, complete).split('\n').slice(0, -1)) {
    let entry: Entry;
    try {
      entry = JSON.parse(line) as Entry;
    } catch (error) {
      throw new BotError('index_corrupt', `${path} is unreadable; re-index with --full.`, { cause: error });
    }
    applyEntry(state, entry);
  }
  return state;
};
