import type { types, webApi } from '@slack/bolt';
import { BotError, describeError } from '../../src/core/bot-error.js';
import type { DependencyPolicy } from '../../src/resilience/dependency-policy.js';
import { singleFlight } from '../../src/resilience/single-flight.js';

type WebClient = webApi.WebClient;
type KnownBlock = types.KnownBlock;

/** Runs one Web API call under the `slack-api` policy, with Slack's errors mapped to BotErrors. */
export type SlackCall = <T>(method: string, call: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

// Platform errors (HTTP 200, ok: false) that mean "try again"; everything else (invalid_auth,
// channel_not_found, not_in_channel, msg_too_long, invalid_blocks…) would fail the same way again.
const RETRYABLE_PLATFORM_ERRORS = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

type SlackSdkError = Error & {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  headers?: Record<string, string>;
  data?: { error?: string; response_metadata?: { retryAfter?: number } };
};

/** The Slack error name ("channel_not_found") behind an error, when Slack said one. */
export const slackErrorCode = (error: unknown): string | undefined => {
  for (let current = error; current instanceof Error; current = current.cause) {
    const sdk = current as SlackSdkError;
    if (sdk.code === 'slack_webapi_platform_error' && sdk.data?.error) return sdk.data.error;
    if (sdk.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  }
  return undefined;
};

/**
 * The WebClient runs with `retries: 0` and `rejectRateLimitedCalls: true`, so each failure reaches
 * the policy once: 429 (with its Retry-After), retryable platform errors, 5xx and network failures
 * are retried there; the rest fail at once.
 */
export const toBotError = (method: string, error: unknown): unknown => {
  if (error instanceof BotError) return error;
  const sdk = error as SlackSdkError;
  switch (sdk.code) {
    case 'slack_webapi_rate_limited_error':
      return new BotError('provider_call_failed', `Slack ${method} is rate-limited`, { cause: error, retryable: true, retryAfterSeconds: sdk.retryAfter ?? 1 });
    case 'slack_webapi_platform_error': {
      const name = sdk.data?.error ?? 'unknown_error';
      const retryAfter = sdk.data?.response_metadata?.retryAfter;
      return new BotError('provider_call_failed', `Slack ${method} failed: ${name}`, {
        cause: error, retryable: RETRYABLE_PLATFORM_ERRORS.has(name), ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
    case 'slack_webapi_http_error': {
      const status = sdk.statusCode ?? 0;
      const retryAfter = Number(sdk.headers?.['retry-after']);
      return new BotError('provider_call_failed', `Slack ${method} answered HTTP ${status}`, {
        cause: error, retryable: status === 408 || status === 429 || status >= 500, ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
    case 'slack_webapi_request_error':
      return new BotError('provider_call_failed', `Slack ${method} could not be reached: ${describeError(error)}`, { cause: error, retryable: true });
    default:
      return new BotError('provider_call_failed', `Slack ${method} failed: ${describeError(error)}`, { cause: error });
  }
};

export const createSlackCall = (policy: DependencyPolicy): SlackCall => (method, call, signal) =>
  policy.execute(async () => {
    try {
      return await call();
    } catch (error) {
      throw toBotError(method, error);
    }
  }, signal);

export type SlackMessage = { text: string; blocks?: KnownBlock[] };

export type PostRequest = SlackMessage & {
  channel: string;
  /** Reply in this thread; a root message otherwise. */
  threadTs?: string;
  /** Stable per logical message (e.g. `${question.id}:answer`): how a retry finds an earlier post. */
  key: string;
  /** Tags the message so thread history and duplicate checks can recognise the bot's own posts. */
  kind: 'answer' | 'question' | 'reindex';
  /** Extra metadata, e.g. the question of a `/ask` root message (history reads it back). */
  payload?: Record<string, string>;
};

export const METADATA_PREFIX = 'ragbot_';

/**
 * The WebClient's own limit for one request. Longer than a policy attempt (10 s): a post whose
 * attempt timed out stays in flight for the next attempts to wait on (see `post`), and this ends it.
 */
export const SLACK_REQUEST_LIMIT_MS = 30_000;

// A rate-limited or refused post (ok: false) was certainly not posted; anything else (a reset, a
// 5xx, a timeout) may have been posted before the failure, so the retry looks before it posts again.
const certainlyNotPosted = (error: unknown) => {
  const code = (error as SlackSdkError).code;
  return code === 'slack_webapi_rate_limited_error' || code === 'slack_webapi_platform_error' || (error as SlackSdkError).statusCode === 429;
};

type PostedMessage = { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } };

export const createSlackPoster = (options: { client: WebClient; call: SlackCall }) => {
  const { client, call } = options;

  const findPosted = async (request: PostRequest, since: number): Promise<string | undefined> => {
    const range = { channel: request.channel, oldest: since.toFixed(6), include_all_metadata: true, limit: 200 };
    const result = request.threadTs
      ? await client.conversations.replies({ ...range, ts: request.threadTs })
      : await client.conversations.history(range);
    const messages = (result.messages ?? []) as PostedMessage[];
    const found = messages.find(
      (message) => message.metadata?.event_type === `${METADATA_PREFIX}${request.kind}` && message.metadata.event_payload?.key === request.key,
    );
    return found?.ts;
  };

  return {
    /**
     * Posts once: retried under the policy, never duplicated by a retry. Returns the message `ts`.
     * The attempts share one request (singleFlight): an attempt that timed out leaves its post in
     * flight, and the next attempt waits for it rather than posting again before it has landed.
     */
    post(request: PostRequest, signal?: AbortSignal): Promise<string> {
      const since = Date.now() / 1000 - 60;
      let uncertain = false;
      const attempt = singleFlight(async () => {
        // The earlier request failed after it may have been posted: it has settled, so it can be found.
        if (uncertain) {
          const earlier = await findPosted(request, since);
          if (earlier) return earlier;
        }
        uncertain = true;
        try {
          const result = await client.chat.postMessage({
            channel: request.channel,
            text: request.text,
            ...(request.blocks ? { blocks: request.blocks } : {}),
            ...(request.threadTs ? { thread_ts: request.threadTs } : {}),
            metadata: { event_type: `${METADATA_PREFIX}${request.kind}`, event_payload: { key: request.key, ...request.payload } },
            // Citations link to documentation: previews of every link would bury the answer.
            unfurl_links: false,
            unfurl_media: false,
          });
          if (!result.ts) throw new BotError('provider_call_failed', 'Slack chat.postMessage returned no ts');
          return result.ts;
        } catch (error) {
          if (certainlyNotPosted(error)) uncertain = false;
          throw error;
        }
      });
      return call('chat.postMessage', () => attempt(), signal);
    },

    async update(request: SlackMessage & { channel: string; ts: string }): Promise<void> {
      await call('chat.update', () =>
        client.chat.update({ channel: request.channel, ts: request.ts, text: request.text, ...(request.blocks ? { blocks: request.blocks } : {}) }),
      );
    },

    async ephemeral(request: { channel: string; user: string; text: string; threadTs?: string }): Promise<void> {
      await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({ channel: request.channel, user: request.user, text: request.text, ...(request.threadTs ? { thread_ts: request.threadTs } : {}) }),
      );
    },
  };
};

export type SlackPoster = ReturnType<typeof createSlackPoster>;
