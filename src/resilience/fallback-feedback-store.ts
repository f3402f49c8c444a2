import { BotError } from '../core/bot-error.js';
import type { AnswerRecord, FeedbackStore, Vote } from '../core/ports/feedback-store.js';
import type { DependencyPolicy } from './dependency-policy.js';
import { stateUnavailable } from './fallback-key-value-store.js';
import { createRecentAnswers } from './recent-answers.js';

/** A write the primary has not seen yet, replayed in the order it was made. */
type PendingWrite =
  | { kind: 'answer'; record: AnswerRecord }
  | { kind: 'vote'; vote: Vote }
  | { kind: 'unvote'; answerId: string; userId: string; reaction: string };

const apply = async (store: FeedbackStore, write: PendingWrite): Promise<boolean> => {
  if (write.kind === 'answer') return store.recordAnswer(write.record).then(() => true);
  if (write.kind === 'vote') return store.setVote(write.vote).then(() => true);
  return store.removeVote(write);
};

/** The votes given during an outage, by answer then user, with the port's last-vote-wins rules. */
const outageVotesOf = () => {
  const votes = new Map<string, Map<string, Vote>>();
  return {
    apply(write: Exclude<PendingWrite, { kind: 'answer' }>): boolean {
      if (write.kind === 'vote') {
        votes.set(write.vote.answerId, (votes.get(write.vote.answerId) ?? new Map<string, Vote>()).set(write.vote.userId, { ...write.vote }));
        return true;
      }
      const forAnswer = votes.get(write.answerId);
      return forAnswer?.get(write.userId)?.reaction === write.reaction && forAnswer.delete(write.userId);
    },
    of: (answerId: string): Vote[] => [...(votes.get(answerId)?.values() ?? [])].map((vote) => ({ ...vote })),
  };
};

export type FallbackFeedbackStore = FeedbackStore & {
  /** Writes made while the primary was unreachable, not yet replayed into it. */
  readonly pending: number;
  /** Replays the pending writes; true once none is left. */
  flush(): Promise<boolean>;
  /** Stops retrying in the background, after one last replay attempt. */
  close(): Promise<void>;
};

/**
 * Feedback in Redis when it answers, kept in process memory when it does not (design §8, as for
 * the key-value state), and replayed into Redis once it is back: a 👍 given during an outage is
 * not lost. Writes are replayed in the order they were made, before any newer write reaches Redis,
 * so one user's like, its removal, then a dislike still end as one "not helpful" vote (each write is
 * idempotent: a replay interrupted and resumed cannot count a vote twice).
 *
 * While Redis is unreachable, reads see this process's recent answers (so a reaction on an answer
 * given shortly before the outage still finds it) and the votes given during the outage. Removing
 * a vote given before the outage is replayed too, but reports false (this process cannot know it).
 * Pending writes live in this process: a crash before Redis is back loses them, and beyond
 * `maxPending` new writes fail as they did without the fallback.
 */
export const createFallbackFeedbackStore = (options: {
  primary: FeedbackStore;
  policy: DependencyPolicy;
  /** How often pending writes are retried while nothing else touches the store. */
  retryEveryMs?: number;
  maxPending?: number;
  /** How many of this process's latest answers can be found while the primary is unreachable. */
  recentAnswers?: number;
}): FallbackFeedbackStore => {
  const { primary, policy } = options;
  const maxPending = options.maxPending ?? 10_000;
  const recent = createRecentAnswers(options.recentAnswers ?? 2_000);
  const pending: PendingWrite[] = [];
  // The votes given during the outage, for reads until they are replayed.
  let outageVotes = outageVotesOf();
  let flushing: Promise<boolean> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const replay = async (): Promise<boolean> => {
    while (pending.length > 0) {
      try {
        await policy.execute(() => apply(primary, pending[0]!));
      } catch (error) {
        if (stateUnavailable(error)) return false;
        // Not an outage: retrying cannot help, and this write must not hold back the others.
      }
      pending.shift();
    }
    // Checked and reset with no await in between: a write made meanwhile is either replayed above or kept.
    outageVotes = outageVotesOf();
    if (timer) clearInterval(timer);
    timer = undefined;
    return true;
  };
  const flush = (): Promise<boolean> => {
    if (pending.length === 0) return Promise.resolve(true);
    flushing ??= replay().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };

  /** Runs `call` on the primary once nothing is pending; undefined when the primary is unreachable. */
  const onPrimary = async <T>(call: (store: FeedbackStore) => Promise<T>): Promise<{ value: T } | undefined> => {
    if (!(await flush())) return undefined;
    try {
      return { value: await policy.execute(() => call(primary)) };
    } catch (error) {
      if (!stateUnavailable(error)) throw error;
      return undefined;
    }
  };

  const write = async (change: PendingWrite): Promise<boolean> => {
    const done = await onPrimary((store) => apply(store, change));
    if (done) return done.value;
    if (pending.length >= maxPending) {
      throw new BotError('state_unavailable', `Redis is unreachable and ${maxPending} feedback writes already wait for it`, { retryable: true });
    }
    pending.push(change);
    timer ??= setInterval(() => void flush().catch(() => false), options.retryEveryMs ?? 5_000);
    timer.unref?.();
    return change.kind === 'answer' || outageVotes.apply(change);
  };

  return {
    get pending() {
      return pending.length;
    },
    flush,
    recordAnswer: async (record) => {
      recent.add(record);
      await write({ kind: 'answer', record: structuredClone(record) });
    },
    findAnswer: async (query) => {
      const found = await onPrimary((store) => store.findAnswer(query));
      return found ? found.value : recent.find(query);
    },
    setVote: async (vote) => {
      await write({ kind: 'vote', vote: { ...vote } });
    },
    removeVote: ({ answerId, userId, reaction }) => write({ kind: 'unvote', answerId, userId, reaction }),
    votes: async (answerId) => {
      const found = await onPrimary((store) => store.votes(answerId));
      return found ? found.value : outageVotes.of(answerId);
    },
    listAnswers: async (query) => {
      const found = await onPrimary((store) => store.listAnswers(query));
      return found ? found.value : recent.since(query.since);
    },
    close: async () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush().catch(() => false);
    },
  };
};
