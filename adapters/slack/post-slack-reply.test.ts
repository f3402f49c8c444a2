import type { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/core/ports/logger.js';
import { createDependencyPolicy, type PolicySettings } from '../../src/resilience/dependency-policy.js';
import { POLICY_SETTINGS } from '../../src/resilience/policy-settings.js';
import { createBackgroundWork } from '../shared/background-work.js';
import { createSlackAdapter } from './index.js';
import { METADATA_PREFIX, SLACK_REQUEST_LIMIT_MS, createSlackCall, createSlackPoster, type PostRequest } from './post-slack-reply.js';

// 1 s per attempt, three attempts, at most 50 ms between them.
const settings: PolicySettings = {
  timeoutMs: 1_000, maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50, breakAfter: 50, halfOpenAfterMs: 30_000, concurrency: 4, queue: 4,
};

const request: PostRequest = { channel: 'C1', threadTs: '100.000001', key: 'question-1:answer', kind: 'answer', text: 'the answer' };

/** A chat.postMessage whose outcome the test decides, and when. */
const pendingPost = () => {
  let settle!: { resolve(value: { ok: boolean; ts?: string }): void; reject(error: unknown): void };
  const promise = new Promise<{ ok: boolean; ts?: string }>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
};

const sdkError = (fields: Record<string, unknown>) => Object.assign(new Error('slack failed'), fields);

const setup = () => {
  const retries: string[] = [];
  const policy = createDependencyPolicy('slack-api', settings, { onRetry: (_dependency, event) => retries.push(event.reason) });
  const client = {
    chat: { postMessage: vi.fn() },
    conversations: { replies: vi.fn(async () => ({ ok: true, messages: [] as unknown[] })), history: vi.fn() },
  };
  const poster = createSlackPoster({ client: client as unknown as webApi.WebClient, call: createSlackCall(policy) });
  return { client, poster, retries };
};

describe('posting to Slack when an attempt times out', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for the slow post instead of posting again, and returns its ts', async () => {
    const { client, poster, retries } = setup();
    const slow = pendingPost();
    client.chat.postMessage.mockReturnValueOnce(slow.promise).mockResolvedValue({ ok: true, ts: 'second.copy' });
    const posted = poster.post(request);

    await vi.advanceTimersByTimeAsync(1_500); // attempt 1 timed out; attempt 2 is waiting on the same request
    expect(retries).toEqual([expect.stringMatching(/timed out after 1000ms/)]);
    slow.resolve({ ok: true, ts: '200.000001' });

    await expect(posted).resolves.toBe('200.000001');
    expect(client.chat.postMessage).toHaveBeenCalledTimes(1);
    expect(client.conversations.replies).not.toHaveBeenCalled();
  });

  it('looks for the post once the slow request has failed in a way that may have posted it', async () => {
    const { client, poster } = setup();
    const slow = pendingPost();
    client.chat.postMessage.mockReturnValueOnce(slow.promise).mockResolvedValue({ ok: true, ts: 'second.copy' });
    // Slack shows the slow post in the thread only once it has been processed.
    let landed = false;
    const mine = { ts: '200.000001', metadata: { event_type: `${METADATA_PREFIX}answer`, event_payload: { key: request.key } } };
    client.conversations.replies.mockImplementation(async () => ({ ok: true, messages: landed ? [mine] : [] }));
    const posted = poster.post(request);

    await vi.advanceTimersByTimeAsync(1_500);
    landed = true;
    slow.reject(sdkError({ code: 'slack_webapi_http_error', statusCode: 500, headers: {} }));
    await vi.advanceTimersByTimeAsync(100);

    await expect(posted).resolves.toBe('200.000001');
    expect(client.chat.postMessage).toHaveBeenCalledTimes(1);
    expect(client.conversations.replies).toHaveBeenCalledTimes(1);
  });

  it('posts again, without looking, once the slow request was refused (certainly not posted)', async () => {
    const { client, poster } = setup();
    const slow = pendingPost();
    client.chat.postMessage.mockReturnValueOnce(slow.promise).mockResolvedValue({ ok: true, ts: '300.000001' });
    const posted = poster.post(request);

    await vi.advanceTimersByTimeAsync(1_500);
    slow.reject(sdkError({ code: 'slack_webapi_rate_limited_error', retryAfter: 0 }));
    await vi.advanceTimersByTimeAsync(100);

    await expect(posted).resolves.toBe('300.000001');
    expect(client.chat.postMessage).toHaveBeenCalledTimes(2);
    expect(client.conversations.replies).not.toHaveBeenCalled();
  });
});

describe('the WebClient under the poster', () => {
  it('lets a request outlive a policy attempt, up to its own limit', async () => {
    const adapter = createSlackAdapter({
      services: () => ({}) as never, logger: silentLogger, background: createBackgroundWork(() => undefined),
      config: { botToken: 'xoxb-1', signingSecret: '8f742231b10e8888abcd99b1c0ffee42', apiUrl: 'http://127.0.0.1:9/api/' },
    });
    // The WebClient keeps its timeout private; the adapter gives Bolt's client the same options as its own.
    const { timeout } = adapter.app.client as unknown as { timeout: number };
    expect(timeout).toBe(SLACK_REQUEST_LIMIT_MS);
    expect(timeout).toBeGreaterThan(POLICY_SETTINGS['slack-api'].timeoutMs);
    await adapter.stop();
  });
});
