import {
  BrokenCircuitError, BulkheadRejectedError, ConsecutiveBreaker, TaskCancelledError, TimeoutStrategy,
  bulkhead, circuitBreaker, handleWhen, retry, timeout, wrap, type CircuitState,
} from 'cockatiel';
import { BotError, isRetryable } from '../core/bot-error.js';
import { RetryAfterBackoff } from './retry-after-backoff.js';

export type DependencyName = 'llm:openai' | 'llm:anthropic' | 'embeddings' | 'vectorstore' | 'slack-api' | 'teams-connector' | 'redis' | 'membership';

export type PolicySettings = {
  /** Per attempt. */
  timeoutMs: number;
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures that open the breaker, and how long it stays open. */
  breakAfter: number;
  halfOpenAfterMs: number;
  /** Concurrent calls, and calls allowed to wait for a slot. */
  concurrency: number;
  queue: number;
};

/** Where policy events go: metrics and logs, wired at the composition root. */
export type ResilienceEvents = {
  onRetry?(dependency: DependencyName, event: { attempt: number; delayMs: number; reason: string }): void;
  onBreakerState?(dependency: DependencyName, state: 'closed' | 'open' | 'half-open'): void;
  onGiveUp?(dependency: DependencyName, reason: string): void;
};

export type DependencyPolicy = {
  readonly dependency: DependencyName;
  /** Runs one call under the policy; cockatiel's own errors come out as BotErrors. */
  execute<T>(call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
};

const transient = (error: Error) => isRetryable(error) || error instanceof TaskCancelledError;

const stateName = (state: CircuitState): 'closed' | 'open' | 'half-open' =>
  state === 1 ? 'open' : state === 2 ? 'half-open' : state === 3 ? 'open' : 'closed';

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * One policy per dependency (design §8): a bulkhead around retries with exponential backoff and
 * jitter (honouring Retry-After) of a circuit breaker around a per-attempt timeout. Only retryable
 * errors (429, 5xx, resets, timeouts) are retried or count against the breaker; a 400 fails at once.
 */
export const createDependencyPolicy = (
  dependency: DependencyName,
  settings: PolicySettings,
  events: ResilienceEvents = {},
): DependencyPolicy => {
  const attemptTimeout = timeout(settings.timeoutMs, TimeoutStrategy.Aggressive);
  const breaker = circuitBreaker(handleWhen(transient), {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.breakAfter),
  });
  const retrying = retry(handleWhen(transient), {
    maxAttempts: Math.max(0, settings.maxAttempts - 1),
    backoff: new RetryAfterBackoff({ initialDelayMs: settings.initialDelayMs, maxDelayMs: settings.maxDelayMs }),
  });
  const limit = bulkhead(settings.concurrency, settings.queue);
  retrying.onRetry((event) => {
    const reason = 'error' in event ? describe(event.error) : 'result rejected';
    events.onRetry?.(dependency, { attempt: event.attempt, delayMs: event.delay, reason });
  });
  retrying.onGiveUp((event) => events.onGiveUp?.(dependency, 'error' in event ? describe(event.error) : 'result rejected'));
  breaker.onStateChange((state) => events.onBreakerState?.(dependency, stateName(state)));
  const policy = wrap(limit, retrying, breaker, attemptTimeout);

  return {
    dependency,
    async execute(call, signal) {
      try {
        return await policy.execute(({ signal: attemptSignal }) => call(attemptSignal), signal);
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new BotError('circuit_open', `${dependency} is failing; calls are paused for a while`, { cause: error });
        }
        if (error instanceof TaskCancelledError) {
          if (signal?.aborted) throw error;
          throw new BotError('timeout', `${dependency} did not answer within ${settings.timeoutMs} ms`, { cause: error, retryable: true });
        }
        if (error instanceof BulkheadRejectedError) {
          throw new BotError('provider_call_failed', `${dependency} is overloaded: too many calls waiting`, { cause: error, retryable: true });
        }
        throw error;
      }
    },
  };
};
