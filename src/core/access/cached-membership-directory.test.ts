import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../ports/key-value-store.js';
import type { MembershipDirectory } from '../ports/membership-directory.js';
import { createMemoryKeyValueStore } from '../../providers/memory/memory-key-value-store.js';
import { createMemoryMembershipDirectory } from '../../providers/memory/memory-membership-directory.js';
import { cacheMemberships } from './cached-membership-directory.js';

const TTL_MS = 60_000;

/** A memory directory that counts the lookups reaching it. */
const countingDirectory = () => {
  const inner = createMemoryMembershipDirectory({
    tenants: {
      T0ACME: {
        users: { U01ALICE: ['C01NETOPS', 'C02SECOPS'], U02BOB: ['C09'] },
        channels: {
          C01NETOPS: { name: 'netops', kind: 'public', external: false },
          C02SECOPS: { name: 'secops', kind: 'private', external: false },
        },
      },
      T1OTHER: { users: { U01ALICE: ['C77'] }, channels: { C01NETOPS: { name: 'other-netops', kind: 'public', external: true } } },
    },
  });
  const calls = { channelsOf: 0, channelInfo: 0 };
  const directory: MembershipDirectory = {
    channelsOf: (request) => (calls.channelsOf++, inner.channelsOf(request)),
    channelInfo: (request) => (calls.channelInfo++, inner.channelInfo(request)),
  };
  return { inner, directory, calls };
};

const setup = () => {
  let now = 1_000_000;
  const clock = { advance: (ms: number) => (now += ms) };
  const state = createMemoryKeyValueStore({ now: () => now });
  const counting = countingDirectory();
  return { ...counting, clock, state, cached: cacheMemberships(counting.directory, { state, ttlMs: TTL_MS }) };
};

const alice = { tenantId: 'T0ACME', userId: 'U01ALICE' };

describe('cacheMemberships', () => {
  it('serves channelsOf from the cache until the TTL has passed, then asks again', async () => {
    const { cached, calls, clock } = setup();
    const first = await cached.channelsOf(alice);
    expect(first).toEqual([{ id: 'C01NETOPS', name: 'netops' }, { id: 'C02SECOPS', name: 'secops' }]);
    clock.advance(TTL_MS - 1);
    expect(await cached.channelsOf(alice)).toEqual(first);
    expect(calls.channelsOf).toBe(1);
    clock.advance(1);
    expect(await cached.channelsOf(alice)).toEqual(first);
    expect(calls.channelsOf).toBe(2);
  });

  it('caches channelInfo the same way, with unknown names kept unknown', async () => {
    const { cached, calls, clock } = setup();
    const request = { tenantId: 'T0ACME', channelId: 'C02SECOPS' };
    expect(await cached.channelInfo(request)).toEqual({ id: 'C02SECOPS', name: 'secops', kind: 'private', external: false });
    expect(await cached.channelInfo(request)).toEqual({ id: 'C02SECOPS', name: 'secops', kind: 'private', external: false });
    expect(calls.channelInfo).toBe(1);
    clock.advance(TTL_MS);
    await cached.channelInfo(request);
    expect(calls.channelInfo).toBe(2);
    expect(await cached.channelsOf({ tenantId: 'T0ACME', userId: 'U02BOB' })).toEqual([{ id: 'C09' }]);
  });

  it('keeps tenants, users and channels apart', async () => {
    const { cached, calls } = setup();
    await cached.channelsOf(alice);
    expect(await cached.channelsOf({ tenantId: 'T1OTHER', userId: 'U01ALICE' })).toEqual([{ id: 'C77' }]);
    expect(await cached.channelsOf({ tenantId: 'T0ACME', userId: 'U02BOB' })).toEqual([{ id: 'C09' }]);
    expect(calls.channelsOf).toBe(3);
    await cached.channelInfo({ tenantId: 'T0ACME', channelId: 'C01NETOPS' });
    expect(await cached.channelInfo({ tenantId: 'T1OTHER', channelId: 'C01NETOPS' })).toMatchObject({ name: 'other-netops', external: true });
    expect(calls.channelInfo).toBe(2);
  });

  it('does not cache failures: a recovered platform is asked again at once', async () => {
    const { cached, inner, calls } = setup();
    inner.setFailing(true);
    await expect(cached.channelsOf(alice)).rejects.toThrow('membership directory unavailable');
    await expect(cached.channelInfo({ tenantId: 'T0ACME', channelId: 'C01NETOPS' })).rejects.toThrow('membership directory unavailable');
    inner.setFailing(false);
    expect(await cached.channelsOf(alice)).toHaveLength(2);
    expect(await cached.channelInfo({ tenantId: 'T0ACME', channelId: 'C01NETOPS' })).toMatchObject({ name: 'netops' });
    expect(calls).toEqual({ channelsOf: 2, channelInfo: 2 });
  });

  it('does not cache an unknown channel either', async () => {
    const { cached, calls } = setup();
    await expect(cached.channelInfo({ tenantId: 'T0ACME', channelId: 'C404' })).rejects.toThrow('Unknown channel C404');
    await expect(cached.channelInfo({ tenantId: 'T0ACME', channelId: 'C404' })).rejects.toThrow('Unknown channel C404');
    expect(calls.channelInfo).toBe(2);
  });

  it('serves a cached value while the platform is down, until it expires; then fails', async () => {
    const { cached, inner, clock } = setup();
    await cached.channelsOf(alice);
    inner.setFailing(true);
    expect(await cached.channelsOf(alice)).toHaveLength(2);
    clock.advance(TTL_MS);
    await expect(cached.channelsOf(alice)).rejects.toThrow('membership directory unavailable');
  });

  it('asks the directory when the state store is down, and does not fail because it cannot write', async () => {
    const { directory, calls } = countingDirectory();
    const broken: KeyValueStore = {
      provider: 'broken',
      get: async () => {
        throw new Error('redis down');
      },
      set: async () => {
        throw new Error('redis down');
      },
      setIfAbsent: async () => false,
      delete: async () => undefined,
      deleteIfEquals: async () => false,
      takeToken: async () => ({ allowed: true, retryAfterMs: 0 }),
    };
    const cached = cacheMemberships(directory, { state: broken, ttlMs: TTL_MS });
    expect(await cached.channelsOf(alice)).toHaveLength(2);
    expect(await cached.channelsOf(alice)).toHaveLength(2);
    expect(calls.channelsOf).toBe(2);
  });
});
