import type { ChannelPattern } from './channel-pattern.js';

/** A role grants collections to the members of its channels, or to everyone when it lists none. */
export type Role = { name: string; channels: ChannelPattern[]; collections: string[] };

export type ChannelBehaviour = {
  pattern: ChannelPattern;
  /** Answer follow-ups in threads the bot answered, without a new mention. */
  followThreads?: boolean;
  /** Answer in channels shared with other organizations (Slack Connect, Teams shared channels). */
  allowExternal?: boolean;
};

export type TenantPolicy = {
  id: string;
  collections: Map<string, { source?: string }>;
  roles: Role[];
  admins: { users: string[]; channels: ChannelPattern[] };
  channels: ChannelBehaviour[];
};

/** The validated policy file: who may read which collections, per tenant. */
export type AccessPolicy = { tenants: Map<string, TenantPolicy> };

/**
 * Whether an external channel may get answers when its name is unknown (the lookup failed): only if
 * every outcome the name patterns could produce allows it. Name patterns cannot match an unknown
 * name, so without this a later "#ext-*: allowExternal: false" would be skipped: failing open.
 */
export const externalAllowedWithoutName = (tenant: TenantPolicy, channel: { id: string }): boolean => {
  let possible = new Set([false]);
  for (const entry of tenant.channels) {
    if (entry.allowExternal === undefined) continue;
    if (!entry.pattern.source.startsWith('#')) {
      if (entry.pattern.test(channel)) possible = new Set([entry.allowExternal]);
    } else {
      possible.add(entry.allowExternal);
    }
  }
  return !possible.has(false);
};

/** Behaviour of one channel: later entries of the policy override earlier ones, key by key. */
export const channelBehaviour = (tenant: TenantPolicy, channel: { id: string; name?: string }) => {
  const behaviour = { followThreads: false, allowExternal: false };
  for (const entry of tenant.channels) {
    if (!entry.pattern.test(channel)) continue;
    if (entry.followThreads !== undefined) behaviour.followThreads = entry.followThreads;
    if (entry.allowExternal !== undefined) behaviour.allowExternal = entry.allowExternal;
  }
  return behaviour;
};
