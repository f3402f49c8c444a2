import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { createTeamsAdapter, type TeamsAdapterOptions } from '../../adapters/teams/index.js';
import { createBackgroundWork, type BackgroundWork } from '../../adapters/shared/background-work.js';
import type { PlatformAdapter } from '../../adapters/shared/platform-adapter.js';
import { silentLogger, type Logger } from '../../src/core/ports/logger.js';
import { FakeBotConnector, type FakeMember } from '../fakes/fake-bot-connector.js';
import { FakeOpenIdMetadata } from '../fakes/fake-openid-metadata.js';
import { createBotUnderTest, type BotUnderTest, type ChannelName, type PlatformIds, type UserName } from './bot-under-test.js';

/**
 * The Teams side of the tests: the real CloudAdapter behind a node:http server, the fake Bot
 * Connector it replies to, and (with `auth`) a local OpenID/JWKS endpoint whose keys sign the
 * inbound tokens. Teams ids for the shared world of bot-under-test.ts, and activity builders.
 */

export const TEAMS_APP_ID = '6a1f4a52-7d3c-4e0b-9a51-2c1b7f3e9d10';
export const TEAMS_TENANT = '3f8b2c71-0d4e-4a9b-8c6f-5e1a2b3c4d5e';
const OTHER_TENANT = '9d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d';
export const BOT = { id: `28:${TEAMS_APP_ID}`, name: 'ragbot' };
export const OUTBOUND_AUTHORIZATION = 'Bearer outbound-test-token';

const user = (name: string, aadObjectId: string): FakeMember => ({ id: `29:${name}-teams-id`, name, aadObjectId });
export const USERS: Record<UserName, FakeMember> = {
  alice: user('Alice', 'a11ce000-0000-4000-8000-000000000001'),
  bob: user('Bob', 'b0b00000-0000-4000-8000-000000000002'),
  admin: user('Admin', 'ad000000-0000-4000-8000-000000000003'),
};

export const TEAMS = { netops: '19:netops-team@thread.tacv2', security: '19:security-team@thread.tacv2' };
export const CHANNELS: Record<ChannelName, { id: string; team: string; name: string; membershipType?: 'shared' }> = {
  netops: { id: '19:netops-general-talk@thread.tacv2', team: TEAMS.netops, name: 'netops-talk' },
  followups: { id: '19:inc-followups@thread.tacv2', team: TEAMS.netops, name: 'inc-followups' },
  shared: { id: '19:partner-shared@thread.tacv2', team: TEAMS.netops, name: 'partner-shared', membershipType: 'shared' },
  secops: { id: '19:secops@thread.tacv2', team: TEAMS.security, name: 'secops' },
};

export const TEAMS_IDS: PlatformIds = {
  tenant: TEAMS_TENANT,
  users: { alice: USERS.alice.aadObjectId ?? '', bob: USERS.bob.aadObjectId ?? '', admin: USERS.admin.aadObjectId ?? '' },
  channels: { netops: CHANNELS.netops.id, secops: CHANNELS.secops.id, followups: CHANNELS.followups.id, shared: CHANNELS.shared.id },
};

let sequence = 1_700_000_000_000;
export const nextActivityId = () => String(sequence++);

const fromOf = (who: UserName) => ({ id: USERS[who].id, name: USERS[who].name, aadObjectId: USERS[who].aadObjectId });

/** A channel post (`rootId` absent) or a reply in the thread of `rootId`. */
export const channelMessage = (options: { from: UserName; channel: ChannelName; text: string; mention?: boolean; id?: string; rootId?: string; tenant?: string | null }) => {
  const channel = CHANNELS[options.channel];
  const id = options.id ?? nextActivityId();
  const text = options.mention === false ? options.text : `<at>${BOT.name}</at> ${options.text}`;
  const tenant = options.tenant === null ? undefined : (options.tenant ?? TEAMS_TENANT);
  return {
    type: 'message', id, timestamp: new Date().toISOString(), channelId: 'msteams',
    from: fromOf(options.from), recipient: BOT,
    conversation: { isGroup: true, conversationType: 'channel', id: `${channel.id};messageid=${options.rootId ?? id}`, ...(tenant ? { tenantId: tenant } : {}) },
    text, textFormat: 'plain', locale: 'en-US',
    entities: options.mention === false ? [] : [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
    channelData: {
      teamsChannelId: channel.id, teamsTeamId: channel.team,
      channel: { id: channel.id, ...(channel.membershipType ? { membershipType: channel.membershipType } : {}) },
      team: { id: channel.team, ...(channel.membershipType === 'shared' ? { tenantId: OTHER_TENANT } : {}) },
      ...(tenant ? { tenant: { id: tenant } } : {}),
    },
  };
};

export const personalMessage = (options: { from: UserName; text: string; id?: string }) => {
  const id = options.id ?? nextActivityId();
  return {
    type: 'message', id, timestamp: new Date().toISOString(), channelId: 'msteams',
    from: fromOf(options.from), recipient: BOT,
    conversation: { conversationType: 'personal', id: `a:1-personal-${options.from}`, tenantId: TEAMS_TENANT },
    text: options.text, textFormat: 'plain',
    channelData: { tenant: { id: TEAMS_TENANT } },
  };
};

/** Someone reacts to (or un-reacts from) a message, e.g. the bot's answer. */
export const reaction = (options: { from: UserName; conversationId: string; replyToId: string; type: string; added: boolean }) => ({
  type: 'messageReaction', id: nextActivityId(), channelId: 'msteams',
  from: fromOf(options.from), recipient: BOT,
  conversation: { isGroup: true, conversationType: 'channel', id: options.conversationId, tenantId: TEAMS_TENANT },
  replyToId: options.replyToId,
  ...(options.added ? { reactionsAdded: [{ type: options.type }] } : { reactionsRemoved: [{ type: options.type }] }),
  channelData: { tenant: { id: TEAMS_TENANT } },
});

/** The feedback loop's 👍/👎 with the form's text, as Teams invokes the bot. */
export const feedbackInvoke = (options: { from: UserName; conversationId: string; replyToId: string; reaction: 'like' | 'dislike'; text?: string }) => ({
  type: 'invoke', name: 'message/submitAction', id: nextActivityId(), channelId: 'msteams',
  from: fromOf(options.from), recipient: BOT,
  conversation: { isGroup: true, conversationType: 'channel', id: options.conversationId, tenantId: TEAMS_TENANT },
  replyToId: options.replyToId,
  value: { actionName: 'feedback', actionValue: { reaction: options.reaction, feedback: JSON.stringify({ feedbackText: options.text ?? '' }) } },
  channelData: { tenant: { id: TEAMS_TENANT } },
});

/** The bot being added to a team: how it learns the team exists. */
export const installedInTeam = (team: keyof typeof TEAMS) => ({
  type: 'conversationUpdate', id: nextActivityId(), channelId: 'msteams',
  from: fromOf('admin'), recipient: BOT, membersAdded: [BOT],
  conversation: { isGroup: true, conversationType: 'channel', id: TEAMS[team], tenantId: TEAMS_TENANT },
  channelData: { team: { id: TEAMS[team] }, channel: { id: TEAMS[team] }, tenant: { id: TEAMS_TENANT }, eventType: 'teamMemberAdded' },
});

/** Outbound credentials for tests: every reply carries this token; no identity platform is called. */
export const stubCredentialsFactory = (appId: string) =>
  ({
    isValidAppId: async (candidate: string) => candidate === appId,
    isAuthenticationDisabled: async () => false,
    createCredentials: async () => ({
      signRequest: async (resource: { headers: { set(name: string, value: string): void } }) => {
        resource.headers.set('authorization', OUTBOUND_AUTHORIZATION);
        return resource;
      },
    }),
  }) as unknown as ServiceClientCredentialsFactory;

export type TeamsStack = {
  bot: BotUnderTest;
  connector: FakeBotConnector;
  openId: FakeOpenIdMetadata | undefined;
  adapter: PlatformAdapter;
  background: BackgroundWork;
  errors: unknown[];
  botUrl: string;
  /** Delivers an activity over HTTP (signed when the stack authenticates). */
  send(activity: Record<string, unknown>, options?: { token?: string | null; authorization?: string }): Promise<{ status: number; body: string }>;
  /** Waits for the background work the turns scheduled. */
  settle(): Promise<void>;
  close(): Promise<void>;
};

export const startTeamsStack = async (
  options: { auth?: boolean; logger?: Logger; adapter?: Partial<TeamsAdapterOptions> } = {},
): Promise<TeamsStack> => {
  const connector = await new FakeBotConnector().start();
  const openId = options.auth ? await new FakeOpenIdMetadata().start() : undefined;
  const bot = await createBotUnderTest(TEAMS_IDS);
  const errors: unknown[] = [];
  const background = createBackgroundWork((error) => errors.push(error));
  const members = Object.values(USERS);
  connector.setTeam(TEAMS.netops, {
    members,
    channels: [
      { id: TEAMS.netops },
      { id: CHANNELS.netops.id, name: CHANNELS.netops.name },
      { id: CHANNELS.followups.id, name: CHANNELS.followups.name },
      { id: CHANNELS.shared.id, name: CHANNELS.shared.name, type: 'shared' },
    ],
  });
  connector.setRoster(CHANNELS.shared.id, members);
  connector.setTeam(TEAMS.security, { members: [USERS.alice], channels: [{ id: TEAMS.security }, { id: CHANNELS.secops.id, name: CHANNELS.secops.name }] });
  if (options.auth) connector.expectedAuthorization = OUTBOUND_AUTHORIZATION;

  const adapter = createTeamsAdapter({
    config: options.auth ? { mode: 'authenticated', appId: TEAMS_APP_ID, appType: 'MultiTenant', appPassword: 'not-used-in-tests' } : { mode: 'emulator' },
    services: bot.services,
    logger: options.logger ?? silentLogger,
    background,
    progressIntervalMs: 0,
    render: { citationUrl: (citation) => `https://docs.example.com/${citation.collection}/${citation.path}` },
    ...(options.auth && openId ? { credentialsFactory: stubCredentialsFactory(TEAMS_APP_ID), openIdMetadataUrl: openId.metadataUrl } : {}),
    ...options.adapter,
  });
  const server: Server = createServer((request, response) => {
    const route = adapter.routes.find((candidate) => candidate.method === request.method && candidate.path === request.url);
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    Promise.resolve(route.handle(request, response)).catch((error: unknown) => {
      errors.push(error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;

  return {
    bot, connector, openId, adapter, background, errors, botUrl,
    send(activity, sendOptions = {}) {
      const token =
        sendOptions.token === null ? undefined : (sendOptions.token ?? (openId ? openId.sign({ audience: TEAMS_APP_ID, serviceUrl: connector.url }) : undefined));
      return connector.deliver(botUrl, activity, { ...(token ? { token } : {}), ...(sendOptions.authorization ? { authorization: sendOptions.authorization } : {}) });
    },
    async settle() {
      if (!(await background.drain(10_000))) throw new Error('background work did not finish');
    },
    async close() {
      await adapter.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connector.close();
      await openId?.close();
    },
  };
};
