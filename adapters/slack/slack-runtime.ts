import { BotError } from '../../src/core/bot-error.js';
import type { ChatServices } from '../../src/core/conversation/chat-services.js';
import type { KeyValueStore } from '../../src/core/ports/key-value-store.js';
import type { Logger } from '../../src/core/ports/logger.js';
import type { ChannelInfo, MembershipDirectory } from '../../src/core/ports/membership-directory.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { QuestionCandidate } from './convert-slack-event.js';
import type { SlackCall, SlackPoster } from './post-slack-reply.js';
import type { BotIdentity, ThreadHistory } from './slack-thread-history.js';

/** What the listeners share: built once by createSlackAdapter. */
export type SlackRuntime = {
  services: ChatServices;
  membership: MembershipDirectory;
  poster: SlackPoster;
  history: ThreadHistory;
  threads: AnsweredThreads;
  background: BackgroundWork;
  logger: Logger;
  call: SlackCall;
  identity(): Promise<BotIdentity>;
  /** Posts an ephemeral reply to a slash command's response_url (works where the bot is not a member). */
  respond(responseUrl: string, text: string): Promise<void>;
};

// Follow-ups come within hours or days of an answer; a week bounds the memory.
const ANSWERED_THREAD_TTL_MS = 7 * 24 * 3600_000;

/** Threads the bot answered in: only those get follow-ups without a new mention. */
export const createAnsweredThreads = (state: KeyValueStore) => {
  const key = (tenantId: string, channelId: string, threadTs: string) => `slack:answered-thread:${tenantId}:${channelId}:${threadTs}`;
  return {
    remember: (tenantId: string, channelId: string, threadTs: string) =>
      state.set(key(tenantId, channelId, threadTs), '1', { ttlMs: ANSWERED_THREAD_TTL_MS }),
    answered: async (tenantId: string, channelId: string, threadTs: string) =>
      (await state.get(key(tenantId, channelId, threadTs)).catch(() => undefined)) !== undefined,
  };
};
export type AnsweredThreads = ReturnType<typeof createAnsweredThreads>;

/**
 * The conversation's kind and Slack Connect status from conversations.info (cached). When Slack
 * cannot be asked, the payload's own facts are used if it has them; otherwise this fails closed.
 */
export const resolveChannel = async (runtime: SlackRuntime, candidate: QuestionCandidate): Promise<ChannelInfo> => {
  try {
    return await runtime.membership.channelInfo({ tenantId: candidate.tenantId, channelId: candidate.channelId });
  } catch (error) {
    const { kind, external } = candidate.channelHint;
    if (kind === undefined || external === undefined) throw error;
    runtime.logger.warn({ channelId: candidate.channelId, error: String(error) }, 'conversations.info failed: using the event payload’s channel facts');
    return { id: candidate.channelId, kind, external };
  }
};

/** A response_url POST, under the same policy as Web API calls (429 and 5xx are retried). */
export const createResponder = (call: SlackCall, fetchFunction: typeof fetch = fetch) => async (responseUrl: string, text: string) => {
  await call('response_url', async () => {
    const response = await fetchFunction(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
    }).catch((error: unknown) => {
      throw new BotError('provider_call_failed', `Slack response_url could not be reached: ${String(error)}`, { cause: error, retryable: true });
    });
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new BotError('provider_call_failed', `Slack response_url answered HTTP ${response.status}`, {
        retryable: response.status === 429 || response.status >= 500,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      });
    }
    await response.arrayBuffer(); // drain, so the connection can be reused
  });
};
