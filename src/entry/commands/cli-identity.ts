import { BotError } from '../../core/bot-error.js';
import type { ChannelInfo } from '../../core/ports/membership-directory.js';
import type { Runtime } from '../runtime.js';

export type IdentityOptions = { tenant: string; user?: string; channel?: string };

/**
 * Who the CLI acts as under a policy: a user in a channel, as a chat platform would report them.
 * The channel's kind comes from the membership fixture; a DM is written `--channel dm`.
 */
export const cliIdentity = async (runtime: Runtime, options: IdentityOptions): Promise<{ userId: string; channel: ChannelInfo }> => {
  if (!options.user || !options.channel) {
    throw new BotError('input_invalid', 'With a policy (RAGBOT_POLICY), pass --user <id> and --channel <id> (or --channel dm) to act as someone.');
  }
  if (options.channel === 'dm') return { userId: options.user, channel: { id: `dm-${options.user}`, kind: 'dm', external: false } };
  try {
    return { userId: options.user, channel: await runtime.membership.channelInfo({ tenantId: options.tenant, channelId: options.channel }) };
  } catch {
    // Unknown to the fixture: a plain public channel, the narrowest assumption a name cannot widen.
    return { userId: options.user, channel: { id: options.channel, kind: 'public', external: false } };
  }
};
