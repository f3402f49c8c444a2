import type { webApi } from '@slack/bolt';
import type { Question } from '../../src/core/question.js';
import { plainTextOf } from './convert-slack-event.js';
import { METADATA_PREFIX, type SlackCall } from './post-slack-reply.js';

type WebClient = webApi.WebClient;
type Turn = Question['history'][number];
type Reply = {
  ts?: string; user?: string; bot_id?: string; subtype?: string; text?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
};
export type BotIdentity = { botUserId: string; botId?: string };

const PAGE_SIZE = 200;
const MAX_PAGES = 5;
const MAX_TURN_CHARACTERS = 1_500;

/** Orders Slack timestamps ("1700000000.000100") exactly; as floats they have too many digits. */
export const compareTs = (left: string, right: string): number => {
  const [leftSeconds = '0', leftMicros = ''] = left.split('.');
  const [rightSeconds = '0', rightMicros = ''] = right.split('.');
  return Number(leftSeconds) - Number(rightSeconds) || Number(leftMicros.padEnd(6, '0')) - Number(rightMicros.padEnd(6, '0'));
};

/** One message as a turn: the bot's answers are the assistant's, a `/ask` root is the asker's question. */
const turnOf = (message: Reply, bot: BotIdentity): Turn | undefined => {
  const type = message.metadata?.event_type;
  if (type === `${METADATA_PREFIX}question`) return { role: 'user', text: String(message.metadata?.event_payload?.question ?? '') };
  const fromBot = message.user === bot.botUserId || (bot.botId !== undefined && message.bot_id === bot.botId);
  // The bot's `text` is its mrkdwn fallback: read back as plain words, like anyone else's.
  if (fromBot) return type === `${METADATA_PREFIX}reindex` ? undefined : { role: 'assistant', text: plainTextOf(message.text ?? '', bot.botUserId) };
  if (message.bot_id || message.subtype) return undefined; // other apps, joins, channel notices
  return { role: 'user', text: plainTextOf(message.text ?? '', bot.botUserId) };
};

/**
 * Earlier turns of a thread from conversations.replies. Cached in memory: a fetch that already
 * saw the message being answered holds everything before it, so redeliveries of that event and
 * concurrent handling of it share one request; a later message fetches again.
 */
export const createThreadHistory = (options: {
  client: WebClient;
  call: SlackCall;
  ttlMs?: number;
  maxTurns?: number;
  maxEntries?: number;
}) => {
  const { client, call } = options;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const maxTurns = options.maxTurns ?? 10;
  const maxEntries = options.maxEntries ?? 500;
  const cache = new Map<string, { fetchedAt: number; replies: Promise<Reply[]> }>();

  const fetchReplies = async (channel: string, threadTs: string, upTo: string, signal?: AbortSignal): Promise<Reply[]> => {
    const replies: Reply[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await call(
        'conversations.replies',
        () =>
          client.conversations.replies({
            channel, ts: threadTs, latest: upTo, inclusive: true, include_all_metadata: true, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}),
          }),
        signal,
      );
      replies.push(...((result.messages ?? []) as Reply[]));
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return replies;
  };

  const repliesUpTo = async (channel: string, threadTs: string, messageTs: string, signal?: AbortSignal): Promise<Reply[]> => {
    const key = `${channel}:${threadTs}`;
    const cached = cache.get(key);
    if (cached && Date.now() - cached.fetchedAt < ttlMs) {
      const replies = await cached.replies.catch(() => undefined);
      if (replies?.some((reply) => reply.ts !== undefined && compareTs(reply.ts, messageTs) >= 0)) return replies;
    }
    const replies = fetchReplies(channel, threadTs, messageTs, signal);
    cache.delete(key);
    cache.set(key, { fetchedAt: Date.now(), replies });
    replies.catch(() => cache.get(key)?.replies === replies && cache.delete(key)); // failures are not cached
    for (const oldest of cache.keys()) {
      if (cache.size <= maxEntries) break;
      cache.delete(oldest);
    }
    return replies;
  };

  return {
    /** The turns before `messageTs` in the thread, oldest first, at most `maxTurns`. */
    async before(request: { channel: string; threadTs: string; messageTs: string; bot: BotIdentity; signal?: AbortSignal }): Promise<Turn[]> {
      const replies = await repliesUpTo(request.channel, request.threadTs, request.messageTs, request.signal);
      return replies
        .filter((reply) => reply.ts !== undefined && compareTs(reply.ts, request.messageTs) < 0)
        .map((reply) => turnOf(reply, request.bot))
        .filter((turn): turn is Turn => turn !== undefined && turn.text.trim() !== '')
        .map((turn) => ({ role: turn.role, text: turn.text.trim().slice(0, MAX_TURN_CHARACTERS) }))
        .slice(-maxTurns);
    },
    clear: () => cache.clear(),
  };
};

export type ThreadHistory = ReturnType<typeof createThreadHistory>;
