import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { BotError } from '../../src/core/bot-error.js';
import type { DependencyPolicy } from '../../src/resilience/dependency-policy.js';
import { singleFlight } from '../../src/resilience/single-flight.js';
import type { TeamsMessage } from './render-teams-answer.js';

/**
 * Everything the bot sends to Teams, through the Bot Connector at the conversation's `serviceUrl`.
 *
 * Each call runs in a proactive turn (`CloudAdapter.continueConversationAsync`), so the SDK picks the
 * connector, audience and credentials (from the `ServiceClientCredentialsFactory`) as for any reply.
 * The activity itself is then POSTed as plain JSON, signed with those credentials, instead of going
 * through `connectorClient.conversations.replyToActivity`:
 *
 * botbuilder 4.23.3's connector serializes activities with @azure/core-client 1.10, whose sequence
 * serializer replaces the element mapper of `Activity.entities` (which allows additional properties)
 * by the `Entity` model mapper (which declares only `type`, `text` and `mentioned`). Every
 * `conversations.*` call (sendToConversation, replyToActivity, updateActivity, createConversation,
 * hence `context.sendActivity` and `context.updateActivity` too) therefore sends the schema.org
 * Message entity as `{ "type": "https://schema.org/Message" }`: no AI label, no citations. Teams then
 * shows neither. `test/teams-serializer.test.ts` keeps both facts checked.
 *
 * The SDK's own retries (core-client's defaultRetryPolicy) are removed from the connectors used here:
 * retries, timeouts and the breaker belong to the 'teams-connector' DependencyPolicy, once.
 */

export type ConnectorClientLike = {
  credentials: { signRequest(resource: unknown): Promise<unknown> };
};

export type TeamsTurn = { context: TurnContext; client: ConnectorClientLike };

export type TeamsConnector = {
  /** Runs `work` in a proactive turn for this conversation, with the SDK's connector client for it. */
  inTurn<T>(reference: Partial<ConversationReference>, work: (turn: TeamsTurn) => Promise<T>): Promise<T>;
  /** Runs one call under the connector's policy (retries on 429/5xx/resets, honouring Retry-After). */
  guarded<T>(call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Replies in the thread of `reference.activityId`; returns the posted message's id. */
  reply(reference: Partial<ConversationReference>, message: TeamsMessage, signal?: AbortSignal): Promise<{ id: string }>;
  /** Replaces the content of a message the bot posted. */
  update(reference: Partial<ConversationReference>, activityId: string, message: TeamsMessage, signal?: AbortSignal): Promise<void>;
};

/** Without an injected policy: one attempt with a timeout. */
const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * A reply's own limit. Longer than a policy attempt (10 s): a reply whose attempt timed out stays in
 * flight for the next attempts to wait on (see `reply`), and this ends it.
 */
export const REPLY_REQUEST_LIMIT_MS = 30_000;

type SdkClient = { client?: { pipeline?: { removePolicy(options: { name: string }): unknown } } };

/** Leaves retrying to our policy (see above); a no-op if a future SDK is shaped differently. */
export const withoutSdkRetries = <T>(client: T): T => {
  (client as SdkClient).client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
  return client;
};

export const parseRetryAfter = (value: string | null | undefined): number | undefined => {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
};

const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** A failed connector call as the bot's error: retryable for 429, 5xx and network failures. */
export const connectorError = (error: unknown, what: string): BotError => {
  if (error instanceof BotError) return error;
  const failure = error as { statusCode?: number; response?: { status?: number; headers?: { get?(name: string): string | undefined } }; code?: string; name?: string; message?: string };
  const status = failure?.statusCode ?? failure?.response?.status;
  if (status !== undefined) {
    const retryAfterSeconds = parseRetryAfter(failure.response?.headers?.get?.('retry-after'));
    return new BotError('provider_call_failed', `${what}: Bot Connector answered ${status}`, {
      cause: error, retryable: retryableStatus(status), ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  if (failure?.name === 'AbortError' || failure?.name === 'TimeoutError') {
    return new BotError('timeout', `${what}: the Bot Connector did not answer in time`, { cause: error, retryable: true });
  }
  return new BotError('provider_call_failed', `${what}: ${failure?.message ?? String(error)}`, { cause: error, retryable: true });
};

const activityUrl = (serviceUrl: string, conversationId: string, activityId?: string) => {
  const base = serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`;
  const path = `v3/conversations/${encodeURIComponent(conversationId)}/activities${activityId ? `/${encodeURIComponent(activityId)}` : ''}`;
  return new URL(path, base).toString();
};

/** The Authorization header the credentials would put on an SDK request (none in emulator mode). */
const signedHeaders = async (credentials: ConnectorClientLike['credentials'], url: string, method: string) => {
  const headers = new Map<string, string>();
  const resource = {
    url, method,
    headers: {
      set: (name: string, value: unknown) => void headers.set(name.toLowerCase(), String(value)),
      get: (name: string) => headers.get(name.toLowerCase()),
      contains: (name: string) => headers.has(name.toLowerCase()),
      remove: (name: string) => headers.delete(name.toLowerCase()),
    },
  };
  await credentials.signRequest(resource);
  return Object.fromEntries(headers);
};

const sendJson = async (options: {
  credentials: ConnectorClientLike['credentials'];
  method: 'POST' | 'PUT';
  url: string;
  body: unknown;
  signal: AbortSignal;
  what: string;
}): Promise<{ id?: string }> => {
  const { credentials, method, url, body, signal, what } = options;
  let response: Response;
  try {
    const authorization = await signedHeaders(credentials, url, method);
    response = await fetch(url, {
      method, signal, body: JSON.stringify(body),
      headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', ...authorization },
    });
  } catch (error) {
    throw connectorError(error, what);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
    throw new BotError('provider_call_failed', `${what}: Bot Connector answered ${response.status} ${text.slice(0, 200)}`.trim(), {
      retryable: retryableStatus(response.status), ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  try {
    return text ? (JSON.parse(text) as { id?: string }) : {};
  } catch {
    return {};
  }
};

export const createTeamsConnector = (options: {
  adapter: CloudAdapter;
  appId: string;
  policy?: DependencyPolicy;
  timeoutMs?: number;
}): TeamsConnector => {
  const { adapter, appId, policy } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const guarded = <T>(call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    if (policy) return policy.execute(call, signal);
    const timeout = AbortSignal.timeout(timeoutMs);
    return call(signal ? AbortSignal.any([signal, timeout]) : timeout);
  };

  const inTurn = async <T>(reference: Partial<ConversationReference>, work: (turn: TeamsTurn) => Promise<T>): Promise<T> => {
    let result: { value: T } | undefined;
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      const client = context.turnState.get(context.adapter.ConnectorClientKey) as ConnectorClientLike | undefined;
      if (!client) throw new BotError('provider_call_failed', 'the Bot Framework adapter gave no connector client for this conversation');
      result = { value: await work({ context, client: withoutSdkRetries(client) }) };
    });
    if (!result) throw new BotError('provider_call_failed', 'the proactive turn did not run');
    return result.value;
  };

  const envelope = (reference: Partial<ConversationReference>, message: TeamsMessage) => ({
    ...message,
    channelId: reference.channelId,
    serviceUrl: reference.serviceUrl,
    conversation: reference.conversation,
    from: reference.bot,
    recipient: reference.user,
    ...(reference.locale ? { locale: reference.locale } : {}),
  });

  const required = (reference: Partial<ConversationReference>) => {
    const conversationId = reference.conversation?.id;
    const serviceUrl = reference.serviceUrl;
    if (!conversationId || !serviceUrl) throw new BotError('input_invalid', 'a Teams conversation reference needs a conversation id and a serviceUrl');
    return { conversationId, serviceUrl };
  };

  return {
    inTurn,
    guarded,
    async reply(reference, message, signal) {
      const { conversationId, serviceUrl } = required(reference);
      const replyToId = reference.activityId;
      const url = activityUrl(serviceUrl, conversationId, replyToId);
      const body = { ...envelope(reference, message), ...(replyToId ? { replyToId } : {}) };
      const what = 'posting a reply';
      const posted = await inTurn(reference, ({ client }) => {
        // A POST is not idempotent and the connector cannot be asked whether it landed, so a timed-out
        // attempt does not abort it: the attempts share one request (singleFlight), and only one that
        // failed lets the next attempt post again. The caller's signal or the limit ends it.
        const send = singleFlight(() => {
          const limit = AbortSignal.timeout(REPLY_REQUEST_LIMIT_MS);
          return sendJson({ credentials: client.credentials, method: 'POST', url, body, signal: signal ? AbortSignal.any([signal, limit]) : limit, what });
        });
        return guarded((attemptSignal) => send(attemptSignal).catch((error: unknown) => Promise.reject(connectorError(error, what))), signal);
      });
      return { id: posted.id ?? '' };
    },
    async update(reference, activityId, message, signal) {
      const { conversationId, serviceUrl } = required(reference);
      const url = activityUrl(serviceUrl, conversationId, activityId);
      const body = { ...envelope(reference, message), id: activityId };
      await inTurn(reference, ({ client }) =>
        guarded((attemptSignal) => sendJson({ credentials: client.credentials, method: 'PUT', url, body, signal: attemptSignal, what: 'updating a message' }), signal),
      );
    },
  };
};
