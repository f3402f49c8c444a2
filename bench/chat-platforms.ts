/**
 * The platforms the chat-path benchmark plays: the fakes it hosts (the Slack Web API, or the Bot
 * Connector and the Bot Framework's OpenID keys), the requests it sends (signed `/ask` commands,
 * or authenticated Teams channel mentions) and when each answer reached the fake.
 */
import type { FakeMember } from '../test/fakes/fake-bot-connector.js';
import { FakeBotConnector } from '../test/fakes/fake-bot-connector.js';
import { FakeOpenIdMetadata } from '../test/fakes/fake-openid-metadata.js';
import { FakeSlackWebApi } from '../test/fakes/fake-slack-web-api.js';
import { signSlackRequest } from '../test/support/slack-signing.js';

const USERS = 500;

const SLACK = { team: 'T0BENCH', botUser: 'U0RAGBOT', botId: 'B0RAGBOT', token: 'xoxb-1234-5678-ragbotbenchtoken', secret: '8f742231b10e8888abcd99b1c0ffee42', channel: 'C0BENCH' };
const TEAMS = {
  appId: '6a1f4a52-7d3c-4e0b-9a51-2c1b7f3e9d10', tenant: '3f8b2c71-0d4e-4a9b-8c6f-5e1a2b3c4d5e',
  team: '19:bench-team@thread.tacv2', channel: '19:bench-general@thread.tacv2',
};
const TEAMS_BOT = { id: `28:${TEAMS.appId}`, name: 'ragbot' };

export type Platform = {
  tenant: string;
  /** Request number `index` as the platform sends it: headers (signed or authenticated) and body. */
  request(index: number): { headers: Record<string, string>; body: string };
  /** When the answer to request `index` reached the fake (performance.now()), if it has. */
  deliveredAt(index: number): number | undefined;
  close(): Promise<void>;
  botArgs: string[];
};

export const slackPlatform = async (questions: string[]): Promise<Platform> => {
  const api = await new FakeSlackWebApi({ token: SLACK.token, teamId: SLACK.team, botUserId: SLACK.botUser, botId: SLACK.botId }).start();
  const users = Array.from({ length: USERS }, (_, index) => `U0B${String(index).padStart(6, '0')}`);
  api.addChannel({ id: SLACK.channel, name: 'bench', kind: 'public', members: [...users, SLACK.botUser] });
  // `/ask` posts the question as a root message (its metadata key names the trigger_id), then the
  // answer in that thread: chat.postMessage's handler is wrapped to note when each answer arrives.
  const triggerOfRoot = new Map<string, string>();
  const delivered = new Map<string, number>();
  const handlers = (api as unknown as { handlers: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> }).handlers;
  const postMessage = handlers['chat.postMessage'];
  if (!postMessage) throw new Error('the fake Slack Web API has no chat.postMessage handler');
  handlers['chat.postMessage'] = (args) => {
    const result = postMessage(args);
    if (result.ok === false) return result;
    const thread = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    const key = (args.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (!thread && key?.endsWith(':question')) triggerOfRoot.set(String(result.ts), key.slice(0, -':question'.length));
    const trigger = thread ? triggerOfRoot.get(thread) : undefined;
    if (trigger && !delivered.has(trigger)) delivered.set(trigger, performance.now());
    return result;
  };
  const triggerOf = (index: number) => `${index}.bench.trigger`;
  return {
    tenant: SLACK.team,
    botArgs: ['--platform', 'slack', '--tenant', SLACK.team, '--slack-api-url', api.apiUrl, '--signing-secret', SLACK.secret, '--bot-token', SLACK.token],
    request: (index) => {
      const user = users[index % users.length] as string;
      const body = new URLSearchParams({
        token: 'bench', team_id: SLACK.team, team_domain: 'bench', channel_id: SLACK.channel, channel_name: 'bench', user_id: user, user_name: user.toLowerCase(),
        command: '/ask', text: questions[index % questions.length] as string, api_app_id: 'A0RAGBOT', is_enterprise_install: 'false',
        response_url: api.responseUrl(triggerOf(index)), trigger_id: triggerOf(index),
      }).toString();
      return { headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SLACK.secret, body) }, body };
    },
    deliveredAt: (index) => delivered.get(triggerOf(index)),
    close: () => api.close(),
  };
};

export const teamsPlatform = async (questions: string[]): Promise<Platform> => {
  const connector = await new FakeBotConnector().start();
  const openId = await new FakeOpenIdMetadata().start();
  const members: FakeMember[] = Array.from({ length: USERS }, (_, index) => ({
    id: `29:bench-user-${index}`, name: `User ${index}`, aadObjectId: `a11ce000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  }));
  connector.setTeam(TEAMS.team, { members, channels: [{ id: TEAMS.team }, { id: TEAMS.channel, name: 'bench' }] });
  connector.expectedAuthorization = 'Bearer bench-outbound-token';
  // One token for the run, as the Bot Connector reuses its token across activities; verification is per request.
  const token = openId.sign({ audience: TEAMS.appId, serviceUrl: connector.url, expiresIn: 3600 });
  const idOf = (index: number) => String(1_800_000_000_000 + index);
  // Replies are recorded with Date.now(); the offset turns them into this process's performance.now().
  const offset = Date.now() - performance.now();
  const delivered = new Map<string, number>();
  let scanned = 0;
  const scan = () => {
    for (; scanned < connector.sent.length; scanned++) {
      const sent = connector.sent[scanned];
      if (!sent || sent.kind !== 'reply') continue;
      const root = sent.conversationId.split(';messageid=')[1] ?? sent.targetId ?? '';
      if (!delivered.has(root)) delivered.set(root, sent.at - offset);
    }
  };
  return {
    tenant: TEAMS.tenant,
    botArgs: ['--platform', 'teams', '--tenant', TEAMS.tenant, '--app-id', TEAMS.appId, '--openid-url', openId.metadataUrl],
    request: (index) => {
      const id = idOf(index);
      const member = members[index % members.length] as FakeMember;
      const activity = {
        type: 'message', id, timestamp: new Date().toISOString(), channelId: 'msteams', serviceUrl: connector.url,
        from: { id: member.id, name: member.name, aadObjectId: member.aadObjectId }, recipient: TEAMS_BOT,
        conversation: { isGroup: true, conversationType: 'channel', id: `${TEAMS.channel};messageid=${id}`, tenantId: TEAMS.tenant },
        text: `<at>${TEAMS_BOT.name}</at> ${questions[index % questions.length]}`, textFormat: 'plain', locale: 'en-US',
        entities: [{ type: 'mention', text: `<at>${TEAMS_BOT.name}</at>`, mentioned: TEAMS_BOT }],
        channelData: { teamsChannelId: TEAMS.channel, teamsTeamId: TEAMS.team, channel: { id: TEAMS.channel }, team: { id: TEAMS.team }, tenant: { id: TEAMS.tenant } },
      };
      return { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(activity) };
    },
    deliveredAt: (index) => {
      scan();
      return delivered.get(idOf(index));
    },
    close: async () => {
      await connector.close();
      await openId.close();
    },
  };
};

