/**
 * One request that must not be sent twice while it may still land (a post: not idempotent), shared
 * by every attempt of a DependencyPolicy.
 *
 * An attempt that times out is not a failed request: the request is still in flight and may yet be
 * processed. So the next attempt waits on that same request instead of sending another, and picks up
 * its result when it lands. Only a request that settled with a failure lets the next attempt start a
 * new one; a success is kept, so an attempt after it returns the same result. The request needs its
 * own hard limit (its HTTP client's timeout or abort signal): nothing here ends it.
 */
export type SingleFlight<T> = (attemptSignal?: AbortSignal) => Promise<T>;

/** The request's result, or the attempt's abort reason as soon as the attempt is aborted (the request goes on). */
const untilAborted = <T>(request: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void request.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });

export const singleFlight = <T>(start: () => Promise<T>): SingleFlight<T> => {
  let current: Promise<T> | undefined;
  return (attemptSignal) => {
    if (attemptSignal?.aborted) return Promise.reject(attemptSignal.reason);
    current ??= (async () => start())().catch((error: unknown) => {
      current = undefined;
      throw error;
    });
    return attemptSignal ? untilAborted(current, attemptSignal) : current;
  };
};
