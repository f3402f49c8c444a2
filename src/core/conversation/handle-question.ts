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
// While a question is being answered its key lives only briefly, renewed as long as the work goes
// on: if the process dies mid-answer the key expires, so the platform's redelivery is answered
// instead of being dropped as a duplicate of an attempt that will never finish.
export const PROCESSING_TTL_MS = 15_000;
const PROCESSING_RENEW_MS = PROCESSING_TTL_MS / 3;

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
  if (!(await state.setIfAbsent(key, 'processing', { ttlMs: PROCESSING_TTL_MS }))) {
    telemetry?.onDuplicate?.(question);
    return { status: 'duplicate' };
  }
  let renewal: Promise<unknown> = Promise.resolve();
  const renewing = setInterval(() => {
    renewal = state.set(key, 'processing', { ttlMs: PROCESSING_TTL_MS }).catch(() => undefined);
  }, PROCESSING_RENEW_MS);
  renewing.unref?.();
  // A renewal still in flight must land before the final value, never after it.
  const stopRenewing = async () => {
    clearInterval(renewing);
    await renewal;
  };
  try {
    for (const [limit, bucketKey, bucket] of [
      ['user', `rate:user:${question.tenantId}:${question.user.id}`, dependencies.limits.perUser],
      ['channel', `rate:channel:${question.tenantId}:${question.channel.id}`, dependencies.limits.perChannel],
    ] as const) {
      const token = await state.takeToken(bucketKey, bucket);
      if (!token.allowed) {
        telemetry?.onRateLimited?.(question, limit);
        await stopRenewing();
        await state.set(key, 'rate-limited', { ttlMs: DEDUPE_TTL_MS }).catch(() => undefined);
        return { status: 'rate-limited', retryAfterMs: token.retryAfterMs };
      }
    }
    const answer = await askQuestion(dependencies, { question, signal });
    const { messageRef } = await deliver(answer);
    await stopRenewing();
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
    await stopRenewing();
    telemetry?.onDeliveryFailed?.(question, error);
    await state.delete(key).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(renewing);
  }
};
