import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBackgroundWork } from '../../adapters/shared/background-work.js';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { silentLogger } from '../../src/core/ports/logger.js';
import { FakeSlackWebApi } from '../fakes/fake-slack-web-api.js';
import { signSlackRequest } from '../support/slack-signing.js';
import { createBotUnderTest, type BotUnderTest, type ChannelName, type PlatformIds, type UserName } from './bot-under-test.js';
import type { AuditEntry, PlatformDriver, ShownMessage, Vote } from './scenarios.js';

/**
 * The parity scenarios on Slack: each step is a signed Events API request or slash command to the
 * real Bolt app (createSlackAdapter over HTTP), built from the adapter's own payload fixtures; the
 * outcome is read back from the fake Web API: the bot's messages (threads by `thread_ts`, the latest
 * text after chat.update), ephemeral and response_url replies (private), citations from the
 * sources' context lines.
 *
 * Written against adapters/slack as it stood when the parity suite was added (createSlackAdapter,
 * FakeSlackWebApi, test/support/slack-signing.ts, adapters/slack/__fixtures__); if those change,
 * this file is the only place to adapt.
 */

const SIGNING_SECRET = '5e1f0c0ffee0parity0secret0123456789';
const BOT_TOKEN = 'xoxb-parity-0000-ragbottoken';
const BOT_USER = 'U0RAGBOT';

export const SLACK_IDS: PlatformIds = {
  tenant: 'T0PARITY',
  users: { alice: 'U0ALICE', bob: 'U0BOB', admin: 'U0ADMIN' },
  channels: { netops: 'C0NETOPS', secops: 'C0SECOPS', followups: 'C0FOLLOW', shared: 'C0SHARED' },
};
const CHANNEL_NAMES: Record<ChannelName, string> = { netops: 'netops-talk', secops: 'secops', followups: 'inc-followups', shared: 'partner-shared' };
const REACTIONS = { helpful: '+1', 'not-helpful': '-1' } as const;
const userNames = new Map(Object.entries(SLACK_IDS.users).map(([name, id]) => [id, name as UserName]));

const fixture = (name: string) => readFileSync(new URL(`../../adapters/slack/__fixtures__/${name}`, import.meta.url), 'utf8');

/** An Events API envelope from the adapter's fixture, moved to this workspace. */
const envelope = (name: string, eventId: string, event: Record<string, unknown>, external = false) => {
  const body = JSON.parse(fixture(name)) as Record<string, unknown> & { event: Record<string, unknown>; authorizations?: Record<string, unknown>[] };
  return {
    ...body,
    team_id: SLACK_IDS.tenant,
    ...('context_team_id' in body ? { context_team_id: SLACK_IDS.tenant } : {}),
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    is_ext_shared_channel: external,
    authorizations: (body.authorizations ?? []).map((authorization) => ({ ...authorization, team_id: SLACK_IDS.tenant, user_id: BOT_USER })),
    event: { ...body.event, ...('team' in body.event ? { team: SLACK_IDS.tenant } : {}), blocks: undefined, ...event },
  };
};

type Posted = { channel: string; ts: string; body: unknown };

export const createSlackDriver = (): PlatformDriver => {
  let api: FakeSlackWebApi | undefined;
  let bot: BotUnderTest | undefined;
  let adapter: SlackAdapter | undefined;
  let server: Server | undefined;
  let url = '';
  const background = createBackgroundWork(() => undefined);
  const posts = new Map<string, Posted>();
  let sequence = 0;
  const nextId = (prefix: string) => `${prefix}${String(++sequence).padStart(6, '0')}PARITY`;

  const running = () => {
    if (!api || !bot) throw new Error('the Slack driver is not started');
    return { api, bot };
  };
  const post = (name: string) => {
    const found = posts.get(name);
    if (!found) throw new Error(`no post named ${name}`);
    return found;
  };
  const send = async (body: string, contentType: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...signSlackRequest(SIGNING_SECRET, body), ...headers }, body });
    if (response.status !== 200) throw new Error(`Slack request answered ${response.status}: ${await response.text()}`);
  };
  const sendEvent = (body: unknown, retryNum?: number) =>
    send(JSON.stringify(body), 'application/json', retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {});
  const answerTs = (name: string) => {
    const { channel, ts } = post(name);
    const answer = running().api.botMessages(channel, ts)[0];
    if (!answer) throw new Error(`the bot did not answer ${name}`);
    return { channel, ts: answer.ts };
  };
  let retries = 0;

  return {
    platform: 'slack',
    async start() {
      api = await new FakeSlackWebApi({ token: BOT_TOKEN, teamId: SLACK_IDS.tenant, botUserId: BOT_USER, botId: 'B0RAGBOT' }).start();
      const everyone = [SLACK_IDS.users.alice, SLACK_IDS.users.bob, SLACK_IDS.users.admin, BOT_USER];
      api
        .addChannel({ id: SLACK_IDS.channels.netops, name: CHANNEL_NAMES.netops, kind: 'public', members: everyone })
        .addChannel({ id: SLACK_IDS.channels.followups, name: CHANNEL_NAMES.followups, kind: 'public', members: everyone })
        .addChannel({ id: SLACK_IDS.channels.shared, name: CHANNEL_NAMES.shared, kind: 'public', external: true, members: everyone })
        .addChannel({ id: SLACK_IDS.channels.secops, name: CHANNEL_NAMES.secops, kind: 'private', members: [SLACK_IDS.users.alice, BOT_USER] });
      bot = await createBotUnderTest(SLACK_IDS);
      adapter = createSlackAdapter({
        config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: api.apiUrl },
        services: bot.services, logger: silentLogger, background, state: bot.state,
      });
      const routes = adapter.routes;
      server = createServer((request, response) => {
        const path = new URL(request.url ?? '/', 'http://localhost').pathname;
        const route = routes.find((candidate) => candidate.method === request.method && candidate.path === path);
        if (route) void route.handle(request, response);
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${routes[0]?.path ?? '/slack/events'}`;
    },
    async close() {
      await background.drain(5_000);
      await adapter?.stop();
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await api?.close();
    },
    async mention({ as, user, channel, text }) {
      const channelId = SLACK_IDS.channels[channel];
      const fullText = `<@${BOT_USER}> ${text}`;
      const ts = running().api.addUserMessage({ channel: channelId, user: SLACK_IDS.users[user], text: fullText });
      const body = envelope('app-mention.json', nextId('Ev'), { user: SLACK_IDS.users[user], channel: channelId, text: fullText, ts, event_ts: ts }, channel === 'shared');
      posts.set(as, { channel: channelId, ts, body });
      await sendEvent(body);
    },
    async threadReply({ as, user, channel, thread, text }) {
      const channelId = SLACK_IDS.channels[channel];
      const root = post(thread);
      const ts = running().api.addUserMessage({ channel: channelId, user: SLACK_IDS.users[user], text, thread_ts: root.ts });
      const body = envelope(
        'message-in-thread.json', nextId('Ev'),
        { user: SLACK_IDS.users[user], channel: channelId, text, ts, event_ts: ts, thread_ts: root.ts, parent_user_id: SLACK_IDS.users.bob },
        channel === 'shared',
      );
      posts.set(as, { channel: channelId, ts, body });
      await sendEvent(body);
    },
    async redeliver({ post: name }) {
      await sendEvent(post(name).body, ++retries);
    },
    async react({ user, answerTo, sentiment, added }) {
      const { channel, ts } = answerTs(answerTo);
      const body = envelope(added ? 'reaction-added.json' : 'reaction-removed.json', nextId('Ev'), {
        user: SLACK_IDS.users[user], reaction: REACTIONS[sentiment], item: { type: 'message', channel, ts }, item_user: BOT_USER, event_ts: running().api.nextTs(),
      });
      await sendEvent(body);
    },
    async reindex({ as, user, channel, args }) {
      const form = new URLSearchParams(fixture('slash-command-reindex.txt').trim());
      const trigger = nextId('trigger');
      const channelId = SLACK_IDS.channels[channel];
      form.set('team_id', SLACK_IDS.tenant);
      form.set('channel_id', channelId);
      form.set('channel_name', CHANNEL_NAMES[channel]);
      form.set('user_id', SLACK_IDS.users[user]);
      form.set('user_name', user);
      form.set('text', args);
      form.set('trigger_id', trigger);
      form.set('response_url', running().api.responseUrl(trigger));
      posts.set(as, { channel: channelId, ts: '', body: form.toString() });
      await send(form.toString(), 'application/x-www-form-urlencoded');
    },
    async settle() {
      if (!(await background.drain(20_000))) throw new Error('background work did not finish');
    },
    shown() {
      const { api: slack } = running();
      const threads = new Map([...posts].map(([name, posted]) => [`${posted.channel}:${posted.ts}`, name]));
      const messages: ShownMessage[] = slack.messages
        .filter((message) => message.user === BOT_USER)
        .map((message) => {
          const thread = message.thread_ts ? threads.get(`${message.channel}:${message.thread_ts}`) : undefined;
          return { private: false, ...(thread ? { thread } : {}), ...normalize(message.text, message.blocks) };
        });
      const privately = [
        ...slack.ephemerals.map((args) => normalize(String(args.text ?? ''), args.blocks as unknown[] | undefined)),
        ...slack.responses.map(({ body }) => normalize(String(body.text ?? ''), body.blocks as unknown[] | undefined)),
      ].map((message) => ({ private: true, ...message }));
      return [...messages, ...privately];
    },
    async votes(name) {
      const { bot: core } = running();
      const { channel, ts } = answerTs(name);
      const record = await core.feedback.findAnswer({ platform: 'slack', messageRef: `${channel}:${ts}` });
      if (!record) return [];
      return (await core.feedback.votes(record.answerId)).map((vote): Vote => ({ user: userNames.get(vote.userId) ?? (vote.userId as UserName), sentiment: vote.sentiment }));
    },
    audit: () =>
      running().bot.audit.events.map((event): AuditEntry => ({
        action: event.action, outcome: event.outcome, ...(event.userId ? { user: userNames.get(event.userId) ?? (event.userId as UserName) } : {}),
      })),
  };
};

/** Text of a message (its blocks' texts when it has blocks) and `collection/document` from each source line. */
const normalize = (text: string, blocks: unknown[] | undefined): { text: string; citations: string[] } => {
  const texts: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.text === 'string') texts.push(record.text);
      for (const [key, child] of Object.entries(record)) if (key !== 'text' && typeof child === 'object') visit(child);
      if (record.text && typeof record.text === 'object') visit(record.text);
    }
  };
  visit(blocks ?? []);
  const all = texts.length > 0 ? texts.join('\n') : text; // `text` is the blocks' notification fallback
  // `[n] *Title* › section · \`document\` · collection · updated …` (render-slack-answer.ts's sourceLine, without URLs)
  const citations = [...all.matchAll(/^\[\d+\] .*? · `([^`]+)` · ([^·\n]+?) · updated /gm)].map(([, document, collection]) => `${collection?.trim()}/${document}`);
  return { text: all, citations: [...new Set(citations)] };
};
