/**
 * Acknowledgements first. Slack and Teams time a webhook out after a few seconds and redeliver it,
 * and every webhook is acknowledged on the one event loop that also computes answers. So a new
 * answer starts only when no webhook is being handled and none arrived for `quietMs`: a burst of
 * questions is acknowledged before any of them is answered. Under steady load there may be no
 * quiet moment, so no answer waits longer than `maxWaitMs` after it was queued.
 */
export type IngressGate = {
  /** The HTTP server calls this when a request arrives; `done` when its response is finished. */
  arrived(): { done(): void };
  /** Resolves when the server is quiet, or after `maxWaitMs` at the latest. */
  quiet(): Promise<void>;
};

export type IngressGateOptions = { quietMs?: number; maxWaitMs?: number; now?: () => number };

export const createIngressGate = (options: IngressGateOptions = {}): IngressGate => {
  const quietMs = options.quietMs ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 500;
  const now = options.now ?? (() => performance.now());
  let inFlight = 0;
  let lastArrival = -Infinity;
  const waiters: { deadline: number; resolve: () => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  const isQuiet = () => inFlight === 0 && now() - lastArrival >= quietMs;
  const check = () => {
    timer = undefined;
    const quiet = isQuiet();
    const time = now();
    // In arrival order: the answer queued first starts first.
    const ready = waiters.filter((waiter) => quiet || waiter.deadline <= time);
    waiters.splice(0, waiters.length, ...waiters.filter((waiter) => !ready.includes(waiter)));
    for (const waiter of ready) waiter.resolve();
    if (waiters.length > 0) schedule();
  };
  const schedule = () => {
    if (timer) return;
    const nextDeadline = Math.min(...waiters.map((waiter) => waiter.deadline)) - now();
    timer = setTimeout(check, Math.max(1, Math.min(quietMs, nextDeadline)));
  };

  return {
    arrived() {
      inFlight++;
      lastArrival = now();
      let finished = false;
      return {
        done() {
          if (finished) return;
          finished = true;
          inFlight--;
          if (waiters.length > 0) schedule();
        },
      };
    },
    quiet() {
      if (isQuiet() && waiters.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push({ deadline: now() + maxWaitMs, resolve });
        schedule();
      });
    },
  };
};
