import type { AccessPolicy } from '../core/access/access-policy.js';

/**
 * Without a policy file (the embedded defaults), one tenant whose collections are open to everyone:
 * fine on one machine for trying the bot, never in front of a real workspace (set RAGBOT_POLICY).
 */
export const openPolicy = (tenantId: string, collections: { name: string; source?: string }[]): AccessPolicy => ({
  tenants: new Map([
    [
      tenantId,
      {
        id: tenantId,
        collections: new Map(collections.map(({ name, source }) => [name, source ? { source } : {}])),
        roles: [{ name: 'everyone', channels: [], collections: collections.map(({ name }) => name) }],
        admins: { users: [], channels: [] },
        channels: [],
      },
    ],
  ]),
});
