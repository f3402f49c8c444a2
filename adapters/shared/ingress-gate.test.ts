import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBackgroundWork } from './background-work.js';
import { createIngressGate } from './ingress-gate.js';

describe('the ingress gate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const gateWithClock = (maxWaitMs = 250) => createIngressGate({ quietMs: 5, maxWaitMs, now: () => Date.now() });
  const settled = (promise: Promise<void>) => {
    const state = { done: false };
    void promise.then(() => (state.done = true));
    return state;
  };

  it('lets work start at once when nothing arrived lately', async () => {
    const gate = gateWithClock();
    await vi.advanceTimersByTimeAsync(10);
    const waiting = settled(gate.quiet());
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.done).toBe(true);
  });

  it('holds work while a request is being handled, and for the quiet period after its response', async () => {
    const gate = gateWithClock();
    await vi.advanceTimersByTimeAsync(10);
    const request = gate.arrived();
    const waiting = settled(gate.quiet());
    await vi.advanceTimersByTimeAsync(100);
    expect(waiting.done).toBe(false);
    request.done();
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.done).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(waiting.done).toBe(true);
  });

  it('never holds work longer than maxWaitMs, even when requests keep coming', async () => {
    const gate = gateWithClock();
    gate.arrived().done();
    const waiting = settled(gate.quiet());
    for (let step = 0; step < 70; step++) {
      gate.arrived().done();
      await vi.advanceTimersByTimeAsync(4);
      if (step * 4 < 240) expect(waiting.done).toBe(false);
    }
    expect(waiting.done).toBe(true);
  });

  it('lets held work go in the order it was queued', async () => {
    const gate = gateWithClock();
    const request = gate.arrived();
    const order: number[] = [];
    for (const position of [1, 2, 3]) void gate.quiet().then(() => order.push(position));
    request.done();
    request.done(); // a second close of the same response counts once
    await vi.advanceTimersByTimeAsync(20);
    expect(order).toEqual([1, 2, 3]);
    const late = settled(gate.quiet());
    await vi.advanceTimersByTimeAsync(0);
    expect(late.done).toBe(true);
  });

  it('background work with the gate starts no task while a request is in flight', async () => {
    const gate = gateWithClock();
    const work = createBackgroundWork(() => undefined, { gate });
    const request = gate.arrived();
    let started = 0;
    for (let index = 0; index < 3; index++) {
      work.run(async () => {
        started++;
      });
    }
    await vi.advanceTimersByTimeAsync(50);
    expect(started).toBe(0);
    request.done();
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toBe(3);
    expect(work.pending).toBe(0);
  });

  it('under steady traffic each task waits at most maxWaitMs from when it was queued, not from when it got a slot', async () => {
    const gate = gateWithClock(500);
    const work = createBackgroundWork(() => undefined, { concurrency: 1, gate });
    const started: Record<string, number> = {};
    const begin = Date.now();
    const queue = (name: string) => work.run(async () => void (started[name] = Date.now() - begin));
    gate.arrived().done();
    queue('first');
    for (let elapsed = 0; elapsed < 800; elapsed += 4) {
      if (elapsed === 100) queue('second');
      gate.arrived().done();
      await vi.advanceTimersByTimeAsync(4);
    }
    expect(started.first).toBeGreaterThanOrEqual(500);
    // Queued at 100 ms: released by its own deadline (600 ms), not 500 ms after the first one started.
    expect(started.second).toBeLessThan(700);
  });

  it('starts held tasks one per turn of the event loop, so a request arriving after one started holds the rest', async () => {
    const gate = gateWithClock();
    const work = createBackgroundWork(() => undefined, { gate });
    const first = gate.arrived();
    const started: string[] = [];
    let second: { done(): void } | undefined;
    for (const name of ['a', 'b', 'c']) {
      work.run(async () => {
        started.push(name);
        // As if a request reached the server right after this task started.
        second ??= gate.arrived();
      });
    }
    first.done();
    await vi.advanceTimersByTimeAsync(20);
    expect(started).toEqual(['a']);
    second?.done();
    await vi.advanceTimersByTimeAsync(20);
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('a task that waited for a slot while a request arrived waits for the gate again', async () => {
    const gate = gateWithClock();
    const work = createBackgroundWork(() => undefined, { concurrency: 1, gate });
    let finishFirst: () => void = () => undefined;
    const started: string[] = [];
    work.run(() => new Promise<void>((resolve) => {
      started.push('first');
      finishFirst = resolve;
    }));
    work.run(async () => void started.push('second'));
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toEqual(['first']);
    const request = gate.arrived();
    finishFirst();
    await vi.advanceTimersByTimeAsync(50);
    expect(started).toEqual(['first']);
    request.done();
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toEqual(['first', 'second']);
  });
});
