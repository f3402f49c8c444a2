import { TeamsInfo, type Activity, type ConversationReference } from 'botbuilder';
import { TeamsConnectorClient } from 'botframework-connector';
import { BotError } from '../../src/core/bot-error.js';
import type { KeyValueStore } from '../../src/core/ports/key-value-store.js';
import type { Logger } from '../../src/core/ports/logger.js';
import type { ChannelInfo, MembershipDirectory } from '../../src/core/ports/membership-directory.js';
import { channelOf, tenantIdOf, type TeamsChannel } from './convert-teams-activity.js';
import { connectorError, withoutSdkRetries, type TeamsConnector } from './post-teams-reply.js';

/**
 * Who is in which Teams channel, from the Bot Connector's rosters (`TeamsInfo.getPagedMembers`,
 * `TeamsInfo.getMember`) and channel lists (the Teams connector's channel list, as
 * `TeamsInfo.getTeamChannels` reads it), every call under the 'teams-connector' policy.
 *
 * A bot can only ask about conversations it is part of, and only at the `serviceUrl` Teams gave it
 * for them, so the adapter keeps a registry of the conversations it has seen activities from (teams,
 * their private and shared channels, group chats). A user's channels are then:
 * - every standard channel of each known team whose roster has the user (Teams puts every team
 *   member in every standard channel);
 * - each known private or shared channel, and each known group chat, whose roster has the user.
 * A team the bot has not heard from since the registry was created is unknown: its channels grant
 * nothing (narrower, never wider). With `state`, the registry survives restarts and is shared by
 * replicas.
 *
 * Any failure throws: the core then fails closed (only roles without channels apply, and the answer
 * says so).
 */

export type KnownConversation = {
  tenantId: string;
  serviceUrl: string;
  /** The policy's id: a channel id, a group chat id. */
  id: string;
  conversationType: TeamsChannel['conversationType'];
  kind: TeamsChannel['kind'];
  external: boolean;
  name?: string;
  teamId?: string;
  membershipType?: string;
};

export type ConversationRegistry = {
  /** Notes the conversation of a verified activity (and its team). */
  remember(activity: Partial<Activity>): void;
  /** The bot was removed: forgets the conversation (a team: with its channels). */
  forget(activity: Partial<Activity>): void;
  conversations(tenantId: string): Promise<KnownConversation[]>;
  find(tenantId: string, id: string): Promise<KnownConversation | undefined>;
  /** Resolves once everything remembered so far is persisted. */
  flush(): Promise<void>;
};

const REGISTRY_KEY = (tenantId: string) => `teams:conversations:${tenantId}`;
const REGISTRY_TTL_MS = 90 * 24 * 3600_000;

export const createConversationRegistry = (options: { state?: KeyValueStore; logger?: Logger } = {}): ConversationRegistry => {
  const { state, logger } = options;
  const tenants = new Map<string, Map<string, KnownConversation>>();
  const loading = new Map<string, Promise<Map<string, KnownConversation>>>();
  let writes: Promise<void> = Promise.resolve();

  const load = (tenantId: string): Promise<Map<string, KnownConversation>> => {
    const known = tenants.get(tenantId);
    if (known && !state) return Promise.resolve(known);
    const pending = loading.get(tenantId);
    if (pending) return pending;
    const promise = (async () => {
      const current = tenants.get(tenantId) ?? new Map<string, KnownConversation>();
      tenants.set(tenantId, current);
      if (!state) return current;
      const stored = await state.get(REGISTRY_KEY(tenantId)).catch(() => undefined);
      for (const entry of stored ? (JSON.parse(stored) as KnownConversation[]) : []) if (!current.has(entry.id)) current.set(entry.id, entry);
      return current;
    })();
    loading.set(tenantId, promise);
    return promise;
  };

  const persist = (tenantId: string) => {
    if (!state) return;
    writes = writes
      .then(async () => {
        const current = await load(tenantId);
        const stored = await state.get(REGISTRY_KEY(tenantId)).catch(() => undefined);
        const merged = new Map((stored ? (JSON.parse(stored) as KnownConversation[]) : []).map((entry) => [entry.id, entry]));
        for (const [id, entry] of current) merged.set(id, entry);
        await state.set(REGISTRY_KEY(tenantId), JSON.stringify([...merged.values()]), { ttlMs: REGISTRY_TTL_MS });
      })
      .catch((error: unknown) => logger?.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not persist the Teams conversation registry'));
  };

  const upsert = (tenantId: string, entry: KnownConversation) => {
    const current = tenants.get(tenantId) ?? new Map<string, KnownConversation>();
    tenants.set(tenantId, current);
    const before = current.get(entry.id);
    const merged: KnownConversation = { ...before, ...entry, ...(entry.name ?? before?.name ? { name: entry.name ?? before?.name } : {}) };
    if (before && JSON.stringify(before) === JSON.stringify(merged)) return;
    current.set(entry.id, merged);
    persist(tenantId);
  };

  return {
    remember(activity) {
      const tenantId = tenantIdOf(activity);
      const channel = channelOf(activity);
      const serviceUrl = activity.serviceUrl;
      if (!tenantId || !channel || !serviceUrl || channel.conversationType === 'personal') return;
      const entry: KnownConversation = {
        tenantId, serviceUrl, id: channel.id, conversationType: channel.conversationType, kind: channel.kind, external: channel.external,
      };
      if (channel.name) entry.name = channel.name;
      if (channel.teamId) entry.teamId = channel.teamId;
      if (channel.membershipType) entry.membershipType = channel.membershipType;
      upsert(tenantId, entry);
      // The team itself: its General channel has the team's id.
      if (channel.teamId && channel.teamId !== channel.id) {
        upsert(tenantId, {
          tenantId, serviceUrl, id: channel.teamId, conversationType: 'channel', kind: 'public', external: false, teamId: channel.teamId, name: 'General',
        });
      }
    },
    forget(activity) {
      const tenantId = tenantIdOf(activity);
      const channel = channelOf(activity);
      if (!tenantId || !channel) return;
      const current = tenants.get(tenantId);
      if (!current) return;
      const teamId = channel.teamId;
      for (const [id, entry] of current) if (id === channel.id || (teamId !== undefined && entry.teamId === teamId)) current.delete(id);
      if (!state) return;
      writes = writes
        .then(async () => {
          const stored = await state.get(REGISTRY_KEY(tenantId)).catch(() => undefined);
          const kept = (stored ? (JSON.parse(stored) as KnownConversation[]) : []).filter((entry) => entry.id !== channel.id && (teamId === undefined || entry.teamId !== teamId));
          await state.set(REGISTRY_KEY(tenantId), JSON.stringify(kept), { ttlMs: REGISTRY_TTL_MS });
        })
        .catch((error: unknown) => logger?.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not persist the Teams conversation registry'));
    },
    conversations: async (tenantId) => [...(await load(tenantId)).values()],
    find: async (tenantId, id) => (await load(tenantId)).get(id),
    flush: async () => {
      await writes;
    },
  };
};

type Member = { id?: string; aadObjectId?: string; objectId?: string };

const statusOf = (error: unknown): number | undefined =>
  (error as { statusCode?: number })?.statusCode ?? (error as { response?: { status?: number } })?.response?.status;

/** 404 (not a member, no such conversation) or 403 (the bot was removed): an answer, not a failure. */
const gone = (error: unknown) => statusOf(error) === 404 || statusOf(error) === 403;

const referenceFor = (conversation: KnownConversation, conversationId: string): Partial<ConversationReference> => ({
  channelId: 'msteams',
  serviceUrl: conversation.serviceUrl,
  conversation: { id: conversationId, isGroup: true, conversationType: conversation.conversationType, tenantId: conversation.tenantId, name: '' },
});

/** Standard channels: every team member is in them. Private and shared ones have their own rosters. */
const hasOwnRoster = (conversation: KnownConversation) =>
  conversation.conversationType === 'groupChat' || conversation.membershipType === 'private' || conversation.membershipType === 'shared';

export type TeamsMembershipOptions = {
  connector: TeamsConnector;
  registry: ConversationRegistry;
  /** Team rosters and channel lists are reused this long across lookups (errors are not kept). */
  cacheTtlMs?: number;
  /** Members asked for per roster page (Teams allows up to 500). */
  pageSize?: number;
  now?: () => number;
};

export const createTeamsMembershipDirectory = (options: TeamsMembershipOptions): MembershipDirectory => {
  const { connector, registry } = options;
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const pageSize = options.pageSize ?? 500;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();

  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < cacheTtlMs) return hit.value as Promise<T>;
    if (cache.size >= 10_000) for (const [stale, entry] of cache) if (now() - entry.at >= cacheTtlMs) cache.delete(stale);
    const value = load();
    cache.set(key, { at: now(), value });
    value.catch(() => cache.delete(key));
    return value;
  };

  /** The ids (Teams user id and Entra object id) of everyone in a team or chat, page by page. */
  const rosterOf = (conversation: KnownConversation, conversationId: string, signal?: AbortSignal) =>
    cached(`roster:${conversationId}`, () =>
      connector.inTurn(referenceFor(conversation, conversationId), async ({ context }) => {
        const ids = new Set<string>();
        let continuationToken: string | undefined;
        for (let page = 0; page < 200; page++) {
          const result = await connector.guarded(async () => {
            try {
              return await TeamsInfo.getPagedMembers(context, pageSize, continuationToken);
            } catch (error) {
              if (gone(error)) return undefined;
              throw connectorError(error, `reading the members of ${conversationId}`);
            }
          }, signal);
          if (!result) return new Set<string>(); // the bot is no longer in it: it grants nothing
          for (const member of result.members as Member[]) {
            for (const id of [member.id, member.aadObjectId, member.objectId]) if (id) ids.add(id.toLowerCase());
          }
          continuationToken = result.continuationToken || undefined;
          if (!continuationToken) break;
        }
        return ids;
      }),
    );

  /** One user in one roster: `TeamsInfo.getMember`, where 404 means "not a member". */
  const isMember = (conversation: KnownConversation, userId: string, signal?: AbortSignal) =>
    cached(`member:${conversation.id}:${userId}`, () =>
      connector.inTurn(referenceFor(conversation, conversation.id), ({ context }) =>
        connector.guarded(async () => {
          try {
            await TeamsInfo.getMember(context, userId);
            return true;
          } catch (error) {
            if (gone(error)) return false;
            throw connectorError(error, `checking ${userId} in ${conversation.id}`);
          }
        }, signal),
      ),
    );

  /** A team's channels with their names (General has none: Teams shows it as "General"). */
  const channelsOfTeam = (team: KnownConversation, teamId: string, signal?: AbortSignal) =>
    cached(`channels:${teamId}`, () =>
      connector.inTurn(referenceFor(team, teamId), ({ client }) => {
        // What TeamsInfo.getTeamChannels does, on a client whose SDK retries are off (see post-teams-reply.ts).
        const teams = withoutSdkRetries(new TeamsConnectorClient(client.credentials as never, { baseUri: team.serviceUrl }));
        return connector.guarded(async () => {
          try {
            const list = await teams.teams.fetchChannelList(teamId);
            return (list.conversations ?? []).map((channel) => ({
              id: channel.id ?? '',
              name: channel.name ?? (channel.id === teamId ? 'General' : undefined),
              type: (channel as { type?: string }).type?.toLowerCase(),
            }));
          } catch (error) {
            if (gone(error)) return [];
            throw connectorError(error, `listing the channels of ${teamId}`);
          }
        }, signal);
      }),
    );

  return {
    async channelsOf({ tenantId, userId, signal }) {
      const known = await registry.conversations(tenantId);
      const teams = new Map<string, KnownConversation>();
      for (const conversation of known) if (conversation.teamId && !teams.has(conversation.teamId)) teams.set(conversation.teamId, conversation);
      const user = userId.toLowerCase();
      const found = new Map<string, { id: string; name?: string }>();
      const add = (channel: { id: string; name?: string | undefined }) => {
        if (channel.id && !found.has(channel.id)) found.set(channel.id, channel.name ? { id: channel.id, name: channel.name } : { id: channel.id });
      };
      await Promise.all([
        ...[...teams].map(async ([teamId, team]) => {
          if (!(await rosterOf(team, teamId, signal)).has(user)) return;
          for (const channel of await channelsOfTeam(team, teamId, signal)) {
            const entry = known.find((conversation) => conversation.id === channel.id);
            if (entry && hasOwnRoster(entry)) continue; // checked on its own roster below
            if (channel.type === 'private' || channel.type === 'shared') {
              const ownRoster: KnownConversation = { ...team, id: channel.id, membershipType: channel.type, kind: 'private', external: channel.type === 'shared' };
              if (await isMember(ownRoster, userId, signal)) add(channel);
            } else {
              add(channel);
            }
          }
        }),
        ...known.filter(hasOwnRoster).map(async (conversation) => {
          if (await isMember(conversation, userId, signal)) add(conversation);
        }),
      ]);
      return [...found.values()];
    },

    async channelInfo({ tenantId, channelId, signal }): Promise<ChannelInfo> {
      const known = await registry.find(tenantId, channelId);
      if (!known) throw new BotError('input_invalid', `Teams conversation ${channelId} has not been seen in tenant ${tenantId}`);
      let name = known.name;
      if (!name && known.teamId) name = (await channelsOfTeam(known, known.teamId, signal)).find((channel) => channel.id === channelId)?.name;
      return { id: known.id, kind: known.kind, external: known.external, ...(name ? { name } : {}) };
    },
  };
};
