import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.js';

describe('readAhead', () => {
  it('keeps a window of tasks in flight and hands their outcomes back in order, failures as values', async () => {
    const started: number[] = [];
    const resolvers = new Map<number, (value: string) => void>();
    const tasks = [0, 1, 2, 3, 4].map((index) => () => {
      started.push(index);
      if (index === 2) return Promise.reject(new Error('unreadable'));
      return new Promise<string>((resolve) => resolvers.set(index, resolve));
    });
    const reads = readAhead(tasks, 3);
    const first = reads.next();
    // The first outcome is being awaited while the next three are already under way.
    expect(started).toEqual([0, 1, 2, 3]);
    resolvers.get(1)?.('one');
    resolvers.get(0)?.('zero');
    expect(await first).toEqual({ value: 'zero' });
    expect(await reads.next()).toEqual({ value: 'one' });
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(await reads.next()).toMatchObject({ error: new Error('unreadable') });
    resolvers.get(3)?.('three');
    resolvers.get(4)?.('four');
    expect(await reads.next()).toEqual({ value: 'three' });
    expect(await reads.next()).toEqual({ value: 'four' });
    expect(reads.next()).toBeUndefined();
  });
});
