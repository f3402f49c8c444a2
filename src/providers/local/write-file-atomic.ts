import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Write then rename: a crash mid-write leaves the previous file, never half of a new one. */
export const writeFileAtomic = async (path: string, data: string | Uint8Array): Promise<void> => {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, data);
  } catch (error) {
    // The directory is made only when missing: most writes go to one that exists.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, data);
  }
  await rename(temporary, path);
};
