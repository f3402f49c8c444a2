import type { Dirent, Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import ignore from 'ignore';
import { BotError } from '../core/bot-error.js';
import type { DocumentSource, SkippedFile, SourceEntry } from '../core/ports/document-source.js';
import { lstatAll } from './lstat-all.js';

export type DirectorySourceOptions = {
  root: string;
  /** Extra gitignore-style patterns, relative to the root. */
  ignore?: string[];
  /** Larger files are skipped with a reason. Default 20 MiB. */
  maxFileBytes?: number;
  /** Whether a document id has a parser; unsupported files are left out silently. */
  supported: (documentId: string) => boolean;
};

const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
const IGNORE_FILE = '.ragbotignore';

const formatBytes = (bytes: number): string => {
  const mebibytes = bytes / (1024 * 1024);
  return mebibytes >= 1 ? `${Number(mebibytes.toFixed(1))} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
};

const isInside = (root: string, target: string): boolean => {
  const path = relative(root, target);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
};

const errorCode = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error ? String(error.code) : undefined;

/** A followed symbolic link, walked after the real tree so real paths win over link paths. */
type PendingLink = { documentId: string; linkPath: string };

/**
 * Documents under a local directory, recursively. Dot-files, dot-directories and node_modules are
 * left out, as is anything matched by the `ignore` patterns or the root's `.ragbotignore`. Symbolic
 * links are followed when they stay inside the root, once per real file or directory.
 */
export const createDirectorySource = (options: DirectorySourceOptions): DocumentSource => {
  const root = resolve(options.root);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  const openRoot = async (): Promise<string> => {
    const info = await stat(root).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
      throw new BotError('source_missing', `Source directory "${root}" cannot be read: ${errorCode(error) ?? String(error)}`, { cause: error });
    });
    if (!info) throw new BotError('source_missing', `Source directory "${root}" does not exist`);
    if (!info.isDirectory()) throw new BotError('source_missing', `Source directory "${root}" does not exist (it is a file)`);
    return realpath(root);
  };

  const list: DocumentSource['list'] = async ({ signal } = {}) => {
    const realRoot = await openRoot();
    const rules = ignore().add(options.ignore ?? []);
    const ignoreFile = await readFile(join(realRoot, IGNORE_FILE), 'utf8').catch(() => '');
    rules.add(ignoreFile);
    const entries: SourceEntry[] = [];
    const skipped: SkippedFile[] = [];
    const visitedDirectories = new Set<string>([realRoot]);
    const visitedFiles = new Set<string>();
    const pendingLinks: PendingLink[] = [];

    const addFile = (documentId: string, realPath: string, info: Stats) => {
      if (!options.supported(documentId)) return;
      if (visitedFiles.has(realPath)) {
        skipped.push({ path: documentId, reason: 'symbolic link to a file that is already listed' });
        return;
      }
      visitedFiles.add(realPath);
      if (info.size > maxFileBytes) {
        skipped.push({ path: documentId, reason: `file is larger than the ${formatBytes(maxFileBytes)} limit (${formatBytes(info.size)})` });
        return;
      }
      entries.push({ documentId, size: info.size, modifiedAt: info.mtime, read: async () => new Uint8Array(await readFile(realPath)) });
    };

    const walk = async (directory: string, prefix: string): Promise<void> => {
      signal?.throwIfAborted();
      let children: Dirent[];
      try {
        children = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        skipped.push({ path: prefix || '.', reason: `directory cannot be read (${errorCode(error) ?? 'error'})` });
        return;
      }
      children.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
      const idOf = (child: Dirent) => (prefix ? `${prefix}/${child.name}` : child.name);
      const listed = children.filter((child) => !child.name.startsWith('.') && child.name !== 'node_modules');
      // The files' sizes and mtimes, before the walk goes deeper. A file deleted since the directory
      // was read is simply no longer there.
      const files = listed.filter((child) => child.isFile() && !rules.ignores(idOf(child)));
      const stats = await lstatAll(files.map((child) => join(directory, child.name)), signal);
      const infos = new Map(files.map((child, index) => [child, stats[index]]));
      for (const child of listed) {
        const documentId = idOf(child);
        const path = join(directory, child.name);
        if (child.isDirectory()) {
          if (rules.ignores(`${documentId}/`)) continue;
          visitedDirectories.add(path);
          await walk(path, documentId);
        } else if (rules.ignores(documentId)) {
          continue;
        } else if (child.isSymbolicLink()) {
          pendingLinks.push({ documentId, linkPath: path });
        } else if (child.isFile()) {
          const info = infos.get(child);
          if (info) addFile(documentId, path, info);
        }
      }
    };

    const followLink = async ({ documentId, linkPath }: PendingLink): Promise<void> => {
      const target = await realpath(linkPath).catch(() => undefined);
      if (!target) return void skipped.push({ path: documentId, reason: 'broken symbolic link' });
      if (!isInside(realRoot, target)) return void skipped.push({ path: documentId, reason: 'symbolic link leaves the source directory' });
      const info = await stat(target);
      if (info.isFile()) return addFile(documentId, target, info);
      if (!info.isDirectory() || rules.ignores(`${documentId}/`)) return;
      if (visitedDirectories.has(target)) {
        return void skipped.push({ path: documentId, reason: 'symbolic link to a directory that is already listed' });
      }
      visitedDirectories.add(target);
      await walk(target, documentId);
    };

    await walk(realRoot, '');
    // Links found while following links are appended to the queue and followed in turn.
    for (let index = 0; index < pendingLinks.length; index++) await followLink(pendingLinks[index] as PendingLink);

    entries.sort((left, right) => (left.documentId < right.documentId ? -1 : left.documentId > right.documentId ? 1 : 0));
    skipped.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
    return { entries, skipped };
  };

  return { location: root, list };
};
