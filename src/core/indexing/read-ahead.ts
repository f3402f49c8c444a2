export type Settled<T> = { value: T } | { error: unknown };

const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then((value) => ({ value }), (error: unknown) => ({ error }));

/**
 * Runs tasks a few ahead of their consumer, and hands their outcomes back in order. File reads
 * wait on the file system's thread pool: a few in flight keep it busy while the JavaScript thread
 * hashes and parses the file before. Outcomes are values, so a read nobody asks for any more
 * (the run failed) rejects nothing.
 */
export const readAhead = <T>(tasks: readonly (() => Promise<T>)[], window: number) => {
  const inFlight: Promise<Settled<T>>[] = [];
  let started = 0;
  const fill = () => {
    while (started < tasks.length && inFlight.length < window) inFlight.push(settle((tasks[started++] as () => Promise<T>)()));
  };
  return {
    /** The next task's outcome; undefined once every task was handed back. */
    next(): Promise<Settled<T>> | undefined {
      fill();
      const head = inFlight.shift();
      fill();
      return head;
    },
  };
};
