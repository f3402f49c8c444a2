import type { webApi } from '@slack/bolt';
import { BotError } from '../../src/core/bot-error.js';
import type { ChannelInfo, MembershipDirectory } from '../../src/core/ports/membership-directory.js';
import type { SlackCall } from './post-slack-reply.js';

type WebClient = webApi.WebClient;

/** What conversations.info and users.conversations say about a conversation. */
export type SlackConversation = {
  id?: string;
  name?: string;
  is_im?: boolean;
  is_mpim?: boolean;
  is_private?: boolean;
  is_group?: boolean;
  is_ext_shared?: boolean;
  is_pending_ext_shared?: boolean;
};

const PAGE_SIZE = 200;
// A user in thousands of channels is unusual; past this the list is cut rather than stall an answer.
const MAX_PAGES = 25;

/** Design §4's kinds: a DM is read by the asker alone; everything else has an audience. */
export const kindOf = (conversation: SlackConversation): ChannelInfo['kind'] =>
  conversation.is_im ? 'dm' : conversation.is_mpim ? 'group' : conversation.is_private || conversation.is_group ? 'private' : 'public';

/** Slack Connect: shared with another organization, or about to be (fail closed while pending). */
export const isExternal = (conversation: SlackConversation): boolean =>
  conversation.is_ext_shared === true || conversation.is_pending_ext_shared === true;

/**
 * Memberships as Slack knows them. With a bot token, users.conversations lists the user's public
 * channels and those private ones the bot shares with them: a private channel the bot is not in
 * grants nothing, which only ever narrows access. Concurrent identical lookups share one request
 * (a redelivered event arrives while the first is still being handled).
 */
export const createSlackMembership = (options: { client: WebClient; call: SlackCall }): MembershipDirectory => {
  const { client, call } = options;
  const inFlight = new Map<string, Promise<unknown>>();
  const shared = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const running = inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = load().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };

  return {
    channelsOf: ({ tenantId, userId, signal }) =>
      shared(`channels:${tenantId}:${userId}`, async () => {
        const channels: { id: string; name?: string }[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const result = await call(
            'users.conversations',
            () =>
              client.users.conversations({
                user: userId, types: 'public_channel,private_channel,mpim,im', exclude_archived: true, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}),
              }),
            signal,
          );
          for (const channel of (result.channels ?? []) as SlackConversation[]) {
            if (channel.id) channels.push(channel.name ? { id: channel.id, name: channel.name } : { id: channel.id });
          }
          cursor = result.response_metadata?.next_cursor || undefined;
          if (!cursor) break;
        }
        return channels;
      }),

    channelInfo: ({ tenantId, channelId, signal }) =>
      shared(`channel:${tenantId}:${channelId}`, async () => {
        const result = await call('conversations.info', () => client.conversations.info({ channel: channelId }), signal);
        const channel = result.channel as SlackConversation | undefined;
        if (!channel) throw new BotError('provider_call_failed', `Slack conversations.info returned no channel for ${channelId}`);
        const info: ChannelInfo = { id: channelId, kind: kindOf(channel), external: isExternal(channel) };
        if (channel.name) info.name = channel.name;
        return info;
      }),
  };
};
