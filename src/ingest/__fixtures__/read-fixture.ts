import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A committed test file's bytes, by name. */
export const readFixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./${name}`, import.meta.url)));

/** A sample document under examples/docs, when a colleague's samples are present in this checkout. */
export const exampleDocument = (path: string): { path: string; exists: boolean; bytes: () => Uint8Array } => {
  const absolute = fileURLToPath(new URL(`../../../examples/docs/${path}`, import.meta.url));
  return { path: absolute, exists: existsSync(absolute), bytes: () => new Uint8Array(readFileSync(absolute)) };
};
