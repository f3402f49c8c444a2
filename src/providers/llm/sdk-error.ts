import { BotError, describeError } from '../../core/bot-error.js';

type HeaderBag = { get(name: string): string | null } | Record<string, string | undefined> | undefined;

const header = (headers: HeaderBag, name: string): string | undefined => {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  return (headers as Record<string, string | undefined>)[name];
};

/** Seconds to wait from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date. */
export const retryAfterSeconds = (headers: HeaderBag, now = Date.now()): number | undefined => {
  const milliseconds = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(milliseconds) && milliseconds > 0) return milliseconds / 1000;
  const value = header(headers, 'retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
};

const CONNECTION_ERRORS = new Set(['APIConnectionError', 'APIConnectionTimeoutError']);

/**
 * The OpenAI and Anthropic SDKs share one generated client core: an `APIError` with `status` and
 * `headers`, and connection errors by class name. This maps them into the bot's error family:
 * 408, 409, 429, 5xx and connection failures are retryable, other statuses are not.
 */
export const fromSdkError = (provider: string, error: unknown, signal?: AbortSignal): unknown => {
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof BotError) return error;
  const name = error instanceof Error ? error.constructor.name : '';
  const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : undefined;
  if (status !== undefined) {
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    const retryAfter = retryAfterSeconds((error as { headers?: HeaderBag }).headers);
    return new BotError('provider_call_failed', `${provider} answered HTTP ${status}: ${describeError(error)}`, {
      cause: error, retryable, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  if (CONNECTION_ERRORS.has(name) || (error instanceof Error && /ECONNRESET|socket hang up|fetch failed|ECONNREFUSED/i.test(error.message))) {
    return new BotError('provider_call_failed', `${provider} could not be reached: ${describeError(error)}`, { cause: error, retryable: true });
  }
  return new BotError('provider_call_failed', `${provider} call failed: ${describeError(error)}`, { cause: error });
};
