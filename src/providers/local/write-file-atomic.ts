import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { inDirectoryOf } from './missing-file.js';

/** Write then rename: a crash mid-write leaves the previous file, never half of a new one. */
export const writeFileAtomic = async (path: string, data: string | Uint8Array): Promise<void> => {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await inDirectoryOf(temporary, () => writeFile(temporary, data));
  await rename(temporary, path);
};
