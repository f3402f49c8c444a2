import type { AuditSink } from '../ports/audit-sink.js';
import type { MembershipDirectory } from '../ports/membership-directory.js';
import type { AccessPolicy } from './access-policy.js';
import { isAdmin } from './resolve-access.js';

/**
 * The check every admin command goes through (`/reindex`, `ragbot index` under a policy): allowed or
 * refused, the attempt is written to the audit log either way.
 */
export const authorizeAdminAction = async (
  dependencies: { policy: AccessPolicy; membership: MembershipDirectory; audit?: AuditSink },
  request: { tenantId: string; userId: string; channelId?: string; action: string; details?: Record<string, string | number | boolean> },
): Promise<boolean> => {
  const allowed = await isAdmin(dependencies, request);
  await dependencies.audit?.record({
    at: new Date().toISOString(),
    tenantId: request.tenantId,
    userId: request.userId,
    ...(request.channelId ? { channelId: request.channelId } : {}),
    action: request.action,
    outcome: allowed ? 'allowed' : 'refused',
    ...(allowed ? {} : { reason: 'not an admin' }),
    ...(request.details ? { details: request.details } : {}),
  });
  return allowed;
};
