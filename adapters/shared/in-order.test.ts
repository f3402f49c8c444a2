import { describe, expect, it } from 'vitest';
import { createInOrder } from './in-order.js';

describe('in order', () => {
  it('runs the tasks of one key in the order given, even when an earlier one is slower or fails', async () => {
    const inOrder = createInOrder();
    const done: string[] = [];
    const slow = inOrder('U1:m1', () => new Promise((resolve) => setTimeout(() => resolve(done.push('like')), 20)));
    const failing = inOrder('U1:m1', async () => {
      done.push('remove');
      throw new Error('store down');
    });
    const last = inOrder('U1:m1', async () => done.push('angry'));
    await Promise.allSettled([slow, failing, last]);
    expect(done).toEqual(['like', 'remove', 'angry']);
  });

  it('runs different keys concurrently', async () => {
    const inOrder = createInOrder();
    const done: string[] = [];
    const slow = inOrder('U1:m1', () => new Promise((resolve) => setTimeout(() => resolve(done.push('slow')), 20)));
    const quick = inOrder('U2:m1', async () => done.push('quick'));
    await Promise.all([slow, quick]);
    expect(done).toEqual(['quick', 'slow']);
  });
});
