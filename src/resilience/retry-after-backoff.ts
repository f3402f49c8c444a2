import { ExponentialBackoff, type IBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';
import { BotError } from '../core/bot-error.js';

type Context = IRetryBackoffContext<unknown>;

const retryAfterOf = (context: Context): number | undefined => {
  const result = context.result;
  const error = 'error' in result ? result.error : undefined;
  return error instanceof BotError ? error.retryAfterSeconds : undefined;
};

/**
 * Exponential backoff with decorrelated jitter, except when the server said how long to wait
 * (HTTP Retry-After): then exactly that, capped so one dependency cannot stall an answer for long.
 */
export class RetryAfterBackoff implements IBackoffFactory<Context> {
  constructor(
    private readonly options: { initialDelayMs: number; maxDelayMs: number },
    private readonly exponential: IBackoffFactory<unknown> = new ExponentialBackoff({
      initialDelay: options.initialDelayMs,
      maxDelay: options.maxDelayMs,
    }),
  ) {}

  next(context: Context): IBackoff<Context> {
    const following = this.exponential.next(context);
    const hinted = retryAfterOf(context);
    const duration = hinted === undefined ? following.duration : Math.min(hinted * 1000, this.options.maxDelayMs);
    const chained = new RetryAfterBackoff(this.options, following);
    return { duration, next: (nextContext: Context) => chained.next(nextContext) };
  }
}
