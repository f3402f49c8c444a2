import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const isMissingFile = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** For a `.catch`: the fallback when the file is not there; any other error goes on. */
export const orWhenMissing = <T>(fallback: T) => (error: unknown): T => {
  if (isMissingFile(error)) return fallback;
  throw error;
};

/** The file's bytes, or undefined when there is no such file. */
export const readIfPresent = (path: string): Promise<Buffer | undefined> => readFile(path).catch(orWhenMissing(undefined));

/**
 * Runs a write to `path`, and again after making its directory if that was missing: most writes
 * go to a directory that exists, and need no `mkdir` each time.
 */
export const inDirectoryOf = async <T>(path: string, write: () => Promise<T>): Promise<T> => {
  try {
    return await write();
  } catch (error) {
    if (!isMissingFile(error)) throw error;
    await mkdir(dirname(path), { recursive: true });
    return write();
  }
};

export const appendMakingDirectory = (path: string, data: string | Uint8Array): Promise<void> => inDirectoryOf(path, () => appendFile(path, data));
