import type { Sentiment } from '../feedback.js';

/** What is kept of an answer for feedback and the report: never the question text unless enabled. */
export type AnswerRecord = {
  answerId: string;
  tenantId: string;
  platform: string;
  /** The platform's id of the posted answer message (Slack ts, Teams activity id). */
  messageRef?: string;
  channelId: string;
  outcome: string;
  scope: string[];
  sources: { path: string; collection: string; title: string; section: string }[];
  questionText?: string;
  totalMs: number;
  at: string;
};

export type Vote = { answerId: string; userId: string; reaction: string; sentiment: Sentiment; at: string; comment?: string };

/**
 * Answers and their feedback. One vote per user per answer: the latest counts; removing the
 * reaction that made the vote removes it.
 */
export type FeedbackStore = {
  recordAnswer(record: AnswerRecord): Promise<void>;
  findAnswer(options: { answerId?: string; platform?: string; messageRef?: string }): Promise<AnswerRecord | undefined>;
  setVote(vote: Vote): Promise<void>;
  /** Removes the user's vote if it came from this reaction; true when a vote was removed. */
  removeVote(options: { answerId: string; userId: string; reaction: string }): Promise<boolean>;
  votes(answerId: string): Promise<Vote[]>;
  listAnswers(options: { since: Date }): Promise<AnswerRecord[]>;
};
