import { Agent, request as httpRequest } from 'node:http';
import { FakeBotConnector, type FakeMember, type SentActivity } from '../fakes/fake-bot-connector.js';
import { FakeSlackWebApi, type FakeMessage } from '../fakes/fake-slack-web-api.js';
import { signSlackRequest } from './slack-signing.js';

/**
 * The organisation the reliability and security suites talk to: a Slack workspace (the fake Web
 * API) and a Teams tenant (the fake Bot Connector) with as many channels and people as a test
 * asks for, request builders for both platforms, and readers that count the bot's answers at the
 * fakes by the event id they answer.
 *
 * Teams runs in emulator mode (no MicrosoftAppId), as `ragbot serve` does without Bot Framework
 * credentials: activities carry the local tenant and replies carry no token.
 */

export const TENANT = 'T0ACME';
export const SLACK_BOT_TOKEN = 'xoxb-reliability-0000-ragbottoken';
export const SLACK_SIGNING_SECRET = '0e1ab1e0000000000000000000c0ffee';
export const BOT_USER = 'U0RAGBOT';
export const TEAMS_BOT = { id: '28:ragbot', name: 'ragbot' };

export type World = Awaited<ReturnType<typeof startWorld>>;

const pad = (value: number, width = 3) => String(value).padStart(width, '0');

export const slackChannelId = (index: number) => `C0CH${pad(index)}`;
export const slackUserId = (index: number) => `U0USER${pad(index)}`;
export const teamsTeamId = (index: number) => `19:team-${pad(index)}@thread.tacv2`;
export const teamsChannelId = (index: number) => `19:channel-${pad(index)}@thread.tacv2`;
export const teamsUser = (index: number): FakeMember => ({
  id: `29:user-${pad(index)}`, name: `User ${index}`, aadObjectId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
});

export const startWorld = async (options: { slackChannels?: number; slackUsers?: number; teamsTeams?: number; teamsChannelsPerTeam?: number; teamsUsers?: number } = {}) => {
  const slackChannels = options.slackChannels ?? 4;
  const slackUsers = options.slackUsers ?? 4;
  const teams = options.teamsTeams ?? 1;
  const perTeam = options.teamsChannelsPerTeam ?? 4;
  const teamsUsers = options.teamsUsers ?? 4;

  const slack = await new FakeSlackWebApi({ token: SLACK_BOT_TOKEN, teamId: TENANT, botUserId: BOT_USER, botId: 'B0RAGBOT' }).start();
  const members = [...Array.from({ length: slackUsers }, (_, index) => slackUserId(index)), 'U0ADMIN', BOT_USER];
  for (let index = 0; index < slackChannels; index++) {
    slack.addChannel({ id: slackChannelId(index), name: `load-${pad(index)}`, kind: 'public', members });
  }
  slack.addChannel({ id: 'D0ALICE', name: 'D0ALICE', kind: 'im', members: [slackUserId(0), BOT_USER] });

  const connector = await new FakeBotConnector().start();
  const roster = Array.from({ length: teamsUsers }, (_, index) => teamsUser(index));
  for (let team = 0; team < teams; team++) {
    const channels = Array.from({ length: perTeam }, (_, index) => ({ id: teamsChannelId(team * perTeam + index), name: `load-${pad(team * perTeam + index)}` }));
    connector.setTeam(teamsTeamId(team), { members: roster, channels: [{ id: teamsTeamId(team) }, ...channels] });
  }

  return {
    slack,
    connector,
    /** What `ragbot serve` needs to reach these fakes. */
    env: (): Record<string, string> => ({ SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, RAGBOT_TENANT: TENANT }),
    teamOfChannel: (channelIndex: number) => teamsTeamId(Math.floor(channelIndex / perTeam)),
    close: async () => {
      await slack.close();
      await connector.close();
    },
  };
};

// ——— Slack requests ———

export const slackMention = (options: { eventId: string; channel: string; user: string; text: string; ts: string; threadTs?: string }) => ({
  token: 'ZZZZZZWSxiZZZ2yIvs3peJ', team_id: TENANT, context_team_id: TENANT, context_enterprise_id: null, api_app_id: 'A0RAGBOT',
  event: {
    user: options.user, type: 'app_mention', ts: options.ts, text: `<@${BOT_USER}> ${options.text}`, team: TENANT, channel: options.channel, event_ts: options.ts,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  },
  type: 'event_callback', event_id: options.eventId, event_time: Math.floor(Date.now() / 1000),
  authorizations: [{ enterprise_id: null, team_id: TENANT, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
  is_ext_shared_channel: false,
});

export const slackReaction = (options: { eventId: string; user: string; channel: string; ts: string; reaction: string; added?: boolean }) => ({
  token: 'ZZZZZZWSxiZZZ2yIvs3peJ', team_id: TENANT, api_app_id: 'A0RAGBOT',
  event: {
    type: options.added === false ? 'reaction_removed' : 'reaction_added', user: options.user, reaction: options.reaction,
    item: { type: 'message', channel: options.channel, ts: options.ts }, item_user: BOT_USER, event_ts: `${Math.floor(Date.now() / 1000)}.000001`,
  },
  type: 'event_callback', event_id: options.eventId, event_time: Math.floor(Date.now() / 1000),
  authorizations: [{ enterprise_id: null, team_id: TENANT, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
  is_ext_shared_channel: false,
});

export const slackCommandForm = (options: { command: string; text: string; channel: string; user: string; triggerId: string; responseUrl: string; channelName?: string }) =>
  new URLSearchParams({
    token: 'gIkuvaNzQIHg97ATvDxqgjtO', team_id: TENANT, team_domain: 'acme', channel_id: options.channel, channel_name: options.channelName ?? 'load',
    user_id: options.user, user_name: options.user.toLowerCase(), command: options.command, text: options.text, api_app_id: 'A0RAGBOT',
    is_enterprise_install: 'false', response_url: options.responseUrl, trigger_id: options.triggerId,
  }).toString();

export type Sent = { status: number; ms: number; body: string };

/** Keep-alive connections, as a platform (or the proxy in front of the bot) keeps them. */
export const keepAliveAgent = (maxSockets = 64) => new Agent({ keepAlive: true, maxSockets });
const sharedAgent = keepAliveAgent();

/**
 * One HTTP/1.1 POST over node:http, timed from the call to the whole answer read: what Slack and
 * Teams wait for before they count a delivery as acknowledged.
 */
export const timedPost = (url: string, body: string | Buffer, headers: Record<string, string>, agent: Agent = sharedAgent): Promise<Sent> => {
  const started = performance.now();
  const attempt = (): Promise<Sent> =>
    new Promise((resolve, reject) => {
      const request = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed as idle just as it was reused: send again, as HTTP clients do.
        if (request.reusedSocket && error.code === 'ECONNRESET') attempt().then(resolve, reject);
        else reject(error);
      });
      request.end(body);
    });
  return attempt();
};

/** A signed Events API request (with Slack's redelivery headers when `retryNum` is given). */
export const sendSlackEvent = (botUrl: string, payload: unknown, options: { retryNum?: number; secret?: string; agent?: Agent } = {}) => {
  const body = JSON.stringify(payload);
  return timedPost(`${botUrl}/slack/events`, body, {
    'content-type': 'application/json', ...signSlackRequest(options.secret ?? SLACK_SIGNING_SECRET, body),
    ...(options.retryNum ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
  }, options.agent);
};

export const sendSlackForm = (botUrl: string, form: string, options: { secret?: string } = {}) =>
  timedPost(`${botUrl}/slack/events`, form, { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(options.secret ?? SLACK_SIGNING_SECRET, form) });

// ——— Teams activities ———

export const teamsChannelMessage = (options: { id: string; channel: string; team: string; user: FakeMember; text: string; serviceUrl: string; rootId?: string }) => ({
  type: 'message', id: options.id, timestamp: new Date().toISOString(), channelId: 'msteams', serviceUrl: options.serviceUrl,
  from: { id: options.user.id, name: options.user.name, aadObjectId: options.user.aadObjectId }, recipient: TEAMS_BOT,
  conversation: { isGroup: true, conversationType: 'channel', id: `${options.channel};messageid=${options.rootId ?? options.id}`, tenantId: TENANT },
  text: `<at>${TEAMS_BOT.name}</at> ${options.text}`, textFormat: 'plain', locale: 'en-US',
  entities: [{ type: 'mention', text: `<at>${TEAMS_BOT.name}</at>`, mentioned: TEAMS_BOT }],
  channelData: { teamsChannelId: options.channel, teamsTeamId: options.team, channel: { id: options.channel }, team: { id: options.team }, tenant: { id: TENANT } },
});

export const teamsPersonalMessage = (options: { id: string; user: FakeMember; text: string; serviceUrl: string }) => ({
  type: 'message', id: options.id, timestamp: new Date().toISOString(), channelId: 'msteams', serviceUrl: options.serviceUrl,
  from: { id: options.user.id, name: options.user.name, aadObjectId: options.user.aadObjectId }, recipient: TEAMS_BOT,
  conversation: { conversationType: 'personal', id: `a:personal-${options.user.aadObjectId ?? options.user.id}`, tenantId: TENANT },
  text: options.text, textFormat: 'plain', channelData: { tenant: { id: TENANT } },
});

export const teamsReaction = (options: { id: string; user: FakeMember; conversationId: string; replyToId: string; type: string; serviceUrl: string }) => ({
  type: 'messageReaction', id: options.id, channelId: 'msteams', serviceUrl: options.serviceUrl,
  from: { id: options.user.id, name: options.user.name, aadObjectId: options.user.aadObjectId }, recipient: TEAMS_BOT,
  conversation: { isGroup: true, conversationType: 'channel', id: options.conversationId, tenantId: TENANT },
  replyToId: options.replyToId, reactionsAdded: [{ type: options.type }], channelData: { tenant: { id: TENANT } },
});

export const sendTeams = (botUrl: string, activity: unknown, options: { contentType?: string; agent?: Agent } = {}) =>
  timedPost(`${botUrl}/api/messages`, typeof activity === 'string' ? activity : JSON.stringify(activity), { 'content-type': options.contentType ?? 'application/json' }, options.agent);

// ——— What the bot posted ———

/** The bot's answers in Slack by the event (or trigger) id they answer: `key` is `${questionId}:answer`. */
export const slackAnswers = (slack: FakeSlackWebApi): Map<string, FakeMessage[]> => {
  const answers = new Map<string, FakeMessage[]>();
  for (const message of slack.messages) {
    if (message.metadata?.event_type !== 'ragbot_answer') continue;
    const id = String(message.metadata.event_payload.key ?? '').replace(/:answer$/, '');
    answers.set(id, [...(answers.get(id) ?? []), message]);
  }
  return answers;
};

/** The bot's replies in Teams by the activity they reply to. */
export const teamsReplies = (connector: FakeBotConnector): Map<string, SentActivity[]> => {
  const replies = new Map<string, SentActivity[]>();
  for (const sent of connector.sent) {
    if (sent.kind !== 'reply' || !sent.targetId) continue;
    replies.set(sent.targetId, [...(replies.get(sent.targetId) ?? []), sent]);
  }
  return replies;
};

/** All text a Slack message shows (its fallback text and every text in its blocks). */
export const slackShownText = (message: { text?: unknown; blocks?: unknown }): string => {
  const texts: string[] = [typeof message.text === 'string' ? message.text : ''];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'text' && typeof child === 'string') texts.push(child);
        else visit(child);
      }
    }
  };
  visit(message.blocks);
  return texts.join('\n');
};

/** All text a Teams activity shows: its text, its cards' texts and its citations' names and abstracts. */
export const teamsShownText = (activity: Record<string, unknown>): string => JSON.stringify([activity.text ?? '', activity.attachments ?? [], activity.entities ?? []]);

const SLACK_BROADCAST = /<!(?:here|channel|everyone|subteam\^)[^>]*>/i;
const PLAIN_BROADCAST = /(^|[^\w`])@(here|channel|everyone)\b/i;

/**
 * What in a Slack message would notify people: a broadcast (`<!channel>`, `<!here>`,
 * `<!everyone>`, a user group), a plain `@channel` (notifies with link_names), or a user mention
 * other than `allowedUser` (the asker, whom an `/ask` root names on purpose).
 */
export const slackNotifies = (text: string, allowedUser?: string): string | undefined => {
  const broadcast = SLACK_BROADCAST.exec(text) ?? PLAIN_BROADCAST.exec(text);
  if (broadcast) return broadcast[0];
  for (const [mention, id] of text.matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)) if (id !== allowedUser) return mention;
  return undefined;
};

/** What in a Teams activity would notify people: a mention entity, an `<at>` tag, or a plain broadcast. */
export const teamsNotifies = (activity: Record<string, unknown>): string | undefined => {
  const entities = Array.isArray(activity.entities) ? (activity.entities as { type?: string }[]) : [];
  if (entities.some((entity) => entity.type === 'mention')) return 'a mention entity';
  const text = teamsShownText(activity);
  return /<at>/i.exec(text)?.[0] ?? PLAIN_BROADCAST.exec(text)?.[0];
};
