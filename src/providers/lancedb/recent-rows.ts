import { rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { BotError } from '../../core/bot-error.js';
import type { StoredChunk } from '../../core/chunk.js';
import type { VectorStore } from '../../core/ports/vector-store.js';
import { createMemoryVectorStore } from '../memory/memory-vector-store.js';
import { appendMakingDirectory, readIfPresent } from '../local/missing-file.js';
import { writeFileAtomic } from '../local/write-file-atomic.js';
import { decodeVector, encodeVector } from '../vector-base64.js';

/** A passage as the log holds it: its vector still base64 until something needs the numbers. */
type LoggedChunk = Omit<StoredChunk, 'vector'> & { vector?: number[] | string };

/**
 * What a write needs to know of the namespace's table, kept here so that a run that only writes
 * recent rows never opens the table (the largest part of a small run's LanceDB time). Only a first
 * load and a fold change the table's rows, and each records them.
 */
export type TableFacts = { rows: number; dimensions: number };

/** One write: passages put (replacing any under the same ids), ids deleted, or the table's facts. */
type Entry = { put: LoggedChunk[] } | { delete: string[] } | { table: TableFacts };

type RecentState = {
  /** The table's facts as last recorded; absent in a log from before they were. */
  table?: TableFacts;
  /** The namespace's recent passages, by id. */
  chunks: Map<string, LoggedChunk>;
  /** Ids whose copies in the main table are stale: put again here since, or deleted. */
  shadowed: Set<string>;
};

type Namespace = RecentState & {
  /** Whether the in-memory search holds `chunks`; filled at the first search, not for runs that never search. */
  searchable: boolean;
  /** Writes to the log file, one at a time. */
  queue: Promise<unknown>;
};

const applyEntry = (state: RecentState, entry: Entry) => {
  if ('table' in entry) return void (state.table = entry.table);
  const ids = 'put' in entry ? entry.put.map((chunk) => chunk.id) : entry.delete;
  for (const id of ids) {
    state.chunks.delete(id);
    state.shadowed.add(id);
  }
  if ('put' in entry) for (const chunk of entry.put) state.chunks.set(chunk.id, chunk);
};

// Vectors as base64 float32s: a quarter of their JSON size, and quick to read back.
const encodeEntry = (entry: Entry): string =>
  JSON.stringify('put' in entry ? { put: entry.put.map((chunk) => (Array.isArray(chunk.vector) ? { ...chunk, vector: encodeVector(chunk.vector) } : chunk)) } : entry);

/** The passage with its vector as numbers. */
export const storedChunkOf = (chunk: LoggedChunk): StoredChunk => {
  if (typeof chunk.vector !== 'string') return chunk as StoredChunk;
  const vector = decodeVector(chunk.vector);
  if (!vector) throw new BotError('index_corrupt', `The recent rows hold a damaged vector for ${chunk.id}; re-index with --full.`);
  return { ...chunk, vector };
};

export const recentLogPath = (directory: string, namespace: string) => join(directory, `${namespace}.jsonl`);

/**
 * What a namespace's log holds: its complete lines applied in order. A torn last line (a crash
 * mid-write) is cut off the file, so the next write starts a line of its own.
 */
export const readRecentLog = async (path: string): Promise<RecentState> => {
  const state: RecentState = { chunks: new Map(), shadowed: new Set() };
  const bytes = (await readIfPresent(path)) ?? Buffer.alloc(0);
  const complete = bytes.lastIndexOf(0x0a) + 1;
  if (complete < bytes.length) await truncate(path, complete);
  for (const line of bytes.toString('utf8', 0, complete).split('\n').slice(0, -1)) {
    try {
      applyEntry(state, JSON.parse(line) as Entry);
    } catch (error) {
      throw new BotError('index_corrupt', `${path} is unreadable; re-index with --full.`, { cause: error });
    }
  }
  return state;
};

/**
 * The passages written to each namespace since its last fold into its LanceDB table: in an
 * append-only JSON-lines file per namespace, one line per write (there whole or, torn by a crash,
 * not at all), and in memory, searched by the in-memory store (BM25 and cosine). Writing here costs
 * an append, where LanceDB 0.31 commits a table version per write and can fold rows into its BM25
 * index only by rewriting the table.
 */
export const createRecentRows = (directory: string) => {
  const search = createMemoryVectorStore();
  const namespaces = new Map<string, Promise<Namespace>>();
  const pathOf = (namespace: string) => recentLogPath(directory, namespace);

  const stateOf = (namespace: string): Promise<Namespace> => {
    let state = namespaces.get(namespace);
    if (!state) {
      state = readRecentLog(pathOf(namespace)).then((read) => ({ ...read, searchable: false, queue: Promise.resolve() }));
      namespaces.set(namespace, state);
      state.catch(() => namespaces.delete(namespace));
    }
    return state;
  };

  const append = async (namespace: string, entry: Entry) => {
    const state = await stateOf(namespace);
    const write = state.queue.then(async () => {
      await appendMakingDirectory(pathOf(namespace), `${encodeEntry(entry)}\n`);
      applyEntry(state, entry);
      if (!state.searchable || 'table' in entry) return;
      if ('put' in entry) await search.upsert({ namespace, chunks: entry.put.map(storedChunkOf) });
      else await search.deleteChunks({ namespace, ids: entry.delete });
    });
    state.queue = write.catch(() => undefined);
    await write;
  };

  return {
    load: stateOf,
    put: (namespace: string, chunks: StoredChunk[]) => append(namespace, { put: chunks }),
    delete: (namespace: string, ids: string[]) => append(namespace, { delete: ids }),
    recordTable: (namespace: string, table: TableFacts) => append(namespace, { table }),
    /** The scope's recent passages, searched as the in-memory store does. */
    query: async (options: Parameters<VectorStore['query']>[0]) => {
      for (const namespace of options.scope.namespaces) {
        const state = await namespaces.get(namespace);
        if (!state || state.searchable) continue;
        state.searchable = true;
        await search.upsert({ namespace, chunks: [...state.chunks.values()].map(storedChunkOf) });
      }
      return search.query(options);
    },
    /** The namespace starts over with nothing recent: after a fold, with the table's new facts; after a drop, without a table. */
    clear: async (namespace: string, table?: TableFacts) => {
      const state = await stateOf(namespace);
      await state.queue;
      await search.dropNamespace({ namespace });
      state.chunks.clear();
      state.shadowed.clear();
      delete state.table;
      if (!table) return rm(pathOf(namespace), { force: true });
      // One rename: a crash leaves either the whole log (the fold is repeated) or the new one.
      await writeFileAtomic(pathOf(namespace), `${encodeEntry({ table })}\n`);
      state.table = table;
    },
  };
};
