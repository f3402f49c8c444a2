/** One error family for the whole bot: a code to branch on, a retryable flag for the policies. */
export type BotErrorCode =
  | 'config_invalid'
  | 'input_invalid'
  | 'question_invalid'
  | 'collection_unknown'
  | 'source_missing'
  | 'document_unreadable'
  | 'index_embedder_mismatch'
  | 'index_corrupt'
  | 'provider_call_failed'
  | 'vector_store_unavailable'
  | 'state_unavailable'
  | 'circuit_open'
  | 'timeout'
  | 'access_denied';

export class BotError extends Error {
  override readonly name = 'BotError';
  readonly retryable: boolean;
  /** Seconds the remote side asked us to wait (HTTP Retry-After), when it said so. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: BotErrorCode,
    message: string,
    options: { cause?: unknown; retryable?: boolean; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isBotError = (error: unknown, code?: BotErrorCode): error is BotError =>
  error instanceof BotError && (code === undefined || error.code === code);

export const isRetryable = (error: unknown): boolean => error instanceof BotError && error.retryable;

/** The message of anything thrown, for reports; never the stack. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
