import { describe, expect, it, vi } from 'vitest';
import { singleFlight } from './single-flight.js';

/** A promise the test settles by hand. */
const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
};

describe('singleFlight', () => {
  it('lets a later attempt wait on the request an aborted attempt left in flight, without starting another', async () => {
    const request = deferred<string>();
    const start = vi.fn(() => request.promise);
    const send = singleFlight(start);

    const firstAttempt = new AbortController();
    const first = send(firstAttempt.signal);
    firstAttempt.abort(new Error('attempt timed out'));
    await expect(first).rejects.toThrow('attempt timed out');

    const second = send(new AbortController().signal);
    request.resolve('posted');
    await expect(second).resolves.toBe('posted');
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('keeps a success: an attempt after it gets the same result', async () => {
    const start = vi.fn(async () => 'posted');
    const send = singleFlight(start);
    await expect(send()).resolves.toBe('posted');
    await expect(send()).resolves.toBe('posted');
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('starts a new request only once the one in flight has failed', async () => {
    const failing = deferred<string>();
    const start = vi.fn().mockReturnValueOnce(failing.promise).mockResolvedValueOnce('posted the second time');
    const send = singleFlight<string>(start);

    const first = send();
    const joined = send();
    failing.reject(new Error('503'));
    await expect(first).rejects.toThrow('503');
    await expect(joined).rejects.toThrow('503');
    expect(start).toHaveBeenCalledTimes(1);

    await expect(send()).resolves.toBe('posted the second time');
    expect(start).toHaveBeenCalledTimes(2);
  });

  it('sends nothing for an attempt that is already aborted', async () => {
    const start = vi.fn(async () => 'posted');
    const aborted = AbortSignal.abort(new Error('cancelled'));
    await expect(singleFlight(start)(aborted)).rejects.toThrow('cancelled');
    expect(start).not.toHaveBeenCalled();
  });

  it('reports a request that fails after its attempt gave up to the attempt waiting then', async () => {
    const request = deferred<string>();
    const send = singleFlight(() => request.promise);
    const firstAttempt = new AbortController();
    const first = send(firstAttempt.signal);
    firstAttempt.abort(new Error('attempt timed out'));
    await expect(first).rejects.toThrow('attempt timed out');
    const second = send();
    request.reject(new Error('connection reset'));
    await expect(second).rejects.toThrow('connection reset');
  });
});
