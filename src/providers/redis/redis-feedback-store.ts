import type { Redis } from 'ioredis';
import { redisCall } from './redis-call.js';
import type { AnswerRecord, FeedbackStore, Vote } from '../../core/ports/feedback-store.js';

// Removing a vote must not race a newer vote from the same user: compare and delete in one step.
const REMOVE_VOTE_IF_REACTION = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if cjson.decode(current)['reaction'] ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`;

/** Answers and votes in Redis, kept for `retentionDays`, shared by every replica. */
export const createRedisFeedbackStore = (client: Redis, options: { retentionDays?: number } = {}): FeedbackStore => {
  const retentionSeconds = (options.retentionDays ?? 180) * 24 * 3600;
  const run = redisCall;
  const load = async (answerId: string) => {
    const json = await client.get(`answer:${answerId}`);
    return json ? (JSON.parse(json) as AnswerRecord) : undefined;
  };
  return {
    recordAnswer: (record) =>
      run('record answer', async () => {
        const transaction = client.multi()
          .set(`answer:${record.answerId}`, JSON.stringify(record), 'EX', retentionSeconds)
          .zadd('answers:by-time', Date.parse(record.at), record.answerId);
        if (record.messageRef) {
          transaction.set(`answer-by-message:${record.platform}:${record.messageRef}`, record.answerId, 'EX', retentionSeconds);
        }
        await transaction.exec();
      }),
    findAnswer: ({ answerId, platform, messageRef }) =>
      run('find answer', async () => {
        const id = answerId ?? (platform && messageRef ? await client.get(`answer-by-message:${platform}:${messageRef}`) : null);
        return id ? load(id) : undefined;
      }),
    setVote: (vote) =>
      run('set vote', async () => {
        await client.multi().hset(`votes:${vote.answerId}`, vote.userId, JSON.stringify(vote)).expire(`votes:${vote.answerId}`, retentionSeconds).exec();
      }),
    removeVote: ({ answerId, userId, reaction }) =>
      run('remove vote', async () => (await client.eval(REMOVE_VOTE_IF_REACTION, 1, `votes:${answerId}`, userId, reaction)) === 1),
    votes: (answerId) =>
      run('list votes', async () => Object.values(await client.hgetall(`votes:${answerId}`)).map((json) => JSON.parse(json) as Vote)),
    listAnswers: ({ since }) =>
      run('list answers', async () => {
        const ids = await client.zrangebyscore('answers:by-time', since.getTime(), '+inf');
        const records = await Promise.all(ids.map(load));
        return records.filter((record): record is AnswerRecord => record !== undefined);
      }),
  };
};
