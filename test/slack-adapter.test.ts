import { afterEach, describe, expect, it, vi } from 'vitest';
import { standaloneQuery } from '../src/core/answering/standalone-query.js';
import type { LanguageModel } from '../src/core/ports/language-model.js';
import { createExtractiveLanguageModel } from '../src/providers/extractive/extractive-language-model.js';
import { signSlackRequest } from './support/slack-signing.js';
import { BOT_USER, eventFixture, SIGNING_SECRET, slackFixture, startSlackWorkspace, type SlackWorkspace } from './fakes/fake-slack-workspace.js';

let workspace: SlackWorkspace | undefined;
afterEach(async () => {
  await workspace?.close();
  workspace = undefined;
});

/** A mention posted by a person (stored in the fake first, as Slack does) and delivered as an event. */
const mention = async (slack: SlackWorkspace, options: { channel: string; user?: string; text: string; eventId: string; threadTs?: string }) => {
  const text = `<@${BOT_USER}> ${options.text}`;
  const user = options.user ?? 'U0ALICE';
  const ts = slack.api.addUserMessage({ channel: options.channel, user, text, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) });
  const body = eventFixture('app-mention.json', {
    event_id: options.eventId,
    event: { channel: options.channel, user, text, ts, event_ts: ts, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) },
  });
  return { ts, body, response: await slack.sendEvent(body) };
};

const threadMessage = async (slack: SlackWorkspace, options: { channel: string; threadTs: string; text: string; eventId: string; user?: string }) => {
  const user = options.user ?? 'U0ALICE';
  const ts = slack.api.addUserMessage({ channel: options.channel, user, text: options.text, thread_ts: options.threadTs });
  const body = eventFixture('message-in-thread.json', {
    event_id: options.eventId,
    event: { channel: options.channel, user, text: options.text, ts, event_ts: ts, thread_ts: options.threadTs },
  });
  return { ts, response: await slack.sendEvent(body) };
};

const blocksText = (message: { blocks?: unknown[] } | undefined) => JSON.stringify(message?.blocks ?? []);

describe('the Slack adapter over HTTP (real Bolt, signed requests, fake Web API)', () => {
  it('acknowledges /ask with an ephemeral "Looking that up…" before the answer is computed, then posts the question and the answer in its thread', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const extractive = createExtractiveLanguageModel();
    const slow: LanguageModel = {
      provider: 'slow', modelId: 'slow-1',
      async generate(options) {
        order.push('generate-start');
        await gate;
        order.push('generate-end');
        return extractive.generate(options);
      },
    };
    workspace = await startSlackWorkspace({ languageModels: [slow] });
    const response = await workspace.sendCommand('slash-command-ask.txt', { trigger_id: 'trigger-ask-1' });
    order.push('http-response');

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ response_type: 'ephemeral', text: 'Looking that up…' });
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(0);
    await vi.waitFor(() => expect(order).toContain('generate-start'));
    release();
    await workspace.settle();

    expect(order.indexOf('http-response')).toBeLessThan(order.indexOf('generate-end'));
    const [root] = workspace.api.botMessages('C0GENERAL');
    expect(root?.text).toBe('<@U0ALICE> asked: how do I drain a haproxy backend?');
    expect(root?.metadata).toEqual({ event_type: 'ragbot_question', event_payload: { key: 'trigger-ask-1:question', question: 'how do I drain a haproxy backend?' } });
    const [answer] = workspace.api.botMessages('C0GENERAL', root?.ts);
    expect(answer?.text).toContain('set server be_app/web1 state drain');
    expect(answer?.blocks?.find((block) => (block as { type: string }).type === 'context')).toMatchObject({
      elements: expect.arrayContaining([{ type: 'mrkdwn', text: expect.stringMatching(/^\[1\] \*HAProxy drain\* · `haproxy-drain\.md` · runbooks · updated /) }]),
    });
    expect(workspace.questions[0]).toMatchObject({ id: 'trigger-ask-1', invocation: 'slash', tenantId: 'T0ACME', channel: { id: 'C0GENERAL', kind: 'public', external: false } });
  });

  it('answers an empty /ask with the usage, only to the asker', async () => {
    workspace = await startSlackWorkspace();
    const response = await workspace.sendCommand('slash-command-ask.txt', { text: '   ' });
    expect(response.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/ask how do I drain') });
    await workspace.settle();
    expect(workspace.questions).toHaveLength(0);
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(0);
  });

  it('tells the asker, privately, when /ask is used where the bot is not a member', async () => {
    workspace = await startSlackWorkspace();
    await workspace.sendCommand('slash-command-ask.txt', { channel_id: 'C0RANDOM', channel_name: 'random', trigger_id: 'trigger-random' });
    await workspace.settle();
    expect(workspace.api.responses.map((response) => response.body.text)).toEqual([expect.stringContaining('invite me')]);
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(1); // not_in_channel is not retried
    expect(workspace.api.messages.filter((message) => message.user === BOT_USER)).toHaveLength(0);
  });

  it('answers a mention in its thread, one event delivered four times with retry headers exactly once', async () => {
    workspace = await startSlackWorkspace();
    const ts = workspace.api.addUserMessage({ channel: 'C0GENERAL', user: 'U0ALICE', text: `<@${BOT_USER}> how do I drain a haproxy backend?` });
    const body = eventFixture('app-mention.json', { event_id: 'Ev0REDELIVERED', event: { ts, event_ts: ts } });
    const responses = await Promise.all([
      workspace.sendEvent(body), workspace.sendEvent(body, { retryNum: 1 }), workspace.sendEvent(body, { retryNum: 2 }), workspace.sendEvent(body, { retryNum: 3 }),
    ]);
    await workspace.settle();

    expect(responses.map((response) => [response.status, response.text])).toEqual(Array(4).fill([200, '']));
    expect(workspace.handled.map((handled) => handled.status).sort()).toEqual(['answered', 'duplicate', 'duplicate', 'duplicate']);
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(1);
    expect(workspace.api.botMessages('C0GENERAL', ts)).toHaveLength(1);
    // Concurrent lookups for the same event share one request.
    expect([workspace.api.calls('conversations.info').length, workspace.api.calls('users.conversations').length, workspace.api.calls('auth.test').length]).toEqual([1, 1, 1]);
    expect(workspace.questions[0]).toMatchObject({ id: 'Ev0REDELIVERED', invocation: 'mention', threadId: ts, text: 'how do I drain a haproxy backend?', history: [] });
  });

  it('answers a DM', async () => {
    workspace = await startSlackWorkspace();
    const ts = workspace.api.addUserMessage({ channel: 'D0ALICE', user: 'U0ALICE', text: 'how do I drain a haproxy backend?' });
    await workspace.sendEvent(eventFixture('message-im.json', { event: { ts, event_ts: ts } }));
    await workspace.settle();
    expect(workspace.questions[0]).toMatchObject({ invocation: 'dm', channel: { id: 'D0ALICE', kind: 'dm', external: false } });
    expect(workspace.api.botMessages('D0ALICE', ts)[0]?.text).toContain('state drain');
  });

  it('follows up in an answered incident thread with a standalone question built from the thread, and nowhere else', async () => {
    workspace = await startSlackWorkspace();
    const first = await mention(workspace, { channel: 'C0INC', text: 'how do I drain a haproxy backend?', eventId: 'Ev0INC1' });
    await workspace.settle();
    expect(workspace.api.botMessages('C0INC', first.ts)).toHaveLength(1);

    await threadMessage(workspace, { channel: 'C0INC', threadTs: first.ts, text: 'and where is the admin socket in ams2?', eventId: 'Ev0INC2' });
    await workspace.settle();
    const followUp = workspace.questions[1];
    expect(followUp).toMatchObject({ invocation: 'thread-followup', threadId: first.ts, text: 'and where is the admin socket in ams2?' });
    expect(followUp?.history).toEqual([
      { role: 'user', text: 'how do I drain a haproxy backend?' },
      { role: 'assistant', text: expect.stringContaining('state drain') },
    ]);
    expect(standaloneQuery(followUp!)).toBe('how do I drain a haproxy backend?\nand where is the admin socket in ams2?');
    const answers = workspace.api.botMessages('C0INC', first.ts);
    expect(answers).toHaveLength(2);
    expect(answers[1]?.text).toContain('/run/haproxy/ams2.sock');

    // Not for the bot: a reply to someone else, a thread the bot did not answer, a channel that does not follow threads.
    await threadMessage(workspace, { channel: 'C0INC', threadTs: first.ts, text: '<@U0BOB> can you check ams2?', eventId: 'Ev0INC3' });
    const unanswered = workspace.api.addUserMessage({ channel: 'C0INC', user: 'U0ALICE', text: 'unrelated' });
    await threadMessage(workspace, { channel: 'C0INC', threadTs: unanswered, text: 'where is the admin socket?', eventId: 'Ev0INC4' });
    const quiet = await mention(workspace, { channel: 'C0QUIET', text: 'how do I drain a haproxy backend?', eventId: 'Ev0QUIET1' });
    await workspace.settle();
    await threadMessage(workspace, { channel: 'C0QUIET', threadTs: quiet.ts, text: 'and in ams2?', eventId: 'Ev0QUIET2' });
    await workspace.settle();
    expect(workspace.questions.map((question) => question.id)).toEqual(['Ev0INC1', 'Ev0INC2', 'Ev0QUIET1']);
  });

  it('follows up in the thread of an /ask, reading the question back from the root message', async () => {
    workspace = await startSlackWorkspace();
    await workspace.sendCommand('slash-command-ask.txt', { channel_id: 'C0INC', channel_name: 'inc-2231-bgp', trigger_id: 'trigger-inc' });
    await workspace.settle();
    const [root] = workspace.api.botMessages('C0INC');
    await threadMessage(workspace, { channel: 'C0INC', threadTs: root!.ts, text: 'and where is the admin socket in ams2?', eventId: 'Ev0ASKFOLLOW' });
    await workspace.settle();
    expect(workspace.questions[1]).toMatchObject({
      invocation: 'thread-followup',
      history: [{ role: 'user', text: 'how do I drain a haproxy backend?' }, { role: 'assistant', text: expect.stringContaining('state drain') }],
    });
    expect(workspace.api.botMessages('C0INC', root!.ts).at(-1)?.text).toContain('/run/haproxy/ams2.sock');
  });

  it('refuses unsigned, mis-signed, tampered and stale requests with 401, processing nothing', async () => {
    workspace = await startSlackWorkspace();
    const body = slackFixture('app-mention.json');
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      await workspace.post(body, 'application/json'),
      await workspace.post(body, 'application/json', signSlackRequest('0123456789abcdef0123456789abcdef', body)),
      await workspace.post(body.replace('haproxy', 'postgres'), 'application/json', signSlackRequest(SIGNING_SECRET, body)),
      await workspace.post(body, 'application/json', signSlackRequest(SIGNING_SECRET, body, now - 6 * 60)),
      await workspace.post(slackFixture('slash-command-ask.txt'), 'application/x-www-form-urlencoded', { 'x-slack-signature': 'v0=00', 'x-slack-request-timestamp': String(now) }),
    ];
    await workspace.settle();
    expect(attempts.map((attempt) => attempt.status)).toEqual([401, 401, 401, 401, 401]);
    expect(workspace.questions).toHaveLength(0);
    expect(workspace.api.server.requests).toHaveLength(0);
  });

  it('answers Slack’s signed url_verification challenge (Request URL setup)', async () => {
    workspace = await startSlackWorkspace();
    const body = JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    const response = await workspace.post(body, 'application/json', signSlackRequest(SIGNING_SECRET, body));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('turns 👍, its removal, then 👎 by one user into one not-helpful vote; reactions elsewhere are ignored', async () => {
    workspace = await startSlackWorkspace();
    const asked = await mention(workspace, { channel: 'C0GENERAL', text: 'how do I drain a haproxy backend?', eventId: 'Ev0FEEDBACK' });
    await workspace.settle();
    const handled = workspace.handled[0];
    if (handled?.status !== 'answered') throw new Error('not answered');
    const answerTs = workspace.api.botMessages('C0GENERAL', asked.ts)[0]?.ts;
    expect(handled.messageRef).toBe(`C0GENERAL:${answerTs}`);

    const react = (fixture: string, eventId: string, reaction: string, ts = answerTs) =>
      workspace!.sendEvent(eventFixture(fixture, { event_id: eventId, event: { reaction, user: 'U0ALICE', item: { type: 'message', channel: 'C0GENERAL', ts } } }));
    await react('reaction-added.json', 'Ev0R1', '+1');
    await react('reaction-removed.json', 'Ev0R2', '+1');
    await react('reaction-added.json', 'Ev0R3', '-1');
    await react('reaction-added.json', 'Ev0R4', '+1', asked.ts); // on the question, not the answer
    await workspace.settle();

    const votes = await workspace.dependencies.feedback.votes(handled.answer.id);
    expect(votes.map(({ userId, sentiment, reaction }) => ({ userId, sentiment, reaction }))).toEqual([{ userId: 'U0ALICE', sentiment: 'not-helpful', reaction: '-1' }]);
  });

  it('never cites a collection the channel’s audience lacks, even for an asker who has it', async () => {
    workspace = await startSlackWorkspace();
    const question = 'who approves vault root token rotation exceptions?';
    const inSecops = await mention(workspace, { channel: 'C0SECOPS', user: 'U0SEC', text: question, eventId: 'Ev0SEC1' });
    const inGeneral = await mention(workspace, { channel: 'C0GENERAL', user: 'U0SEC', text: question, eventId: 'Ev0SEC2' });
    await workspace.settle();

    const secops = workspace.api.botMessages('C0SECOPS', inSecops.ts)[0];
    expect(blocksText(secops)).toContain('secret-rotation.md');
    const general = workspace.api.botMessages('C0GENERAL', inGeneral.ts)[0];
    expect(blocksText(general)).not.toContain('secret-rotation.md');
    expect(blocksText(general)).not.toContain('CISO');
    const answers = workspace.handled.flatMap((handled) => (handled.status === 'answered' ? [handled.answer] : []));
    expect(answers.find((answer) => answer.questionId === 'Ev0SEC2')).toMatchObject({ scope: ['runbooks'] });
    expect(answers.find((answer) => answer.questionId === 'Ev0SEC2')?.citations.every((citation) => citation.collection === 'runbooks')).toBe(true);
  });

  it('posts no broadcast mention from a document that contains <!channel> and @here', async () => {
    workspace = await startSlackWorkspace();
    const asked = await mention(workspace, { channel: 'C0GENERAL', text: 'how do I announce clearing a flapping BGP session?', eventId: 'Ev0BGP' });
    await workspace.settle();
    const posted = workspace.api.calls('chat.postMessage');
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted)).not.toMatch(/<!(channel|here|everyone)|@(here|channel|everyone)\b/);
    expect(workspace.api.botMessages('C0GENERAL', asked.ts)[0]?.text).toContain('announce the maintenance with channel and here');
  });

  it('refuses plainly in a channel shared with another organization', async () => {
    workspace = await startSlackWorkspace();
    workspace.api.addChannel({ id: 'C0EXT', name: 'ext-vendor', kind: 'public', external: true, members: ['U0ALICE', BOT_USER] });
    const asked = await mention(workspace, { channel: 'C0EXT', text: 'how do I drain a haproxy backend?', eventId: 'Ev0EXT' });
    await workspace.settle();
    expect(workspace.questions[0]?.channel).toEqual({ id: 'C0EXT', kind: 'public', external: true });
    expect(workspace.api.botMessages('C0EXT', asked.ts)[0]?.text).toBe('I do not answer in channels shared with other organizations.');
  });
});
