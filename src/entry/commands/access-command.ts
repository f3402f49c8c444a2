import { resolveAccess, isAdmin } from '../../core/access/resolve-access.js';
import { BotError } from '../../core/bot-error.js';
import type { Runtime } from '../runtime.js';
import { cliIdentity, type IdentityOptions } from './cli-identity.js';

/** `ragbot access explain`: the roles, the scope and the reason for each, as the bot would resolve them. */
export const runAccessExplainCommand = async (runtime: Runtime, options: IdentityOptions & { json?: boolean }): Promise<number> => {
  if (!runtime.policy) throw new BotError('config_invalid', 'RAGBOT_POLICY is not set: there is no access policy to explain.');
  const { userId, channel } = await cliIdentity(runtime, options);
  const dependencies = { policy: runtime.policy, membership: runtime.membership };
  const decision = await resolveAccess(dependencies, { tenantId: options.tenant, userId, channel });
  const admin = await isAdmin(dependencies, { tenantId: options.tenant, userId });
  if (options.json) {
    console.log(JSON.stringify({
      tenant: options.tenant, user: userId, channel,
      decision: decision.kind, scope: decision.kind === 'granted' ? decision.scope.collections : [],
      namespaces: decision.kind === 'granted' ? decision.scope.namespaces : [],
      refusal: decision.kind === 'refused' ? decision.reason : undefined,
      admin, explanation: decision.explanation,
    }));
    return 0;
  }
  console.log(`tenant ${options.tenant}, user ${userId}, channel ${channel.id} (${channel.kind}${channel.external ? ', external' : ''}${channel.name ? `, #${channel.name}` : ''})`);
  for (const line of decision.explanation) console.log(`  ${line}`);
  if (decision.kind === 'granted') console.log(`searches: ${decision.scope.namespaces.join(', ')}`);
  else console.log(`refused: ${decision.reason}`);
  console.log(`admin: ${admin ? 'yes' : 'no'}`);
  return 0;
};
