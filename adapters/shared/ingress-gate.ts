/**
 * Acknowledgements first. Slack and Teams time a webhook out after a few seconds and redeliver it,
 * and every webhook is acknowledged on the one event loop that also computes answers. So a new
 * answer starts only when no webhook is being handled and none came or went for `quietMs`: a burst
 * of questions is acknowledged before any of them is answered. Under steady load there may be no
 * quiet moment, so no answer waits longer than `maxWaitMs` after it was queued.
 */
export type IngressGate = {
  /** The HTTP server calls this when a request arrives; `done` when its response is finished. */
  arrived(): { done(): void };
  /**
   * Resolves when the server is quiet, or `maxWaitMs` after `queuedAt` (default: now) at the
   * latest. Never at once: held work is let go one piece per turn of the event loop.
   */
  quiet(queuedAt?: number): Promise<void>;
  /** The gate's clock, for `queuedAt`. */
  now(): number;
};

export type IngressGateOptions = { quietMs?: number; maxWaitMs?: number; now?: () => number };

export const createIngressGate = (options: IngressGateOptions = {}): IngressGate => {
  const quietMs = options.quietMs ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 500;
  const now = options.now ?? (() => performance.now());
  let inFlight = 0;
  // The last arrival or finished response: a burst is over once neither happened for `quietMs`.
  let lastActivity = -Infinity;
  // By deadline: the work queued first goes first.
  const waiters: { deadline: number; resolve: () => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let turnPending = false;

  const isQuiet = () => inFlight === 0 && now() - lastActivity >= quietMs;
  /**
   * Lets one waiter go, then looks again on the next turn: the server polls for requests in
   * between, so a request that arrives after one answer started holds the next. Letting them all
   * go at once would start a burst's worth of work in one go, with no I/O polled until it yields.
   */
  const check = () => {
    const first = waiters[0];
    if (!first) return;
    if (isQuiet() || first.deadline <= now()) {
      waiters.shift();
      first.resolve();
      if (waiters.length > 0) nextTurn();
      return;
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      check();
    }, Math.max(1, Math.min(quietMs, first.deadline - now())));
  };
  const nextTurn = () => {
    if (turnPending) return;
    turnPending = true;
    setImmediate(() => {
      turnPending = false;
      check();
    });
  };

  return {
    arrived() {
      inFlight++;
      lastActivity = now();
      let finished = false;
      return {
        done() {
          if (finished) return;
          finished = true;
          inFlight--;
          lastActivity = now();
          if (waiters.length > 0) nextTurn();
        },
      };
    },
    quiet(queuedAt) {
      return new Promise<void>((resolve) => {
        const deadline = (queuedAt ?? now()) + maxWaitMs;
        const position = waiters.findIndex((waiter) => waiter.deadline > deadline);
        waiters.splice(position < 0 ? waiters.length : position, 0, { deadline, resolve });
        nextTurn();
      });
    },
    now,
  };
};
