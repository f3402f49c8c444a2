import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { channelOf, cleanMessageText, feedbackOf, isThreadReply, normalizeReaction, reactionsOf, tenantIdOf, threadOf, userIdOf } from './convert-teams-activity.js';
import { parseCommand } from './teams-commands.js';
import { loadTeamsConfig } from './teams-config.js';

const TENANT = '3f8b2c71-0d4e-4a9b-8c6f-5e1a2b3c4d5e';
const bot = { id: '28:bot-app-id', name: 'ragbot' };

const channelActivity = (overrides: Partial<Activity> & { channelData?: Record<string, unknown> } = {}): Partial<Activity> => ({
  type: 'message', id: '1700000000002', recipient: bot, from: { id: '29:alice', name: 'Alice', aadObjectId: 'aad-alice' },
  conversation: { id: '19:chan@thread.tacv2;messageid=1700000000001', conversationType: 'channel', isGroup: true, tenantId: TENANT, name: '' },
  channelData: { channel: { id: '19:chan@thread.tacv2' }, team: { id: '19:team@thread.tacv2' }, tenant: { id: TENANT } },
  ...overrides,
});

describe('Teams activities in the core vocabulary', () => {
  it('reads tenant, asker, channel and thread', () => {
    const activity = channelActivity();
    expect(tenantIdOf(activity)).toBe(TENANT);
    expect(userIdOf(activity)).toBe('aad-alice');
    expect(channelOf(activity)).toEqual({ id: '19:chan@thread.tacv2', kind: 'public', external: false, conversationType: 'channel', teamId: '19:team@thread.tacv2' });
    expect(threadOf(activity)).toEqual({ key: '19:chan@thread.tacv2;messageid=1700000000001', rootId: '1700000000001' });
    expect(isThreadReply(activity)).toBe(true);
    expect(isThreadReply({ ...activity, id: '1700000000001' })).toBe(false);
    expect(channelOf(channelActivity({ channelData: { channel: { id: '19:team@thread.tacv2' }, team: { id: '19:team@thread.tacv2' }, tenant: { id: TENANT } } }))?.name).toBe('General');
  });

  it('treats shared channels and conversations of another tenant as external, private channels as private', () => {
    const data = (channel: Record<string, unknown>, team: Record<string, unknown> = {}) => ({ channel: { id: '19:c@thread.tacv2', ...channel }, team: { id: '19:t@thread.tacv2', ...team }, tenant: { id: TENANT } });
    expect(channelOf(channelActivity({ channelData: data({ membershipType: 'shared' }) }))).toMatchObject({ kind: 'private', external: true });
    expect(channelOf(channelActivity({ channelData: data({ type: 'private' }) }))).toMatchObject({ kind: 'private', external: false });
    expect(channelOf(channelActivity({ channelData: data({}, { tenantId: '9d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d' }) }))).toMatchObject({ kind: 'public', external: true });
    const groupChat = { ...channelActivity(), conversation: { id: '19:group@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT, name: '' }, channelData: { tenant: { id: TENANT } } };
    expect(channelOf(groupChat)).toEqual({ id: '19:group@thread.v2', kind: 'group', external: false, conversationType: 'groupChat' });
    expect(channelOf({ ...groupChat, conversation: { id: 'a:1xyz', conversationType: 'personal', isGroup: false, name: '' } })).toMatchObject({ kind: 'dm' });
    expect(tenantIdOf({ ...groupChat, channelData: {}, conversation: { id: 'x', isGroup: false, conversationType: 'personal', name: '' } })).toBeUndefined();
  });

  it('removes the bot mention and keeps other people as names', () => {
    const activity = channelActivity({
      text: '<at>ragbot</at> ask <at>Bob</at>&nbsp;about the drain &amp; restart',
      entities: [{ type: 'mention', text: '<at>ragbot</at>', mentioned: bot }, { type: 'mention', text: '<at>Bob</at>', mentioned: { id: '29:bob', name: 'Bob' } }],
    });
    expect(cleanMessageText(activity)).toBe('ask Bob about the drain & restart');
    expect(activity.text).toContain('<at>ragbot</at>'); // the activity itself is left as it came
  });

  it('reads reactions, including the newer emoji names', () => {
    expect(normalizeReaction('like')).toBe('like');
    expect(normalizeReaction('1f44d_thumbsup')).toBe('thumbsup');
    expect(reactionsOf({ reactionsAdded: [{ type: 'heart' }], reactionsRemoved: [{ type: 'sad' }] })).toEqual([
      { reaction: 'heart', added: true }, { reaction: 'sad', added: false },
    ]);
  });

  it('reads the feedback loop in each shape clients send', () => {
    const invoke = (actionValue: unknown) => ({ type: 'invoke', name: 'message/submitAction', value: { actionName: 'feedback', actionValue } });
    expect(feedbackOf(invoke({ reaction: 'like', feedback: '{"feedbackText":"great"}' }))).toEqual({ reaction: 'like', comment: 'great' });
    expect(feedbackOf(invoke({ reaction: 'dislike', feedback: 'plain words' }))).toEqual({ reaction: 'dislike', comment: 'plain words' });
    expect(feedbackOf(invoke({ reaction: 'dislike', feedback: { feedbackText: 'object' } }))).toEqual({ reaction: 'dislike', comment: 'object' });
    expect(feedbackOf(invoke({ reaction: 'like', feedback: '{"feedbackText":""}' }))).toEqual({ reaction: 'like' });
    expect(feedbackOf(invoke({ reaction: 'meh' }))).toBeUndefined();
    expect(feedbackOf({ type: 'invoke', name: 'adaptiveCard/action', value: {} })).toBeUndefined();
  });
});

describe('Teams commands', () => {
  it('parses ask, reindex and help; anything else is a question', () => {
    expect(parseCommand('ask how do I drain?')).toEqual({ kind: 'question', text: 'how do I drain?' });
    expect(parseCommand('ask')).toMatchObject({ kind: 'usage' });
    expect(parseCommand('reindex')).toEqual({ kind: 'reindex', full: false, dryRun: false });
    expect(parseCommand('reindex runbooks --full --dry-run')).toEqual({ kind: 'reindex', collection: 'runbooks', full: true, dryRun: true });
    expect(parseCommand('reindex a b')).toMatchObject({ kind: 'usage' });
    expect(parseCommand('reindex --force')).toMatchObject({ kind: 'usage' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
    expect(parseCommand('how do I reindex a PDF?')).toEqual({ kind: 'question', text: 'how do I reindex a PDF?' });
  });
});

describe('Teams configuration', () => {
  it('is emulator mode without an app id, authenticated with one', () => {
    expect(loadTeamsConfig({})).toEqual({ mode: 'emulator' });
    expect(loadTeamsConfig({ MicrosoftAppId: '6a1f4a52-7d3c-4e0b-9a51-2c1b7f3e9d10', MicrosoftAppPassword: 's3cret' })).toEqual({
      mode: 'authenticated', appId: '6a1f4a52-7d3c-4e0b-9a51-2c1b7f3e9d10', appType: 'MultiTenant', appPassword: 's3cret',
    });
  });

  it('names every variable that is wrong, at once', () => {
    expect(() => loadTeamsConfig({ MicrosoftAppId: 'not-a-guid', MicrosoftAppType: 'Global' })).toThrow(/MicrosoftAppId: must be a GUID[\s\S]*MicrosoftAppType: must be one of/);
    expect(() => loadTeamsConfig({ MicrosoftAppId: '6a1f4a52-7d3c-4e0b-9a51-2c1b7f3e9d10', MicrosoftAppType: 'SingleTenant' })).toThrow(
      /MicrosoftAppPassword: is missing[\s\S]*MicrosoftAppTenantId: is missing/,
    );
    expect(() => loadTeamsConfig({ MicrosoftAppPassword: 's3cret' })).toThrow(/MicrosoftAppId: is missing/);
  });
});
