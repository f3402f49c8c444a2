import { Errors } from '@pinecone-database/pinecone';
import { BotError, describeError } from '../../core/bot-error.js';
import { retryAfterSeconds } from '../llm/sdk-error.js';

/** What one HTTP exchange left behind: the caller's signal in, and the failure's details out. */
export type RequestContext = { signal: AbortSignal | undefined; status?: number; message?: string; retryAfterSeconds?: number };

export const errorMessageOf = (text: string): string | undefined => {
  if (!text.trim()) return undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } };
    const message = body.message ?? body.error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON: the raw text, shortened
  }
  return text.trim().slice(0, 300);
};

export const retryAfterOf = (header: string | null): number | undefined => (header ? retryAfterSeconds({ get: (name) => (name === 'retry-after' ? header : null) }) : undefined);

const statusOf = (error: unknown, context: RequestContext): number | undefined => {
  if (context.status !== undefined) return context.status;
  const match = error instanceof Error ? /Status: (\d{3})/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
};

/**
 * One error family: transient failures (5xx, which the SDK reports as MaxRetriesExceeded with its
 * retries off, 429, 408, resets and timeouts) are retryable; a request the service refuses is not.
 */
export const toBotError = (action: string, error: unknown, context: RequestContext): BotError => {
  if (error instanceof BotError) return error;
  const status = statusOf(error, context);
  const aborted = context.signal?.aborted === true;
  const retryable =
    aborted ||
    error instanceof Errors.PineconeMaxRetriesExceededError ||
    error instanceof Errors.PineconeConnectionError ||
    error instanceof Errors.PineconeInternalServerError ||
    error instanceof Errors.PineconeUnavailableError ||
    error instanceof Errors.PineconeTimeoutError ||
    (status !== undefined && (status === 408 || status === 429 || status >= 500));
  const hint = status === 401 || status === 403 ? ' (check the Pinecone API key)' : status === 404 ? ' (check the Pinecone index name and host)' : '';
  const detail = aborted ? 'aborted' : `${status === undefined ? '' : `HTTP ${status}: `}${context.message ?? describeError(error)}${hint}`;
  return new BotError('vector_store_unavailable', `Pinecone ${action} failed: ${detail}`, {
    cause: error,
    retryable,
    ...(context.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: context.retryAfterSeconds }),
  });
};

/** Serverless answers 404 "Namespace not found" to a delete (or list) in a namespace that does not exist. */
export const isMissingNamespace = (error: unknown, context: RequestContext): boolean =>
  error instanceof Errors.PineconeNotFoundError && context.status === 404 && /namespace not found/i.test(context.message ?? '');
