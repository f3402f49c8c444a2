import { describe, expect, it } from 'vitest';
import { createMemoryKeyValueStore } from '../../providers/memory/memory-key-value-store.js';
import { runExclusively } from './collection-lock.js';

describe('runExclusively', () => {
  it('runs once while a second caller joins the running one and gets its result', async () => {
    const state = createMemoryKeyValueStore();
    let runs = 0;
    let finish: (value: string) => void = () => undefined;
    const first = runExclusively(state, 'reindex:acme__runbooks', () => {
      runs++;
      return new Promise<string>((resolve) => (finish = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = runExclusively(state, 'reindex:acme__runbooks', async () => {
      runs++;
      return 'second';
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish('summary');
    expect(await first).toEqual({ joined: false, result: 'summary' });
    expect(await second).toEqual({ joined: true, result: 'summary' });
    expect(runs).toBe(1);
  });

  it('releases the lock when the run fails, so the next run starts', async () => {
    const state = createMemoryKeyValueStore();
    await expect(runExclusively(state, 'reindex:x', async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(await runExclusively(state, 'reindex:x', async () => 'ok')).toEqual({ joined: false, result: 'ok' });
  });

  it('does not block other collections', async () => {
    const state = createMemoryKeyValueStore();
    const results = await Promise.all(['a', 'b'].map((name) => runExclusively(state, `reindex:${name}`, async () => name)));
    expect(results).toEqual([{ joined: false, result: 'a' }, { joined: false, result: 'b' }]);
  });
});
