import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlackWebApi } from './fake-slack-web-api.js';

// The fake is driven by the real WebClient, configured as the adapter configures it.
let api: FakeSlackWebApi;
let client: webApi.WebClient;
beforeEach(async () => {
  api = await new FakeSlackWebApi({ token: 'xoxb-fake', teamId: 'T1', botUserId: 'U0BOT', botId: 'B0BOT' }).start();
  api.addChannel({ id: 'C1', name: 'general', kind: 'public', members: ['U1', 'U0BOT'] });
  client = new webApi.WebClient('xoxb-fake', { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
});
afterEach(() => api.close());

describe('the fake Slack Web API', () => {
  it('posts, threads, updates and reads back with metadata only on request', async () => {
    const root = await client.chat.postMessage({ channel: 'C1', text: 'root', metadata: { event_type: 'ragbot_question', event_payload: { key: 'k1' } } });
    const reply = await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: root.ts!, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }] });
    await client.chat.update({ channel: 'C1', ts: reply.ts!, text: 'edited' });
    const plain = await client.conversations.replies({ channel: 'C1', ts: root.ts! });
    expect(plain.messages?.map((message) => [message.text, message.metadata])).toEqual([['root', undefined], ['edited', undefined]]);
    const withMetadata = await client.conversations.replies({ channel: 'C1', ts: root.ts!, include_all_metadata: true });
    expect(withMetadata.messages?.[0]?.metadata).toEqual({ event_type: 'ragbot_question', event_payload: { key: 'k1' } });
    expect(api.calls('chat.postMessage')[1]).toMatchObject({ channel: 'C1', thread_ts: root.ts, blocks: [{ type: 'section' }] });
  });

  it('enforces Block Kit limits and membership as Slack does', async () => {
    const tooLong = [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'x'.repeat(3_001) } }];
    await expect(client.chat.postMessage({ channel: 'C1', text: 't', blocks: tooLong })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    api.addChannel({ id: 'C2', name: 'random', kind: 'public', members: ['U1'] });
    await expect(client.chat.postMessage({ channel: 'C2', text: 't' })).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    await expect(new webApi.WebClient('xoxb-other', { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } }).auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('pages users.conversations with next_cursor', async () => {
    for (let index = 0; index < 5; index++) api.addChannel({ id: `C9${index}`, name: `c${index}`, kind: 'public', members: ['U1'] });
    const first = await client.users.conversations({ user: 'U1', limit: 4 });
    const second = await client.users.conversations({ user: 'U1', limit: 4, cursor: first.response_metadata?.next_cursor ?? '' });
    expect([first.channels?.length, second.channels?.length, second.response_metadata?.next_cursor]).toEqual([4, 2, '']);
  });

  it('rate-limits with 429 and Retry-After, which the WebClient reports at once', async () => {
    api.rateLimitNext('chat.postMessage', 1, 7);
    await expect(client.chat.postMessage({ channel: 'C1', text: 't' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    api.failNext('chat.postMessage', 1, 503);
    await expect(client.chat.postMessage({ channel: 'C1', text: 't' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    expect((await client.chat.postMessage({ channel: 'C1', text: 't' })).ok).toBe(true);
  });

  it('accepts JSON bodies too', async () => {
    const response = await fetch(`${api.apiUrl}conversations.info`, {
      method: 'POST', headers: { authorization: 'Bearer xoxb-fake', 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'C1' }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: { id: 'C1', name: 'general', is_private: false, is_ext_shared: false } });
  });
});
