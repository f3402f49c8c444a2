import type { RefusalReason } from '../answer.js';
import { describeError } from '../bot-error.js';
import type { MembershipDirectory } from '../ports/membership-directory.js';
import { channelBehaviour, externalAllowedWithoutName, type AccessPolicy, type Role, type TenantPolicy } from './access-policy.js';
import { createSearchScope, type SearchScope } from './search-scope.js';

export type AccessRequest = {
  /** From the verified platform event, never from text a user typed. */
  tenantId: string;
  userId: string;
  channel: { id: string; kind: 'public' | 'private' | 'dm' | 'group'; external: boolean; name?: string };
  signal?: AbortSignal;
};

export type RoleGrant = { role: string; collections: string[]; because: string };

export type AccessDecision =
  | {
      kind: 'granted';
      scope: SearchScope;
      askerRoles: RoleGrant[];
      /** The channel audience's roles; undefined in a DM, where the asker is the audience. */
      channelRoles?: RoleGrant[];
      /** Memberships could not be read: only roles without channels applied. */
      membershipUnavailable: boolean;
      explanation: string[];
    }
  | { kind: 'refused'; reason: RefusalReason; explanation: string[] };

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

const grantsOf = (roles: Role[], channels: { id: string; name?: string }[]): RoleGrant[] =>
  roles.flatMap((role) => {
    if (role.channels.length === 0) return [{ role: role.name, collections: role.collections, because: 'applies to everyone in the tenant' }];
    const match = channels.find((channel) => role.channels.some((pattern) => pattern.test(channel)));
    if (!match) return [];
    const label = match.name ? `${match.id} (#${match.name.replace(/^#/, '')})` : match.id;
    return [{ role: role.name, collections: role.collections, because: `member of ${label}` }];
  });

const collectionsOf = (grants: RoleGrant[]) => new Set(grants.flatMap((grant) => grant.collections));

const describe = (label: string, grants: RoleGrant[]) =>
  grants.length === 0
    ? [`${label}: no role`]
    : grants.map((grant) => `${label}: role ${grant.role} → ${grant.collections.join(', ') || 'nothing'} (${grant.because})`);

/** The channel's name, for name patterns; unknown names only ever narrow what matches. */
const channelWithName = async (membership: MembershipDirectory, tenant: TenantPolicy, request: AccessRequest) => {
  if (request.channel.name || request.channel.kind === 'dm') return request.channel;
  try {
    const info = await membership.channelInfo({ tenantId: tenant.id, channelId: request.channel.id, signal: request.signal });
    return info.name ? { ...request.channel, name: info.name } : request.channel;
  } catch {
    return request.channel;
  }
};

/**
 * Design §4 rules 1–5: the asker's collections are the union of their roles'; an answer others can
 * read is limited to what the channel's audience may read; membership failures fail closed.
 */
export const resolveAccess = async (
  dependencies: { policy: AccessPolicy; membership: MembershipDirectory },
  request: AccessRequest,
): Promise<AccessDecision> => {
  const tenant = dependencies.policy.tenants.get(request.tenantId);
  if (!tenant) return { kind: 'refused', reason: 'unknown-tenant', explanation: [`tenant ${request.tenantId} is not in the policy`] };
  const channel = await channelWithName(dependencies.membership, tenant, request);
  const externalAllowed = channel.name !== undefined ? channelBehaviour(tenant, channel).allowExternal : externalAllowedWithoutName(tenant, channel);
  if (channel.external && !externalAllowed) {
    return { kind: 'refused', reason: 'external-channel', explanation: [`channel ${channel.id} is shared with another organization and the policy does not allow it`] };
  }

  let membershipFailure: string | undefined;
  let userChannels: { id: string; name?: string }[] = [];
  try {
    userChannels = await dependencies.membership.channelsOf({ tenantId: tenant.id, userId: request.userId, signal: request.signal });
  } catch (error) {
    request.signal?.throwIfAborted();
    membershipFailure = describeError(error);
  }
  const membershipUnavailable = membershipFailure !== undefined;
  const askerRoles = grantsOf(tenant.roles, userChannels);
  const explanation = describe('asker', askerRoles);
  if (membershipFailure) explanation.push(`memberships could not be read (${membershipFailure}): only roles without channels apply`);

  let collections = collectionsOf(askerRoles);
  let channelRoles: RoleGrant[] | undefined;
  if (channel.kind !== 'dm') {
    channelRoles = grantsOf(tenant.roles, [channel]);
    const audience = collectionsOf(channelRoles);
    collections = new Set([...collections].filter((collection) => audience.has(collection)));
    explanation.push(...describe(`channel ${channel.id}`, channelRoles));
  } else {
    explanation.push('direct message: the asker is the only reader');
  }
  // Collections a role names but the tenant does not define are never searched.
  const scopeCollections = sorted([...collections].filter((collection) => tenant.collections.has(collection)));
  explanation.push(`scope: ${scopeCollections.join(', ') || 'nothing'}`);
  if (scopeCollections.length === 0) {
    return { kind: 'refused', reason: membershipUnavailable ? 'membership-unavailable' : 'no-collections', explanation };
  }
  const decision: AccessDecision = {
    kind: 'granted', scope: createSearchScope(tenant.id, scopeCollections), askerRoles, membershipUnavailable, explanation,
  };
  if (channelRoles) decision.channelRoles = channelRoles;
  return decision;
};

/** Design §4 rule 6: admins are the listed users and members of the listed channels. */
export const isAdmin = async (
  dependencies: { policy: AccessPolicy; membership: MembershipDirectory },
  request: { tenantId: string; userId: string; signal?: AbortSignal },
): Promise<boolean> => {
  const tenant = dependencies.policy.tenants.get(request.tenantId);
  if (!tenant) return false;
  if (tenant.admins.users.includes(request.userId)) return true;
  if (tenant.admins.channels.length === 0) return false;
  try {
    const channels = await dependencies.membership.channelsOf({ tenantId: tenant.id, userId: request.userId, signal: request.signal });
    return channels.some((channel) => tenant.admins.channels.some((pattern) => pattern.test(channel)));
  } catch {
    return false;
  }
};
