/**
 * Deterministic edits to a written synthetic corpus, for the incremental re-index benchmark: a
 * share of the documents gets one new paragraph in one of its sections, the way a runbook is
 * usually amended. The other sections, and so most of an edited document's chunks, stay as they were.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createRandom, deriveSeed } from './seeded-random.js';

/** Files under `directory`, `/`-separated and sorted, so a seed picks the same ones everywhere. */
export const listFiles = async (directory: string): Promise<string[]> => {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
};

/** Inserts `paragraph` as the last block of the section starting at heading number `section` (0: the intro). */
export const addParagraph = (content: string, section: number, paragraph: string): string => {
  const lines = content.split('\n');
  const headings = lines.flatMap((line, index) => (/^#{2,3} /.test(line) ? [index] : []));
  // The intro ends at the first `##` heading; section n (n ≥ 1) at heading n + 1, or at the end.
  const end = headings[section] ?? lines.length;
  let insertAt = end;
  while (insertAt > 0 && (lines[insertAt - 1] ?? '').trim() === '') insertAt--;
  lines.splice(insertAt, 0, '', paragraph);
  return lines.join('\n');
};

/**
 * Edits `percent`% of the files (at least one), chosen by `seed` and `round`: each round picks its
 * own files, so a later round does not only re-edit what an earlier one changed. Returns the edited paths.
 */
export const editCorpus = async (directory: string, options: { percent: number; seed: number; round: number }): Promise<string[]> => {
  const files = await listFiles(directory);
  const random = createRandom(deriveSeed(options.seed, 1_000_000 + options.round));
  const count = Math.max(1, Math.round((files.length * options.percent) / 100));
  const chosen = random.sample(files, count).sort();
  for (const path of chosen) {
    const file = join(directory, path);
    const content = await readFile(file, 'utf8');
    const sections = content.split('\n').filter((line) => /^#{2,3} /.test(line)).length + 1;
    const paragraph =
      `Amended in review round ${options.round}: confirm the change ticket number with the on-call engineer ` +
      `before step ${random.integer(2, 9)}, and record the outcome in the ${random.pick(['incident channel', 'change log', 'runbook history'])}.`;
    await writeFile(file, addParagraph(content, random.integer(0, sections - 1), paragraph));
  }
  return chosen;
};
