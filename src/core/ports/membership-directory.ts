export type ChannelKind = 'public' | 'private' | 'dm' | 'group';

export type ChannelInfo = { id: string; name?: string; kind: ChannelKind; external: boolean };

/**
 * Who is in which channel, as the chat platform knows it. Implementations may fail (rate limits,
 * outages); callers fail closed.
 */
export type MembershipDirectory = {
  /** The channels (ids, with names when known) the user is a member of in the tenant. */
  channelsOf(options: { tenantId: string; userId: string; signal?: AbortSignal }): Promise<{ id: string; name?: string }[]>;
  channelInfo(options: { tenantId: string; channelId: string; signal?: AbortSignal }): Promise<ChannelInfo>;
};
