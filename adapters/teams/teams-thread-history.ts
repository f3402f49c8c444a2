import type { Question } from '../../src/core/question.js';

/**
 * Teams gives bots no API to read a thread or chat back (Microsoft Graph can, with tenant-wide
 * application permissions this bot does not ask for). So the adapter remembers the turns it took
 * part in, in memory, per conversation: a channel thread (`…;messageid=<root>`) or a chat. What a
 * restart forgets is only context for follow-up questions: a follow-up then reads as a new question.
 *
 * Bounded: the most recent turns of each thread, the most recently active threads, and nothing older
 * than `maxAgeMs`.
 */

export type Turn = Question['history'][number];

export type ThreadHistory = {
  /** Earlier turns of the thread, oldest first; `withinMs` keeps only the recent ones. */
  turnsOf(threadKey: string, options?: { withinMs?: number }): Turn[];
  /** Records a question and the bot's answer to it. */
  record(threadKey: string, question: string, answer: string): void;
  /** Whether the bot has answered in this thread (and still remembers it). */
  answeredIn(threadKey: string): boolean;
  readonly size: number;
};

type Thread = { turns: (Turn & { at: number })[]; lastActive: number };

export const createThreadHistory = (options: { maxTurns?: number; maxThreads?: number; maxAgeMs?: number; now?: () => number } = {}): ThreadHistory => {
  const maxTurns = options.maxTurns ?? 10;
  const maxThreads = options.maxThreads ?? 2_000;
  const maxAgeMs = options.maxAgeMs ?? 24 * 3600_000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const threads = new Map<string, Thread>();

  const live = (threadKey: string): Thread | undefined => {
    const thread = threads.get(threadKey);
    if (!thread) return undefined;
    const cutoff = now() - maxAgeMs;
    thread.turns = thread.turns.filter((turn) => turn.at >= cutoff);
    if (thread.turns.length === 0) {
      threads.delete(threadKey);
      return undefined;
    }
    return thread;
  };

  return {
    turnsOf: (threadKey, options = {}) => {
      const cutoff = options.withinMs === undefined ? Number.NEGATIVE_INFINITY : now() - options.withinMs;
      return (live(threadKey)?.turns ?? []).filter((turn) => turn.at >= cutoff).map(({ role, text }) => ({ role, text }));
    },
    answeredIn: (threadKey) => (live(threadKey)?.turns ?? []).some((turn) => turn.role === 'assistant'),
    record(threadKey, question, answer) {
      const at = now();
      const thread = live(threadKey) ?? { turns: [], lastActive: at };
      thread.turns.push({ role: 'user', text: question, at }, { role: 'assistant', text: answer, at });
      thread.turns = thread.turns.slice(-maxTurns);
      thread.lastActive = at;
      threads.delete(threadKey);
      threads.set(threadKey, thread);
      while (threads.size > maxThreads) {
        const oldest = threads.keys().next().value;
        if (oldest === undefined) break;
        threads.delete(oldest);
      }
    },
    get size() {
      return threads.size;
    },
  };
};
