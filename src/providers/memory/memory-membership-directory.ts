import { BotError } from '../../core/bot-error.js';
import type { ChannelInfo, MembershipDirectory } from '../../core/ports/membership-directory.js';

export type MembershipData = {
  tenants: Record<
    string,
    { users?: Record<string, string[]>; channels?: Record<string, Omit<ChannelInfo, 'id'>> }
  >;
};

/**
 * Memberships from data in memory: tests and the local fixture file. `failing` simulates the
 * platform being unreachable, which callers must survive by failing closed.
 */
export const createMemoryMembershipDirectory = (data: MembershipData) => {
  let failing = false;
  const tenantOf = (tenantId: string) => data.tenants[tenantId] ?? {};
  const infoOf = (tenantId: string, channelId: string): ChannelInfo | undefined => {
    const channel = tenantOf(tenantId).channels?.[channelId];
    return channel ? { id: channelId, ...channel } : undefined;
  };
  const directory: MembershipDirectory & { setFailing(value: boolean): void } = {
    setFailing(value) {
      failing = value;
    },
    async channelsOf({ tenantId, userId }) {
      if (failing) throw new BotError('provider_call_failed', 'membership directory unavailable', { retryable: true });
      return (tenantOf(tenantId).users?.[userId] ?? []).map((channelId) => {
        const name = infoOf(tenantId, channelId)?.name;
        return name ? { id: channelId, name } : { id: channelId };
      });
    },
    async channelInfo({ tenantId, channelId }) {
      if (failing) throw new BotError('provider_call_failed', 'membership directory unavailable', { retryable: true });
      const info = infoOf(tenantId, channelId);
      if (!info) throw new BotError('input_invalid', `Unknown channel ${channelId} in tenant ${tenantId}`);
      return info;
    },
  };
  return directory;
};
