import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromAppMention, fromAskCommand, fromMessage, fromReaction, plainTextOf, tenantOf, toQuestion } from './convert-slack-event.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const event = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown> & { event: Record<string, unknown> };
const BOT = 'U0RAGBOT';

describe('converting Slack payloads', () => {
  it('turns an app_mention into a mention question answered in its thread', () => {
    const body = event('app-mention.json');
    const candidate = fromAppMention(body, body.event, BOT);
    expect(candidate).toMatchObject({
      kind: 'question', id: 'Ev0MENTION0001', tenantId: 'T0ACME', channelId: 'C0GENERAL', userId: 'U0ALICE', text: 'how do I drain a haproxy backend?',
      invocation: 'mention', threadTs: '1767225600.000100', messageTs: '1767225600.000100', inThread: false, channelHint: { kind: 'public', external: false },
    });
    if (candidate.kind !== 'question') throw new Error('expected a question');
    expect(toQuestion(candidate, { kind: 'public', external: false }, [])).toMatchObject({
      id: 'Ev0MENTION0001', platform: 'slack', threadId: '1767225600.000100', channel: { id: 'C0GENERAL', kind: 'public', external: false }, history: [],
    });
  });

  it('keeps a mention inside a thread in that thread, with history to read', () => {
    const body = event('app-mention.json');
    const candidate = fromAppMention(body, { ...body.event, thread_ts: '1767225500.000001' }, BOT);
    expect(candidate).toMatchObject({ threadTs: '1767225500.000001', inThread: true });
  });

  it('takes the Enterprise Grid organization as the tenant when there is one', () => {
    expect(tenantOf({ team_id: 'T1', enterprise_id: 'E1' })).toBe('E1');
    expect(tenantOf({ team_id: 'T1', enterprise_id: null })).toBe('T1');
    const form = Object.fromEntries(new URLSearchParams(`${fixture('slash-command-ask.txt')}&enterprise_id=E0ACME`));
    expect(fromAskCommand(form)).toMatchObject({ tenantId: 'E0ACME' });
  });

  it('turns a DM into a dm question and a thread reply into a possible follow-up', () => {
    const dm = event('message-im.json');
    expect(fromMessage(dm, dm.event, BOT)).toMatchObject({ invocation: 'dm', channelHint: { kind: 'dm', external: false }, threadTs: '1767225800.000300', inThread: false });
    const reply = event('message-in-thread.json');
    expect(fromMessage(reply, reply.event, BOT)).toMatchObject({
      invocation: 'thread-followup', threadTs: '1767225600.000100', messageTs: '1767225700.000200', inThread: true, text: 'and where is the admin socket in ams2?',
    });
  });

  it('ignores bots, edits, the bot itself, channel chatter and replies that mention someone', () => {
    const reply = event('message-in-thread.json');
    const cases: [Record<string, unknown>, string][] = [
      [{ ...reply.event, subtype: 'message_changed' }, 'message subtype message_changed'],
      [{ ...reply.event, bot_id: 'B0OTHER' }, 'a message from a bot'],
      [{ ...reply.event, user: BOT }, 'the bot’s own message'],
      [{ ...reply.event, thread_ts: undefined }, 'a channel message outside a thread'],
      [{ ...reply.event, thread_ts: reply.event.ts }, 'a channel message outside a thread'],
      [{ ...reply.event, text: '<@U0BOB> can you look?' }, 'a thread message that mentions someone'],
      [{ ...reply.event, text: `<@${BOT}> and ams2?` }, 'a thread message that mentions someone'],
      [{ ...reply.event, text: '<!here> heads up' }, 'a thread message that mentions someone'],
      [{ type: 'message' }, 'not a message with channel and ts'],
    ];
    for (const [payload, reason] of cases) expect(fromMessage(reply, payload, BOT)).toEqual({ kind: 'ignored', reason });
    expect(fromMessage({ type: 'url_verification' }, reply.event, BOT)).toEqual({ kind: 'ignored', reason: 'not an event_callback envelope' });
  });

  it('turns reactions on messages into feedback with a channel:ts reference', () => {
    const added = event('reaction-added.json');
    expect(fromReaction(added, added.event)).toEqual({
      kind: 'reaction', tenantId: 'T0ACME', messageRef: 'C0GENERAL:1767225601.000001', userId: 'U0ALICE', reaction: '+1', added: true,
    });
    const removed = event('reaction-removed.json');
    expect(fromReaction(removed, removed.event)).toMatchObject({ added: false });
    expect(fromReaction(added, { ...added.event, item: { type: 'file', file: 'F1' } })).toEqual({ kind: 'ignored', reason: 'a reaction to a file' });
  });

  it('turns /ask into a slash question keyed by trigger_id that fails closed on Slack Connect', () => {
    const form = Object.fromEntries(new URLSearchParams(fixture('slash-command-ask.txt')));
    expect(fromAskCommand(form)).toMatchObject({
      id: '8201849331.7492735120.4c0fd6e1a2b3c4d5e6f708192a3b4c5d', invocation: 'slash', text: 'how do I drain a haproxy backend?', channelHint: {}, inThread: false,
    });
    expect(fromAskCommand({ ...form, channel_name: 'directmessage' })).toMatchObject({ channelHint: { kind: 'dm' } });
    expect(fromAskCommand({ command: '/ask' })).toEqual({ kind: 'ignored', reason: 'not a slash command payload' });
  });

  it('reads Slack-encoded text as plain words', () => {
    expect(plainTextOf(`<@${BOT}> why is <#C1|netops> &lt;slow&gt; &amp; <https://x.example/a|this page> down? cc <@U2|bob> <!here>`, BOT)).toBe(
      'why is #netops <slow> & this page down? cc @bob @here',
    );
  });
});
