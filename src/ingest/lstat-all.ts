import { lstatSync, type Stats } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';

// The longest a listing holds the event loop between yields: what an acknowledgement may wait.
const SLICE_MS = 4;

/**
 * `lstat` of each path, in order; undefined for one gone or unreadable since its directory was
 * read. Synchronous calls in slices of at most SLICE_MS: a promise per file cost a listing of
 * 1,500 files half again its time in promise and thread-pool overhead, on the main thread.
 */
export const lstatAll = async (paths: string[], signal?: AbortSignal): Promise<(Stats | undefined)[]> => {
  const infos: (Stats | undefined)[] = [];
  let sliceStarted = performance.now();
  for (const path of paths) {
    if (performance.now() - sliceStarted > SLICE_MS) {
      await nextTurn();
      signal?.throwIfAborted();
      sliceStarted = performance.now();
    }
    try {
      infos.push(lstatSync(path, { throwIfNoEntry: false }));
    } catch {
      infos.push(undefined);
    }
  }
  return infos;
};
