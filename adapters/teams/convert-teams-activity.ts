import { TurnContext, type Activity } from 'botbuilder';
import type { ChannelKind } from '../../src/core/ports/membership-directory.js';
import type { Question } from '../../src/core/question.js';

/**
 * Teams activities → the core's vocabulary. Pure functions over the (already authenticated)
 * activity: nothing here calls Teams.
 */

export type TeamsConversationType = 'channel' | 'groupChat' | 'personal';

export type TeamsChannel = {
  /** The policy's channel id: the Teams channel id (no `;messageid=`), the group chat id, or the 1:1 chat id. */
  id: string;
  kind: ChannelKind;
  external: boolean;
  conversationType: TeamsConversationType;
  name?: string;
  /** For channels: the team (its General channel has the team's id). */
  teamId?: string;
  /** For channels: standard, private or shared. */
  membershipType?: string;
};

type Loose = Record<string, unknown>;
const record = (value: unknown): Loose | undefined => (typeof value === 'object' && value !== null ? (value as Loose) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

const channelDataOf = (activity: Partial<Activity>) => record(activity.channelData) ?? {};

/** The tenant, from the verified activity: `channelData.tenant.id`, else `conversation.tenantId`. */
export const tenantIdOf = (activity: Partial<Activity>): string | undefined =>
  text(record(channelDataOf(activity).tenant)?.id) ?? text(activity.conversation?.tenantId);

/**
 * The asker: the Entra (AAD) object id when Teams gives it (stable across bots, what an admin
 * writes in the policy), else the Teams user id (`29:…`).
 */
export const userIdOf = (activity: Partial<Activity>): string | undefined => text(activity.from?.aadObjectId) ?? text(activity.from?.id);

export const conversationTypeOf = (activity: Partial<Activity>): TeamsConversationType => {
  const type = activity.conversation?.conversationType;
  if (type === 'channel' || type === 'groupChat' || type === 'personal') return type;
  // The Emulator and some test clients send no type: a group flag is the only hint.
  return activity.conversation?.isGroup ? 'groupChat' : 'personal';
};

/** `19:abc@thread.tacv2;messageid=1700000000000` → `19:abc@thread.tacv2`. */
export const withoutMessageId = (conversationId: string): string => conversationId.split(';messageid=')[0] ?? conversationId;

/** The channel or chat a message was posted in, as the access rules see it. */
export const channelOf = (activity: Partial<Activity>): TeamsChannel | undefined => {
  const conversationId = text(activity.conversation?.id);
  if (!conversationId) return undefined;
  const conversationType = conversationTypeOf(activity);
  if (conversationType === 'personal') return { id: conversationId, kind: 'dm', external: false, conversationType };
  if (conversationType === 'groupChat') {
    return { id: withoutMessageId(conversationId), kind: 'group', external: crossTenant(activity), conversationType };
  }
  const channelData = channelDataOf(activity);
  const channel = record(channelData.channel) ?? {};
  const team = record(channelData.team) ?? {};
  const id = text(channel.id) ?? text(channelData.teamsChannelId) ?? withoutMessageId(conversationId);
  const teamId = text(team.id) ?? text(channelData.teamsTeamId);
  // Teams has said `membershipType` and `type` for this over the years.
  const membershipType = (text(channel.membershipType) ?? text(channel.type))?.toLowerCase();
  const shared = membershipType === 'shared';
  const result: TeamsChannel = {
    id, conversationType, kind: shared || membershipType === 'private' ? 'private' : 'public', external: shared || crossTenant(activity),
  };
  const name = text(channel.name) ?? (teamId !== undefined && id === teamId ? 'General' : undefined);
  if (name) result.name = name;
  if (teamId) result.teamId = teamId;
  if (membershipType) result.membershipType = membershipType;
  return result;
};

/** A conversation hosted by, or shared with, another tenant than the one the message is from. */
const crossTenant = (activity: Partial<Activity>): boolean => {
  const tenantId = tenantIdOf(activity);
  if (!tenantId) return false;
  const channelData = channelDataOf(activity);
  const others = [
    text(activity.conversation?.tenantId),
    text(record(channelData.team)?.tenantId),
    text(record(channelData.channel)?.tenantId),
    text(record(channelData.team)?.hostTenantId),
  ].filter((value): value is string => value !== undefined);
  return others.some((other) => other.toLowerCase() !== tenantId.toLowerCase());
};

/**
 * The thread a message belongs to. In a channel, Teams puts the thread's root message id in the
 * conversation id (`…;messageid=<root>`); a 1:1 or group chat is a single thread.
 */
export const threadOf = (activity: Partial<Activity>): { key: string; rootId?: string } => {
  const key = activity.conversation?.id ?? '';
  const rootId = /;messageid=([^;]+)/.exec(key)?.[1];
  return rootId ? { key, rootId } : { key };
};

/** A reply inside an existing channel thread (not the post that started it). */
export const isThreadReply = (activity: Partial<Activity>): boolean => {
  const { rootId } = threadOf(activity);
  return rootId !== undefined && rootId !== activity.id;
};

/** Whether the message @-mentions the bot itself. */
export const mentionsBot = (activity: Partial<Activity>): boolean => {
  const botId = activity.recipient?.id;
  return (activity.entities ?? []).some(
    (entity) => entity.type?.toLowerCase() === 'mention' && botId !== undefined && record(entity.mentioned)?.id === botId,
  );
};

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };

/**
 * The question as the user wrote it: the bot's mention removed (`removeRecipientMention`), other
 * people's mentions reduced to their names, the few HTML entities Teams sends decoded.
 */
export const cleanMessageText = (activity: Partial<Activity>): string => {
  const copy = { ...activity, text: activity.text ?? '' } as Activity;
  let cleaned = copy.recipient?.id && mentionsBot(copy) ? TurnContext.removeRecipientMention(copy) ?? '' : copy.text;
  const botName = copy.recipient?.name;
  // A second mention of the bot, or one whose text Teams spelled differently from the entity.
  if (botName) cleaned = cleaned.split(`<at>${botName}</at>`).join(' ');
  return cleaned
    .replace(/<at>(.*?)<\/at>/gi, '$1')
    .replace(/&(?:nbsp|amp|lt|gt|quot|apos|#39);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
};

/**
 * Teams reaction names: `like`, `heart`, `laugh`, `surprised`, `sad`, `angry`, and, for the newer
 * emoji set, `<codepoints>_<name>` (`1f44d_thumbsup`): reduced to the name the core maps.
 */
export const normalizeReaction = (type: string): string => {
  const named = /^[0-9a-f]+(?:[-_][0-9a-f]+)*_([a-z][a-z0-9_]*)$/i.exec(type)?.[1];
  return (named ?? type).toLowerCase();
};

/** The reactions a `messageReaction` activity adds and removes. */
export const reactionsOf = (activity: Partial<Activity>): { reaction: string; added: boolean }[] => [
  ...(activity.reactionsAdded ?? []).map((reaction) => ({ reaction: normalizeReaction(reaction.type), added: true })),
  ...(activity.reactionsRemoved ?? []).map((reaction) => ({ reaction: normalizeReaction(reaction.type), added: false })),
];

export type FeedbackSubmission = { reaction: 'like' | 'dislike'; comment?: string };

/**
 * The feedback loop's `message/submitAction` invoke: `{ actionName: 'feedback', actionValue:
 * { reaction: 'like' | 'dislike', feedback } }`, where `feedback` is a JSON string
 * (`{"feedbackText":"…"}`), an object, or plain text, depending on the client.
 */
export const feedbackOf = (activity: Partial<Activity>): FeedbackSubmission | undefined => {
  if (activity.type !== 'invoke' || activity.name !== 'message/submitAction') return undefined;
  const value = record(activity.value);
  if (value?.actionName !== 'feedback') return undefined;
  const action = record(value.actionValue);
  const reaction = action?.reaction;
  if (reaction !== 'like' && reaction !== 'dislike') return undefined;
  const comment = feedbackText(action?.feedback)?.trim().slice(0, 2_000);
  return comment ? { reaction, comment } : { reaction };
};

const feedbackText = (feedback: unknown): string | undefined => {
  if (typeof feedback === 'string') {
    try {
      const parsed: unknown = JSON.parse(feedback);
      if (record(parsed)) return feedbackText(parsed);
    } catch {
      // plain text
    }
    return feedback;
  }
  const object = record(feedback);
  return object ? text(object.feedbackText) : undefined;
};

/** The core's question for a message the adapter decided to answer. */
export const toQuestion = (
  activity: Partial<Activity>,
  options: { tenantId: string; userId: string; channel: TeamsChannel; text: string; invocation: Question['invocation']; history: Question['history'] },
): Question => {
  const { rootId } = threadOf(activity);
  const question: Question = {
    id: activity.id ?? '',
    platform: 'teams',
    tenantId: options.tenantId,
    channel: { id: options.channel.id, kind: options.channel.kind, external: options.channel.external },
    user: { id: options.userId, ...(activity.from?.name ? { name: activity.from.name } : {}) },
    text: options.text,
    invocation: options.invocation,
    history: options.history,
    receivedAt: new Date(),
    raw: activity,
  };
  if (rootId) question.threadId = rootId;
  return question;
};
