import type { ChannelInfo } from '../../src/core/ports/membership-directory.js';
import type { Question } from '../../src/core/question.js';

/**
 * Slack payloads → the core's normalized values. Each payload shape is recognised by a type guard;
 * anything else becomes an `ignored` value with the reason, which the listener logs at debug.
 * Only verified fields are read: the tenant comes from the signed envelope, never from text.
 */

export type Ignored = { kind: 'ignored'; reason: string };

export type QuestionCandidate = {
  kind: 'question';
  /** Idempotency key: `event_id` for events, `trigger_id` for slash commands. */
  id: string;
  tenantId: string;
  channelId: string;
  userId: string;
  text: string;
  invocation: Question['invocation'];
  /** The thread the answer goes to; undefined for `/ask`, whose question becomes the thread's root. */
  threadTs?: string;
  /** The message's own ts: history is what the thread said before it. */
  messageTs?: string;
  /** Whether the message sits in an existing thread (only then is there history to read). */
  inThread: boolean;
  /** Channel facts in the payload, used when conversations.info cannot be read. */
  channelHint: { kind?: ChannelInfo['kind']; external?: boolean };
  raw: unknown;
};

export type ReactionCandidate = { kind: 'reaction'; tenantId: string; messageRef: string; userId: string; reaction: string; added: boolean };

type Envelope = { type: 'event_callback'; event_id: string; team_id?: string; enterprise_id?: string | null; is_ext_shared_channel?: boolean };
type AppMention = { type: 'app_mention'; user: string; text: string; ts: string; channel: string; thread_ts?: string; bot_id?: string; subtype?: string };
type MessageEvent = {
  type: 'message'; channel: string; ts: string; subtype?: string; user?: string; bot_id?: string; text?: string; thread_ts?: string; channel_type?: string;
};
type ReactionEvent = { type: 'reaction_added' | 'reaction_removed'; user: string; reaction: string; item: { type: string; channel?: string; ts?: string } };
export type SlashCommand = {
  command: string; text: string; user_id: string; channel_id: string; team_id: string; trigger_id: string; response_url: string;
  enterprise_id?: string; channel_name?: string;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: Record<string, unknown>, ...keys: string[]) => keys.every((key) => typeof value[key] === 'string' && value[key] !== '');

export const isEnvelope = (body: unknown): body is Envelope => isRecord(body) && body.type === 'event_callback' && strings(body, 'event_id');
export const isAppMention = (event: unknown): event is AppMention =>
  isRecord(event) && event.type === 'app_mention' && strings(event, 'user', 'ts', 'channel') && typeof event.text === 'string';
export const isMessageEvent = (event: unknown): event is MessageEvent => isRecord(event) && event.type === 'message' && strings(event, 'channel', 'ts');
export const isReactionEvent = (event: unknown): event is ReactionEvent =>
  isRecord(event) && (event.type === 'reaction_added' || event.type === 'reaction_removed') && strings(event, 'user', 'reaction') && isRecord(event.item);
export const isSlashCommand = (body: unknown): body is SlashCommand =>
  isRecord(body) && strings(body, 'command', 'user_id', 'channel_id', 'team_id', 'trigger_id', 'response_url') && typeof body.text === 'string';

/** The tenant: the Enterprise Grid organization when there is one, else the workspace. */
export const tenantOf = (body: { team_id?: string; enterprise_id?: string | null }): string | undefined =>
  (typeof body.enterprise_id === 'string' && body.enterprise_id !== '' ? body.enterprise_id : undefined) ?? body.team_id;

/** Slack's encoded text (`<@U1>`, `<url|label>`, `&amp;`) as the plain words a person typed; the bot's own mention removed. */
export const plainTextOf = (text: string, botUserId?: string): string =>
  text
    .replace(/<@([A-Z0-9]+)(?:\|([^>]*))?>/g, (_match, id: string, label?: string) => (id === botUserId ? ' ' : `@${label || id}`))
    .replace(/<#([A-Z0-9]+)(?:\|([^>]*))?>/g, (_match, id: string, name?: string) => `#${name || id}`)
    .replace(/<!([^|>]+)(?:\|([^>]*))?>/g, (_match, name: string, label?: string) => label || `@${name}`)
    .replace(/<([^|>]+)\|([^>]*)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim();

// Mentions of people or broadcasts: such a message talks to someone, not to the bot.
const MENTIONS_SOMEONE = /<@[A-Z0-9]+|<!(?:here|channel|everyone|subteam)/;

const ignored = (reason: string): Ignored => ({ kind: 'ignored', reason });

/** Kind from the payload alone: `D…` ids and `channel_type: im` are DMs; anything else has an audience. */
const kindHint = (channelId: string, channelType?: string): ChannelInfo['kind'] =>
  channelType === 'im' || (channelType === undefined && channelId.startsWith('D'))
    ? 'dm'
    : channelType === 'mpim' ? 'group' : channelType === 'group' ? 'private' : 'public';

export const fromAppMention = (body: unknown, event: unknown, botUserId?: string): QuestionCandidate | Ignored => {
  if (!isEnvelope(body)) return ignored('not an event_callback envelope');
  if (!isAppMention(event)) return ignored('not an app_mention with user, text, ts and channel');
  if (event.bot_id || event.subtype) return ignored('a mention by a bot or a message subtype');
  const tenantId = tenantOf(body);
  if (!tenantId) return ignored('no team_id in the envelope');
  return {
    kind: 'question', id: body.event_id, tenantId, channelId: event.channel, userId: event.user, text: plainTextOf(event.text, botUserId),
    invocation: 'mention', threadTs: event.thread_ts ?? event.ts, messageTs: event.ts, inThread: event.thread_ts !== undefined,
    channelHint: { kind: kindHint(event.channel), ...(typeof body.is_ext_shared_channel === 'boolean' ? { external: body.is_ext_shared_channel } : {}) },
    raw: body,
  };
};

/**
 * A plain message: a DM to the bot, or possibly a follow-up in a thread (the listener then checks
 * that the bot answered that thread and that the channel follows threads). Never bots, edits,
 * joins or other subtypes, and never messages that mention someone (the bot's own mentions come
 * as app_mention events, which would otherwise be answered twice).
 */
export const fromMessage = (body: unknown, event: unknown, botUserId?: string): QuestionCandidate | Ignored => {
  if (!isEnvelope(body)) return ignored('not an event_callback envelope');
  if (!isMessageEvent(event)) return ignored('not a message with channel and ts');
  if (event.subtype) return ignored(`message subtype ${event.subtype}`);
  if (event.bot_id || !event.user) return ignored('a message from a bot');
  if (event.user === botUserId) return ignored('the bot’s own message');
  const tenantId = tenantOf(body);
  if (!tenantId) return ignored('no team_id in the envelope');
  const text = event.text ?? '';
  const isDm = event.channel_type === 'im';
  const inThread = event.thread_ts !== undefined && event.thread_ts !== event.ts;
  if (!isDm && !inThread) return ignored('a channel message outside a thread');
  if (!isDm && MENTIONS_SOMEONE.test(text)) return ignored('a thread message that mentions someone');
  return {
    kind: 'question', id: body.event_id, tenantId, channelId: event.channel, userId: event.user, text: plainTextOf(text, botUserId),
    invocation: isDm ? 'dm' : 'thread-followup', threadTs: event.thread_ts ?? event.ts, messageTs: event.ts, inThread,
    channelHint: {
      kind: kindHint(event.channel, event.channel_type),
      ...(typeof body.is_ext_shared_channel === 'boolean' ? { external: body.is_ext_shared_channel } : {}),
    },
    raw: body,
  };
};

/** Reactions to messages; `channel:ts` is the reference the bot returned when it posted. */
export const fromReaction = (body: unknown, event: unknown): ReactionCandidate | Ignored => {
  if (!isEnvelope(body)) return ignored('not an event_callback envelope');
  if (!isReactionEvent(event)) return ignored('not a reaction event');
  if (event.item.type !== 'message' || !event.item.channel || !event.item.ts) return ignored(`a reaction to a ${event.item.type}`);
  const tenantId = tenantOf(body);
  if (!tenantId) return ignored('no team_id in the envelope');
  return {
    kind: 'reaction', tenantId, messageRef: messageRefOf(event.item.channel, event.item.ts), userId: event.user,
    reaction: event.reaction, added: event.type === 'reaction_added',
  };
};

/** `/ask <question>`: the question becomes a visible root message, answered in its thread. */
export const fromAskCommand = (body: unknown): QuestionCandidate | Ignored => {
  if (!isSlashCommand(body)) return ignored('not a slash command payload');
  return {
    kind: 'question', id: body.trigger_id, tenantId: tenantOf(body) ?? body.team_id, channelId: body.channel_id, userId: body.user_id,
    text: plainTextOf(body.text), invocation: 'slash', inThread: false,
    // A slash command says nothing about Slack Connect: without conversations.info it fails closed.
    channelHint: body.channel_name === 'directmessage' ? { kind: 'dm' } : {},
    raw: body,
  };
};

export const messageRefOf = (channel: string, ts: string) => `${channel}:${ts}`;

export const toQuestion = (
  candidate: QuestionCandidate,
  channel: Pick<ChannelInfo, 'kind' | 'external'>,
  history: Question['history'],
  threadTs?: string,
): Question => {
  const thread = threadTs ?? candidate.threadTs;
  return {
    id: candidate.id, platform: 'slack', tenantId: candidate.tenantId,
    channel: { id: candidate.channelId, kind: channel.kind, external: channel.external },
    user: { id: candidate.userId }, text: candidate.text, invocation: candidate.invocation, history, receivedAt: new Date(),
    ...(thread ? { threadId: thread } : {}),
    raw: candidate.raw,
  };
};
