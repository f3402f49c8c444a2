import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBotError } from '../../src/core/bot-error.js';
import { createDependencyPolicy, type PolicySettings } from '../../src/resilience/dependency-policy.js';
import { REPLY_REQUEST_LIMIT_MS, createTeamsConnector } from './post-teams-reply.js';

// 1 s per attempt, three attempts, at most 50 ms between them.
const settings: PolicySettings = {
  timeoutMs: 1_000, maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50, breakAfter: 50, halfOpenAfterMs: 30_000, concurrency: 4, queue: 4,
};

const reference: Partial<ConversationReference> = {
  channelId: 'msteams', serviceUrl: 'https://connector.invalid/', activityId: 'question-1',
  conversation: { id: '19:channel', isGroup: true, conversationType: 'channel', name: 'netops' },
  bot: { id: 'bot', name: 'ragbot' }, user: { id: 'user', name: 'bob' },
};

/** A CloudAdapter that runs each proactive turn at once, with a connector client that signs nothing. */
const adapter = () => {
  const connectorKey = Symbol('connector');
  const client = { credentials: { signRequest: async (resource: unknown) => resource } };
  return {
    continueConversationAsync: async (_appId: string, _reference: unknown, logic: (context: unknown) => Promise<void>) =>
      logic({ turnState: new Map([[connectorKey, client]]), adapter: { ConnectorClientKey: connectorKey } }),
  } as unknown as CloudAdapter;
};

/** A connector whose replies the test answers by hand; like fetch, a request fails once its signal aborts. */
const handHeldFetch = () => {
  const requests: { signal: AbortSignal; answer(id: string): void }[] = [];
  const fetch = vi.fn((_url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init.signal as AbortSignal;
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      requests.push({ signal, answer: (id) => resolve(new Response(JSON.stringify({ id }), { status: 200 })) });
    }));
  vi.stubGlobal('fetch', fetch);
  return requests;
};

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('replying in Teams when an attempt times out', () => {
  it('leaves the reply in flight and waits for it instead of posting again', async () => {
    vi.useFakeTimers();
    const requests = handHeldFetch();
    const connector = createTeamsConnector({ adapter: adapter(), appId: 'bot', policy: createDependencyPolicy('teams-connector', settings) });
    const replied = connector.reply(reference, { type: 'message', text: 'the answer' });

    await vi.advanceTimersByTimeAsync(1_500); // attempt 1 timed out; attempt 2 is waiting on the same request
    expect(requests).toHaveLength(1);
    expect(requests[0]?.signal.aborted).toBe(false);
    requests[0]?.answer('reply-1');

    await expect(replied).resolves.toEqual({ id: 'reply-1' });
    expect(requests).toHaveLength(1);
  });

  it('without a policy: the attempt\'s timeout ends the wait, and only the reply\'s own limit ends the request', async () => {
    const limits = new Map<number, AbortController>();
    vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
      const controller = new AbortController();
      limits.set(ms, controller);
      return controller.signal;
    });
    const requests = handHeldFetch();
    const connector = createTeamsConnector({ adapter: adapter(), appId: 'bot', timeoutMs: 5_000 });
    const replied = connector.reply(reference, { type: 'message', text: 'the answer' }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(requests).toHaveLength(1));

    limits.get(5_000)?.abort(new DOMException('attempt timed out', 'TimeoutError'));
    expect(isBotError(await replied, 'timeout')).toBe(true);
    expect(requests[0]?.signal.aborted).toBe(false);

    limits.get(REPLY_REQUEST_LIMIT_MS)?.abort(new DOMException('reply timed out', 'TimeoutError'));
    expect(requests[0]?.signal.aborted).toBe(true);
  });
});
