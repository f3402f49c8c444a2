import type { Answer } from '../answer.js';
import type { Sentiment } from '../feedback.js';
import type { Question } from '../question.js';

/** What the conversation flows report, for metrics and logs; wired at the composition root. */
export type ConversationTelemetry = {
  onAnswered?(question: Question, answer: Answer): void;
  onDuplicate?(question: Question): void;
  onRateLimited?(question: Question, limit: 'user' | 'channel'): void;
  onFeedback?(event: { platform: string; sentiment: Sentiment; collections: string[]; removed: boolean }): void;
  onDeliveryFailed?(question: Question, error: unknown): void;
};
