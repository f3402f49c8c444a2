import type { Answer } from '../answer.js';
import { askQuestion, type AskDependencies } from '../answering/ask-question.js';
import type { FeedbackStore } from '../ports/feedback-store.js';
import type { KeyValueStore } from '../ports/key-value-store.js';
import type { Question } from '../question.js';
import type { ConversationTelemetry } from './conversation-telemetry.js';

export type Bucket = { capacity: number; refillPerSecond: number };

export type ConversationDependencies = AskDependencies & {
  state: KeyValueStore;
  feedback: FeedbackStore;
  limits: { perUser: Bucket; perChannel: Bucket };
  telemetry?: ConversationTelemetry;
  /** Keep the question text with the answer record (for the report); off by default. */
  keepQuestionText?: boolean;
};

/** How a platform posts an answer; returns the posted message's reference, for reactions. */
export type Deliver = (answer: Answer) => Promise<{ messageRef?: string }>;

export type HandledQuestion =
  | { status: 'answered'; answer: Answer; messageRef?: string }
  | { status: 'duplicate' }
  | { status: 'rate-limited'; retryAfterMs: number };

// Slack retries for up to an hour, Teams after 15 s: a day covers every redelivery.
const DEDUPE_TTL_MS = 24 * 3600_000;

export const rateLimitedText = (retryAfterMs: number) =>
  `You're asking faster than I can keep up with: please wait ${Math.max(1, Math.ceil(retryAfterMs / 1000))} seconds and ask again.`;

/**
 * One question from any platform, exactly once: deduplicated on its idempotency key before any
 * work, rate-limited per user and per channel, answered within its access scope, delivered, and
 * recorded for feedback. A delivery that fails releases the key, so the platform's retry can succeed.
 */
export const handleQuestion = async (
  dependencies: ConversationDependencies,
  options: { question: Question; deliver: Deliver; signal?: AbortSignal },
): Promise<HandledQuestion> => {
  const { question, deliver, signal } = options;
  const { state, telemetry } = dependencies;
  const key = `seen:${question.platform}:${question.tenantId}:${question.id}`;
  if (!(await state.setIfAbsent(key, 'processing', { ttlMs: DEDUPE_TTL_MS }))) {
    telemetry?.onDuplicate?.(question);
    return { status: 'duplicate' };
  }
  try {
    for (const [limit, bucketKey, bucket] of [
      ['user', `rate:user:${question.tenantId}:${question.user.id}`, dependencies.limits.perUser],
      ['channel', `rate:channel:${question.tenantId}:${question.channel.id}`, dependencies.limits.perChannel],
    ] as const) {
      const token = await state.takeToken(bucketKey, bucket);
      if (!token.allowed) {
        telemetry?.onRateLimited?.(question, limit);
        return { status: 'rate-limited', retryAfterMs: token.retryAfterMs };
      }
    }
    const answer = await askQuestion(dependencies, { question, signal });
    const { messageRef } = await deliver(answer);
    await state.set(key, 'delivered', { ttlMs: DEDUPE_TTL_MS });
    telemetry?.onAnswered?.(question, answer);
    await dependencies.feedback
      .recordAnswer({
        answerId: answer.id, tenantId: question.tenantId, platform: question.platform, channelId: question.channel.id,
        outcome: answer.outcome, scope: answer.scope, totalMs: Math.round(answer.timings.totalMs), at: new Date().toISOString(),
        sources: answer.citations.map(({ path, collection, title, section }) => ({ path, collection, title, section })),
        ...(messageRef ? { messageRef } : {}),
        ...(dependencies.keepQuestionText ? { questionText: question.text } : {}),
      })
      .catch(() => undefined);
    return { status: 'answered', answer, ...(messageRef ? { messageRef } : {}) };
  } catch (error) {
    telemetry?.onDeliveryFailed?.(question, error);
    await state.delete(key).catch(() => undefined);
    throw error;
  }
};
