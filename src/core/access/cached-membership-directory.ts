import type { KeyValueStore } from '../ports/key-value-store.js';
import type { MembershipDirectory } from '../ports/membership-directory.js';

/**
 * Memberships change rarely and platform lookups are rate-limited: cache them for a while.
 * Failures are not cached, so a recovered platform is asked again at once.
 */
export const cacheMemberships = (
  inner: MembershipDirectory,
  options: { state: KeyValueStore; ttlMs: number },
): MembershipDirectory => {
  const cached = async <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = await options.state.get(key).catch(() => undefined);
    if (hit !== undefined) return JSON.parse(hit) as T;
    const value = await load();
    await options.state.set(key, JSON.stringify(value), { ttlMs: options.ttlMs }).catch(() => undefined);
    return value;
  };
  return {
    channelsOf: (request) =>
      cached(`membership:channels:${request.tenantId}:${request.userId}`, () => inner.channelsOf(request)),
    channelInfo: (request) =>
      cached(`membership:channel:${request.tenantId}:${request.channelId}`, () => inner.channelInfo(request)),
  };
};
