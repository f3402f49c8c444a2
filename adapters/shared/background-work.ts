/**
 * Answers are computed after the platform has been acknowledged; this keeps track of them so a
 * shutdown can let them finish (within a bound) instead of dropping them.
 */
export type BackgroundWork = {
  run(task: () => Promise<unknown>): void;
  readonly pending: number;
  /** Resolves when every task has settled, or after `timeoutMs`; true when nothing was left. */
  drain(timeoutMs: number): Promise<boolean>;
};

export const createBackgroundWork = (onError: (error: unknown) => void): BackgroundWork => {
  const tasks = new Set<Promise<unknown>>();
  return {
    run(task) {
      const promise = Promise.resolve()
        .then(task)
        .catch(onError)
        .finally(() => tasks.delete(promise));
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
