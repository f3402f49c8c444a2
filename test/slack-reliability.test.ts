import { afterEach, describe, expect, it } from 'vitest';
import { BOT_USER, eventFixture, startSlackWorkspace, type SlackWorkspace } from './fakes/fake-slack-workspace.js';

let workspace: SlackWorkspace | undefined;
afterEach(async () => {
  await workspace?.close();
  workspace = undefined;
});

const mention = async (slack: SlackWorkspace, eventId: string, channel = 'C0GENERAL', user = 'U0ALICE', text = 'how do I drain a haproxy backend?') => {
  const ts = slack.api.addUserMessage({ channel, user, text: `<@${BOT_USER}> ${text}` });
  await slack.sendEvent(eventFixture('app-mention.json', { event_id: eventId, event: { channel, user, text: `<@${BOT_USER}> ${text}`, ts, event_ts: ts } }));
  return ts;
};

describe('Slack Web API failures: retried by the policy, never posted twice', () => {
  it('retries a 429 from chat.postMessage after its Retry-After, posting once', async () => {
    workspace = await startSlackWorkspace();
    workspace.api.rateLimitNext('chat.postMessage', 1, 1);
    const started = performance.now();
    const ts = await mention(workspace, 'Ev0RATE');
    await workspace.settle();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(2);
    expect(workspace.api.botMessages('C0GENERAL', ts)).toHaveLength(1);
    expect(workspace.handled.map((handled) => handled.status)).toEqual(['answered']);
    // A rate-limited post was certainly not made: no need to look for it before retrying.
    expect(workspace.api.calls('conversations.replies')).toHaveLength(0);
  });

  it('finds its own post after an ambiguous failure (posted, then HTTP 500) instead of posting again', async () => {
    workspace = await startSlackWorkspace();
    workspace.api.failAfterHandlingNext('chat.postMessage', 1);
    const ts = await mention(workspace, 'Ev0AMBIGUOUS');
    await workspace.settle();
    const posted = workspace.api.botMessages('C0GENERAL', ts);
    expect(posted).toHaveLength(1);
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(1);
    expect(workspace.api.calls('conversations.replies').at(-1)).toMatchObject({ channel: 'C0GENERAL', ts, include_all_metadata: 'true' });
    expect(workspace.handled[0]).toMatchObject({ status: 'answered', messageRef: `C0GENERAL:${posted[0]?.ts}` });
  });

  it('retries a reset connection and a 500 before the post, posting once', async () => {
    workspace = await startSlackWorkspace();
    workspace.api.resetNext('chat.postMessage', 1);
    workspace.api.failNext('chat.postMessage', 1, 503);
    const ts = await mention(workspace, 'Ev0RESET');
    await workspace.settle();
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(3);
    expect(workspace.api.botMessages('C0GENERAL', ts)).toHaveLength(1);
  });

  it('does not retry what would fail again (invalid_auth), and lets the error reach the background handler', async () => {
    workspace = await startSlackWorkspace();
    await mention(workspace, 'Ev0WARMUP'); // auth.test and memberships are cached by now
    await workspace.settle();
    workspace.api.options.token = 'xoxb-revoked';
    await mention(workspace, 'Ev0REVOKED');
    await workspace.settle();
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(2);
    expect(String(workspace.errors[0])).toContain('invalid_auth');
  });

  it('pages through users.conversations: a role granted by a channel on the second page counts', async () => {
    workspace = await startSlackWorkspace();
    for (let index = 0; index < 230; index++) workspace.api.addChannel({ id: `C0FILL${index}`, name: `fill-${index}`, kind: 'public', members: ['U0SEC'] });
    workspace.api.channels.delete('C0SECOPS');
    workspace.api.addChannel({ id: 'C0SECOPS', name: 'secops', kind: 'private', members: ['U0SEC', BOT_USER] });
    workspace.api.addChannel({ id: 'D0SEC', name: 'D0SEC', kind: 'im', members: ['U0SEC', BOT_USER] });
    const ts = workspace.api.addUserMessage({ channel: 'D0SEC', user: 'U0SEC', text: 'who approves vault root token rotation exceptions?' });
    await workspace.sendEvent(
      eventFixture('message-im.json', { event_id: 'Ev0PAGED', event: { channel: 'D0SEC', user: 'U0SEC', text: 'who approves vault root token rotation exceptions?', ts, event_ts: ts } }),
    );
    await workspace.settle();
    const pages = workspace.api.calls('users.conversations');
    expect(pages.map((page) => [page.user, page.types, page.cursor !== undefined])).toEqual([
      ['U0SEC', 'public_channel,private_channel,mpim,im', false],
      ['U0SEC', 'public_channel,private_channel,mpim,im', true],
    ]);
    expect(JSON.stringify(workspace.api.botMessages('D0SEC', ts)[0]?.blocks)).toContain('secret-rotation.md');
  });

  it('reads a thread once for redeliveries of the same mention', async () => {
    workspace = await startSlackWorkspace();
    const root = await mention(workspace, 'Ev0ROOT');
    await workspace.settle();
    const text = `<@${BOT_USER}> and in ams2?`;
    const ts = workspace.api.addUserMessage({ channel: 'C0GENERAL', user: 'U0ALICE', text, thread_ts: root });
    const body = eventFixture('app-mention.json', { event_id: 'Ev0INTHREAD', event: { text, ts, event_ts: ts, thread_ts: root } });
    await Promise.all([workspace.sendEvent(body), workspace.sendEvent(body, { retryNum: 1 }), workspace.sendEvent(body, { retryNum: 2 })]);
    await workspace.settle();
    expect(workspace.api.calls('conversations.replies')).toHaveLength(1);
    expect(workspace.api.botMessages('C0GENERAL', root)).toHaveLength(2);
    expect(workspace.questions.at(-1)?.history).toEqual([
      { role: 'user', text: 'how do I drain a haproxy backend?' },
      { role: 'assistant', text: expect.stringContaining('state drain') },
    ]);
  });
});
