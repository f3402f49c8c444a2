import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../src/core/ports/key-value-store.js';
import { createConversationRegistry } from './teams-membership.js';
import { createThreadHistory } from './teams-thread-history.js';

const TENANT = '3f8b2c71-0d4e-4a9b-8c6f-5e1a2b3c4d5e';
const mapStore = (): KeyValueStore => {
  const values = new Map<string, string>();
  return {
    provider: 'test',
    get: async (key) => values.get(key),
    set: async (key, value) => void values.set(key, value),
    setIfAbsent: async (key, value) => (values.has(key) ? false : (values.set(key, value), true)),
    delete: async (key) => void values.delete(key),
    deleteIfEquals: async (key, value) => (values.get(key) === value ? values.delete(key) : false),
    takeToken: async () => ({ allowed: true, retryAfterMs: 0 }),
  };
};

const inChannel = (channelId: string, teamId: string, extra: Partial<Activity> = {}): Partial<Activity> => ({
  type: 'message', serviceUrl: 'https://smba.example/amer/', recipient: { id: '28:bot', name: 'ragbot' },
  conversation: { id: `${channelId};messageid=1`, conversationType: 'channel', isGroup: true, name: '' },
  channelData: { channel: { id: channelId }, team: { id: teamId }, tenant: { id: TENANT } },
  ...extra,
});

describe('the Teams conversation registry', () => {
  it('remembers channels with their team, survives a restart through the state, and forgets a team the bot left', async () => {
    const state = mapStore();
    const first = createConversationRegistry({ state });
    first.remember(inChannel('19:netops@thread.tacv2', '19:team@thread.tacv2'));
    first.remember(inChannel('19:other@thread.tacv2', '19:elsewhere@thread.tacv2'));
    await first.flush();
    expect((await first.conversations(TENANT)).map((entry) => entry.id).sort()).toEqual([
      '19:elsewhere@thread.tacv2', '19:netops@thread.tacv2', '19:other@thread.tacv2', '19:team@thread.tacv2',
    ]);

    const restarted = createConversationRegistry({ state });
    expect(await restarted.find(TENANT, '19:team@thread.tacv2')).toMatchObject({ teamId: '19:team@thread.tacv2', name: 'General', serviceUrl: 'https://smba.example/amer/' });
    restarted.forget({ ...inChannel('19:team@thread.tacv2', '19:team@thread.tacv2'), type: 'conversationUpdate', membersRemoved: [{ id: '28:bot', name: 'ragbot' }] });
    await restarted.flush();
    expect((await createConversationRegistry({ state }).conversations(TENANT)).map((entry) => entry.id).sort()).toEqual(['19:elsewhere@thread.tacv2', '19:other@thread.tacv2']);
  });

  it('ignores 1:1 chats and activities without a tenant', async () => {
    const registry = createConversationRegistry();
    registry.remember({ type: 'message', serviceUrl: 'https://x/', conversation: { id: 'a:1', conversationType: 'personal', isGroup: false, name: '' }, channelData: { tenant: { id: TENANT } } });
    registry.remember({ ...inChannel('19:c@thread.tacv2', '19:t@thread.tacv2'), channelData: { channel: { id: '19:c@thread.tacv2' } } });
    expect(await registry.conversations(TENANT)).toEqual([]);
  });
});

describe('the Teams thread history', () => {
  it('keeps the latest turns of the most recent threads, and only recent ones when asked', () => {
    let clock = 0;
    const history = createThreadHistory({ maxTurns: 4, maxThreads: 2, now: () => clock });
    history.record('a', 'q1', 'a1');
    clock = 60_000;
    history.record('a', 'q2', 'a2');
    history.record('a', 'q3', 'a3');
    expect(history.turnsOf('a').map((turn) => turn.text)).toEqual(['q2', 'a2', 'q3', 'a3']);
    expect(history.answeredIn('a')).toBe(true);
    clock = 120_000;
    expect(history.turnsOf('a', { withinMs: 30_000 })).toEqual([]);
    history.record('b', 'q', 'a');
    history.record('c', 'q', 'a');
    expect(history.answeredIn('a')).toBe(false); // evicted: the least recently active of three
    expect(history.size).toBe(2);
  });
});
