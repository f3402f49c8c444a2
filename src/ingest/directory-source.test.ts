import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotError } from '../core/bot-error.js';
import { createDirectorySource } from './directory-source.js';

const supported = (documentId: string) => /\.(md|txt|html)$/i.test(documentId);

describe('createDirectorySource', () => {
  let base: string;
  let root: string;

  const write = async (path: string, content = `# ${path}\n\ntext\n`) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  };
  const listIds = async (options: { ignore?: string[]; maxFileBytes?: number } = {}) => {
    const { entries, skipped } = await createDirectorySource({ root, supported, ...options }).list();
    return { ids: entries.map((entry) => entry.documentId), entries, skipped };
  };

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'ragbot-directory-source-'));
    root = join(base, 'docs');
    await mkdir(root);
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('lists supported files recursively, sorted, with lazy reads', async () => {
    await write('zeta.md');
    await write('runbooks/network/bgp.md', '# BGP\n');
    await write('runbooks/notes.txt');
    await write('faq/who.html');
    await write('diagram.png');
    const { ids, entries, skipped } = await listIds();
    expect(ids).toEqual(['faq/who.html', 'runbooks/network/bgp.md', 'runbooks/notes.txt', 'zeta.md']);
    expect(skipped).toEqual([]);
    const bgp = entries[1];
    expect(bgp?.size).toBe(6);
    expect(bgp?.modifiedAt).toBeInstanceOf(Date);
    expect(new TextDecoder().decode(await bgp?.read())).toBe('# BGP\n');
  });

  it('leaves out dot-files, dot-directories, node_modules and ignored paths', async () => {
    await write('guide.md');
    await write('.hidden.md');
    await write('.git/info.md');
    await write('node_modules/package/readme.md');
    await write('drafts/wip.md');
    await write('archive/2019/old.md');
    await write('archive/keep.md');
    await write('secret-plans.md');
    await write('.ragbotignore', '# drafts are not published\ndrafts/\narchive/2019\n');
    const { ids } = await listIds({ ignore: ['secret-*.md'] });
    expect(ids).toEqual(['archive/keep.md', 'guide.md']);
  });

  it('refuses a symbolic link out of the root and follows one inside it once', async () => {
    await write('guide.md');
    await write('.archive/old.md');
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'leak.md'), '# secret');
    await symlink(join(base, 'outside', 'leak.md'), join(root, 'leak.md'));
    await symlink(join(base, 'outside'), join(root, 'outside-dir'));
    await symlink(join(root, '.archive'), join(root, 'archive'));
    await symlink('..', join(root, '.archive', 'loop'));
    await symlink(join(root, 'guide.md'), join(root, 'guide-again.md'));
    await symlink(join(root, 'missing.md'), join(root, 'broken.md'));
    const { ids, skipped } = await listIds();
    expect(ids).toEqual(['archive/old.md', 'guide.md']);
    expect(skipped).toEqual([
      { path: 'archive/loop', reason: 'symbolic link to a directory that is already listed' },
      { path: 'broken.md', reason: 'broken symbolic link' },
      { path: 'guide-again.md', reason: 'symbolic link to a file that is already listed' },
      { path: 'leak.md', reason: 'symbolic link leaves the source directory' },
      { path: 'outside-dir', reason: 'symbolic link leaves the source directory' },
    ]);
  });

  it('skips files over the size limit with the reason', async () => {
    await write('small.md', 'x'.repeat(100));
    await write('large.md', 'x'.repeat(3000));
    const { ids, skipped } = await listIds({ maxFileBytes: 1024 });
    expect(ids).toEqual(['small.md']);
    expect(skipped).toEqual([{ path: 'large.md', reason: 'file is larger than the 1 KiB limit (3 KiB)' }]);
  });

  it('reports a missing root or a root that is a file', async () => {
    const missing = join(base, 'nowhere');
    await expect(createDirectorySource({ root: missing, supported }).list()).rejects.toThrow(
      new BotError('source_missing', `Source directory "${missing}" does not exist`),
    );
    await write('file.md');
    const file = join(root, 'file.md');
    await expect(createDirectorySource({ root: file, supported }).list()).rejects.toMatchObject({
      code: 'source_missing',
      message: `Source directory "${file}" does not exist (it is a file)`,
    });
  });

  it('stops when aborted', async () => {
    await write('guide.md');
    const controller = new AbortController();
    controller.abort();
    await expect(createDirectorySource({ root, supported }).list({ signal: controller.signal })).rejects.toThrow();
  });
});
