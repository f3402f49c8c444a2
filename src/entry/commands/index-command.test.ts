import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config-schema.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { indexDirectory } from './index-command.js';

describe('indexDirectory', () => {
  let root: string;
  let runtime: Runtime;
  const optimized: string[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ragbot-index-command-'));
    for (const [folder, text] of [['runbooks', 'Drain the backend before maintenance.'], ['standards', 'Voice uses VLAN 110.']]) {
      await mkdir(join(root, 'docs', folder as string), { recursive: true });
      await writeFile(join(root, 'docs', folder as string, 'a.md'), `# ${folder}\n\n${text}\n`);
    }
    runtime = await createRuntime(loadConfig({ RAGBOT_DATA_DIR: join(root, 'data') }));
    optimized.length = 0;
  });
  afterEach(async () => {
    await runtime.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Records each optimize; `gate` decides when one may start its work. */
  const spyOnOptimize = (gate: (namespace: string) => Promise<void> = async () => undefined) => {
    const optimize = runtime.store.optimize?.bind(runtime.store);
    runtime.store.optimize = async (options) => {
      await gate(options.namespace);
      await optimize?.(options);
      optimized.push(options.namespace);
    };
  };

  it("optimizes a collection while the next one is indexed, and returns once every optimize is done", async () => {
    let standardsStarted: () => void = () => undefined;
    const standardsIndexing = new Promise<void>((resolve) => (standardsStarted = resolve));
    // The first collection's optimize cannot finish before the second collection is being indexed.
    spyOnOptimize((namespace) => (namespace === 'local__runbooks' ? standardsIndexing : Promise.resolve()));
    const summaries = await indexDirectory(runtime, {
      directory: join(root, 'docs'), tenant: 'local',
      onProgress: (collection) => collection === 'standards' && standardsStarted(),
    });
    expect(summaries.map((summary) => [summary.collection, summary.added])).toEqual([['runbooks', 1], ['standards', 1]]);
    expect(optimized.sort()).toEqual(['local__runbooks', 'local__standards']);

    // Only a collection that changed is optimized again.
    optimized.length = 0;
    await writeFile(join(root, 'docs', 'standards', 'a.md'), '# standards\n\nVoice uses VLAN 111.\n');
    await indexDirectory(runtime, { directory: join(root, 'docs'), tenant: 'local' });
    expect(optimized).toEqual(['local__standards']);
  });

  it('reports a failed optimize once every collection is indexed', async () => {
    spyOnOptimize(async (namespace) => {
      if (namespace === 'local__runbooks') throw new Error('optimize failed: disk full');
    });
    await expect(indexDirectory(runtime, { directory: join(root, 'docs'), tenant: 'local' })).rejects.toThrow('disk full');
    expect(optimized).toEqual(['local__standards']);
    expect((await runtime.catalogs.load('local__standards'))?.documents['standards/a.md']).toBeDefined();
  });
});
