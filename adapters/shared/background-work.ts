/**
 * Answers are computed after the platform has been acknowledged; this runs them a few at a time
 * (so a burst cannot starve the acknowledgements on the one event loop, nor balloon memory) and
 * keeps track of them, so a shutdown can let them finish (within a bound) instead of dropping them.
 */
export type BackgroundWork = {
  run(task: () => Promise<unknown>): void;
  /** Tasks running or waiting to run. */
  readonly pending: number;
  /** Resolves when every task has settled, or after `timeoutMs`; true when nothing was left. */
  drain(timeoutMs: number): Promise<boolean>;
};

export type BackgroundWorkOptions = {
  concurrency?: number;
  /** Each task starts only once this resolves: the ingress gate lets acknowledgements go first. */
  gate?: { quiet(queuedAt?: number): Promise<void>; now(): number };
};

export const createBackgroundWork = (onError: (error: unknown) => void, options: BackgroundWorkOptions = {}): BackgroundWork => {
  const concurrency = options.concurrency ?? 8;
  const gate = options.gate;
  const waiting: (() => void)[] = [];
  const tasks = new Set<Promise<unknown>>();
  let running = 0;
  const slot = () =>
    running < concurrency ? ((running++), Promise.resolve()) : new Promise<void>((resolve) => waiting.push(() => ((running++), resolve())));
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return {
    run(task) {
      // A slot first, then the gate, so the gate is asked right before the task starts (a task that
      // waited for a slot while a burst arrived must still wait for it to pass); its deadline runs
      // from when the task was queued, so under steady traffic slots do not sit idle behind it.
      const queuedAt = gate?.now();
      const promise = slot()
        .then(() => gate?.quiet(queuedAt))
        .then(task)
        .catch(onError)
        .finally(() => {
          release();
          tasks.delete(promise);
        });
      tasks.add(promise);
    },
    get pending() {
      return tasks.size;
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const settled = (async () => {
        while (tasks.size > 0) await Promise.allSettled([...tasks]);
        return true;
      })();
      const result = await Promise.race([settled, timeout]);
      clearTimeout(timer);
      return result;
    },
  };
};
