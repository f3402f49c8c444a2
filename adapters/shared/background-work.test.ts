import { describe, expect, it } from 'vitest';
import { createBackgroundWork } from './background-work.js';

describe('background work', () => {
  it('lets in-flight tasks finish on drain, reporting errors instead of throwing', async () => {
    const errors: unknown[] = [];
    const work = createBackgroundWork((error) => errors.push(error));
    let finished = false;
    work.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      finished = true;
    });
    work.run(async () => Promise.reject(new Error('post failed')));
    expect(work.pending).toBe(2);
    expect(await work.drain(1_000)).toBe(true);
    expect(finished).toBe(true);
    expect(errors).toEqual([new Error('post failed')]);
  });

  it('gives up waiting after the bound', async () => {
    const work = createBackgroundWork(() => undefined);
    work.run(() => new Promise(() => undefined));
    expect(await work.drain(20)).toBe(false);
  });
});

describe('background work under a burst', () => {
  it('runs at most `concurrency` tasks at once and still runs every one', async () => {
    const work = createBackgroundWork(() => undefined, { concurrency: 3 });
    let active = 0;
    let peak = 0;
    let done = 0;
    for (let index = 0; index < 20; index++) {
      work.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 5));
        active--;
        done++;
      });
    }
    expect(work.pending).toBe(20);
    expect(await work.drain(5_000)).toBe(true);
    expect([peak, done]).toEqual([3, 20]);
  });
});
